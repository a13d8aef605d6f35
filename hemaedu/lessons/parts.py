"""What every lesson package offers its notebook, bound to the lesson in one line.

A lesson package (``hemaedu/lessons/<package>/__init__.py``) is what its notebook calls
(``from hemaedu.lessons import <package> as lesson``). Every notebook asks ``lesson.pre_check()``
near its top, ``lesson.self_checks()`` and ``lesson.post_check()`` before its take-aways, shows
``lesson.references()`` and ends with ``lesson.course_navigation()``; a lesson package takes
those from :func:`lesson_parts`, and each narrative block from :func:`narrative` (or any of them
by name from :func:`narratives`)::

    pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)
    cutoffs = narrative(PACKAGE, "cutoffs")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from IPython.display import HTML, Markdown

from ..data import format_references
from . import checks
from .checks import SelfChecks
from .content import cited_sources, markdown

__all__ = ["LessonParts", "lesson_parts", "narrative", "narratives"]


class LessonParts(NamedTuple):
    """What every lesson package offers its notebook, bound to the lesson (see :func:`lesson_parts`)."""

    pre_check: Callable[[], SelfChecks]
    self_checks: Callable[[], SelfChecks]
    post_check: Callable[[], SelfChecks]
    course_navigation: Callable[[], HTML]
    references: Callable[..., Markdown]


def lesson_parts(package: str, sources: Callable[[], Iterable[str]] | Iterable[str] = ()) -> LessonParts:
    """The functions every lesson's notebook calls, bound to lesson ``package``.

    ``sources`` (ids, or a function returning them) are the sources of the numbers the lesson
    shows; its references list them, then every source its narratives cite. A lesson package
    takes them in one line, in this order (the field names of :class:`LessonParts`)::

        pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, source_ids)

    >>> parts = lesson_parts("pancytopenia")
    >>> parts.pre_check().kind, parts.post_check().kind, parts.course_navigation.__name__
    ('pre', 'post', 'course_navigation')
    """

    def pre_check() -> SelfChecks:
        """The pre/post questions asked near the top of the lesson (answers noted, no verdict)."""
        return checks.pre_check(package)

    def self_checks() -> SelfChecks:
        """The lesson's self-check questions (``content/<lang>/questions.toml``) with their running score."""
        return checks.self_checks(package)

    def post_check() -> SelfChecks:
        """The pre/post questions again before the take-aways, scored beside the pre-check."""
        return checks.post_check(package)

    def course_navigation() -> HTML:
        """Previous and next lesson and the course home (the lesson's last cell)."""
        from .navigation import course_navigation as navigation

        return navigation(package)

    def references(source_ids: Iterable[str] | None = None) -> Markdown:
        """The lesson's references, rendered from the references table: ``source_ids`` when given,
        else the sources of the numbers the lesson shows and those its narratives cite."""
        if source_ids is None:
            source_ids = [*(sources() if callable(sources) else sources), *cited_sources(package)]
        return Markdown(format_references(source_ids))

    return LessonParts(pre_check, self_checks, post_check, course_navigation, references)


def narrative(package: str, name: str) -> Callable[[], Markdown]:
    """A function showing the narrative block ``content/<lang>/<name>.md`` of ``package``.

    >>> cutoffs = narrative("causes", "cutoffs")
    >>> cutoffs.__name__, "leukemia" in cutoffs().data
    ('cutoffs', True)
    """

    def show() -> Markdown:
        """The lesson's narrative block ``content/<lang>/{name}.md``, numbers filled in from data/."""
        return Markdown(markdown(package, name))

    show.__name__ = show.__qualname__ = name
    show.__doc__ = (show.__doc__ or "").format(name=name)  # the block's own file, for help()
    return show


def narratives(package: str) -> Callable[[str], Markdown]:
    """A function showing any narrative block of ``package`` by name."""

    def block(name: str) -> Markdown:
        """A narrative block of the lesson (``content/<lang>/<name>.md``), numbers filled in from data/."""
        return Markdown(markdown(package, name))

    return block
