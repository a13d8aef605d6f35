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

from IPython.display import HTML

from ..parts import lesson_parts, narratives
from .apps import CasesCalculator, IncidenceExplorer, expected_cases_calculator, incidence_explorer
from .model import DEFAULT_POPULATION, references_used
from .render import PACKAGE, age_pattern_html

__all__ = ["DEFAULT_POPULATION", "CasesCalculator", "IncidenceExplorer", "age_pattern", "course_navigation",
           "expected_cases_calculator", "incidence_explorer", "narrative", "post_check", "pre_check", "references",
           "references_used", "self_checks"]

# The references: the sources of every row the lesson shows.
pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, references_used)
narrative = narratives(PACKAGE)


def age_pattern() -> HTML:
    """The age pattern table, rendered from the ``age_pattern`` table."""
    return HTML(age_pattern_html())
