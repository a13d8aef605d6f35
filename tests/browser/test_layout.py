"""Every lesson as a student sees it on a phone (390 x 844) and a laptop (1366 x 768), in Voila.

For each lesson of the registry (hemaedu/lessons/registry.toml, never a list typed here) and
each size, the page is measured in Chromium (tests/browser/layout_probe.js) and must show:

* no sideways scrolling of the page and nothing sticking out of the viewport (a wide table or
  figure scrolls inside its own box instead);
* for every figure, a plot area of at least 200 x 100 px (each panel of a multi-panel figure
  at least 30 px tall), tick labels that do not collide, no text cut off at the figure's edge,
  no plotly toolbar over its title, and every box of an icicle, treemap or sunburst showing
  its label (plotly hides a label too wide or too tall for its box);
* every control's target (radio label, slider, button, drop-down) at least 24 x 24 px
  (WCAG 2.2, 2.5.8);
* on the laptop, the controls of a two-column app beside its figure, not above it;
* in a controls' column, every drop-down and text box as wide as the column with its label
  above it (beside its label a drop-down cut a study's name short), and every slider's value
  under its slider (not beside one slider and under the next);
* on the phone, nothing axe-core rates serious or critical (a table wider than the phone
  scrolls inside its box, which a keyboard user must be able to reach), no error output and
  no request leaving 127.0.0.1.

Each lesson is loaded once per size, in its own browser context: a phone is a touch screen
(CSS "pointer: coarse", which sets the larger targets) and a laptop is not, and a context
cannot change that once it is open. Screenshots of both sizes go to
test-artifacts/screenshots/layout/<lesson>-<size>.png for review.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import ARTIFACTS, wait_for_voila

from hemaedu.lessons import LESSONS
from hemaedu.lessons import lesson as registry

pytestmark = pytest.mark.browser

PROBE_JS = (Path(__file__).resolve().parent / "layout_probe.js").read_text(encoding="utf-8")
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
#: A phone is a touch screen (CSS "pointer: coarse"), a laptop has a mouse: each size is its own browser.
TOUCH = {"phone": True, "laptop": False}
SHOTS = ARTIFACTS / "screenshots" / "layout"
MIN_PLOT_WIDTH_PX, MIN_PLOT_HEIGHT_PX, MIN_PANEL_HEIGHT_PX = 200, 100, 30
#: The smallest target: 44 px on a touch screen (WCAG 2.2, 2.5.5), 24 px with a mouse (2.5.8).
MIN_TARGET_PX = {"phone": 44, "laptop": 24}
WAIT_MS = 120_000

#: Every lesson of the registry, by notebook stem.
LESSON_NAMES = [lesson.name for lesson in LESSONS]
#: Per lesson, the app whose details hold an HTML table (hemaedu.lessons.tables.lesson_table).
TABLE_APPS = {
    "01_pancytopenia": "blood_count_explorer",
    "02_causes": "causes_explorer",
    "04_ist_response": "ist_forest",
    "05_diagnosis_and_treatment": "classification_explorer",
    "06_cases": "case_player",
}
#: Lessons whose tables stand outside the apps (lesson 03's age pattern, lesson.age_pattern()).
TABLE_CELLS = ("03_regional_incidence",)


def table_selector(lesson_name: str) -> str | None:
    """Where the lesson's table stands on the page (None: the lesson has no table)."""
    if lesson_name in TABLE_APPS:
        return f".{registry(lesson_name).app_css_class(TABLE_APPS[lesson_name])} table"
    return "#rendered_cells table" if lesson_name in TABLE_CELLS else None


def expected_figures(lesson_name: str) -> int:
    """How many figures the lesson's apps draw (built in Python, as the notebook builds them)."""
    lesson = registry(lesson_name)
    return sum(len(getattr(lesson.app(app), "figures", {}) or {}) for app in lesson.apps)


def expected_box_charts(lesson_name: str) -> int:
    """How many of those figures are icicles, treemaps or sunbursts (their boxes are checked)."""
    lesson = registry(lesson_name)
    return sum(any(trace.type in ("icicle", "treemap", "sunburst") for trace in figure.data)
               for app in lesson.apps for figure in (getattr(lesson.app(app), "figures", {}) or {}).values())


_SPLIT_JS = """
() => [...document.querySelectorAll('.hemaedu-layout-split')].map((app) => {
  const side = app.querySelector('.hemaedu-layout-side').getBoundingClientRect();
  const main = app.querySelector('.hemaedu-layout-main').getBoundingClientRect();
  return {side: [side.left, side.right, side.top], main: [main.left, main.right, main.top]};
})
"""

_SIDE_JS = """
() => [...document.querySelectorAll('.hemaedu-layout-side')].flatMap((side) => {
  const width = side.getBoundingClientRect().width;
  // Drop-downs and text boxes: their label above them, the column's full width.
  const fields = [...side.querySelectorAll('select, input[type="text"]')].map((field) => {
    const box = field.getBoundingClientRect();
    const label = field.labels[0] ? field.labels[0].getBoundingClientRect() : null;
    return {kind: 'field', name: field.labels[0] ? field.labels[0].textContent : '?', width: box.width,
            column: width, label_above: label !== null && label.bottom <= box.top + 1};
  });
  const sliders = [...side.querySelectorAll('.hemaedu-range')].map((range) => {
    const readout = range.parentElement.querySelector('.hemaedu-readout').getBoundingClientRect();
    return {kind: 'slider', name: range.labels[0] ? range.labels[0].textContent : '?',
            readout_below: readout.top >= range.getBoundingClientRect().bottom - 1};
  });
  return [...fields, ...sliders];
})
"""

_HEIGHT_JS = """
() => {
  let height = document.scrollingElement.scrollHeight;
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
      height = Math.max(height, el.scrollHeight + el.getBoundingClientRect().top);
    }
  }
  return Math.ceil(height);
}
"""


def _settle(page: Any, figures: int) -> None:
    """Wait until every figure is drawn and plotly has stopped resizing them."""
    page.wait_for_function(
        "(n) => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=figures, timeout=WAIT_MS)
    last, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:
        sizes = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map("
                              "(gd) => Math.round(gd.getBoundingClientRect().width))")
        if sizes == last:
            return
        last = sizes
        page.wait_for_timeout(700)


def _shoot(page: Any, path: Path, viewport: dict[str, int]) -> None:
    """A full-page screenshot (Voila scrolls inside a panel: grow the viewport to the content)."""
    height = min(int(page.evaluate(_HEIGHT_JS)), 16_000)
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.wait_for_timeout(500)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(viewport)


def _route_local(blocked: list[str]) -> Any:
    """Let the page reach 127.0.0.1 only; note every other URL it asks for."""
    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")
    return route


@pytest.fixture(scope="module")
def measured(voila: Any, chromium: Any, run_axe: Any, output_errors: Any) -> Iterator[dict[str, dict[str, Any]]]:
    """``measured[lesson][size]``: the probe's result for a lesson at a size (loaded once per lesson).

    On the phone the page is also checked with axe-core and for error outputs, while it is open.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    cache: dict[str, dict[str, Any]] = {}

    class Lazy(dict):  # type: ignore[type-arg]
        def __missing__(self, lesson: str) -> dict[str, Any]:
            figures = expected_figures(lesson)
            results: dict[str, Any] = {}
            for size, viewport in SIZES.items():
                context = chromium.new_context(viewport=viewport, has_touch=TOUCH[size], locale="en-US",
                                               device_scale_factor=1)
                blocked: list[str] = []
                context.route("**/*", _route_local(blocked))
                page = context.new_page()
                try:
                    page.goto(voila.lesson_url(lesson), wait_until="domcontentloaded", timeout=WAIT_MS)
                    wait_for_voila(page, timeout=WAIT_MS)
                    page.locator(".hemaedu-control").first.wait_for(timeout=WAIT_MS)
                    _settle(page, figures)
                    results[size] = page.evaluate(PROBE_JS)
                    results[size]["split"] = page.evaluate(_SPLIT_JS)
                    results[size]["side"] = page.evaluate(_SIDE_JS)
                    results[size]["figures_expected"] = figures
                    results[size]["box_charts_expected"] = expected_box_charts(lesson)
                    if size == "phone":
                        selector = table_selector(lesson)
                        results[size]["tables_where_expected"] = page.locator(selector).count() if selector else None
                        results[size]["axe"] = run_axe.format(run_axe(page))
                        results[size]["output_errors"] = output_errors(page)
                    results[size]["blocked"] = blocked
                    _shoot(page, SHOTS / f"{lesson}-{size}.png", viewport)
                    # The measurements beside the screenshot, for review (figure boxes locate crops).
                    (SHOTS / f"{lesson}-{size}.json").write_text(json.dumps(results[size], indent=1))
                finally:
                    context.close()
            self[lesson] = results
            return results

    cache = Lazy()
    yield cache


def layout_problems(m: dict[str, Any], size: str) -> list[str]:
    """Everything on the measured page that fails a student at this size, as readable lines."""
    problems = []
    if m["scrollWidth"] > m["viewport"] + 1:
        problems.append(f"the page scrolls sideways: {m['scrollWidth']} px wide in a {m['viewport']} px viewport")
    problems += [f"a panel scrolls sideways: {s}" for s in m["scrollers"]]
    problems += [f"sticks out of the viewport (right edge at {s['right']} px): {s['el']}" for s in m["sticking_out"]]
    problems += [f"table neither fits nor scrolls inside itself: {t['el']}" for t in m["tables"] if not t["fits"]]
    if len(m["figures"]) < m["figures_expected"]:
        problems.append(f"{len(m['figures'])} figures drawn, {m['figures_expected']} expected")
    box_charts = sum(1 for fig in m["figures"] if fig["slices"])
    if box_charts < m["box_charts_expected"]:
        problems.append(f"{box_charts} icicles, treemaps or sunbursts drawn with boxes, "
                        f"{m['box_charts_expected']} expected")
    for fig in m["figures"]:
        name = f"figure {fig['title'][:50]!r}"
        areas = fig["plot_areas"]
        if not areas:
            problems.append(f"{name} has no plot area")
            continue
        width = max(a["right"] for a in areas) - min(a["x"] for a in areas)
        height = max(a["bottom"] for a in areas) - min(a["y"] for a in areas)
        if width < MIN_PLOT_WIDTH_PX or height < MIN_PLOT_HEIGHT_PX:
            problems.append(f"{name}: plot area {width:.0f} x {height:.0f} px, below "
                            f"{MIN_PLOT_WIDTH_PX} x {MIN_PLOT_HEIGHT_PX}")
        thin = [round(a["h"]) for a in areas if a["h"] < MIN_PANEL_HEIGHT_PX]
        if thin:
            problems.append(f"{name}: panels {thin} px tall, below {MIN_PANEL_HEIGHT_PX}")
        if fig["tick_collisions"]:
            problems.append(f"{name}: tick labels collide: {fig['tick_collisions'][:4]}")
        if fig["clipped"]:
            problems.append(f"{name}: text cut off at the figure's edge: {fig['clipped'][:4]}")
        if fig["unlabelled"]:
            problems.append(f"{name}: {len(fig['unlabelled'])} of {fig['slices']} boxes show no label: "
                            f"{fig['unlabelled'][:4]}")
        if fig["title_overlaps"]:
            problems.append(f"{name}: the title runs into {', '.join(fig['title_overlaps'][:3])}")
        if fig["modebar_over_title"]:
            problems.append(f"{name}: plotly's toolbar covers the title")
    least = MIN_TARGET_PX[size]
    small = [t for t in m["targets"] if t["w"] < least or t["h"] < least]
    problems += [f"target {t['w']} x {t['h']} px, below {least} px: {t['el']}" for t in small]
    for control in m["side"]:
        if control["kind"] == "field" and not (control["label_above"] and control["width"] >= control["column"] - 8):
            problems.append(f"drop-down or text box {control['name']!r} is {control['width']:.0f} px in a "
                            f"{control['column']:.0f} px column, label above: {control['label_above']}")
        if control["kind"] == "slider" and not control["readout_below"]:
            problems.append(f"slider {control['name']!r} shows its value beside it, not under it")
    if size == "laptop":
        for app in m["split"]:
            side, main = app["side"], app["main"]
            if not (side[1] <= main[0] + 1 and abs(side[2] - main[2]) < 40):
                problems.append(f"controls not beside their figure on a laptop: controls {side}, results {main}")
    return problems


def test_every_registry_lesson_has_a_notebook() -> None:
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    assert LESSON_NAMES and all((notebooks / f"{name}.ipynb").is_file() for name in LESSON_NAMES)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lesson", LESSON_NAMES)
def test_lesson_layout(lesson: str, size: str, measured: dict[str, dict[str, Any]]) -> None:
    m = measured[lesson][size]
    assert m["targets"], "no control found: did the lesson's apps render?"
    problems = layout_problems(m, size)
    assert not problems, f"{lesson} at {size} size ({m['viewport']} px):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lesson", LESSON_NAMES)
def test_lesson_on_a_phone_passes_axe(lesson: str, measured: dict[str, dict[str, Any]]) -> None:
    """At 390 px on a touch screen nothing axe-core rates serious or critical, no error output,
    and no request leaves 127.0.0.1. A lesson table wider than the phone scrolls inside its box,
    which axe (scrollable-region-focusable) requires a keyboard user to reach; the lessons with
    tables are checked to show one here, so that rule is really exercised."""
    m = measured[lesson]["phone"]
    assert m["output_errors"] == []
    assert m["axe"] == "", m["axe"]
    assert m["blocked"] == [], "requests to outside servers"
    assert m["tables_where_expected"] != 0, f"{lesson}: no table at {table_selector(lesson)}"


def test_table_apps_show_a_table() -> None:
    for lesson, app in TABLE_APPS.items():
        assert "<table" in registry(lesson).app(app).static_html(), f"{lesson} {app} shows no table"
