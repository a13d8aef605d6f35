"""Static HTML export (`make html`): every lesson, executed, shows its figures offline.

The lessons are exported once per session with the documented tool
(tools/export_html.py, what `make html` runs) into a temporary directory. Each
page must load nothing from outside: no <script src="http..."> or outside
stylesheet in the file, plotly.js embedded exactly once, and, opened from
file:// in Chromium with every outside request aborted, a drawn plotly figure
with data and no outside request attempted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from servers import REPO

from hemaedu.lessons import LESSONS as REGISTRY

pytestmark = pytest.mark.browser

LESSONS = [lesson.name for lesson in REGISTRY]
#: Lessons whose apps draw a figure (lesson 00's practice slider has none).
WITH_FIGURES = {lesson.name for lesson in REGISTRY if lesson.package != "start_here"}
OUTSIDE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I)
OUTSIDE_STYLESHEET = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>|@import\s+(?:url\()?[\"']?(?:https?:)?//", re.I
)
# The licence banner at the top of plotly.js: one per copy of the library.
PLOTLY_BANNER = re.compile(r"^\* plotly\.js v\d+\.\d+\.\d+$", re.M)
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every lesson exported by tools/export_html.py (about 10 s per lesson)."""
    out = tmp_path_factory.mktemp("html")
    env = dict(os.environ)
    # The kernels import the working tree's hemaedu, as in the other browser tests.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "tools/export_html.py", "--output-dir", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return out


def test_every_lesson_is_exported(exported: Path):
    assert sorted(p.stem for p in exported.glob("*.html")) == LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_page_embeds_everything(exported: Path, lesson: str):
    text = (exported / f"{lesson}.html").read_text(encoding="utf-8")
    assert not OUTSIDE_SCRIPT.search(text), OUTSIDE_SCRIPT.search(text).group(0)
    assert not OUTSIDE_STYLESHEET.search(text), OUTSIDE_STYLESHEET.search(text).group(0)
    assert len(PLOTLY_BANNER.findall(text)) == 1, "plotly.js must be embedded exactly once"
    if lesson in WITH_FIGURES:  # a lesson with an app draws its figure from embedded data
        assert "Plotly.newPlot" in text


_DRAWN_FIGURES_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].map((gd) => ({
  traces: (gd.data || []).length,
  points: (gd.data || []).reduce((n, t) => n + ((t.x || t.y || t.values || t.z || []).length || 0), 0),
  svg: gd.querySelectorAll('svg.main-svg').length,
  title: (gd.layout && gd.layout.title && gd.layout.title.text) || '',
}))
"""


@pytest.mark.parametrize("lesson", LESSONS)
def test_page_renders_offline_in_chromium(exported: Path, lesson: str, chromium: Any,
                                          screenshot: Any):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    outside: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        if urlsplit(route.request.url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    # Also record requests the router may not see (e.g. from workers).
    page.on("request", lambda r: outside.append(r.url)
            if urlsplit(r.url).scheme not in LOCAL_SCHEMES else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto((exported / f"{lesson}.html").as_uri(), wait_until="load", timeout=60_000)
        if lesson in WITH_FIGURES:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".some((gd) => gd.data && gd.data.length && gd.querySelector('svg.main-svg'))",
                timeout=30_000,
            )
            figures = page.evaluate(_DRAWN_FIGURES_JS)
            drawn = [f for f in figures if f["traces"] and f["points"] and f["svg"]]
            assert drawn, f"no plotly figure drawn with data: {figures}"
            assert all(f["title"] for f in drawn), f"a drawn figure lost its title: {figures}"
        page.wait_for_timeout(300)  # late requests (fonts, images) would show up here
        screenshot(page, f"html_{lesson}")
        assert errors == []
        assert sorted(set(outside)) == []
    finally:
        context.close()
