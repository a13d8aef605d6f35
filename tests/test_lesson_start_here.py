"""Lesson 00 (start here): the course map, the course plan, the citation and the practice slider."""

from __future__ import annotations

import hemaedu
from hemaedu.data import package_metadata, records
from hemaedu.lessons import LESSONS
from hemaedu.lessons import start_here as lesson
from hemaedu.lessons.content import text


def test_course_map_lists_every_lesson_in_order_with_registry_minutes() -> None:
    table = lesson.course_map_markdown()
    rows = [line for line in table.splitlines() if line.startswith("| 0")]
    assert [row.split(" | ")[0] for row in rows] == [f"| {item.number}" for item in LESSONS]
    for item, row in zip(LESSONS, rows, strict=True):
        assert f"({item.notebook})" in row and f"| {item.minutes} min |" in row and item.title in row
    assert f"**{sum(item.minutes for item in LESSONS)} min**" in table


def test_course_plan_is_the_registry() -> None:
    plan = lesson.course_plan().splitlines()
    assert plan[: len(LESSONS)] == [f"{i.number} {i.title}: {i.minutes} min" for i in LESSONS]
    assert plan[len(LESSONS)].endswith(f"{lesson.total_minutes()} min")
    assert plan[-1].endswith(str(len(hemaedu.TABLES)))


def test_how_to_cite_comes_from_the_data_package() -> None:
    package = package_metadata()
    cite = lesson.how_to_cite().data
    assert package["title"] in cite and package["version"] in cite and hemaedu.__version__ in cite
    for licence in package["licenses"]:
        assert licence["name"] in cite
    refs = records("references")
    assert f"lists {len(refs)} publications" in cite
    assert f"({sum(bool(r['doi'] or r['pmid']) for r in refs)} of them with a DOI or PMID)" in cite


def test_widget_demo_readout_follows_the_slider() -> None:
    demo = lesson.widget_demo()
    slider = demo.controls[demo.main_control]
    slider.value = slider.max
    g_l = hemaedu.convert(slider.max, "g/dL", "g/L")
    mmol = hemaedu.convert(slider.max, "g/dL", "mmol/L")
    assert demo.summary_text() == text("start_here", "demo.readout", value=f"{slider.max:.1f}", g_l=f"{g_l:.0f}",
                                       mmol=f"{mmol:.1f}")
    assert demo.summary_text() in demo.status.value
    assert "hemaedu-app-start_here" in demo.container._dom_classes
    assert slider.readout in demo.static_html()
