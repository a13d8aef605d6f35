"""Lesson 03's population box in Voila and JupyterLab, typed into with the keyboard as a learner would.

The box shows the population with grouped digits as the summary writes it ("2,000,000"); typing
"350000" and pressing Enter gives "350,000" in the box and in the summary; a text that is not a
whole number within the bounds shows the lesson's message (``role="alert"``) and changes nothing
else. Expected texts come from the lesson's content and the same app built in Python. In
JupyterLab the digits and Enter must reach the box, not the notebook's command-mode shortcuts
("1" makes a heading, Enter edits a cell).
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from playwright.sync_api import expect
from servers import run_all_in_lab

from hemaedu.lessons.content import text
from hemaedu.lessons.format import format_number
from hemaedu.lessons.regional_incidence import model
from hemaedu.lessons.regional_incidence.apps import expected_cases_calculator

pytestmark = pytest.mark.browser

WAIT_MS = 30_000


LESSON = "03_regional_incidence"


def test_population_box_groups_digits_reads_typing_and_explains_bad_input(voila: Any, browser_page: Any,
                                                                          output_errors: Any) -> None:
    voila.open(browser_page, f"{LESSON}.ipynb")
    _type_into_population_box(browser_page)
    assert output_errors(browser_page) == []


def test_population_box_in_jupyterlab(lab: Any, browser_page: Any, output_errors: Any, screenshot: Any) -> None:
    page = browser_page
    run_all_in_lab(page, lab.notebook_url(f"{LESSON}.ipynb"))
    try:
        _type_into_population_box(page)
        assert output_errors(page) == []
    finally:
        screenshot(page, f"{LESSON}_population_box_jupyterlab", full_page=False)


def _type_into_population_box(page: Any) -> None:
    box = page.get_by_role("textbox", name=text("regional_incidence", "calculator.population"), exact=True)
    box.wait_for(timeout=120_000)
    box.scroll_into_view_if_needed()
    expect(box).to_have_value(format_number(model.DEFAULT_POPULATION), timeout=WAIT_MS)
    app = page.locator(".hemaedu-layout", has=box)
    summary = app.locator('[role="status"]')
    # The period starts at one year, and the page says so in the singular, as Python does.
    period = expected_cases_calculator().controls["years"]
    assert period.value == 1 and period.readout == f"1 {text('common', 'units.year.one')}"
    years = app.get_by_role("slider", name=period.description, exact=True)
    expect(years).to_have_attribute("aria-valuetext", period.readout, timeout=WAIT_MS)
    expect(app.locator(".hemaedu-readout").last).to_have_text(period.readout)

    python = expected_cases_calculator(population=350_000)
    _type(box, "350000")
    box.press("Enter")
    expect(box).to_be_focused()  # Enter stayed in the box (in JupyterLab it did not edit a cell)
    expect(box).to_have_value("350,000", timeout=WAIT_MS)
    expect(summary).to_have_text(python.summary_text(), timeout=WAIT_MS)

    _type(box, "35O,000")  # a letter O: refused, with the lesson's words, and nothing else changes
    box.press("Enter")
    message = text("regional_incidence", "calculator.population_not_whole", text="35O,000",
                   value=format_number(350_000))
    alert = app.get_by_role("alert")
    expect(alert).to_have_text(html.unescape(message), timeout=WAIT_MS)
    expect(box).to_have_value("35O,000")
    expect(summary).to_have_text(python.summary_text())

    _type(box, "2,000,000")  # corrected: the message goes
    box.press("Tab")  # leaving the box reads it too
    expect(alert).to_have_count(0, timeout=WAIT_MS)
    expect(summary).to_have_text(expected_cases_calculator(population=2_000_000).summary_text(), timeout=WAIT_MS)


def _type(box: Any, typed: str) -> None:
    """Clear the box and type ``typed`` key by key, as a learner does (``fill`` sends no keys)."""
    box.press("Control+a")
    box.press("Delete")
    box.press_sequentially(typed)
