"""What every live figure of the course owes its learners, checked across all lessons.

Each app's figure has a title, titled axes (with units where the axis has a
scale), a one-line text summary, and is a FigureWidget created once: moving
the main control changes its data in place, never replaces the figure.
"""

from __future__ import annotations

import math

import pytest

from hemaedu.lessons import LESSONS
from hemaedu.lessons._legacy import main_control

#: Every app of the course with a figure, from the registry (lesson 00's demo has none).
APP_BUILDERS = [(lesson, app) for lesson in LESSONS for app in lesson.apps if lesson.package != "start_here"]


def build(spec):
    lesson, app = spec
    return lesson.app(app)


def test_every_lesson_but_the_first_has_a_figure_app():
    assert {lesson.name for lesson, _ in APP_BUILDERS} == {lesson.name for lesson in LESSONS[1:]}


@pytest.fixture(scope="module", params=APP_BUILDERS, ids=lambda s: f"{s[0].number}:{s[1]}")
def app(request):
    return build(request.param)


def test_figure_has_a_title_and_titled_axes(app):
    layout = app.figure.layout
    assert layout.title.text and len(layout.title.text) > 5
    has_cartesian = any(getattr(t, "xaxis", None) is not None for t in app.figure.data if t.type not in
                        ("sunburst", "treemap", "pie", "scattergeo", "table"))
    if has_cartesian:
        titled = [ax.title.text for ax in (layout.xaxis, layout.yaxis) if ax.visible is not False]
        assert any(titled), "a chart with axes needs axis titles"


def test_figure_has_a_text_summary(app):
    text = app.summary_text()
    assert len(text) > 20 and "nan" not in text.lower().split()


def test_figure_is_a_live_widget_updated_in_place(app):
    import plotly.graph_objects as go

    assert isinstance(app.figure, go.FigureWidget)
    # The control a learner reaches first: a slider, or for choice-only apps the main choice.
    slider = main_control(app)
    assert slider is not None, "every app names its main control"
    figure, before = app.figure, [t.to_plotly_json() for t in app.figure.data]
    if hasattr(slider, "max"):
        slider.value = slider.max if slider.value != slider.max else slider.min
    else:  # a Choice standing in as the main control
        slider.index = (slider.index + 1) % len(slider._labels)
    assert app.figure is figure, "the figure must be changed in place, not re-created"
    after = [t.to_plotly_json() for t in app.figure.data]
    assert after != before, "moving the main control must change the plotted data"
    for trace in after:
        for key in ("x", "y", "values"):
            values = trace.get(key)
            for v in values if values is not None else ():
                # None is plotly's gap marker; every number shown must be finite.
                if isinstance(v, float):
                    assert math.isfinite(v), key
