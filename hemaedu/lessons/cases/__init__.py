"""Lesson 06 · Cases: what the notebook calls.

>>> from hemaedu.lessons import cases as lesson
>>> len(lesson.case_ids()) >= 8
True
"""

from __future__ import annotations

from IPython.display import Markdown

from .._app import references as _references
from .._app import self_checks as _self_checks
from ..content import markdown
from . import model
from .apps import CasePlayer, Practice, case_player, practice
from .casefile import case_ids, load_case

__all__ = [
    "CasePlayer",
    "Practice",
    "case_ids",
    "case_list",
    "case_player",
    "how_cases_work",
    "load_case",
    "practice",
    "references",
    "self_checks",
]

PACKAGE = "cases"


def how_cases_work() -> Markdown:
    """How the case player and the practice drill work (content/en/how_cases_work.md)."""
    return Markdown(markdown(PACKAGE, "how_cases_work"))


def case_list() -> Markdown:
    """Every case with its one-line summary."""
    cases = [load_case(c) for c in case_ids()]
    return Markdown("\n".join(f"- **{c.title}**: {c.summary}" for c in cases))


def self_checks() -> list:
    """The lesson's self-check questions (from questions.toml)."""
    return _self_checks(PACKAGE)


def references() -> Markdown:
    """Every source of every case and of the practice rules."""
    return _references(model.source_ids())
