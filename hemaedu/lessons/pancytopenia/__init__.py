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
from .render import camitta_thresholds_text, preset_report

__all__ = [
    "BloodCountExplorer",
    "blood_count_explorer",
    "camitta_criteria",
    "camitta_thresholds_text",
    "cytopenia_definitions",
    "pinned_report",
    "preset_report",
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


def pinned_report() -> str:
    """What the rules give for every preset, then the Camitta cut-offs as stored (pinned by nbval)."""
    return "\n".join([*(preset_report(p) for p in model.PRESETS), camitta_thresholds_text()])


def self_checks() -> list:
    """The lesson's self-check questions (from questions.toml)."""
    return _self_checks(PACKAGE)


def references() -> Markdown:
    """Every source the lesson shows a number from."""
    return _references(model.source_ids())
