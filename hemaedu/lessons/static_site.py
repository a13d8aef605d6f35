"""How an app shows in the static site (tools/export_html.py), where no kernel moves its controls.

The exporter sets :data:`STATIC_EXPORT` in the environment of the kernels
it runs; each app then renders :func:`static_rendering`: its figures in a teaching state (the
app's ``static_preset``, when its starting state is not an instructive one: lesson 01 starts
from a normal count) and a short list of what each live control changes and where it stands.
The live front ends never call this.
"""

from __future__ import annotations

import html
from typing import Any

from ..controls import Slider
from .content import text

__all__ = ["STATIC_EXPORT", "controls_description", "static_rendering"]

#: The environment variable tools/export_html.py sets for the kernels it runs.
STATIC_EXPORT = "HEMAEDU_STATIC_EXPORT"


def controls_description(app: Any) -> str:
    """HTML: which example the page shows and, for an app with a figure, each control and its value.

    >>> from hemaedu.lessons import lesson
    >>> explorer = lesson("01").app()
    >>> explorer.apply_preset(explorer.static_preset)
    >>> "Severe aplastic anemia" in controls_description(explorer)
    True
    """
    parts = []
    if app.static_preset:
        parts.append(html.escape(text("navigation", "static_app.shown", preset=app.preset_label(app.static_preset))))
    items = []
    for control in app.controls.values():
        value = control.readout if isinstance(control, Slider) else getattr(control, "label", "")
        label = str(getattr(control, "description", "") or "").strip()
        if label and value:
            items.append("<li>" + html.escape(text("navigation", "static_app.control", label=label, value=value))
                         + "</li>")
    if items:
        parts.append(html.escape(text("navigation", "static_app.controls")))
    if not parts:
        return ""
    listing = f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<div class="hemaedu-static-controls"><p>{" ".join(parts)}</p>{listing}</div>'


def static_rendering(app: Any) -> str:
    """The app for the static site: set to its ``static_preset`` (if any), controls described."""
    if app.static_preset:
        app.apply_preset(app.static_preset)
    return controls_description(app) + app.static_html()
