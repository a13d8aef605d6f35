"""Course navigation: every lesson ends with links to its neighbours and the course home.

The links come from the registry (hemaedu/lessons/registry.toml), so a lesson added there is
linked from its neighbours; the static site rewrites them to its pages (tools/export_html.py).
The navigation in the real front ends is tested in tests/browser/test_course_walk.py (Voila)
and tests/browser/test_static_html.py (the static site).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from hemaedu.lessons import LESSONS, Lesson, navigation

ROOT = Path(__file__).resolve().parent.parent
HREF = re.compile(r'<a href="([^"]+)"([^>]*)>([^<]*)</a>')


def _export_tool():
    spec = importlib.util.spec_from_file_location("export_html", ROOT / "tools" / "export_html.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _links(item: Lesson) -> list[tuple[str, str, str]]:
    """(href, attributes, label) of each link in the lesson's navigation bar."""
    return HREF.findall(navigation.navigation_html(item.number))


def test_previous_and_next_walk_the_registry_in_order():
    walked = [LESSONS[0]]
    while (after := navigation.previous_and_next(walked[-1].number)[1]) is not None:
        assert navigation.previous_and_next(after.number)[0] is walked[-1]
        walked.append(after)
    assert walked == list(LESSONS)
    assert navigation.previous_and_next(LESSONS[0].number)[0] is None


@pytest.mark.parametrize("item", LESSONS, ids=lambda x: x.name)
def test_each_lesson_links_its_neighbours_and_the_home(item: Lesson):
    before, after = navigation.previous_and_next(item.number)
    links = _links(item)
    rel = {re.search(r'rel="(\w+)"', attrs).group(1): href for href, attrs, _ in links if "rel=" in attrs}
    assert rel.get("prev") == (before.notebook if before else None)
    assert rel.get("next") == (after.notebook if after else None)
    home = [href for href, attrs, _ in links if navigation.HOME_CLASS in attrs]
    # Lesson 00 is the course home (its course map): every other lesson links back to it.
    assert home == ([] if item is LESSONS[0] else [LESSONS[0].notebook])
    for href, _attrs, label in links:  # labels name the lesson by number and title, not by file
        target = next(x for x in LESSONS if x.notebook == href)
        assert ".ipynb" not in label
        assert target is LESSONS[0] and "home" in label.lower() or target.title in label


def test_the_last_lesson_says_the_course_ends():
    last = LESSONS[-1]
    page = navigation.navigation_html(last.number)
    assert 'rel="next"' not in page
    assert "end of the course" in page


def test_navigation_is_a_labelled_landmark_with_large_targets():
    page = navigation.navigation_html(LESSONS[1].number)
    assert '<nav class="hemaedu-course-nav" aria-label="Course navigation">' in page
    assert "min-height: 44px" in page  # WCAG 2.5.8 asks 24 px; touch aims for 44


@pytest.mark.parametrize("item", LESSONS, ids=lambda x: x.name)
def test_every_lesson_package_offers_its_own_navigation(item: Lesson):
    """``lesson.course_navigation()`` comes from hemaedu.lessons.parts.lesson_parts, bound to the right lesson."""
    shown = item.module().course_navigation()
    assert shown.data == navigation.navigation_html(item.number)


@pytest.mark.parametrize("item", LESSONS, ids=lambda x: x.name)
def test_notebook_ends_with_the_course_navigation(item: Lesson):
    cells = json.loads((ROOT / "notebooks" / item.notebook).read_text(encoding="utf-8"))["cells"]
    source = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "code" and source == "lesson.course_navigation()"
    assert "references(" in "".join(cells[-2]["source"])


def test_print_stylesheet_only_changes_print():
    css = navigation.print_css()
    body = re.sub(r"/\*.*?\*/", "", css, flags=re.S).strip()
    assert body.startswith("@media print {") and body.endswith("}")
    assert "overflow: visible" in body  # the containers that scroll on screen grow on paper


def test_static_site_rewrites_lesson_links_to_pages_and_home_to_the_index():
    tool = _export_tool()
    last = LESSONS[-1]
    page = tool.rewrite_links(navigation.navigation_html(last.number))
    hrefs = [href for href, _attrs, _label in HREF.findall(page)]
    before = navigation.previous_and_next(last.number)[0]
    assert hrefs == [f"{before.name}.html", "index.html"]
    # Outside links and anchors are left alone.
    untouched = '<a href="https://doi.org/10.1111/bjh.13853">x</a><a href="#references">y</a>'
    assert tool.rewrite_links(untouched) == untouched
    assert tool.rewrite_links('<a href="01_pancytopenia.ipynb#self-check">') == (
        '<a href="01_pancytopenia.html#self-check">')


def test_static_home_page_lists_every_lesson_in_order():
    page = _export_tool().home_page()
    hrefs = re.findall(r'<td><a href="([^"]+)">', page)
    assert hrefs == [f"{item.name}.html" for item in LESSONS]
    assert f"Whole course: {sum(x.minutes for x in LESSONS)} min" in page
    assert "not a clinical tool" in page


def test_static_site_gives_lesson_00_a_home_link():
    tool = _export_tool()
    page = tool.add_home_link(tool.rewrite_links(navigation.navigation_html(LESSONS[0].number)))
    hrefs = [href for href, _attrs, _label in HREF.findall(page)]
    assert hrefs == ["index.html", f"{LESSONS[1].name}.html"]
    # nbconvert writes the attributes in its own order.
    exported = '<nav aria-label="Course navigation" class="hemaedu-course-nav">\n<a href="01_pancytopenia.html">'
    assert 'href="index.html"' in tool.add_home_link(exported)
