"""Lesson 01 · Pancytopenia: what the notebook calls.

>>> from hemaedu.lessons import pancytopenia as lesson
>>> from hemaedu import thresholds
>>> thresholds.format_value("camitta_anc") in lesson.camitta_criteria().data
True
"""

from __future__ import annotations

from IPython.display import Markdown

from .._app import references as _references
from .._app import self_checks as _self_checks
from ..content import markdown
from . import model
from .apps import BloodCountExplorer, blood_count_explorer

__all__ = [
    "BloodCountExplorer",
    "blood_count_explorer",
    "camitta_criteria",
    "cytopenia_definitions",
    "references",
    "self_checks",
]

PACKAGE = "pancytopenia"


def cytopenia_definitions() -> Markdown:
    """The adult cut-offs of each cytopenia, rendered from the thresholds table."""
    return Markdown(markdown(PACKAGE, "cytopenia_definitions"))


def camitta_criteria() -> Markdown:
    """The modified Camitta criteria, every number from the thresholds table."""
    return Markdown(markdown(PACKAGE, "camitta_criteria"))


def self_checks() -> list:
    """The lesson's self-check questions (from questions.toml)."""
    return _self_checks(PACKAGE)


def references() -> Markdown:
    """Every source the lesson shows a number from."""
    return _references(model.source_ids())
