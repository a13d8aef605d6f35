"""Lesson 01 · Pancytopenia: what the notebook calls.

>>> from hemaedu.lessons import pancytopenia as lesson
>>> from hemaedu import thresholds
>>> thresholds.format_value("camitta_anc") in lesson.camitta_criteria().data
True
"""

from __future__ import annotations

from ..parts import lesson_parts, narrative
from .apps import BloodCountExplorer, blood_count_explorer
from .model import source_ids

__all__ = ["BloodCountExplorer", "blood_count_explorer", "camitta_criteria", "course_navigation",
           "cytopenia_definitions", "post_check", "pre_check", "references", "self_checks"]

PACKAGE = "pancytopenia"

pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)
cytopenia_definitions = narrative(PACKAGE, "cytopenia_definitions")  # the adult cut-off of each cytopenia
camitta_criteria = narrative(PACKAGE, "camitta_criteria")  # the modified Camitta criteria
