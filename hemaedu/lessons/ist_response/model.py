"""Lesson 04's pure model: study arms, comparisons, the forest view and the NIH response.

Values in, frozen views out: numbers, ids and enum values, never learner-visible text (the
apps write that from the lesson's content). Reads ``ist_response``, ``outcomes`` and the
thresholds through :func:`hemaedu.data.records` and :mod:`hemaedu.thresholds`: no pandas, no
numpy. The cohort simulation lives in :mod:`.simulation`.

The NIH response explanation lives in :mod:`.response` (re-exported here).

Every row of ``ist_response`` becomes an :class:`Arm`; nothing here lists arm ids, so a row
added to the table appears in every view by itself.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from ... import thresholds
from ...data import records
from ...stats import wilson_interval
from ..format import format_number
from .response import COMPLETE_IDS, SEVERE_IDS, VIGNETTE, ResponseExplanation, compute_response

__all__ = [
    "ResponseExplanation",
    "compute_response",
    "ALL_TIMEPOINTS",
    "COMPLETE_IDS",
    "HOOKS",
    "NO_HIGHLIGHT",
    "SEVERE_IDS",
    "VIGNETTE",
    "Arm",
    "Comparison",
    "ComparisonNote",
    "ForestRow",
    "ForestView",
    "Outcome",
    "Spread",
    "TrialPair",
    "arms",
    "comparisons",
    "compute_forest",
    "find_arm",
    "lesson_sources",
    "timepoints",
]

ALL_TIMEPOINTS = "all"
NO_HIGHLIGHT = "none"
#: Months: the visit most trials report (the forest opens there; the simulator takes each arm's nearest row).
USUAL_VISIT = 6.0



# --------------------------------------------------------------------------- arms


@dataclass(frozen=True)
class Arm:
    """One row of ``ist_response`` with its Wilson 95% interval (percent).

    ``name`` is the study without its journal, plus the cohort where a study has several
    arms on one regimen; ``evidence`` is ``"randomized"``, ``"registry"`` or ``"single_arm"``;
    ``comparisons`` the codes of the comparisons the row belongs to.
    """

    arm_id: str
    study: str
    name: str
    regimen: str
    population: str
    age_group: str
    n: int
    responders: int
    timepoint: float
    response_type: str
    randomized: bool
    comparator: str
    source_id: str
    notes: str
    percent: float
    low: float
    high: float
    comparisons: tuple[str, ...] = ()

    @property
    def evidence(self) -> str:
        if self.randomized:
            return "randomized"
        return "registry" if "registry" in self.study.lower() else "single_arm"


@dataclass(frozen=True)
class Comparison:
    """A comparison the lesson highlights: which rows answer it (see ``comparisons.toml``)."""

    code: str
    regimens: tuple[str, ...] = ()
    comparators: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    historical: tuple[str, ...] = ()

    def includes(self, arm: Arm) -> bool:
        return (arm.regimen in self.regimens or arm.comparator in self.comparators
                or arm.population in self.populations or arm.source_id in self.historical)


@cache
def comparisons() -> tuple[Comparison, ...]:
    """The comparisons of ``comparisons.toml``, in menu order.

    >>> [c.code for c in comparisons()][:1]
    ['horse_vs_rabbit']
    """
    raw = tomllib.loads((resources.files(__package__) / "comparisons.toml").read_text(encoding="utf-8"))
    fields = ("regimens", "comparators", "populations", "historical")
    return tuple(Comparison(code=c["code"], **{f: tuple(c.get(f, ())) for f in fields}) for c in raw["comparison"])


def _comparison(code: str) -> Comparison:
    for c in comparisons():
        if c.code == code:
            return c
    raise ValueError(f"unknown comparison {code!r}; choose one of {sorted(c.code for c in comparisons())}")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _detail(arm_id: str, notes: str) -> str:
    """A short tag from the notes ("cohort 2"), for studies with several arms on one regimen."""
    first = re.sub(r"\s*\(.*", "", notes.split(";")[0]).strip()
    return first if first and len(first) <= 30 else arm_id


@cache
def arms() -> tuple[Arm, ...]:
    """Every row of ``ist_response`` as an :class:`Arm`, in table order.

    >>> a = arms()[0]
    >>> a.low < a.percent < a.high and 0 <= a.responders <= a.n
    True
    """
    rows = records("ist_response")
    # Studies with several arms on one regimen (the NIH cohorts) need a tag per arm.
    ids: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        ids.setdefault((row["study"], row["regimen"]), set()).add(row["arm_id"])
    result = []
    for row in rows:
        n, responders = int(row["n"]), int(row["responders"])
        low, high = wilson_interval(responders, n)
        notes = _text(row["notes"])
        name = re.sub(r"\s*\([^)]*\)", "", row["study"]).strip()
        if len(ids[(row["study"], row["regimen"])]) > 1:
            name = f"{name} {_detail(row['arm_id'], notes)}"
        arm = Arm(arm_id=row["arm_id"], study=row["study"], name=name, regimen=row["regimen"],
                  population=row["population_severity"], age_group=row["age_group"], n=n, responders=responders,
                  timepoint=float(row["timepoint_months"]), response_type=row["response_type"],
                  randomized=bool(row["randomized"]), comparator=_text(row["comparison"]),
                  source_id=row["source_id"], notes=notes,
                  percent=100 * responders / n, low=100 * low, high=100 * high)
        result.append(replace(arm, comparisons=tuple(c.code for c in comparisons() if c.includes(arm))))
    return tuple(result)


def find_arm(arm_id: str, *, timepoint: float = 6, response_type: str = "overall") -> Arm:
    """The row of ``arm_id`` at ``timepoint`` months for ``response_type``.

    >>> find_arm("scheinberg2011_ratg", timepoint=3)
    Traceback (most recent call last):
    ...
    ValueError: arm 'scheinberg2011_ratg' has no overall response at 3 months in ist_response
    """
    for a in arms():
        if a.arm_id == arm_id and a.timepoint == timepoint and a.response_type == response_type:
            return a
    raise ValueError(f"arm {arm_id!r} has no {response_type} response at {timepoint:g} months in ist_response")


def timepoints() -> tuple[float, ...]:
    """The visits (months) the table reports, ascending."""
    return tuple(sorted({a.timepoint for a in arms()}))


def sort_key(arm: Arm) -> tuple[Any, ...]:
    """Rows of the first comparison first, randomized before single-arm, then by study and visit."""
    codes = [c.code for c in comparisons()]
    group = min((codes.index(c) for c in arm.comparisons), default=len(codes))
    return (group, not arm.randomized, arm.name, arm.timepoint, arm.regimen)


# --------------------------------------------------------------------------- forest


@dataclass(frozen=True)
class ForestRow:
    """One row of the chart: the arm, whether it is highlighted, whether its label needs the arm id."""

    arm: Arm
    highlighted: bool
    duplicate: bool


@dataclass(frozen=True)
class TrialPair:
    """A randomized trial's arms at one visit; ``difference`` = second minus first (points), if two."""

    name: str
    timepoint: float
    arms: tuple[Arm, ...]
    difference: float | None


@dataclass(frozen=True)
class Spread:
    """The non-randomized rows of one regimen: the range of their estimates (percent)."""

    regimen: str
    historical: bool
    arms: tuple[Arm, ...]
    low: float
    high: float


@dataclass(frozen=True)
class Outcome:
    """A row of ``outcomes`` from a source of the highlighted comparison."""

    group: str
    percent: float
    years: float
    n: int | None
    notes: str


@dataclass(frozen=True)
class ComparisonNote:
    """The numbers behind a highlighted comparison, for the note under the chart."""

    code: str
    trials: tuple[TrialPair, ...]
    spreads: tuple[Spread, ...]
    elsewhere: tuple[float, ...]  # other visits (months) where this comparison has rows
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class ForestView:
    """What the forest shows for one choice; ``timepoint`` is None for every visit."""

    response_type: str
    timepoint: float | None
    highlight: str | None
    rows: tuple[ForestRow, ...]
    n_randomized: int
    lowest: Arm | None
    highest: Arm | None
    note: ComparisonNote | None


@cache
def _outcomes(source_ids: frozenset[str]) -> tuple[Outcome, ...]:
    return tuple(Outcome(group=r["group"], percent=float(r["value_percent"]), years=float(r["timepoint_years"]),
                         n=None if r["n"] is None else int(r["n"]), notes=_text(r["notes"]))
                 for r in records("outcomes") if r["source_id"] in source_ids)


def _note(code: str, all_arms: Sequence[Arm], members: Sequence[Arm], response_type: str) -> ComparisonNote:
    trials: dict[tuple[str, float], list[Arm]] = {}
    spreads: dict[str, list[Arm]] = {}
    for arm in members:
        if arm.randomized:
            trials.setdefault((arm.name, arm.timepoint), []).append(arm)
        else:
            spreads.setdefault(arm.regimen, []).append(arm)
    historical = _comparison(code).historical
    every = [a for a in all_arms if code in a.comparisons]
    elsewhere = () if len(members) == len([a for a in every if a.response_type == response_type]) else tuple(
        sorted({a.timepoint for a in every if a.response_type == response_type and a not in members}))
    return ComparisonNote(
        code=code,
        trials=tuple(TrialPair(name=name, timepoint=t, arms=tuple(g),
                               difference=g[1].percent - g[0].percent if len(g) == 2 else None)
                     for (name, t), g in trials.items()),
        spreads=tuple(Spread(regimen=reg, historical=all(a.source_id in historical for a in g), arms=tuple(g),
                             low=min(a.percent for a in g), high=max(a.percent for a in g))
                      for reg, g in spreads.items()),
        elsewhere=elsewhere,
        outcomes=_outcomes(frozenset(a.source_id for a in every)),
    )


def compute_forest(all_arms: Sequence[Arm], *, response_type: str = "overall",
                   timepoint: float | str = 6, highlight: str = NO_HIGHLIGHT) -> ForestView:
    """Select and order the forest's rows for one choice; mark the highlighted comparison.

    ``timepoint`` is months or ``"all"``; ``highlight`` a comparison code or ``"none"``.

    >>> view = compute_forest(arms(), response_type="overall", timepoint=6)
    >>> all(r.highlighted for r in view.rows), view.n_randomized <= len(view.rows)
    (True, True)
    >>> compute_forest(arms(), highlight="unicorns")
    Traceback (most recent call last):
    ...
    ValueError: unknown comparison 'unicorns'; choose one of [...]
    """
    code = None if highlight == NO_HIGHLIGHT else _comparison(highlight).code
    months = None if timepoint == ALL_TIMEPOINTS else float(timepoint)
    chosen = sorted((a for a in all_arms if a.response_type == response_type
                     and (months is None or a.timepoint == months)), key=sort_key)
    seen: set[tuple[Any, ...]] = set()
    rows = []
    for arm in chosen:
        # The inputs of the row label: two rows sharing them would share one category.
        label_key = (arm.name, arm.evidence, arm.regimen, arm.timepoint, arm.n)
        rows.append(ForestRow(arm=arm, highlighted=code is None or code in arm.comparisons,
                              duplicate=label_key in seen))
        seen.add(label_key)
    members = [a for a in chosen if code in a.comparisons] if code else []
    return ForestView(
        response_type=response_type, timepoint=months, highlight=code, rows=tuple(rows),
        n_randomized=sum(a.randomized for a in chosen),
        lowest=min(chosen, key=lambda a: a.percent, default=None),
        highest=max(chosen, key=lambda a: a.percent, default=None),
        note=_note(code, all_arms, members, response_type) if code else None,
    )


def lesson_sources() -> list[str]:
    """Every source the lesson quotes: the response table's studies and the criteria's sources."""
    ids = [a.source_id for a in arms()]
    ids += [thresholds.get(t).source_id for t in (*COMPLETE_IDS.values(), *SEVERE_IDS.values())]
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------- content hooks


def _best_single_arm() -> Arm:
    single = [a for a in arms() if not a.randomized and a.response_type == "overall"]
    return max(single, key=lambda a: a.percent)


#: Named functions the lesson's content calls as ``{{hook:<name>}}`` (and ``answer_hook``).
HOOKS: dict[str, Callable[[], Any]] = {
    "vignette_response": lambda: compute_response(**VIGNETTE).category.value,
    "vignette_anc": lambda: format_number(VIGNETTE["anc"]),
    "vignette_hb": lambda: format_number(VIGNETTE["hb"]),
    "vignette_platelets": lambda: format_number(VIGNETTE["platelets"]),
    "vignette_reticulocytes": lambda: format_number(VIGNETTE["reticulocytes"]),
    "best_single_arm_name": lambda: _best_single_arm().name,
    "best_single_arm_count": lambda: f"{_best_single_arm().responders}/{_best_single_arm().n}",
    "first_visit": lambda: format_number(timepoints()[0]),
    "last_visit": lambda: format_number(timepoints()[-1]),
    "usual_visit": lambda: format_number(USUAL_VISIT),
}
