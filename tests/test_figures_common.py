"""What every live figure of the course owes its learners, checked across all lessons.

Each app's figure has a title, titled axes (with units where the axis has a
scale), a one-line text summary, and is a FigureWidget created once: moving
the main control changes its data in place, never replaces the figure.
"""

from __future__ import annotations

import math

import pytest

from hemaedu.lessons import LESSONS


def build(spec):
    lesson, app = spec
    return lesson.app(app)


#: Every app of the course with a figure, from the registry (lesson 00's demo and the exercises
#: of lesson 05, a quiz and a side-by-side table, draw none).
APP_BUILDERS = [(lesson, app) for lesson in LESSONS for app in lesson.apps
                if build((lesson, app)).figure is not None]


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
    slider = app.main
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


def test_lessons_leave_numpy_unloaded_yet_plotly_express_and_arrays_still_work():
    """hemaedu.figures keeps plotly from importing numpy for the lessons, and only for them."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from hemaedu.lessons import regional_incidence as lesson\n"
        "app = lesson.expected_cases_calculator()\n"
        "app.controls['years'].value = 3\n"
        "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules\n"
        "import numpy as np\n"
        "import plotly.express as px\n"
        "px.scatter(x=[1, 2], y=[3, 4]).to_json()\n"
        "from hemaedu.figures._widget import FigureWidget\n"
        "import plotly.graph_objects as go\n"
        "fig = FigureWidget(data=[go.Scatter(x=np.arange(3), y=np.arange(3))])\n"
        "import plotly.serializers\n"
        "assert plotly.serializers.np is np\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
