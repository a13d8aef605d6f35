"""Compatibility while lessons move from ``hemaedu.widgets`` to ``hemaedu.lessons`` (issue 10).

The lead deletes this module when every lesson is converted. It maps an unconverted lesson's
registry apps to the old builders and adapts the old apps to the parts of the app protocol the
tests and the benchmark use (``main_control``, ``controls``, ``summary_text``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Lesson

#: package -> old module in hemaedu.widgets.
_OLD_MODULES = {
    "start_here": "hemaedu.widgets.course",
    "pancytopenia": "hemaedu.widgets.blood_count",
    "causes": "hemaedu.widgets.causes",
    "regional_incidence": "hemaedu.widgets.incidence",
    "ist_response": "hemaedu.widgets.ist",
    "diagnosis_and_treatment": "hemaedu.widgets.pathway",
}
#: package -> the old CSS class of its main app.
_OLD_CSS = {
    "start_here": "hemaedu-app-widget-demo",
    "pancytopenia": "hemaedu-app-blood-count",
    "causes": "hemaedu-app-differential",
    "regional_incidence": "hemaedu-app-regional_incidence",
    "ist_response": "hemaedu-app-ist",
    "diagnosis_and_treatment": "hemaedu-app-pathway",
}


def old_module(lesson: Lesson) -> Any:
    return importlib.import_module(_OLD_MODULES[lesson.package])


def legacy_factory(lesson: Lesson, app: str) -> Callable[..., Any]:
    return getattr(old_module(lesson), app)


def css_class(lesson: Lesson) -> str:
    """The CSS class the lesson's main app carries on the page, converted or not."""
    return lesson.css_class if lesson.converted else _OLD_CSS[lesson.package]


def main_control(app: Any) -> Any:
    """The widget the browser tests and the benchmark drive by keyboard, new protocol or old app."""
    if isinstance(getattr(app, "main_control", None), str):
        return app.controls[app.main_control]
    if getattr(app, "main_slider", None) is not None:
        return app.main_slider
    if getattr(app, "main_control", None) is not None:
        return app.main_control  # old choice-driven apps: the widget itself
    return app.slider  # the old lesson 00 widget demo


def self_checks(lesson: Lesson) -> list[Any]:
    """The lesson's self-check widgets, converted or not."""
    module = lesson.module() if lesson.converted else old_module(lesson)
    return list(module.self_checks())
