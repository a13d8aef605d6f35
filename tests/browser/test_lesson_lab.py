"""Lesson 01 in JupyterLab: "Run All Cells" from the command palette, then the keyboard drives the figure.

JupyterLab is where the README sends students first. The test runs the real
notebook (a scratch copy, see the ``lab`` fixture), waits for the blood-count
explorer, moves the platelet slider with the arrow keys and checks that the
plotted data become what ``hemaedu`` computes for the value the page shows.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

# Helpers shared with the Voila tests (same directory, imported as a sibling module).
from servers import run_all_in_lab
from test_lessons_voila import WAIT_MS, WAIT_S, build, expected_app, figure_index, trace_values

pytestmark = pytest.mark.browser

LESSON = "01_pancytopenia"
CSS = "hemaedu-app-pancytopenia"


def test_pancytopenia_in_jupyterlab(lab, browser_page, plotly, screenshot, output_errors, console_errors,
                                    blocked_requests) -> None:
    page = browser_page
    run_all_in_lab(page, lab.notebook_url(f"{LESSON}.ipynb"))

    try:
        app = build(LESSON)
        slider = page.locator(f".{CSS}").get_by_role("slider", name=app.main.description, exact=True)
        slider.wait_for(timeout=120_000)
        slider.scroll_into_view_if_needed()
        index = figure_index(page, CSS)
        start = trace_values(app.figure.data)
        fig = plotly.wait_until(page, lambda f: trace_values(f["data"]) == start, figure=index, timeout=WAIT_S)
        assert app.figure.layout.title.text in fig["svgText"]
        # The figure fills its column beside the controls (plotly's responsive sizing, not its
        # fixed 700 px fallback).
        page.wait_for_function(
            "(sel) => { const p = document.querySelector(sel); const w = p._fullLayout.width;"
            " return w > 300 && Math.abs(w - p.parentElement.clientWidth) < 40; }",
            arg=f".{CSS} .js-plotly-plot", timeout=WAIT_MS)

        slider.focus()
        for key in ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft", "PageDown"]:
            page.keyboard.press(key)
        # The keys stayed on the slider instead of moving JupyterLab's cell selection.
        assert page.evaluate("() => document.activeElement.type") == "range"
        moved = float(slider.input_value())
        assert moved != app.main.value
        new = trace_values(expected_app(LESSON, moved).figure.data)
        assert new != start
        plotly.wait_until(page, lambda f: trace_values(f["data"]) == new, figure=index, timeout=WAIT_S)
        expect(page.locator(f".{CSS} .hemaedu-summary")).to_have_text(
            expected_app(LESSON, moved).summary_text(), timeout=WAIT_MS)

        # Run All reached the end of the notebook without an error.
        expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible(timeout=120_000)
        assert output_errors(page) == []
        assert [e for e in console_errors if "[anywidget]" in e] == []
        assert blocked_requests == [], "JupyterLab requested outside servers"
    finally:
        screenshot(page, f"{LESSON}_jupyterlab", full_page=False)
