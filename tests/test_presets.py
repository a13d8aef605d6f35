"""The apps' teaching vignettes: read from each lesson's presets.toml, checked where they are built.

A teacher adds a vignette by editing presets.toml (values) and lesson.toml (label and hint);
these tests hold the file format, the errors a slip gets, and that every table of every
presets.toml reaches an app.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from hemaedu.controls import Choice, Slider
from hemaedu.lessons import LESSONS
from hemaedu.lessons.ist_response.apps import ResponseApp
from hemaedu.lessons.presets import check_presets, parse_presets, presets

#: Every lesson package with a presets.toml, and the file's app tables.
FILES = {
    lesson.package: tomllib.loads(path.read_text(encoding="utf-8"))
    for lesson in LESSONS
    if (path := resources.files("hemaedu.lessons") / lesson.package / "presets.toml").is_file()
}


def test_the_lessons_with_vignettes_have_their_files() -> None:
    assert set(FILES) == {"pancytopenia", "ist_response", "diagnosis_and_treatment", "supportive_care"}


@pytest.mark.parametrize("package", sorted(FILES))
def test_every_table_of_a_presets_file_is_an_app_s_presets_in_file_order(package: str) -> None:
    lesson = next(item for item in LESSONS if item.package == package)
    for app_id, tables in FILES[package].items():
        app = lesson.app(app_id)
        assert list(app.presets) == list(tables)  # the buttons' order is the file's
        assert app.presets == tables
        assert list(app.preset_buttons) == list(tables)


def test_a_vignette_keeps_its_published_teaching_values() -> None:
    severe = presets("pancytopenia", "blood_count_explorer")["severe_aplastic_anemia"]
    assert severe == {"sex": "male", "age_years": 30, "hb": 7.8, "wbc": 1.5, "anc": 0.35, "platelets": 14,
                      "reticulocytes": 25, "cellularity": 10}


def test_presets_returns_a_copy_so_a_caller_cannot_change_the_lesson() -> None:
    presets("ist_response", "response_explorer")["example_a"]["anc"] = 99.0
    assert presets("ist_response", "response_explorer")["example_a"]["anc"] == 1.8


@pytest.mark.parametrize(("source", "message"), [
    ("[explorer.low\nplatelets = 1", "example.toml is not valid TOML"),
    ("explorer = 3", "example.toml: 'explorer' must hold tables [explorer.<preset id>]"),
    ("[explorer]\nlow = 3", "example.toml [explorer.low] must be a table of control values"),
    ("[explorer.low]\nplatelets = [1, 2]", "example.toml [explorer.low]: platelets = [1, 2] is not a number"),
    ("[explorer.low]\nwhen = 2024-01-01", "example.toml [explorer.low]: when = datetime.date(2024, 1, 1)"),
])
def test_a_malformed_presets_file_is_refused_naming_file_and_table(source: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_presets(source, where="example.toml")


def test_an_app_the_file_does_not_have_is_named() -> None:
    with pytest.raises(ValueError, match=r"ist_response/presets.toml has no presets for the app 'ist_forest'"):
        presets("ist_response", "ist_forest")


def _controls() -> dict[str, object]:
    return {"platelets": Slider(value=20, min=0, max=300, step=1, description="Platelets"),
            "sex": Choice(options=[("Female", "female"), ("Male", "male")], value="female", description="Sex")}


@pytest.mark.parametrize(("values", "message"), [
    ({"platelet": 20}, "'platelet' is not a control of this app; its controls: platelets, sex"),
    ({"platelets": "low"}, "platelets = 'low' is a str; the control holds a float (20.0)"),
    ({"platelets": True}, "platelets = True is a bool; the control holds a float (20.0)"),
    ({"platelets": 301}, "platelets = 301 is outside the control's range 0 to 300"),
    ({"sex": "f"}, "sex = 'f' is not one of the control's options ['female', 'male']"),
])
def test_a_preset_the_app_cannot_take_is_refused_naming_file_and_preset(values: dict[str, object],
                                                                        message: str) -> None:
    with pytest.raises(ValueError) as raised:
        check_presets({"bad": values}, _controls(), package="pancytopenia", app_id="blood_count_explorer")
    assert str(raised.value) == f"hemaedu/lessons/pancytopenia/presets.toml [blood_count_explorer.bad]: {message}"


def test_an_app_with_a_broken_vignette_stops_where_it_is_built() -> None:
    class Broken(ResponseApp):
        presets = {**ResponseApp.presets, "typo": {"platelets": 3000.0}}  # ×10⁹/L: a unit slip

    with pytest.raises(ValueError, match=r"presets.toml \[response_explorer.typo\]: platelets = 3000.0 is outside "
                                         r"the control's range 0 to 300"):
        Broken()


def test_a_slider_s_range_includes_its_ends() -> None:
    check_presets({"ok": {"platelets": 300, "sex": "male"}}, _controls(), package="p", app_id="a")
