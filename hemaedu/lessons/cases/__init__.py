"""Lesson 06 · Cases: what the notebook calls.

>>> from hemaedu.lessons import cases as lesson
>>> len(lesson.case_ids()) >= 8
True
"""

from __future__ import annotations

from IPython.display import Markdown

from ..parts import lesson_parts, narrative
from .apps import CasePlayer, Practice, case_player, practice
from .casefile import case_ids, load_case
from .model import source_ids

__all__ = ["CasePlayer", "Practice", "case_ids", "case_list", "case_player", "course_navigation", "how_cases_work",
           "load_case", "post_check", "practice", "pre_check", "references", "self_checks"]

PACKAGE = "cases"

# The references: every source of every case and of the practice rules.
pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)
how_cases_work = narrative(PACKAGE, "how_cases_work")  # how the case player and the practice drill work


def case_list() -> Markdown:
    """Every case with its one-line summary."""
    cases = [load_case(c) for c in case_ids()]
    return Markdown("\n".join(f"- **{c.title}**: {c.summary}" for c in cases))
