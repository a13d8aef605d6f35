"""Every lesson as a Voila app, driven in Chromium the way a student would use it.

One page per lesson (the Voila server is shared by the session). For each lesson:

* the page runs without Python errors and shows the narrative without code cells;
* the main figure arrives with its title (plotly.py issue 4998: a layout lost
  on the way would show an untitled chart);
* the main slider moves with the keyboard, and the plotted data and the text
  summary become what ``hemaedu`` computes for the value the page now shows
  (the expected values come from building the same app in Python);
* a self-check answers "Not quite" to a wrong option and "Correct" to the right
  one, selected and checked with the keyboard;
* axe-core finds no critical or serious violation, every figure has a text
  summary and nothing is fetched from outside.

The lessons with HTML tables are also opened at phone width (390 px), where a table scrolls
sideways inside its box, and axe-core runs there too (a box a keyboard cannot reach fails).

Lesson 01 also checks the presets (the grade shown is ``hemaedu.severity`` of
the preset) and that Tab alone reaches the main slider, every preset button and
a self-check's radio group. A screenshot of every lesson goes to
test-artifacts/screenshots/<lesson>.png.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

import hemaedu
from hemaedu.lessons import LESSONS as REGISTRY
from hemaedu.lessons import Lesson
from hemaedu.lessons import lesson as lesson_by_key

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: Every lesson of the registry (hemaedu/lessons/registry.toml), by notebook stem.
LESSONS = [item.name for item in REGISTRY]
# The shared machine is slow at times: a kernel round trip can take seconds.
WAIT_MS = 30_000
WAIT_S = WAIT_MS / 1000

KEYS = ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"]  # net +2 steps, also from the minimum


def registry(lesson: str) -> Lesson:
    return lesson_by_key(lesson)


def test_every_lesson_is_covered() -> None:
    assert LESSONS == sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


# --------------------------------------------------------------------------- Python side


def build(lesson: str) -> Any:
    """A fresh instance of the lesson's main app, as the notebook builds it (through the registry)."""
    return registry(lesson).app()


def has_figure(app: Any) -> bool:
    return getattr(app, "figure", None) is not None


def summary_of(app: Any) -> str:
    """The live sentence under the app (the old lesson 00 demo called it ``text()``)."""
    return app.summary_text() if hasattr(app, "summary_text") else app.text()


def expected_app(lesson: str, slider_value: float) -> Any:
    app = build(lesson)
    app.main.value = slider_value
    return app


def first_heading(lesson: str) -> str:
    notebook = json.loads((NOTEBOOKS / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{lesson} has no level-1 heading")


def code_lines(lesson: str) -> list[str]:
    """The code lines of the notebook that are long enough not to appear in prose by chance."""
    notebook = json.loads((NOTEBOOKS / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    return [line.strip() for cell in notebook["cells"] if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines()
            if len(line.strip()) > 20 and not line.lstrip().startswith("#")]


def _plain(value: Any) -> Any:
    """Figure data as comparable plain values: tuples -> lists, NaN -> None, floats rounded."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if hasattr(value, "tolist"):  # numpy arrays
        return _plain(value.tolist())
    return value


def trace_values(traces: list[Any]) -> list[dict[str, Any]]:
    """The data-bearing properties of each trace (what the sliders change)."""
    out = []
    for trace in traces:
        get = trace.get if isinstance(trace, dict) else lambda k, t=trace: getattr(t, k, None)
        error_x = get("error_x")
        error_x = error_x if isinstance(error_x, dict) or error_x is None else error_x.to_plotly_json()
        out.append({
            "x": _plain(get("x")),
            "y": _plain(get("y")),
            "width": _plain(get("width")),
            "error_x": _plain((error_x or {}).get("array")),
        })
    return out


# --------------------------------------------------------------------------- page side


def figure_index(page: Any, css: str) -> int:
    """Position, among all plots of the page, of the plot inside the app's container."""
    locator = page.locator(f".{css} .js-plotly-plot")
    locator.wait_for(timeout=WAIT_MS)
    return page.evaluate(
        "(sel) => [...document.querySelectorAll('.js-plotly-plot')].indexOf(document.querySelector(sel))",
        f".{css} .js-plotly-plot",
    )


def slider_value(slider: Any) -> float:
    return float(slider.input_value())


def answer_self_check(page: Any, check: Any) -> None:
    """Click the option just above the right one and check it; then one arrow key, Enter on the button.

    One key press sends one change: ipywidgets throttles a model's updates while
    the kernel is busy, so a burst of arrow keys could reach Python after the
    button's click and be judged late, which a test should not depend on.
    """
    labels = [o.label for o in check.options]
    right = next(i for i, o in enumerate(check.options) if o.correct)
    wrong = (right - 1) % len(labels)  # exactly one option is right, so this one is wrong
    group = page.get_by_role("group", name=f"Self-check: {check.question}", exact=True)
    box = page.locator(".hemaedu-self-check").filter(has=group)
    button = box.get_by_role("button", name="Check answer")
    feedback = box.get_by_role("status")

    group.scroll_into_view_if_needed()
    group.get_by_role("radio", name=labels[wrong], exact=True).check()
    button.click()
    expect(feedback).to_have_text(f"Not quite. {check.options[wrong].why}", timeout=WAIT_MS)

    # Keyboard only from here: the arrow key moves the selection inside the radio group.
    group.get_by_role("radio", name=labels[wrong], exact=True).focus()
    page.keyboard.press("ArrowDown")
    expect(group.get_by_role("radio", name=labels[right], exact=True)).to_be_checked()
    button.focus()
    page.keyboard.press("Enter")
    expect(feedback).to_have_text(f"Correct. {check.options[right].why}", timeout=WAIT_MS)


_FIGURES_WITHOUT_SUMMARY_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].filter((plot) => {
  // A lesson app is a VBox holding the figure and, after it, its text summary.
  for (let box = plot.parentElement; box; box = box.parentElement) {
    const summary = box.querySelector(':scope .hemaedu-summary');
    if (summary) return summary.textContent.trim() === '';
  }
  return true;
}).length
"""

_FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
  const legend = el.closest('fieldset')?.querySelector('legend')?.textContent.trim() || '';
  return {tag: el.tagName.toLowerCase(), type: el.type || '', label, legend,
          text: (el.textContent || '').trim().slice(0, 80),
          app: [...(el.closest('[class*="hemaedu-app-"]')?.classList || [])]
                 .find((c) => c.startsWith('hemaedu-app-')) || '',
          selfCheck: !!el.closest('.hemaedu-self-check')};
}
"""


# --------------------------------------------------------------------------- lesson-specific steps


def check_tab_order(page: Any, lesson: str) -> None:
    """From the top of the page, Tab alone reaches the main slider, every preset and a self-check."""
    app = build(lesson)
    presets = {b.description for b in app.preset_buttons.values()}
    seen: list[dict[str, Any]] = []

    def on_slider(f: dict[str, Any]) -> bool:
        return f["type"] == "range" and f["label"] == app.main.description and f["app"] == registry(lesson).css_class

    # The pre-check near the top is a question too: go on to the first self-check after the app.
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_JS)
        if focused is None:
            continue
        seen.append(focused)
        if focused["selfCheck"] and focused["type"] == "radio" and any(on_slider(f) for f in seen) \
                and focused["legend"].startswith("Self-check: "):
            break
    reached_slider = any(on_slider(f) for f in seen)
    reached_presets = {f["text"] for f in seen if f["tag"] == "button"} & presets
    reached_radio = [f for f in seen if f["selfCheck"] and f["type"] == "radio"
                     and f["legend"].startswith("Self-check: ")]
    summary = [(f["tag"], f["type"], f["label"] or f["legend"] or f["text"]) for f in seen]
    assert reached_slider, f"Tab never reached the {app.main.description} slider: {summary}"
    assert reached_presets == presets, f"Tab missed presets {presets - reached_presets}: {summary}"
    assert reached_radio and reached_radio[0]["legend"].startswith("Self-check: "), summary


def _preset_id(app: Any, label: str) -> str:
    """The preset whose button reads ``label`` (new apps: content labels; old apps: the names)."""
    if hasattr(app, "preset_label"):
        return next(p for p in app.presets if app.preset_label(p) == label)
    return next(p for p in app.presets if p.capitalize() == label)


def check_preset(page: Any, lesson: str, plotly: Any, index: int) -> None:
    """Clicking "Very severe ..." draws the preset and shows the grade the rules give."""
    label = "Very severe aplastic anemia"
    app = build(lesson)
    preset = app.presets[_preset_id(app, label)]
    grade = hemaedu.severity(anc=preset["anc"], platelets=preset["platelets"],
                             reticulocytes=preset["reticulocytes"], cellularity=preset["cellularity"])
    assert str(grade) == "very severe"  # the vignette is meant to be very severe
    app.apply_preset(_preset_id(app, label))
    expected = trace_values(app.figure.data)

    css = registry(lesson).css_class
    page.locator(f".{css}").get_by_role("button", name=label, exact=True).click()
    plotly.wait_until(page, lambda fig: trace_values(fig["data"]) == expected, figure=index, timeout=WAIT_S)
    summary = page.locator(f".{css} .hemaedu-summary")
    expect(summary).to_have_text(app.summary_text(), timeout=WAIT_MS)
    expect(summary).to_contain_text(f"Modified Camitta grade: {grade}.")
    expect(page.locator(f".{css}")).to_contain_text(f"Modified Camitta grade: {grade}:")
    slider = page.locator(f".{css}").get_by_role("slider", name=app.main.description, exact=True)
    expect(slider).to_have_value(str(int(preset["platelets"])))


EXTRA_STEPS: dict[str, list[Callable[..., None]]] = {
    "01_pancytopenia": [check_preset],
}


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_in_voila(lesson, voila, browser_page, plotly, run_axe, screenshot, output_errors,
                         blocked_requests, console_errors) -> None:
    page = browser_page
    css = registry(lesson).css_class
    voila.open(page, f"{lesson}.ipynb")
    try:
        # App mode: the narrative, no code.
        expect(page.get_by_role("heading", name=first_heading(lesson), level=1)).to_be_visible()
        expect(page.locator(".jp-InputArea-editor")).to_have_count(0)
        expect(page.locator(".jp-CodeCell .jp-InputArea")).to_have_count(0)
        body = page.locator("body").inner_text()
        shown = [line for line in code_lines(lesson) if line in body]
        assert shown == [], "code shown in app mode"

        app = build(lesson)
        container = page.locator(f".{css}")
        slider = container.get_by_role("slider", name=app.main.description, exact=True)
        slider.wait_for(timeout=WAIT_MS)
        assert output_errors(page) == []
        assert slider_value(slider) == pytest.approx(app.main.value)
        if has_figure(app):
            page.locator(f".{css} .js-plotly-plot").wait_for(timeout=WAIT_MS)
        # anywidget 0.11 gives each model 2 s to load its JavaScript; a model that
        # misses it renders but ignores every later update from Python.
        dead = [e for e in console_errors if "[anywidget] Failed to initialize model" in e]
        assert dead == [], "widgets that will never update (anywidget's 2 s load limit)"
        if lesson == "01_pancytopenia":  # first, while Tab still starts from the top of the page
            check_tab_order(page, lesson)

        index = None
        if has_figure(app):
            index = figure_index(page, css)
            start = trace_values(app.figure.data)
            fig = plotly.wait_until(page, lambda f: trace_values(f["data"]) == start, figure=index,
                                    timeout=WAIT_S)
            title = app.figure.layout.title.text
            assert title and fig["layout"]["title"]["text"] == title
            assert title in fig["svgText"], f"title not drawn: {fig['svgText']}"

        # Keyboard: focus the slider, arrow keys; the page's value decides what we expect.
        slider.focus()
        for key in KEYS:
            page.keyboard.press(key)
        assert page.evaluate("() => document.activeElement.type") == "range"
        moved = slider_value(slider)
        assert moved == pytest.approx(app.main.value + 2 * app.main.step)
        expected = expected_app(lesson, moved)
        if has_figure(expected):
            new = trace_values(expected.figure.data)
            assert new != start, "moving the slider should change the figure"
            plotly.wait_until(page, lambda f: trace_values(f["data"]) == new, figure=index, timeout=WAIT_S)
            expect(container.locator(".hemaedu-summary")).to_have_text(expected.summary_text(),
                                                                        timeout=WAIT_MS)
        else:  # lesson 00's widget demo: the sentence under the slider follows it
            expect(container.locator(".hemaedu-summary")).to_have_text(summary_of(expected), timeout=WAIT_MS)

        for step in EXTRA_STEPS.get(lesson, []):
            step(page, lesson, plotly, index)

        checks = list(registry(lesson).module().self_checks())
        if checks:
            answer_self_check(page, checks[0])

        assert page.evaluate(_FIGURES_WITHOUT_SUMMARY_JS) == 0, "a figure has no text summary"
        assert output_errors(page) == []
        violations = run_axe(page)
        assert violations == [], run_axe.format(violations)
        assert blocked_requests.unexpected() == [], "requests to outside servers"
    finally:
        screenshot(page, lesson)
