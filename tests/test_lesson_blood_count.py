"""Lesson 00: the course map, how to cite, the widget demo and its self-checks.

(Lesson 01's tests moved to tests/test_lesson_pancytopenia.py with the lesson's
move to hemaedu.lessons.pancytopenia.)
"""

from __future__ import annotations

import hemaedu
from hemaedu.widgets import course


def test_self_checks_have_one_right_answer_and_feedback_only_after_answering():
    checks = course.self_checks()
    assert len(checks) >= 2
    for check in checks:
        assert check.feedback.value == ""
        right = next(o for o in check.options if o.correct)
        wrong = next(o for o in check.options if not o.correct)
        assert check.answer(wrong.label) is False and "Not quite" in check.feedback.value
        assert check.answer(right.label) is True and "Correct" in check.feedback.value



# ----------------------------------------------------------------------------- lesson 00


def test_lesson_table_lists_every_notebook_in_order():
    names = [lesson.path for lesson in course.LESSONS]
    assert names == sorted(names) and names[0] == "00_start_here.ipynb"
    table = course.lesson_table()
    for lesson in course.LESSONS:
        assert f"| {lesson.minutes} min |" in table and lesson.path in table
    assert f"**{course.total_minutes()} min**" in table


def test_how_to_cite_comes_from_the_data_package():
    import json

    package = json.loads(hemaedu.data.data_path("datapackage.json").read_text(encoding="utf-8"))
    text = course.how_to_cite()
    assert package["title"] in text and package["version"] in text
    for licence in package["licenses"]:
        assert licence["name"] in text
    assert f"lists {len(hemaedu.load('references'))} publications" in text


def test_widget_demo_readout_follows_the_slider():
    demo = course.widget_demo()
    demo.slider.value = demo.slider.max
    assert f"{demo.slider.max:.1f} g/dL" in demo.readout.value
    g_l = hemaedu.convert(demo.slider.max, "g/dL", "g/L")
    assert f"{g_l:.0f} g/L" in demo.readout.value
