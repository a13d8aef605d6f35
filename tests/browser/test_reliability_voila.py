"""Hostile widget messages and closed pages against a real Voila (issue 9, items 3, 5 and 6).

A second client speaks the kernel's websocket protocol (the one the page uses,
``/api/kernels/<id>/channels``, JSON messages) to the kernel of an open lesson
page, and sends what a crafted page could: out-of-range limits, wrong types,
NaN, null, huge payloads, label, unit and description changes. The kernel
broadcasts its answers on iopub, so the real page receives exactly what it
would after sending these messages itself. Then:

* the page still shows the kernel's values (range, readout, labels, summary),
* no traceback or stderr reaches the page,
* the kernel keeps answering: a key press on the page still updates the lesson.

The tab-close tests open pages, close or reload them, and require their kernels
to be gone within a bounded time (Voila answers ``/api/kernels/<id>`` with 404
for a kernel it no longer has).
"""

from __future__ import annotations

import math
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from kernel_client import KernelSocket, kernel_id
from playwright.sync_api import expect
from servers import wait_for_voila

from hemaedu.lessons import lesson as registry_lesson
from hemaedu.lessons.regional_incidence.model import MAX_YEARS  # the Period slider's max

pytestmark = pytest.mark.browser

LESSON = "03_regional_incidence.ipynb"
CALCULATOR = "." + registry_lesson("03").app_css_class("expected_cases_calculator")  # the calculator's container

WAIT_MS = 15_000
LOAD_MS = 90_000  # widgets render after the cells ran; slow on a busy shared machine
KERNEL_GONE_S = 15.0  # a closed page's kernel must be gone within this time


def kernel_exists(voila: Any, kid: str) -> bool:
    try:
        with urllib.request.urlopen(voila.url(f"api/kernels/{kid}"), timeout=10):  # noqa: S310 - local
            return True
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise


def wait_until_gone(voila: Any, kernel_ids: list[str], timeout: float = KERNEL_GONE_S) -> list[str]:
    """The kernels still running after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    left = list(kernel_ids)
    while left and time.monotonic() < deadline:
        left = [kid for kid in left if kernel_exists(voila, kid)]
        if left:
            time.sleep(0.25)
    return left


def find(states: dict[str, dict[str, Any]], **match: Any) -> str:
    found = [cid for cid, s in states.items() if all(s.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one widget with {match}, found {len(found)}"
    return found[0]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def lesson(voila: Any, browser_page: Any) -> Iterator[tuple[Any, KernelSocket, dict[str, dict[str, Any]]]]:
    """Lesson 03 open in the browser, a hostile client on its kernel, and the widgets' states."""
    page = browser_page
    voila.open(page, LESSON)
    expect(page.get_by_role("slider", name="Period")).to_be_visible(timeout=LOAD_MS)
    client = KernelSocket(voila.base_url, kernel_id(page))
    try:
        yield page, client, client.widget_states()
    finally:
        client.close()


def period(page: Any) -> Any:
    return page.get_by_role("slider", name="Period")


def summary(page: Any) -> Any:
    return page.locator(f"{CALCULATOR} .hemaedu-summary").first


def assert_kernel_still_answers(page: Any, output_errors: Any) -> None:
    """A key press on the Period slider changes the summary: the kernel is not stuck."""
    before = summary(page).inner_text()
    slider = period(page)
    slider.focus()
    at_max = slider.evaluate("(input) => Number(input.value) === Number(input.max)")
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    expect(summary(page)).not_to_have_text(before, timeout=WAIT_MS)
    assert output_errors(page) == []


# --------------------------------------------------------------------------- hostile messages


def test_limits_from_the_page_are_ignored_and_the_huge_value_clamped(lesson, output_errors) -> None:
    # Issue 9: max=1e300 then value=1e300 on the Period slider hung the kernel for good.
    page, client, states = lesson
    slider_id = find(states, description="Period", _anywidget_id="hemaedu.controls.Slider")
    text = summary(page).inner_text()
    client.update(slider_id, {"max": 1e300, "min": -1e300, "step": 1e-300})
    answers = client.update(slider_id, {"value": 1e300})  # returns: the kernel is idle again
    assert [m for m in answers if m["msg_type"] == "error"] == []
    expect(period(page)).to_have_attribute("max", str(MAX_YEARS))
    expect(period(page)).to_have_attribute("min", "1")
    expect(period(page)).to_have_attribute("aria-valuetext", f"{MAX_YEARS} years", timeout=WAIT_MS)
    expect(summary(page)).not_to_have_text(text, timeout=WAIT_MS)  # it follows the clamped 30 years
    assert_kernel_still_answers(page, output_errors)


@pytest.mark.parametrize(
    "value",
    [None, math.nan, "12", True, [5], {"v": 5}, "x" * 1_000_000],
    ids=["null", "nan", "string", "bool", "list", "object", "huge-string"],
)
def test_a_refused_value_never_shows_on_the_page(lesson, output_errors, value) -> None:
    # Before: value=null was drawn as "0 years" while the kernel kept its value.
    page, client, states = lesson
    slider_id = find(states, description="Period", _anywidget_id="hemaedu.controls.Slider")
    shown = period(page).get_attribute("aria-valuetext")
    text = summary(page).inner_text()
    answers = client.update(slider_id, {"value": value})
    updates = [m["content"]["data"] for m in answers if m["msg_type"] == "comm_msg"]
    # The kernel answers with its own value after the (ignored) echo of the proposal.
    assert {"method": "update", "state": {"value": states[slider_id]["value"]},
            "buffer_paths": []} in updates
    page.wait_for_timeout(500)  # let the page apply every message
    expect(period(page)).to_have_attribute("aria-valuetext", shown)
    expect(page.locator(f"{CALCULATOR} .hemaedu-readout").last).to_have_text(shown)
    expect(summary(page)).to_have_text(text)
    assert_kernel_still_answers(page, output_errors)


def test_units_labels_and_descriptions_stay_the_kernels(lesson, output_errors) -> None:
    page, client, states = lesson
    slider_id = find(states, description="Period", _anywidget_id="hemaedu.controls.Slider")
    region_id = find(states, description="Region", _anywidget_id="hemaedu.controls.Choice")
    labels = states[region_id]["_labels"]
    shown = period(page).get_attribute("aria-valuetext")
    client.update(slider_id, {"unit": "months", "description": "Hacked", "readout_format": ".9f",
                              "help": "x" * 1_000_000, "disabled": True})
    client.update(region_id, {"_labels": list(reversed(labels)), "description": "Sex",
                              "index": len(labels) + 5})
    page.wait_for_timeout(500)
    expect(period(page)).to_have_attribute("aria-valuetext", shown)
    expect(period(page)).to_be_enabled()
    expect(page.get_by_role("slider", name="Hacked")).to_have_count(0)
    group = page.get_by_role("group", name="Region", exact=True)
    expect(group).to_be_visible()
    expect(group.get_by_role("radio")).to_have_count(len(labels))
    assert group.get_by_role("radio").evaluate_all("els => els.map((e) => e.labels[0].textContent)") == labels
    expect(group.get_by_role("radio", name=labels[states[region_id]["index"]])).to_be_checked()
    assert_kernel_still_answers(page, output_errors)


def test_a_stock_dropdown_keeps_the_kernels_labels(lesson, output_errors) -> None:
    page, client, states = lesson
    dropdown_id = find(states, _model_name="DropdownModel", description="Rate from")
    labels = states[dropdown_id]["_options_labels"]
    client.update(dropdown_id, {"_options_labels": list(reversed(labels))})
    page.wait_for_timeout(500)
    options = page.get_by_role("combobox", name="Rate from").locator("option").all_inner_texts()
    # ipywidgets draws each option's spaces as non-breaking spaces.
    assert [option.replace("\xa0", " ") for option in options] == labels


# --------------------------------------------------------------------------- kernels freed


def test_closed_and_reloaded_pages_end_their_kernels(voila, chromium) -> None:
    # Before: Voila's shutdown beacon got 403 (no _xsrf cookie) and every kernel stayed.
    pages = 3
    kernel_ids = []
    context = chromium.new_context()
    try:
        opened = []
        for _ in range(pages):
            page = context.new_page()
            voila.open(page, LESSON)
            kernel_ids.append(kernel_id(page))
            opened.append(page)
        assert all(kernel_exists(voila, kid) for kid in kernel_ids)
        # A reload: the old page's kernel ends, the new page gets a new one.
        reloaded = opened[0]
        reloaded.reload(wait_until="domcontentloaded")
        wait_for_voila(reloaded)
        expect(period(reloaded)).to_be_visible(timeout=LOAD_MS)  # its unload handler is in place
        new_id = kernel_id(reloaded)
        assert new_id not in kernel_ids
        for page in opened:  # closing a tab runs its unload handlers, as a person's click does
            page.close(run_before_unload=True)
        kernel_ids.append(new_id)
        assert wait_until_gone(voila, kernel_ids) == []
    finally:
        context.close()
