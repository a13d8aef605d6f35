"""The accessible controls in real front ends: Voila app mode and JupyterLab.

The fixture notebook (fixtures/controls_demo.ipynb) shows a hemaedu Slider, a
Choice, a plotly FigureWidget whose bars are 1x, 2x and 3x the slider value,
and an HTML text summary. The same pattern serves the lesson tests: open the
page, check there are no errors, move the control with the keyboard, read the
plotted data from ``.js-plotly-plot``, run axe, take a screenshot.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from servers import run_all_in_lab

pytestmark = pytest.mark.browser

NOTEBOOK = "controls_demo.ipynb"
PLOT = ".js-plotly-plot"


def bars_are(expected: list[float]):
    """A check for plotly.wait_until: the first trace's y values equal ``expected``."""
    return lambda fig: fig["data"][0]["y"] == pytest.approx(expected)


def check_controls_and_figure(page: Any, plotly: Any) -> None:
    """Shared by the Voila and JupyterLab tests: keyboard moves the slider, the figure follows."""
    slider = page.get_by_role("slider", name="Hemoglobin")  # found by its accessible name
    slider.wait_for()
    page.wait_for_selector(PLOT)
    fig = plotly.wait_until(page, bars_are([10.0, 20.0, 30.0]))

    # Layout passed to the FigureWidget constructor arrives in the browser (plotly.py #4998).
    assert fig["layout"]["title"]["text"] == "Demo figure: bars follow the slider"
    assert "Demo figure: bars follow the slider" in fig["svgText"]  # drawn, not only stored
    assert fig["layout"]["yaxis"]["range"] == [0, 60]

    expect(slider).to_have_attribute("aria-valuetext", "10.0 g/dL")
    expect(slider).to_have_accessible_description("Use the arrow keys to change the value by one step.")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # native range input: one step (0.5) per press
    plotly.wait_until(page, bars_are([11.5, 23.0, 34.5]))
    expect(slider).to_have_attribute("aria-valuetext", "11.5 g/dL")
    expect(page.locator(".hemaedu-readout").first).to_have_text("11.5 g/dL")
    expect(page.get_by_text("for a hemoglobin of 11.5 g/dL")).to_be_visible()

    # The keys stayed on the slider (JupyterLab would otherwise move the cell selection).
    assert page.evaluate("() => document.activeElement.type") == "range"


def test_controls_demo_in_voila(voila_fixtures, browser_page, plotly, run_axe, screenshot,
                                output_errors, blocked_requests) -> None:
    page = browser_page
    voila_fixtures.open(page, NOTEBOOK)
    # App mode: narrative shown, code hidden.
    expect(page.get_by_role("heading", name="Controls demo (browser-test fixture)")).to_be_visible()
    expect(page.locator(".jp-InputArea-editor")).to_have_count(0)

    check_controls_and_figure(page, plotly)

    # The Choice is a real radio group named by its legend; picking g/L re-ranges the slider.
    page.get_by_role("group", name="Unit").wait_for()
    page.get_by_role("radio", name="g/L").check()
    plotly.wait_until(page, bars_are([115.0, 230.0, 345.0]))
    slider = page.get_by_role("slider", name="Hemoglobin")
    expect(slider).to_have_attribute("aria-valuetext", "115 g/L")
    expect(slider).to_have_attribute("min", "30")
    expect(slider).to_have_attribute("max", "180")
    # Arrow keys inside the radio group move the selection back to g/dL.
    page.get_by_role("radio", name="g/L").press("ArrowLeft")
    plotly.wait_until(page, bars_are([11.5, 23.0, 34.5]))
    expect(page.get_by_role("radio", name="g/dL")).to_be_checked()

    # A question with nothing selected yet; the learner's pick reaches Python.
    question = page.get_by_role("group", name="Which number is larger?")
    expect(question.get_by_role("radio", checked=True)).to_have_count(0)
    question.get_by_role("radio", name="3").check()
    expect(page.get_by_text("You picked 3.")).to_be_visible()

    assert output_errors(page) == []
    violations = run_axe(page)
    assert violations == [], run_axe.format(violations)
    screenshot(page, "controls_demo_voila")
    assert blocked_requests.unexpected() == [], "requests to outside servers"


def test_controls_demo_in_jupyterlab(lab, browser_page, plotly, screenshot, output_errors,
                                     blocked_requests) -> None:
    page = browser_page
    run_all_in_lab(page, lab.notebook_url("fixtures/" + NOTEBOOK))

    check_controls_and_figure(page, plotly)
    assert output_errors(page) == []
    screenshot(page, "controls_demo_jupyterlab", full_page=False)
    assert blocked_requests == [], "JupyterLab requested outside servers"
