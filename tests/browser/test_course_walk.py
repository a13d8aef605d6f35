"""Moving through the course in Voila, as the README serves it (``voila notebooks/``).

Voila serving the notebooks folder shows each lesson at ``/voila/render/<notebook>``; the
lessons link to each other by relative notebook names (hemaedu/lessons/navigation.py), so:

* lesson 00's course map links every lesson of the registry, each to its Voila page (with a
  single notebook served, as the README once showed, these links answered 403);
* from lesson 00 a student follows "Next" through every lesson to the last one, each page
  rendered by Voila in the same tab, then "Course home" back to lesson 00;
* a lesson printed from Voila fills several sheets (Voila's page is a fixed-height shell:
  without the print stylesheet it printed one page).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from servers import Voila, run_all_in_lab, wait_for_voila

from hemaedu.lessons import LESSONS

pytestmark = pytest.mark.browser

NAV = "nav.hemaedu-course-nav"
PAGE_COUNT = re.compile(rb"/Type\s*/Page\b")


def _local_lesson_links(page: Any, selector: str) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map((a) => a.href).filter((h) => /\\.ipynb$/.test(h))",
        selector,
    )


def _open_by_link(page: Any, link: Any, expected_url: str) -> None:
    assert link.get_attribute("target") == "_self"  # the course stays in one tab
    link.click()
    page.wait_for_url(expected_url, timeout=60_000)
    wait_for_voila(page)
    page.locator(NAV).wait_for(timeout=60_000)


def test_walk_the_course_in_voila(voila: Voila, browser_page: Any, blocked_requests: Any,
                                  output_errors: Any, screenshot: Any) -> None:
    page = browser_page
    home = LESSONS[0]
    voila.open(page, home.notebook)
    page.locator(NAV).wait_for(timeout=60_000)
    expected = [voila.lesson_url(item.name) for item in LESSONS]
    # Lesson 00's course map: every lesson, in order, each to its Voila page.
    # (Markdown outputs are rendered by the page after the cells have run.)
    page.wait_for_function("(n) => document.querySelectorAll('#rendered_cells table a').length >= n",
                           arg=len(LESSONS), timeout=30_000)
    map_links = _local_lesson_links(page, "#rendered_cells table a")
    assert map_links == expected

    visited = [page.url]
    for item in LESSONS[1:]:
        link = page.locator(f"{NAV} a.hemaedu-nav-next")
        _open_by_link(page, link, voila.lesson_url(item.name))
        assert page.locator("#rendered_cells").inner_text().strip(), "an empty page"
        assert output_errors(page) == []
        visited.append(page.url)
    assert visited == expected
    last = page.locator(NAV)
    assert last.locator("a.hemaedu-nav-next").count() == 0
    screenshot(page, "navigation_voila_last_lesson", full_page=False)
    # Back to the course home.
    _open_by_link(page, last.locator("a.hemaedu-nav-home"), voila.lesson_url(home.name))
    assert blocked_requests.unexpected() == []


def test_a_voila_lesson_prints_whole(voila: Voila, browser_page: Any) -> None:
    page = browser_page
    voila.open(page, LESSONS[1].notebook)
    page.locator(NAV).wait_for(timeout=60_000)
    page.emulate_media(media="print")
    height = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    pages = len(PAGE_COUNT.findall(page.pdf(format="A4")))
    # An A4 sheet holds about 1,100 CSS px of the page at the default print scale.
    assert pages >= max(2, height // 2_000), (pages, height)


def test_next_link_opens_the_next_lesson_in_jupyterlab(lab: Any, browser_page: Any, blocked_requests: Any) -> None:
    """In JupyterLab the same relative link opens the next notebook in a new Lab tab."""
    from playwright.sync_api import expect

    page = browser_page
    first, second = LESSONS[0], LESSONS[1]
    run_all_in_lab(page, lab.notebook_url(first.notebook))
    link = page.locator(f".jp-NotebookPanel:visible {NAV} a.hemaedu-nav-next")
    link.wait_for(timeout=120_000)
    link.scroll_into_view_if_needed()
    link.click()
    # The next lesson opens as the current document, and the browser stays in JupyterLab.
    expect(page.locator(".jp-mod-current .lm-TabBar-tabLabel, .lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel")
           .filter(has_text=second.notebook).first).to_be_visible(timeout=60_000)
    assert "/lab" in page.url
    assert blocked_requests == []
