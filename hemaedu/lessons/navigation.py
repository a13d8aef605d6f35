"""Course navigation: previous and next lesson and the course home, from the registry.

Every lesson's notebook ends with ``lesson.course_navigation()`` (each lesson package takes that
function, bound to the lesson, from :func:`hemaedu.lessons.parts.lesson_parts`), so the links
follow ``registry.toml`` and a lesson added there is linked from its neighbours without editing
any notebook.

The links are relative notebook names (``02_causes.ipynb``), the one form every delivery
resolves against the page it is on:

* JupyterLab and JupyterLite resolve a relative link in an output against the notebook's
  folder and open the notebook in the same application;
* Voila serving the folder (``voila notebooks/``) shows each lesson at
  ``/voila/render/<notebook>``, so ``02_causes.ipynb`` opens ``/voila/render/02_causes.ipynb``;
* the static site (``tools/export_html.py``) rewrites links to lesson notebooks to their
  ``.html`` pages and the course-home link to ``index.html``.

The course home is lesson 00 (its course map lists every lesson); the static site adds an
``index.html`` built from the same registry.

>>> previous_and_next("00")[0] is None
True
>>> [x.number for x in previous_and_next("01")]
['00', '02']
>>> 'href="02_causes.ipynb"' in navigation_html("01")
True
"""

from __future__ import annotations

import html
from importlib import resources

from IPython.display import HTML

from . import LESSONS, Lesson, lesson
from .content import text

__all__ = ["HOME_CLASS", "NEXT_CLASS", "PREVIOUS_CLASS", "course_navigation", "home_lesson",
           "navigation_html", "previous_and_next", "print_css"]

#: CSS class of the course-home link (the static export points it at index.html).
HOME_CLASS = "hemaedu-nav-home"
#: CSS classes of the links to the previous and the next lesson.
PREVIOUS_CLASS = "hemaedu-nav-previous"
NEXT_CLASS = "hemaedu-nav-next"
#: CSS class of the navigation bar.
NAV_CLASS = "hemaedu-course-nav"

_NAV_CSS = f"""
.{NAV_CLASS} {{ display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; justify-content: space-between;
  align-items: center; margin: 1.5em 0 0.5em; padding-top: 0.75em; border-top: 1px solid #bbb; }}
.{NAV_CLASS} a {{ display: inline-block; min-height: 44px; line-height: 44px; padding: 0 0.25em;
  font-weight: 600; }}
"""


def home_lesson() -> Lesson:
    """The lesson that is the course home in the notebook front ends: the first (its course map)."""
    return LESSONS[0]


def previous_and_next(key: str | int) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after lesson ``key`` in the registry's reading order (None at an end)."""
    here = lesson(key)
    index = LESSONS.index(here)
    before = LESSONS[index - 1] if index > 0 else None
    after = LESSONS[index + 1] if index + 1 < len(LESSONS) else None
    return before, after


def _link(target: Lesson, label: str, css: str, rel: str | None = None) -> str:
    # target="_self": Voila's renderer opens every link without a target in a new tab; the course
    # is one tab. (Voila also replaces rel, so tests find the links by their class.)
    attributes = f' class="{css}" target="_self"' + (f' rel="{rel}"' if rel else "")
    return f'<a href="{html.escape(target.notebook)}"{attributes}>{html.escape(label)}</a>'


def navigation_html(key: str | int) -> str:
    """The navigation bar of lesson ``key`` as HTML: previous lesson, course home, next lesson.

    The first lesson (the course home) has no previous link and no home link; the last lesson
    says the course ends and links home.
    """
    here = lesson(key)
    before, after = previous_and_next(here.number)
    home = home_lesson()
    parts = []
    if before is not None:
        parts.append(_link(before, "\u2190 " + text("navigation", "previous", number=before.number,
                                                     title=before.title), PREVIOUS_CLASS, rel="prev"))
    if here is not home:
        parts.append(_link(home, text("navigation", "home"), HOME_CLASS))
    if after is not None:
        parts.append(_link(after, text("navigation", "next", number=after.number, title=after.title)
                           + " \u2192", NEXT_CLASS, rel="next"))
    else:
        parts.append(f"<span>{html.escape(text('navigation', 'last'))}</span>")
    label = html.escape(text("navigation", "label"))
    return (f"<style>{_NAV_CSS}</style>\n<style>{print_css()}</style>\n"
            f'<nav class="{NAV_CLASS}" aria-label="{label}">\n' + "\n".join(parts) + "\n</nav>")


def print_css() -> str:
    """The print stylesheet (``print.css`` beside this module): a lesson prints whole.

    Its rules sit inside ``@media print``, so the screen is untouched. The navigation bar
    carries it into every lesson page (Voila, JupyterLab) and the static site's pages.
    """
    return (resources.files("hemaedu.lessons") / "print.css").read_text(encoding="utf-8")


def course_navigation(key: str | int) -> HTML:
    """The navigation bar of lesson ``key``, displayed (the last cell of every lesson)."""
    return HTML(navigation_html(key))
