"""What every app of the course must do, checked over the registry (hemaedu/lessons/registry.toml).

One parametrized module instead of one copy per lesson: a new lesson's apps are covered by
adding them to the registry. For every app: it follows the App protocol; the extremes and
seeded random combinations of its controls never give an exception, a NaN in a figure or in the
summary; each preset applies with one redraw; updates happen in place (same figures, traces found
by id); the live summary follows the controls. For every lesson: each self-check has exactly one
right answer and gives feedback for each option.
"""

from __future__ import annotations

import html
import math
import random
import re
import sys
from typing import Any

import ipywidgets as w
import pytest

from hemaedu.controls import Choice, Slider
from hemaedu.lessons import LESSONS, Lesson
from hemaedu.lessons._app import App, SelfCheck, status_html
from hemaedu.lessons.content import text

APPS = [pytest.param(lesson, app, id=f"{lesson.name}:{app}")
        for lesson in LESSONS for app in lesson.apps]
LESSON_PARAMS = [pytest.param(lesson, id=lesson.name) for lesson in LESSONS]


def build(lesson: Lesson, app: str) -> App:
    built = lesson.app(app)
    assert isinstance(built, App), f"{app} must be an App (hemaedu.lessons._app)"
    return built


def _numbers(value: Any) -> list[float]:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _numbers(v)]
    if isinstance(value, float):
        return [value]
    return []


def _figure_numbers(app: App) -> list[float]:
    out: list[float] = []
    for figure in app.figures.values():
        for trace in figure.data:
            for prop in ("x", "y", "lat", "lon", "values"):
                if prop in trace:
                    out += _numbers(trace[prop])
            if "error_x" in trace and trace.error_x.array is not None:
                out += _numbers(trace.error_x.array) + _numbers(trace.error_x.arrayminus)
    return out


NESTED_BRACKETS = re.compile(r"\([^()]*\([^()]*\)[^()]*\)")


def assert_sane(app: App, where: str) -> None:
    bad = [x for x in _figure_numbers(app) if not math.isfinite(x)]
    assert not bad, f"{where}: NaN or infinity in a figure"
    summary = app.summary_text()
    words = summary.lower().replace(",", " ").replace(".", " ").split()
    assert summary.strip() and "nan" not in words and "inf" not in words, f"{where}: summary {summary!r}"
    assert app.status.value == status_html(summary), f"{where}: the page does not show the current summary"
    # A label with its own brackets goes inside the summary's brackets as [...]: "(Thailand:
    # Khonkaen province (north-east, rural), 1989-1994)" read as one bracket closing early.
    assert not NESTED_BRACKETS.search(summary), f"{where}: a bracket inside a bracket: {summary!r}"


def _extremes(control: w.Widget) -> list[Any]:
    if isinstance(control, Slider) or hasattr(control, "max"):
        return [control.min, control.max]
    if isinstance(control, (Choice, w.Dropdown, w.RadioButtons, w.ToggleButtons)):
        return [value for _, value in _pairs(control.options)]
    return []


def _pairs(options: Any) -> list[tuple[str, Any]]:
    return [o if isinstance(o, tuple) else (str(o), o) for o in options]


def _random_value(control: w.Widget, rng: random.Random) -> Any:
    choices = _extremes(control)
    if hasattr(control, "max") and len(choices) == 2:
        lo, hi = choices
        value = rng.uniform(lo, hi)
        return int(round(value)) if isinstance(control.value, int) and not isinstance(control.value, bool) else value
    return rng.choice(choices) if choices else control.value


@pytest.mark.parametrize(("lesson", "app_name"), APPS)
def test_follows_the_protocol(lesson: Lesson, app_name: str) -> None:
    app = build(lesson, app_name)
    assert app.main_control in app.controls
    assert app.css_class == lesson.app_css_class(app_name) and app.css_class in app.container._dom_classes
    for figure in app.figures.values():
        assert figure.layout.title.text, "every figure has a title"
    assert_sane(app, "at start")
    assert app.static_html().strip(), "an export without a kernel still shows something"


@pytest.mark.parametrize(("lesson", "app_name"), APPS)
def test_extremes_and_random_combinations_never_break(lesson: Lesson, app_name: str) -> None:
    app = build(lesson, app_name)
    for name, control in app.controls.items():
        for value in _extremes(control):
            control.value = value
            assert_sane(app, f"{name}={value!r}")
    rng = random.Random(f"{lesson.name}:{app_name}")
    for step in range(40):
        name = rng.choice(list(app.controls))
        value = _random_value(app.controls[name], rng)
        app.controls[name].value = value
        assert_sane(app, f"random step {step}: {name}={value!r}")


@pytest.mark.parametrize(("lesson", "app_name"), APPS)
def test_presets_apply_with_one_redraw(lesson: Lesson, app_name: str) -> None:
    app = build(lesson, app_name)
    for preset_id, values in app.presets.items():
        before = app.redraws
        app.apply_preset(preset_id)
        assert app.redraws == before + 1, f"preset {preset_id!r} redrew {app.redraws - before} times"
        for name, value in values.items():
            assert app.controls[name].value == pytest.approx(value) if isinstance(value, float) else \
                app.controls[name].value == value
        assert app.preset_label(preset_id).strip()
        assert_sane(app, f"preset {preset_id!r}")
    if app.show_preset_buttons:
        assert set(app.preset_buttons) == set(app.presets)


@pytest.mark.parametrize(("lesson", "app_name"), APPS)
def test_updates_in_place_and_the_summary_follows(lesson: Lesson, app_name: str) -> None:
    app = build(lesson, app_name)
    figures = dict(app.figures)
    traces = {id(t): t for f in figures.values() for t in f.data}
    control = app.controls[app.main_control]
    start = (app.summary_text(), [f.to_plotly_json()["data"] for f in figures.values()])
    options = _extremes(control)
    target = next(v for v in ([control.value + control.step] if isinstance(control, Slider) else [])
                  + options if v != control.value)
    control.value = target
    assert app.figures == figures and all(a is b for a, b in zip(app.figures.values(), figures.values(), strict=True))
    assert {id(t) for f in app.figures.values() for t in f.data} == set(traces), "traces were replaced"
    now = (app.summary_text(), [f.to_plotly_json()["data"] for f in app.figures.values()])
    assert now != start, "moving the main control changes the view"
    for trace in traces.values():
        if trace.meta:
            assert app.trace(trace.meta) is trace
    with pytest.raises(ValueError, match="no trace"):
        app.trace("no-such-trace")


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_self_checks_have_one_right_answer_and_feedback_for_each_option(lesson: Lesson) -> None:
    checks = list(lesson.module().self_checks())
    assert checks, "every lesson ends with self-checks"
    for check in checks:
        assert isinstance(check, SelfCheck)
        assert sum(o.correct for o in check.options) == 1, check.id
        assert check.feedback.value == "", "no answer on the page before the learner answers"
        for option in check.options:
            assert check.answer(option.text) is option.correct
            verdict = text("common", "correct" if option.correct else "not_quite")
            assert html.unescape(check.feedback.value).count(f"{verdict} {option.why}") == 1, (check.id, option.text)


def test_a_kernels_first_app_lets_the_sending_thread_in_sooner() -> None:
    # ipykernel sends from its own thread; at Python's default 5 ms switch interval a figure's
    # update waited behind the main thread writing the summary (benchmarks/run.py floor rows).
    from hemaedu.lessons import _app

    default = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        _app._let_kernel_send_sooner.cache_clear()
        lesson, app_name = APPS[0].values
        build(lesson, app_name)
        assert sys.getswitchinterval() == pytest.approx(_app.SWITCH_INTERVAL_S)
    finally:
        sys.setswitchinterval(default)
