"""Lesson 03: how common acquired aplastic anemia is, and where; expected cases for a city.

What the notebook calls (``from hemaedu.lessons import regional_incidence as lesson``)::

    lesson.incidence_explorer()          the region filter, world map and ranked chart
    lesson.expected_cases_calculator()   the expected-cases calculator (the main app)
    lesson.narrative("east_west")        a content Markdown block, numbers from data/
    lesson.age_pattern()                 the age pattern table
    lesson.self_checks()                 the self-check questions
    lesson.references()                  the sources the lesson used

Teaching material, not a clinical tool.
"""

from __future__ import annotations

from IPython.display import Markdown

from .. import _app
from ..content import markdown
from .apps import CasesCalculator, IncidenceExplorer, expected_cases_calculator, incidence_explorer
from .model import DEFAULT_POPULATION, references_used
from .render import PACKAGE, age_pattern_markdown

__all__ = [
    "DEFAULT_POPULATION",
    "CasesCalculator",
    "IncidenceExplorer",
    "age_pattern",
    "expected_cases_calculator",
    "incidence_explorer",
    "narrative",
    "references",
    "references_used",
    "self_checks",
]


def narrative(name: str) -> Markdown:
    """The content block ``content/<lang>/<name>.md``, with its numbers read from data/."""
    return Markdown(markdown(PACKAGE, name))


def age_pattern() -> Markdown:
    """The age pattern table, rendered from the ``age_pattern`` table."""
    return Markdown(age_pattern_markdown())


def self_checks() -> list[_app.SelfCheck]:
    """The lesson's self-check questions (``content/<lang>/questions.toml``)."""
    return _app.self_checks(PACKAGE)


def references() -> Markdown:
    """The sources of every row the lesson shows."""
    return _app.references(references_used())
