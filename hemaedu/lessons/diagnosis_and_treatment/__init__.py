"""Lesson 05, from a diagnosis to a treatment: what the notebook calls.

>>> from hemaedu.lessons import diagnosis_and_treatment as lesson
>>> lesson.check_partition() > 0
True
"""

from __future__ import annotations

from IPython.display import Markdown

from .._app import SelfCheck
from .._app import references as _references
from .._app import self_checks as _self_checks
from . import render
from .apps import classification_explorer, outcomes_explorer, pathway_explorer, workup_quiz
from .model import VIGNETTES, check_partition, source_ids

__all__ = [
    "VIGNETTES", "check_partition", "classification_explorer", "classification_table", "outcomes_explorer",
    "pathway_explorer", "references", "self_checks", "transfusion_thresholds", "workup_list",
    "workup_quiz",
]

PACKAGE = "diagnosis_and_treatment"


def workup_list() -> Markdown:
    """The whole diagnostic work-up, one test per row with the question it answers (the workup table)."""
    return Markdown(render.workup_list())


def classification_table() -> Markdown:
    """The acute/chronic classes and the Camitta grades side by side (the aa_classification table)."""
    return Markdown(render.classification_table())


def transfusion_thresholds() -> Markdown:
    """The AABB platelet-transfusion thresholds, from the thresholds table."""
    return Markdown(render.transfusion_table())


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions (answers appear only after answering)."""
    return _self_checks(PACKAGE)


def references() -> Markdown:
    """The lesson's references, rendered from the references table."""
    return _references(source_ids())
