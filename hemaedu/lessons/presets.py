"""Teaching vignettes (an app's presets), read from each lesson's ``presets.toml``.

A preset sets an app's controls to one teaching case. Its values are language-neutral (the
rules' canonical units, an option's value), so they live beside the lesson's content, not in a
language folder: ``hemaedu/lessons/<package>/presets.toml``, one table per app and preset, in
the order the buttons show them::

    [blood_count_explorer.severe_aplastic_anemia]
    sex = "male"
    platelets = 14        # ×10⁹/L

The button's label and hint are texts: ``[presets.<preset id>]`` in ``content/<lang>/lesson.toml``.
The vignettes are illustrative, not real patients.

>>> example = '''
... [explorer.low]
... platelets = 14
... '''
>>> parse_presets(example, where="example.toml")
{'explorer': {'low': {'platelets': 14}}}
>>> parse_presets("[explorer.low]\\nplatelets = [1, 2]", where="example.toml")
Traceback (most recent call last):
...
ValueError: example.toml [explorer.low]: platelets = [1, 2] is not a number, a text or true/false
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["check_presets", "parse_presets", "presets"]

FILENAME = "presets.toml"


def _shown(package: str) -> str:
    """The file's path as a contributor finds it in the repository."""
    return f"hemaedu/lessons/{package}/{FILENAME}"


def parse_presets(source: str, *, where: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Every preset in the TOML text ``source``: app id -> preset id -> control values.

    Raises ``ValueError`` naming ``where`` and the table when the text is not TOML, a table is
    not ``[<app id>.<preset id>]`` with values in it, or a value is anything but a number, a text
    or a boolean.
    """
    try:
        tables = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where} is not valid TOML: {exc}") from None
    for app_id, app in tables.items():
        if not isinstance(app, dict) or not app:
            raise ValueError(f"{where}: {app_id!r} must hold tables [{app_id}.<preset id>], one per preset")
        for preset_id, values in app.items():
            if not isinstance(values, dict) or not values:
                raise ValueError(f"{where} [{app_id}.{preset_id}] must be a table of control values (name = value)")
            for name, value in values.items():
                if not isinstance(value, str | int | float | bool):
                    raise ValueError(f"{where} [{app_id}.{preset_id}]: {name} = {value!r} is not a number, a text "
                                     "or true/false")
    return tables


@cache
def _presets(package: str) -> dict[str, dict[str, dict[str, Any]]]:
    from . import lesson  # the registry, which imports the apps that import this module

    path = resources.files("hemaedu.lessons") / package / FILENAME
    where = _shown(package)
    if not path.is_file():
        raise ValueError(f"{where} does not exist; create it with a table [<app id>.<preset id>] per preset")
    found = parse_presets(path.read_text(encoding="utf-8"), where=where)
    apps = lesson(package).apps
    for app_id in found:
        if app_id not in apps:  # a misspelt app would lose its presets without a word
            raise ValueError(f"{where}: [{app_id}.…] names no app of this lesson; its apps: {', '.join(apps)}")
    return found


def presets(package: str, app_id: str) -> dict[str, dict[str, Any]]:
    """The presets of app ``app_id`` in lesson ``package``'s ``presets.toml`` (a fresh copy, file order)."""
    found = _presets(package)
    if app_id not in found:
        raise ValueError(f"{_shown(package)} has no presets for the app {app_id!r}: "
                         f"add a table [{app_id}.<preset id>] per preset")
    return {preset_id: dict(values) for preset_id, values in found[app_id].items()}


def _check_fits(control: Any, value: Any, where: str) -> None:
    """Raise ``ValueError`` (``where`` first) when ``value`` cannot be ``control``'s value."""
    current = control.value
    if isinstance(value, bool) != isinstance(current, bool) or (
            isinstance(current, int | float) != isinstance(value, int | float)):
        raise ValueError(f"{where} is a {type(value).__name__}; the control holds a {type(current).__name__} "
                         f"({current!r})")
    options = getattr(control, "options", None)
    if isinstance(options, list | tuple) and options and isinstance(options[0], tuple):
        allowed = [option_value for _label, option_value in options]
        if value not in allowed:
            raise ValueError(f"{where} is not one of the control's options {allowed!r}")
        return
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if isinstance(low, int | float) and isinstance(high, int | float) and not low <= value <= high:
        raise ValueError(f"{where} is outside the control's range {low:g} to {high:g}")


def check_presets(presets: Mapping[str, Mapping[str, Any]], controls: Mapping[str, Any], *, package: str,
                  app_id: str) -> None:
    """Check that every preset sets only ``controls``, each to a value the control can take.

    Raises ``ValueError`` naming the file, the preset and the value, so a typo in a vignette
    stops the lesson where it is built, not on a learner's click.
    """
    for preset_id, values in presets.items():
        where = f"{_shown(package)} [{app_id}.{preset_id}]"
        for name, value in values.items():
            if name not in controls:
                raise ValueError(f"{where}: {name!r} is not a control of this app; its controls: {', '.join(controls)}")
            _check_fits(controls[name], value, f"{where}: {name} = {value!r}")
