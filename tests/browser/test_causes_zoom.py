"""Lesson 02's causes chart zoomed in on a phone, by a real click in Voila.

A student on a phone (390 x 844) opens lesson 02 and taps a box of the causes icicle that has
boxes under it. Plotly zooms the icicle in the page; the app hears the click in Python
(``CausesApp._on_chart_click``) and narrows its live summary and its table to the causes under
that box. The test checks what the student then sees:

* every box plotly draws in the zoomed chart shows its label (measured with the same probe as
  test_layout.py, tests/browser/layout_probe.js: plotly hides a label too big for its box);
* the summary (``role="status"``) and the table say what Python's ``CausesApp.focused`` view
  says for that box (the expected texts come from building the same app in Python);
* a tap on the zoomed box (now the left column) zooms back out, and the summary returns to the
  whole chart's.

A screenshot of the zoomed chart's top on the phone goes to
test-artifacts/screenshots/causes-zoom-phone.png.
"""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Any

import pytest
from servers import ARTIFACTS, wait_for_voila

from hemaedu.lessons.causes import render
from hemaedu.lessons.causes.apps import CausesApp

pytestmark = pytest.mark.browser

PROBE_JS = (Path(__file__).resolve().parent / "layout_probe.js").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
WAIT_MS = 120_000
#: The box the student taps: the largest cytopenia, whose causes are the most crowded when zoomed.
ZOOM_INTO = "aplastic anemia"

# The causes icicle's plotly div, and the app box around it.
_CHART = "[...document.querySelectorAll('.js-plotly-plot')].find((gd) => gd.querySelector('.iciclelayer g.slice'))"

#: The drawn boxes of the icicle (those with a size): id (plotly's own, from the data bound to each slice), where it is.
_SLICES_JS = f"""
() => {{
  const gd = {_CHART};
  if (!gd || gd._transitioning) return null;
  return [...gd.querySelectorAll('.iciclelayer g.slice')].map((slice) => {{
    const r = slice.querySelector('path').getBoundingClientRect();
    return {{id: slice.__data__.data.data.id, x: Math.round(r.left), y: Math.round(r.top),
             w: Math.round(r.width), h: Math.round(r.height)}};
  }}).filter((s) => s.w > 0 && s.h > 0);  // (the boxes deeper than the chart's depth have no size)
}}
"""

#: The app's live summary and its table's first column (the causes), read from the page.
_TEXTS_JS = f"""
() => {{
  const app = {_CHART}.closest('.hemaedu-layout');
  const status = app.querySelector('[role="status"]');
  const rows = [...app.querySelectorAll('table.hemaedu-table tbody tr')];
  return {{summary: status ? status.innerText.trim() : null,
           causes: rows.map((row) => row.cells[0].innerText.trim())}};
}}
"""


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _drawn_ids(page: Any) -> list[str]:
    """The ids of the drawn boxes once plotly has stopped moving them (two equal reads)."""
    last, deadline = None, time.monotonic() + 30
    while time.monotonic() < deadline:
        slices = page.evaluate(_SLICES_JS)
        if slices and slices == last:
            return [s["id"] for s in slices]
        last = slices
        page.wait_for_timeout(400)
    raise AssertionError(f"the icicle never settled: {last}")


def _tap(page: Any, node_id: str) -> None:
    """A real tap (touch) near the top left of box ``node_id``, scrolled into view first."""
    r = page.evaluate(f"""(id) => {{
      const slice = [...{_CHART}.querySelectorAll('.iciclelayer g.slice')].find((s) => s.__data__.data.data.id === id);
      if (!slice) return null;
      const r0 = slice.querySelector('path').getBoundingClientRect();
      slice.scrollIntoView({{block: r0.height < innerHeight ? 'center' : 'start'}});
      const r = slice.querySelector('path').getBoundingClientRect();
      return {{x: r.left, y: r.top, w: r.width, h: r.height}};
    }}""", node_id)
    assert r, f"box {node_id!r} is not drawn"
    page.touchscreen.tap(r["x"] + min(r["w"] / 2, 30), r["y"] + min(r["h"] / 2, 30))


def _unlabelled(page: Any) -> tuple[int, list[str]]:
    """(boxes drawn, the ones without a visible label) of the causes chart, by layout_probe.js."""
    figure = next(f for f in page.evaluate(PROBE_JS)["figures"] if f["slices"])
    return figure["slices"], figure["unlabelled"]


def _wait_for_texts(page: Any, summary: str, causes: list[str]) -> dict[str, Any]:
    deadline, seen = time.monotonic() + 30, None
    while time.monotonic() < deadline:
        seen = page.evaluate(_TEXTS_JS)
        if _plain(seen["summary"] or "") == summary and seen["causes"] == causes:
            return seen
        page.wait_for_timeout(200)
    raise AssertionError(f"the app's texts never became\n  {summary}\n  {causes}\nlast seen: {seen}")


def test_tap_zooms_causes_chart_with_every_label_and_texts_follow(voila: Any, chromium: Any,
                                                                   output_errors: Any) -> None:
    # The expected texts, from the same app built in Python and zoomed as the page will be.
    app = CausesApp()
    whole = (_plain(render.causes_summary(app.focused(app.view))),
             [r["cause"] for r in app.focused(app.view).rows])
    app.zoom(ZOOM_INTO)
    zoomed_view = app.focused(app.view)
    zoomed = (_plain(render.causes_summary(zoomed_view)), [r["cause"] for r in zoomed_view.rows])
    assert 0 < len(zoomed[1]) < len(whole[1])  # the zoom narrows the table: a test that can fail
    under = {n.node_id for n in app.view.nodes if n.node_id.startswith(ZOOM_INTO + "/")} | {ZOOM_INTO}

    context = chromium.new_context(viewport=PHONE, locale="en-US", device_scale_factor=1,
                                   has_touch=True, is_mobile=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:", "about:")) else route.abort("blockedbyclient"))
    page = context.new_page()
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(voila.lesson_url("02_causes"), wait_until="domcontentloaded", timeout=WAIT_MS)
        wait_for_voila(page, timeout=WAIT_MS)
        page.wait_for_function(f"() => {{ const gd = {_CHART}; return gd && gd.querySelector('g.slice'); }}",
                               timeout=WAIT_MS)
        before = _drawn_ids(page)
        assert ZOOM_INTO in before
        _wait_for_texts(page, *whole)

        _tap(page, ZOOM_INTO)
        page.wait_for_function(
            f"(id) => {{ const gd = {_CHART}; return gd && gd.querySelector('g.slice') && "
            "gd.querySelector('g.slice').__data__.data.data.id === id; }", arg=ZOOM_INTO, timeout=30_000)
        # (b) the summary and the table now describe only the causes under the tapped box; the
        # app has then also given the chart the zoomed view's height (sent before the texts)
        _wait_for_texts(page, *zoomed)
        page.wait_for_function(f"(h) => Math.round({_CHART}.getBoundingClientRect().height) === h",
                               arg=app.figure.layout.height, timeout=30_000)
        drawn = _drawn_ids(page)
        # (plotly draws the zoomed box and those under it, down to the chart's depth)
        assert drawn[0] == ZOOM_INTO and set(drawn) <= under, drawn
        # What the phone shows from the chart's top (Voila scrolls inside a panel, so a screenshot
        # of the whole, taller chart would come out blank below the viewport).
        page.evaluate(f"() => {_CHART}.scrollIntoView({{block: 'start'}})")
        page.screenshot(path=str(shots / "causes-zoom-phone.png"))
        slices, unlabelled = _unlabelled(page)
        assert slices == len(drawn)
        assert not unlabelled, f"zoomed into {ZOOM_INTO!r} on a phone, {len(unlabelled)} of {slices} boxes " \
                               f"show no label: {unlabelled}"

        # (c) a tap on the zoomed box (the left column now) zooms back out
        _tap(page, ZOOM_INTO)
        page.wait_for_function(
            f"(id) => {{ const gd = {_CHART}; return gd && !gd._transitioning && "
            "gd.querySelector('g.slice').__data__.data.data.id !== id; }", arg=ZOOM_INTO, timeout=30_000)
        _wait_for_texts(page, *whole)
        assert _drawn_ids(page) == before
        slices, unlabelled = _unlabelled(page)
        assert slices == len(before) and not unlabelled, unlabelled
        assert output_errors(page) == []
    finally:
        context.close()
