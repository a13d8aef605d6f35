"""Lesson 05, from a diagnosis to a treatment: what the notebook calls.

>>> from hemaedu.lessons import diagnosis_and_treatment as lesson
>>> lesson.check_partition() > 0
True
"""

from __future__ import annotations

from IPython.display import HTML

from ..parts import lesson_parts
from . import render
from .apps import classification_explorer, outcomes_explorer, pathway_explorer, workup_quiz
from .model import VIGNETTES, check_partition, source_ids

__all__ = [
    "VIGNETTES", "check_partition", "classification_explorer", "classification_table", "course_navigation",
    "outcomes_explorer", "pathway_explorer", "post_check", "pre_check", "references", "self_checks",
    "transfusion_thresholds", "workup_list", "workup_quiz",
]

PACKAGE = "diagnosis_and_treatment"

pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)


def workup_list() -> HTML:
    """The whole diagnostic work-up, one test per row with the question it answers (the workup table)."""
    return HTML(render.workup_list())


def classification_table() -> HTML:
    """The acute/chronic classes and the Camitta grades side by side (the aa_classification table)."""
    return HTML(render.classification_table())


def transfusion_thresholds() -> HTML:
    """The AABB platelet-transfusion thresholds, from the thresholds table."""
    return HTML(render.transfusion_table())
