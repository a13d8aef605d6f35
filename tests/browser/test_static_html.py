"""Static HTML export (`make html`): a course site that works offline, from file:// too.

The lessons are exported once per session with the documented tool
(tools/export_html.py, what `make html` runs) into a temporary directory. The
site is the course home (index.html) and one page per lesson, titled with the
lesson's title; every link between pages resolves to a file of the site; the
site holds ONE copy of plotly.js that every page loads by a relative link. Each
page loads nothing from outside: no <script src="http..."> or outside
stylesheet, and, opened from file:// in Chromium with every outside request
aborted, a drawn plotly figure with data and no outside request attempted. Each
app is shown in its teaching state (its ``static_preset``) with its controls
described; a learner can walk the course from the home page through every
lesson's "next" link and back home; a page prints on more than one sheet. Lesson 02's causes
chart, zoomed by a tap, takes the height the zoomed view needs, as in the live lesson.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from servers import REPO
from test_causes_zoom import _CHART, PHONE, ZOOM_INTO, _drawn_ids, _tap, _unlabelled

from hemaedu.figures.causes import causes_height
from hemaedu.lessons import LESSONS as REGISTRY
from hemaedu.lessons import lesson as registry_lesson
from hemaedu.lessons._app import App
from hemaedu.lessons.causes.apps import CausesApp

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
HREF = re.compile(r"""<a\b[^>]*\bhref=["']([^"']*)["']""", re.I)
TITLE = re.compile(r"<title>([^<]*)</title>", re.I)
SITE_PAGES = sorted(["index", *LESSONS])


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


def test_every_lesson_is_exported_with_a_home_page(exported: Path):
    assert sorted(p.stem for p in exported.glob("*.html")) == SITE_PAGES


def test_the_site_holds_one_copy_of_plotly_js(exported: Path):
    copies = {p.name: len(PLOTLY_BANNER.findall(p.read_text(encoding="utf-8")))
              for p in exported.iterdir() if p.suffix in (".html", ".js")}
    assert {name: n for name, n in copies.items() if n} == {"plotly.min.js": 1}
    largest_page = max(p.stat().st_size for p in exported.glob("*.html"))
    assert largest_page < 2_000_000, "a page carries plotly.js (or another large bundle) again"


@pytest.mark.parametrize("lesson", LESSONS)
def test_page_embeds_everything(exported: Path, lesson: str):
    text = (exported / f"{lesson}.html").read_text(encoding="utf-8")
    assert not OUTSIDE_SCRIPT.search(text), OUTSIDE_SCRIPT.search(text).group(0)
    assert not OUTSIDE_STYLESHEET.search(text), OUTSIDE_STYLESHEET.search(text).group(0)
    assert '<script type="text/javascript" src="plotly.min.js"></script>' in text
    if lesson in WITH_FIGURES:  # a lesson with an app draws its figure from embedded data
        assert "Plotly.newPlot" in text


@pytest.mark.parametrize("lesson", LESSONS)
def test_page_is_titled_with_its_lesson(exported: Path, lesson: str):
    item = registry_lesson(lesson)
    (title,) = TITLE.findall((exported / f"{lesson}.html").read_text(encoding="utf-8"))
    assert unescape(title).startswith(f"{item.number} {item.title} ·"), title
    assert "Notebook" not in title


@pytest.mark.parametrize("page", SITE_PAGES)
def test_every_link_between_pages_resolves(exported: Path, page: str):
    """No link to a missing file: lesson 00's course map and the navigation bars use .html pages."""
    text = (exported / f"{page}.html").read_text(encoding="utf-8")
    local = [unescape(h) for h in HREF.findall(text) if not urlsplit(unescape(h)).scheme and not h.startswith("#")]
    assert all(".ipynb" not in href for href in local), local
    missing = [href for href in local if not (exported / unquote(urlsplit(href).path)).is_file()]
    assert missing == []
    if page != "index":  # every lesson links the course home
        assert "index.html" in local


@pytest.mark.parametrize(
    ("lesson", "app"),
    [(item.name, app) for item in REGISTRY for app in item.apps],
)
def test_each_app_is_shown_in_its_teaching_state_with_its_controls_described(exported: Path,
                                                                            lesson: str, app: str):
    item = registry_lesson(lesson)
    text = unescape((exported / f"{lesson}.html").read_text(encoding="utf-8"))
    shown = item.app(app)
    starting = shown.summary_text()
    if shown.static_preset:
        shown.apply_preset(shown.static_preset)
        assert shown.summary_text() != starting, "the static preset must change what the app shows"
        assert starting not in text, "the page shows the app's starting state, not its static preset"
    if type(shown).static_html is App.static_html:  # (the case player renders its case instead)
        assert shown.summary_text() in text
    if shown.figures:  # (an app without a figure lists its controls' values in its own rendering)
        assert 'class="hemaedu-static-controls"' in text
    for control in shown.controls.values():
        if getattr(control, "readout", None) or getattr(control, "label", None):  # (not an unanswered question)
            assert control.description in text  # each live control that holds a value is named on the page


#: A bracket inside a bracket on one line of text ("(BSH 2016 (modified Camitta) cut-offs)").
NESTED_BRACKETS = re.compile(r"\([^()\n]*\([^()\n]*\)[^()\n]*\)")
#: What is not running text: scripts, styles, code and links (a DOI may hold brackets).
NOT_TEXT = re.compile(r"<(script|style|code|a)\b.*?</\1>", re.I | re.S)


@pytest.mark.parametrize("lesson", LESSONS)
def test_no_bracket_inside_a_bracket_in_a_lessons_text(exported: Path, lesson: str):
    # Before: "(UK transfusion guidelines (JPAC) gives ...)", "(BSH 2016 (modified Camitta)
    # cut-offs)" and "(here: Scheinberg 2011: ... (randomized, 6 mo, 41/60))".
    html = NOT_TEXT.sub(" ", (exported / f"{lesson}.html").read_text(encoding="utf-8"))
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert NESTED_BRACKETS.findall(text) == []


def test_lesson_01_does_not_show_a_normal_count(exported: Path):
    text = unescape((exported / "01_pancytopenia.html").read_text(encoding="utf-8"))
    assert "0 of 5 values below their reference range" not in text
    assert "Pancytopenia: yes" in text


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
        # A lesson table reads left to right, as in JupyterLab and Voila (the export's own CSS
        # right-aligns table cells: lesson 04's notes column was ragged on the left).
        aligns = page.evaluate("() => [...new Set([...document.querySelectorAll('.hemaedu-scroll :is(th, td)')]"
                               ".map((cell) => getComputedStyle(cell).textAlign))]")
        assert set(aligns) <= {"left", "start"}, aligns
        page.wait_for_timeout(300)  # late requests (fonts, images) would show up here
        screenshot(page, f"html_{lesson}")
        assert errors == []
        assert sorted(set(outside)) == []
    finally:
        context.close()


def test_walk_the_course_from_the_home_page_and_back(exported: Path, chromium: Any):
    """From index.html: start, follow "next" through every lesson, then "Course home"."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.route("**/*", lambda route: route.continue_()
                  if urlsplit(route.request.url).scheme in LOCAL_SCHEMES else route.abort("blockedbyclient"))
    page = context.new_page()
    try:
        page.goto((exported / "index.html").as_uri(), wait_until="load")
        assert page.title() == page.locator("h1").inner_text()
        page.locator('a[rel="next"]').click()
        visited = []
        while True:
            page.wait_for_load_state("load")
            visited.append(Path(urlsplit(page.url).path).stem)
            assert page.title().startswith(registry_lesson(visited[-1]).number)
            following = page.locator("nav.hemaedu-course-nav a.hemaedu-nav-next")
            if not following.count():
                break
            following.click()
        assert visited == LESSONS
        page.locator("nav.hemaedu-course-nav a.hemaedu-nav-home").click()
        page.wait_for_load_state("load")
        assert Path(urlsplit(page.url).path).name == "index.html"
    finally:
        context.close()


def test_a_lesson_prints_whole(exported: Path, chromium: Any):
    """Printed, a lesson fills several sheets (the print stylesheet lets its containers grow)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        page.goto((exported / "01_pancytopenia.html").as_uri(), wait_until="load")
        height = page.evaluate("document.documentElement.scrollHeight")
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert pages >= max(2, height // 2000), (pages, height)
    finally:
        context.close()


def test_lesson_02_causes_chart_takes_the_zoomed_height_on_a_phone(exported: Path, chromium: Any):
    """No kernel follows the zoom here: the page sets the height (hemaedu/static/icicle_zoom_height.js)."""
    app = CausesApp()
    if app.static_preset:
        app.apply_preset(app.static_preset)
    tree = app.tree(app.view)
    whole, zoomed = causes_height(tree), causes_height(tree, ZOOM_INTO)
    assert zoomed != whole  # else the test could not fail
    context = chromium.new_context(viewport=PHONE, locale="en-US", device_scale_factor=1,
                                   has_touch=True, is_mobile=True)
    context.route("**/*", lambda route: route.continue_()
                  if urlsplit(route.request.url).scheme in LOCAL_SCHEMES else route.abort("blockedbyclient"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    height = f"() => Math.round({_CHART}.getBoundingClientRect().height)"
    try:
        page.goto((exported / "02_causes.html").as_uri(), wait_until="load")
        page.wait_for_function(f"() => {{ const gd = {_CHART}; return gd && gd.querySelector('g.slice'); }}")
        before = _drawn_ids(page)
        assert page.evaluate(height) == whole
        _tap(page, ZOOM_INTO)
        page.wait_for_function(f"(h) => ({height})() === h", arg=zoomed, timeout=30_000)
        assert _drawn_ids(page)[0] == ZOOM_INTO
        slices, unlabelled = _unlabelled(page)
        assert slices and not unlabelled, f"zoomed, {len(unlabelled)} of {slices} boxes show no label: {unlabelled}"
        _tap(page, ZOOM_INTO)  # the zoomed box, now the left column: back to the whole chart
        page.wait_for_function(f"(h) => ({height})() === h", arg=whole, timeout=30_000)
        assert _drawn_ids(page) == before
        assert errors == []
    finally:
        context.close()
