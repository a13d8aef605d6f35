"""Lesson 06's pure model: where a learner is in a case, what they chose, and the end report.

A case is a sequence of stages, some holding decisions (see :mod:`.casefile`). The learner's
progress is a :class:`CaseState`: the case id and the option chosen at each decision met so
far. Answering moves to the next decision whatever the choice: a wrong answer is explained and
the case goes on along the right path (its ``consequence`` says what the wrong choice would have
done), so no case dead-ends. Stages are revealed up to the stage of the current decision; when
every decision is answered the whole case is revealed and :func:`report` lists what was right,
what to review and the sources.

Views hold ids, indices and numbers only; :mod:`.render` writes them out from content.

>>> state = start("edta_pseudothrombocytopenia")
>>> case = load_case(state.case_id)
>>> first = case.decisions[0]
>>> state = state.choose(first.right)
>>> view(state).answered[0].correct
True
>>> walk = [d.right for d in case.decisions]
>>> report(start(case.id).choose_all(walk)).right == len(case.decisions)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .case_types import Case, Count, Decision, Review
from .casefile import case_ids, load_case
from .generator import HOOKS as PRACTICE_HOOKS

__all__ = ["HOOKS", "Answered", "CaseReport", "CaseState", "CaseView", "latest_count", "report", "start", "view"]


@dataclass(frozen=True)
class CaseState:
    """A learner's progress through one case: the option index chosen at each decision so far."""

    case_id: str
    choices: tuple[int, ...] = ()

    @property
    def case(self) -> Case:
        return load_case(self.case_id)

    @property
    def finished(self) -> bool:
        return len(self.choices) >= len(self.case.decisions)

    @property
    def current(self) -> Decision | None:
        """The decision waiting for an answer (None once the case is finished)."""
        decisions = self.case.decisions
        return None if self.finished else decisions[len(self.choices)]

    def choose(self, option: int) -> CaseState:
        """The state after choosing option ``option`` (an index) at the current decision."""
        decision = self.current
        if decision is None:
            raise ValueError(f"case {self.case_id!r} is finished; start it again to replay")
        if not 0 <= option < len(decision.options):
            raise ValueError(f"decision {decision.id!r} has options 0..{len(decision.options) - 1}, got {option}")
        return CaseState(self.case_id, (*self.choices, option))

    def choose_all(self, options: Iterable[int]) -> CaseState:
        state = self
        for option in options:
            state = state.choose(option)
        return state


def start(case_id: str) -> CaseState:
    """A fresh state at the start of ``case_id`` (validates the case file)."""
    load_case(case_id)
    return CaseState(case_id)


@dataclass(frozen=True)
class Answered:
    """A decision met and the option chosen."""

    decision: Decision
    chosen: int

    @property
    def correct(self) -> bool:
        return self.chosen == self.decision.right


@dataclass(frozen=True)
class CaseView:
    """What the page shows for a state: revealed stages, answered decisions, the current one."""

    case: Case
    revealed: int  # number of stages shown
    answered: tuple[Answered, ...]
    current: Decision | None
    finished: bool

    @property
    def last(self) -> Answered | None:
        return self.answered[-1] if self.answered else None

    @property
    def count(self) -> Count:
        """The latest blood count shown, or the presenting count when none is shown yet (hidden then)."""
        return latest_count(self.case, self.revealed) or latest_count(self.case, len(self.case.stages)) \
            or _first_count(self.case)

    @property
    def count_shown(self) -> bool:
        return latest_count(self.case, self.revealed) is not None


def _first_count(case: Case) -> Count:
    return next(s.count for s in case.stages if s.count is not None)


def latest_count(case: Case, revealed: int) -> Count | None:
    """The last count among the first ``revealed`` stages (None when no count is revealed yet)."""
    counts = [s.count for s in case.stages[:revealed] if s.count is not None]
    return counts[-1] if counts else None


def view(state: CaseState) -> CaseView:
    """What the learner sees at ``state``."""
    case = state.case
    answered = tuple(Answered(d, c) for d, c in zip(case.decisions, state.choices, strict=False))
    current = state.current
    revealed = len(case.stages) if current is None else current.stage + 1
    return CaseView(case, revealed, answered, current, current is None)


@dataclass(frozen=True)
class CaseReport:
    """The end of a case: how many right first time, which sections to review, the sources."""

    case_id: str
    right: int
    total: int
    right_ids: tuple[str, ...]
    review: tuple[Review, ...]
    sources: tuple[str, ...]


def report(state: CaseState) -> CaseReport:
    """The report for a (finished or partial) state: wrong answers point at lesson sections."""
    answered = view(state).answered
    wrong_reviews = [a.decision.review for a in answered if not a.correct and a.decision.review is not None]
    return CaseReport(
        case_id=state.case_id,
        right=sum(a.correct for a in answered),
        total=len(state.case.decisions),
        right_ids=tuple(a.decision.id for a in answered if a.correct),
        review=tuple(dict.fromkeys(wrong_reviews)),
        sources=state.case.sources,
    )


def all_cases() -> tuple[Case, ...]:
    """Every case, validated (raises ValueError naming the first bad file)."""
    return tuple(load_case(c) for c in case_ids())


def source_ids() -> list[str]:
    """Every source of every case and of the practice rules."""
    from .generator import source_ids as practice_sources

    return list(dict.fromkeys([s for c in all_cases() for s in c.sources] + practice_sources()))


#: Named functions the content files call ({{hook:name}}).
HOOKS: dict[str, Callable[..., Any]] = {
    "case_count": lambda: str(len(case_ids())),
    **PRACTICE_HOOKS,
}
