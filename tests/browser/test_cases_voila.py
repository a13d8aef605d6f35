"""Lesson 06 in Voila: one whole case played with the keyboard only, as a student would.

The case is chosen with an arrow key in the "Case" radio group; at each decision the answer is
selected with Space and the arrow keys, Tab reaches "Check answer" and Enter checks it. After
each answer the live status region must read what the same play gives in Python, the chart
must appear (with lesson 01's data for the case's count) once the count is taken and follow the
repeat count, and the end report must show the score, a review link and the sources. axe-core
must find no serious violation on the finished case. A shorter test does the first decision in
JupyterLab after "Run All Cells".
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from servers import run_all_in_lab

from hemaedu.lessons import lesson as registry_lesson
from hemaedu.lessons.cases import apps, model
from hemaedu.lessons.cases.casefile import case_ids, load_case
from hemaedu.lessons.content import text

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
CASE = "edta_pseudothrombocytopenia"
LESSON = registry_lesson("cases")
CSS = LESSON.app_css_class("case_player")


def _trace_x(fig: dict[str, Any], meta: str) -> list[float]:
    trace = next(t for t in fig["data"] if t.get("meta") == meta)
    return [round(x, 9) for x in trace.get("x") or []]


def _plot_index(page: Any) -> int:
    return page.evaluate(
        "(sel) => [...document.querySelectorAll('.js-plotly-plot')].indexOf(document.querySelector(sel))",
        f".{CSS} .js-plotly-plot",
    )


def test_play_a_case_by_keyboard(voila, browser_page, plotly, run_axe, screenshot, output_errors,
                                 blocked_requests) -> None:
    page = browser_page
    case = load_case(CASE)
    ids = case_ids()
    assert ids.index(CASE) == 1, "the test reaches the case with one arrow key from the first"
    # The page plays wrong at the first decision (the option after the right one), right afterwards.
    choices = [(d.right + 1) % len(d.options) if i == 0 else d.right for i, d in enumerate(case.decisions)]
    assert all(c <= 1 for c in choices), "each answer is reached with Space and at most one arrow key"
    expected = apps.case_player(CASE)

    voila.open(page, LESSON.notebook)
    try:
        player = page.locator(f".{CSS}")
        case_group = player.get_by_role("group", name=text("cases", "control.case"), exact=True)
        case_group.wait_for(timeout=WAIT_MS)
        assert output_errors(page) == []

        first = case_group.get_by_role("radio", name=load_case(ids[0]).title, exact=True)
        expect(first).to_be_checked()
        first.focus()
        page.keyboard.press("ArrowDown")
        expect(case_group.get_by_role("radio", name=case.title, exact=True)).to_be_checked()
        status = player.locator(".hemaedu-summary")
        expect(status).to_have_text(expected.summary_text(), timeout=WAIT_MS)
        expect(status).to_have_attribute("role", "status")

        for number, (decision, choice) in enumerate(zip(case.decisions, choices, strict=True), start=1):
            name = text("cases", "control.answer", number=number, total=len(case.decisions), prompt=decision.prompt)
            group = player.get_by_role("group", name=name, exact=True)
            group.wait_for(timeout=WAIT_MS)
            radios = group.get_by_role("radio")
            radios.nth(0).focus()
            page.keyboard.press("Space")
            expect(radios.nth(0)).to_be_checked()
            if choice == 1:
                page.keyboard.press("ArrowDown")
                expect(radios.nth(1)).to_be_checked()
            # A person reads before pressing Check; ipywidgets may reorder a selection sent in the
            # same instant as the click that follows it (a known front-end race), so pause as a reader would.
            page.wait_for_timeout(400)
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement.textContent.trim()") == \
                text("cases", "control.check")
            page.keyboard.press("Enter")

            right = expected.answer(choice)
            assert right == (choice == decision.right)
            expect(status).to_have_text(expected.summary_text(), timeout=WAIT_MS)
            verdict = text("common", "correct" if right else "not_quite")
            expect(status).to_contain_text(f"{verdict} {decision.options[choice].why}")

            view = expected.view.case_view
            if view.count_shown:  # the chart shows the case's latest count (lesson 01's rows)
                index = _plot_index(page)
                want = [round(x, 9) for x in expected.trace("low").x]
                fig = plotly.wait_until(page, lambda f, w=want: _trace_x(f, "low") == w, figure=index,
                                        timeout=WAIT_MS / 1000)
                assert fig["layout"]["title"]["text"] == expected.figure.layout.title.text
                expect(player.locator(".js-plotly-plot")).to_be_visible()

        # The end: the score, a link to the section to review, the sources, the session note.
        report = model.report(expected.states[CASE])
        assert report.right == len(case.decisions) - 1
        expect(player.get_by_role("heading", name=text("cases", "report.heading"))).to_be_visible()
        expect(player).to_contain_text(text("cases", "report.score", right=report.right, total=report.total))
        review = case.decisions[0].review
        link = player.get_by_role("link", name=f"Lesson {review.lesson} ·", exact=False)
        expect(link).to_have_attribute("href", f"{registry_lesson(review.lesson).notebook}#"
                                               f"{review.section.replace(' ', '-')}")
        expect(player).to_contain_text(text("cases", "report.sources"))
        expect(player).to_contain_text(text("cases", "report.session", done=1, total=len(ids)))

        assert output_errors(page) == []
        violations = run_axe(page)
        assert violations == [], run_axe.format(violations)
        assert blocked_requests.unexpected() == [], "requests to outside servers"
    finally:
        screenshot(page, "06_cases_played")


def test_first_decision_by_keyboard_in_jupyterlab(lab, browser_page, screenshot, output_errors,
                                                  blocked_requests) -> None:
    """JupyterLab too: Run All Cells, then answer the first case's first question with the keyboard."""
    page = browser_page
    run_all_in_lab(page, lab.notebook_url(LESSON.notebook))
    try:
        expected = apps.case_player()
        case = expected.view.case_view.case
        decision = case.decisions[0]
        player = page.locator(f".{CSS}")
        name = text("cases", "control.answer", number=1, total=len(case.decisions), prompt=decision.prompt)
        group = player.get_by_role("group", name=name, exact=True)
        group.wait_for(timeout=120_000)
        group.scroll_into_view_if_needed()
        radios = group.get_by_role("radio")
        radios.nth(0).focus()
        page.keyboard.press("Space")
        expect(radios.nth(0)).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expected.answer(0)
        expect(player.locator(".hemaedu-summary")).to_have_text(expected.summary_text(), timeout=WAIT_MS)
        expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible(timeout=120_000)
        assert output_errors(page) == []
        assert blocked_requests == [], "JupyterLab requested outside servers"
    finally:
        screenshot(page, "06_cases_jupyterlab", full_page=False)
