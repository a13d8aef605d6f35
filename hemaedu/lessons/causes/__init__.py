"""Lesson 02, causes of marrow failure: what the notebook calls.

>>> from hemaedu.lessons import causes as lesson
>>> "aplastic anemia:" in lesson.cause_counts()
True
"""

from __future__ import annotations

from IPython.display import Markdown

from .. import content
from .._app import SelfCheck
from .._app import references as _references
from .._app import self_checks as _self_checks
from .apps import causes_explorer, differential_explorer
from .model import source_ids
from .render import cause_counts_text as cause_counts

__all__ = ["cause_counts", "causes_explorer", "cutoffs", "differential_explorer", "immune_evidence",
           "references", "self_checks"]

PACKAGE = "causes"


def immune_evidence() -> Markdown:
    """Why the immune attack is thought to dominate: the randomized trial's response, from the table."""
    return Markdown(content.markdown(PACKAGE, "immune_evidence"))


def cutoffs() -> Markdown:
    """The marrow blast cut-off for acute leukemia and the cellularity cut-offs, from the thresholds table."""
    return Markdown(content.markdown(PACKAGE, "cutoffs"))


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions (answers appear only after answering)."""
    return _self_checks(PACKAGE)


def references() -> Markdown:
    """The lesson's references, rendered from the references table."""
    return _references(source_ids())
