"""Lesson 03's population box in Voila, typed into with the keyboard as a learner would.

The box shows the population with grouped digits as the summary writes it ("2,000,000"); typing
"350000" and pressing Enter gives "350,000" in the box and in the summary; a text that is not a
whole number within the bounds shows the lesson's message (``role="alert"``) and changes nothing
else. Expected texts come from the lesson's content and the same app built in Python.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from playwright.sync_api import expect

from hemaedu.lessons.content import text
from hemaedu.lessons.format import format_number
from hemaedu.lessons.regional_incidence import model
from hemaedu.lessons.regional_incidence.apps import expected_cases_calculator

pytestmark = pytest.mark.browser

WAIT_MS = 30_000


def test_population_box_groups_digits_reads_typing_and_explains_bad_input(voila: Any, browser_page: Any,
                                                                          output_errors: Any) -> None:
    page = browser_page
    voila.open(page, "03_regional_incidence.ipynb")
    box = page.get_by_role("textbox", name=text("regional_incidence", "calculator.population"), exact=True)
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
    box.fill("350000")
    box.press("Enter")
    expect(box).to_have_value("350,000", timeout=WAIT_MS)
    expect(summary).to_have_text(python.summary_text(), timeout=WAIT_MS)

    box.fill("35O,000")  # a letter O: refused, with the lesson's words, and nothing else changes
    box.press("Enter")
    message = text("regional_incidence", "calculator.population_not_whole", text="35O,000",
                   value=format_number(350_000))
    alert = app.get_by_role("alert")
    expect(alert).to_have_text(html.unescape(message), timeout=WAIT_MS)
    expect(box).to_have_value("35O,000")
    expect(summary).to_have_text(python.summary_text())

    box.fill("2,000,000")  # corrected: the message goes
    box.press("Tab")  # leaving the box reads it too
    expect(alert).to_have_count(0, timeout=WAIT_MS)
    expect(summary).to_have_text(expected_cases_calculator(population=2_000_000).summary_text(), timeout=WAIT_MS)
    assert output_errors(page) == []
