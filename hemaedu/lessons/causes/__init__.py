"""Lesson 02, causes of marrow failure: what the notebook calls.

>>> from hemaedu.lessons import causes as lesson
>>> "not a cause" in lesson.pnh_clones().data
True
"""

from __future__ import annotations

from ..parts import lesson_parts, narrative
from .apps import causes_explorer, differential_explorer
from .model import source_ids

__all__ = ["causes_explorer", "course_navigation", "cutoffs", "differential_explorer", "immune_evidence",
           "lookalikes", "pnh_clones", "post_check", "pre_check", "references", "self_checks"]

PACKAGE = "causes"

pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)

# The narrative blocks: why the immune attack is thought to dominate (the randomized trial's response); the
# marrow blast cut-off for acute leukemia and the cellularity cut-offs; PNH clones as a finding within immune marrow
# failure, not a cause; four look-alikes that cellularity cannot sort (HLH, T-LGL leukemia, GATA2 deficiency,
# drug-induced agranulocytosis) with their key tests.
immune_evidence = narrative(PACKAGE, "immune_evidence")
cutoffs = narrative(PACKAGE, "cutoffs")
pnh_clones = narrative(PACKAGE, "pnh_clones")
lookalikes = narrative(PACKAGE, "lookalikes")
