"""Lesson 02, causes of marrow failure: what the notebook calls.

>>> from hemaedu.lessons import causes as lesson
>>> "not a cause" in lesson.pnh_clones().data
True
"""

from __future__ import annotations

import re

from IPython.display import Markdown

from .. import content
from .._app import SelfCheck
from .._app import references as _references
from .._app import self_checks as _self_checks
from .apps import causes_explorer, differential_explorer
from .model import source_ids

__all__ = ["causes_explorer", "cutoffs", "differential_explorer", "immune_evidence",
           "lookalikes", "pnh_clones", "references", "self_checks"]

PACKAGE = "causes"


def immune_evidence() -> Markdown:
    """Why the immune attack is thought to dominate: the randomized trial's response, from the table."""
    return Markdown(content.markdown(PACKAGE, "immune_evidence"))


def cutoffs() -> Markdown:
    """The marrow blast cut-off for acute leukemia and the cellularity cut-offs, from the thresholds table."""
    return Markdown(content.markdown(PACKAGE, "cutoffs"))


def pnh_clones() -> Markdown:
    """PNH clones as a finding within immune marrow failure (not a cause), numbers from the outcomes table."""
    return Markdown(content.markdown(PACKAGE, "pnh_clones"))


def lookalikes() -> Markdown:
    """Four look-alikes that marrow cellularity cannot sort: HLH, T-LGL leukemia, GATA2 deficiency
    and drug-induced agranulocytosis, with their key tests from the differential table."""
    return Markdown(content.markdown(PACKAGE, "lookalikes"))


def _cited() -> list[str]:
    """Sources the lesson's narratives cite with ``{{cite:...}}`` (they belong in the reference list)."""
    ids: list[str] = []
    for path in content.content_files(PACKAGE):
        if path.name.endswith(".md"):
            ids += re.findall(r"\{\{\s*cite:([^}\s]+)\s*\}\}", path.read_text(encoding="utf-8"))
    return ids


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions (answers appear only after answering)."""
    return _self_checks(PACKAGE)


def references() -> Markdown:
    """The lesson's references, rendered from the references table."""
    return _references(dict.fromkeys([*source_ids(), *_cited()]))
