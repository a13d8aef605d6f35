"""Lesson 07: supportive care, follow-up and living with aplastic anemia.

What the notebook calls (``from hemaedu.lessons import supportive_care as lesson``)::

    lesson.markdown(name)      a narrative block (content/<lang>/<name>.md), numbers from data/
    lesson.iron_balance()      the iron a transfused patient gains (main app)
    lesson.care_explorer()     what care applies in a situation, and why
    lesson.self_checks()       the self-check questions
    lesson.references()        the sources the lesson used

>>> from hemaedu.lessons import supportive_care as lesson
>>> lesson.iron_balance(units=48, months=24).view.iron_in_g
12.0
"""

from __future__ import annotations

from ..parts import lesson_parts, narratives
from .apps import care_explorer, iron_balance
from .model import source_ids

__all__ = ["care_explorer", "course_navigation", "iron_balance", "markdown", "post_check", "pre_check", "references",
           "self_checks"]

PACKAGE = "supportive_care"

pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)
markdown = narratives(PACKAGE)
