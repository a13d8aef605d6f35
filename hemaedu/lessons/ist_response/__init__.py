"""Lesson 04: does immunosuppression work? Response rates and how sure we can be.

What the notebook calls (``from hemaedu.lessons import ist_response as lesson``): the three apps,
the narrative blocks rendered from content and data, the self-checks and the references.
"""

from __future__ import annotations

from IPython.display import Markdown

from ..parts import lesson_parts, narratives
from .apps import cohort_simulator, ist_forest, response_explorer
from .model import arms, find_arm, lesson_sources
from .render import arm_line, pct, t

__all__ = ["arm_interval", "cohort_simulator", "course_navigation", "ist_forest", "lesson_sources", "markdown",
           "opening_simulation", "overview", "post_check", "pre_check", "randomized_arms", "references",
           "response_explorer", "self_checks"]

PACKAGE = "ist_response"
#: The two randomized arms of the NIH horse-versus-rabbit trial (``ist_response`` arm ids).
HORSE_VS_RABBIT_ARMS = ("scheinberg2011_hatg", "scheinberg2011_ratg")

pre_check, self_checks, post_check, course_navigation, references = lesson_parts(PACKAGE, lesson_sources)
markdown = narratives(PACKAGE)


def arm_interval(arm_id: str, *, timepoint: float = 6, response_type: str = "overall") -> str:
    """One arm's response with its Wilson 95% interval, as a sentence."""
    return arm_line(find_arm(arm_id, timepoint=timepoint, response_type=response_type))


def randomized_arms() -> Markdown:
    """The NIH horse-versus-rabbit trial's two arms with their Wilson intervals, as a list."""
    return Markdown("\n".join(f"- {arm_interval(arm_id)}" for arm_id in HORSE_VS_RABBIT_ARMS))


def opening_simulation() -> str:
    """The simulator's summary sentence in its opening state."""
    return cohort_simulator().summary_text()


def overview() -> Markdown:
    """What the ``ist_response`` table holds, counted from the table itself."""
    every = arms()
    visits = sorted({a.timepoint for a in every})
    shown = [pct(v, None) for v in visits]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + t("note.and") + shown[-1]
    biggest, smallest = max(every, key=lambda a: a.n), min(every, key=lambda a: a.n)
    return Markdown(t("overview.text", rows=len(every), studies=len({a.source_id for a in every}),
                      randomized=len({a.source_id for a in every if a.randomized}), visits=listed,
                      smallest=smallest.n, smallest_name=smallest.name, biggest=pct(biggest.n, None),
                      biggest_name=biggest.name))
