"""Lesson 00: how the course works, the course map, a practice slider and how to cite the data.

What the notebook calls (``from hemaedu.lessons import start_here as lesson``)::

    lesson.course_map()      the lessons in order with their time (from the registry)
    lesson.widget_demo()     the practice slider
    lesson.how_to_cite()     the citation, rendered from the data package
    lesson.course_plan()     reading order and times as plain text (asserted by the tests)
    lesson.self_checks()     the self-check questions
    lesson.references()      the guidelines the course builds on
"""

from __future__ import annotations

from IPython.display import Markdown

from .. import LESSONS
from ..content import text
from ..parts import lesson_parts, narrative
from .apps import WidgetDemo, widget_demo
from .model import SOURCES, total_minutes

__all__ = ["WidgetDemo", "course_map", "course_map_markdown", "course_navigation", "course_plan", "how_to_cite",
           "post_check", "pre_check", "references", "self_checks", "total_minutes", "widget_demo"]

PACKAGE = "start_here"

# The references: the guidelines the whole course builds on.
pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, SOURCES)
how_to_cite = narrative(PACKAGE, "how_to_cite")  # how to cite the course data, from the data package


def course_map_markdown() -> str:
    """The lessons as a Markdown table: link, what each does and its time (the README shows the same).

    >>> course_map_markdown().count("\\n") == len(LESSONS) + 2
    True
    """
    header = [str(h) for h in _header()]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [text("common", "course_map.row", number=item.number, title=item.title, notebook=item.notebook,
                   description=item.description, minutes=item.minutes) for item in LESSONS]
    lines.append(text("common", "course_map.total", minutes=total_minutes()))
    return "\n".join(lines)


def _header() -> list[str]:
    from ..content import get

    return list(get("common", "course_map.header"))


def course_map() -> Markdown:
    """The course map, displayed."""
    return Markdown(course_map_markdown())


def course_plan() -> str:
    """Reading order, times and the number of data tables as plain text (tests/test_lesson_start_here.py checks it)."""
    lines = [text("common", "course_map.plan_line", number=i.number, title=i.title, minutes=i.minutes)
             for i in LESSONS]
    lines.append(text("common", "course_map.plan_total", minutes=total_minutes()))
    from ...data import TABLES

    lines.append(text(PACKAGE, "check_numbers.tables", n=len(TABLES)))
    return "\n".join(lines)
