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

from IPython.display import Markdown

from .. import _app, content
from .apps import care_explorer, iron_balance
from .model import source_ids

__all__ = ["care_explorer", "iron_balance", "markdown", "references", "self_checks"]

PACKAGE = "supportive_care"


def markdown(name: str) -> Markdown:
    """A narrative block of the lesson (``content/<lang>/<name>.md``), numbers filled in from data/."""
    return Markdown(content.markdown(PACKAGE, name))


def self_checks() -> list[_app.SelfCheck]:
    """The lesson's self-check questions (``content/<lang>/questions.toml``)."""
    return _app.self_checks(PACKAGE)


def references() -> Markdown:
    """The sources the lesson used, rendered from the references table."""
    return _app.references(source_ids())
