"""Apps for the immunosuppressive-therapy (IST) lesson.

* :func:`ist_forest` -> :class:`ForestApp`: response by regimen and timepoint
  (table ``ist_response``) with Wilson 95% intervals; choose the response type,
  the timepoint and a comparison to highlight; a table and a note explain
  where sources disagree.
* :func:`cohort_simulator` -> :class:`SimulatorApp`: pick an arm (its
  responders/n is the "true" rate), a cohort size and a seed; see how observed
  response rates spread across many simulated cohorts.
* :func:`response_explorer` -> :class:`ResponseApp`: four counts in, the NIH
  response category (``hemaedu.response``) out, with the reason.

Every clinical number shown comes from the tables or the rules; the only
numbers typed here are illustrative slider positions and worked examples,
labelled as such. Teaching material, not a clinical tool.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .. import _thresholds
from ..clinical import Response, response
from ..controls import Choice, Slider
from ..data import load
from ..figures.ist import (
    COUNT_PANELS,
    ForestRow,
    forest_traces,
    make_forest,
    make_response_counts,
    make_simulation,
    simulation_traces,
)
from ..stats import simulate_cohorts, wilson_interval
from . import LessonApp, Option, SelfCheck

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ARM_COLUMNS",
    "COMPARISONS",
    "Arm",
    "Comparison",
    "ForestApp",
    "ForestView",
    "ResponseApp",
    "ResponseExplanation",
    "Simulation",
    "SimulatorApp",
    "arm_interval",
    "arms",
    "cohort_simulator",
    "comparison_title",
    "compute_forest",
    "compute_response",
    "compute_simulation",
    "default_simulation",
    "evidence_overview",
    "lesson_sources",
    "response_criteria_text",
    "ist_forest",
    "response_explorer",
    "self_checks",
]

#: Columns of ``ist_response`` this module reads.
ARM_COLUMNS = ("arm_id", "study", "regimen", "population_severity", "age_group", "n", "timepoint_months",
               "response_type", "responders", "randomized", "comparison", "source_id", "notes")

#: Simulated cohorts per draw: enough for a smooth histogram, small enough to
#: redraw in well under a frame (the histogram is sent as binned bars).
N_COHORTS = 2000
#: Illustrative default cohort size and seed of the simulator (not clinical data).
DEFAULT_COHORT_SIZE = 30
DEFAULT_SEED = 1
#: Cohort-size slider: every position is a valid cohort.
COHORT_SIZE_RANGE = dict(min=5, max=300, step=5)
SEED_RANGE = dict(min=0, max=99, step=1)

#: The simulator's arm at start (its responders/n is the true rate).
DEFAULT_ARM = "scheinberg2011_hatg"
#: Months: the visit most trials report; the simulator uses each arm's row nearest to it.
USUAL_VISIT = 6.0

ALL_TIMEPOINTS = "all"
NO_HIGHLIGHT = "none"


# --------------------------------------------------------------------------- arms

#: Short regimen names for the chart's row labels (hover, tables and the
#: simulator use the full names). The lesson explains the abbreviations.
SHORT_REGIMEN = {
    "horse ATG + cyclosporine": "hATG + CsA",
    "rabbit ATG + cyclosporine": "rATG + CsA",
    "horse ATG + cyclosporine + eltrombopag": "hATG + CsA + EPAG",
    "cyclosporine alone": "CsA alone",
    "eltrombopag alone": "EPAG alone",
}


@dataclass(frozen=True)
class Arm:
    """One row of ``ist_response`` with its Wilson 95% interval and display texts (percent)."""

    arm_id: str
    study: str
    detail: str  # what tells arms of one study apart when the regimen does not (e.g. "cohort 2")
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
        """"randomized", "registry" or "single-arm"."""
        if self.randomized:
            return "randomized"
        return "registry" if "registry" in self.study.lower() else "single-arm"

    @property
    def when(self) -> str:
        return f"{_num(self.timepoint)} mo"

    @property
    def name(self) -> str:
        """Study (without the journal) and, where needed, the cohort."""
        short = re.sub(r"\s*\([^)]*\)", "", self.study).strip()
        return f"{short} {self.detail}" if self.detail else short

    @property
    def label(self) -> str:
        """Row label of the forest chart: study, kind of evidence, regimen, timepoint, n."""
        tag = "RCT" if self.randomized else self.evidence
        regimen = SHORT_REGIMEN.get(self.regimen, self.regimen)
        return f"{self.name} [{tag}]: {regimen}, {self.when}, n={self.n}"

    @property
    def interval_text(self) -> str:
        return f"{self.percent:.0f}% (95% CI {self.low:.0f} to {self.high:.0f}%)"

    @property
    def hover(self) -> str:
        note = f"<br><i>{html.escape(self.notes)}</i>" if self.notes else ""
        return (f"<b>{html.escape(self.name)}</b> ({self.evidence})<br>{html.escape(self.regimen)}; "
                f"{html.escape(self.population)} disease, {html.escape(self.age_group)}<br>"
                f"{self.response_type} response at {self.when}: {self.responders}/{self.n} = "
                f"{self.interval_text}{note}")


def _num(x: float) -> str:
    """12.0 -> '12', 1.5 -> '1.5'."""
    return f"{x:g}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if value != value:  # NaN compares unequal to itself
            return ""
    except TypeError:  # pd.NA refuses to be a bool
        return ""
    return str(value)


def _detail(arm_id: str, notes: str, needed: bool) -> str:
    """A short tag from the notes ("cohort 2", "all three cohorts pooled"), when a study has such arms."""
    if not needed:
        return ""
    first = re.sub(r"\s*\(.*", "", notes.split(";")[0]).strip()
    return first if first and len(first) <= 30 else arm_id


def arms(table: pd.DataFrame | None = None) -> list[Arm]:
    """Every row of ``ist_response`` as an :class:`Arm`, with its Wilson 95% interval.

    >>> a = next(a for a in arms() if a.arm_id == "scheinberg2011_hatg")
    >>> a.randomized, a.low < a.percent < a.high, a.comparisons
    (True, True, ('horse_vs_rabbit',))
    """
    frame = load("ist_response") if table is None else table
    records = frame.to_dict("records")
    # Studies with several arms on one regimen (NIH cohorts) need a tag per arm.
    ids: dict[tuple[str, str], set[str]] = {}
    for row in records:
        ids.setdefault((_text(row["study"]), _text(row["regimen"])), set()).add(_text(row["arm_id"]))
    result = []
    for row in records:
        n, responders = int(row["n"]), int(row["responders"])
        low, high = wilson_interval(responders, n)
        arm_id, notes = _text(row["arm_id"]), _text(row["notes"])
        arm = Arm(
            arm_id=arm_id, study=_text(row["study"]),
            detail=_detail(arm_id, notes, len(ids[(_text(row["study"]), _text(row["regimen"]))]) > 1),
            regimen=_text(row["regimen"]), population=_text(row["population_severity"]),
            age_group=_text(row["age_group"]), n=n, responders=responders,
            timepoint=float(row["timepoint_months"]), response_type=_text(row["response_type"]),
            randomized=bool(row["randomized"]), comparator=_text(row["comparison"]),
            source_id=_text(row["source_id"]), notes=notes,
            percent=100 * responders / n, low=100 * low, high=100 * high,
        )
        codes = tuple(c.code for c in COMPARISONS if c.includes(arm))
        result.append(dataclasses.replace(arm, comparisons=codes))
    return result


def arm_interval(arm_id: str, *, timepoint: float = 6, response_type: str = "overall",
                 table: pd.DataFrame | None = None) -> str:
    """One arm's response with its Wilson 95% interval, as a line of text.

    >>> print(arm_interval("scheinberg2011_ratg"))  # doctest: +ELLIPSIS
    Scheinberg 2011, rabbit ATG + cyclosporine (randomized), overall response at 6 mo: .../60 = ...% (95% CI ...%)
    >>> arm_interval("scheinberg2011_ratg", timepoint=3)
    Traceback (most recent call last):
    ...
    ValueError: arm 'scheinberg2011_ratg' has no overall response at 3 months in ist_response
    """
    for a in arms(table):
        if a.arm_id == arm_id and a.timepoint == timepoint and a.response_type == response_type:
            return (f"{a.name}, {a.regimen} ({a.evidence}), {response_type} response at {a.when}: "
                    f"{a.responders}/{a.n} = {a.interval_text}")
    raise ValueError(f"arm {arm_id!r} has no {response_type} response at {_num(timepoint)} months in ist_response")


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class Comparison:
    """A question the lesson highlights, the rows that answer it and why its sources disagree."""

    code: str
    title: str
    why: str
    regimens: tuple[str, ...] = ()  # rows on these regimens, or ...
    comparators: tuple[str, ...] = ()  # ... randomized against these, or ...
    populations: tuple[str, ...] = ()  # ... enrolling this severity, or ...
    historical: tuple[str, ...] = ()  # ... these sources used as historical comparators

    def includes(self, arm: Arm) -> bool:
        return (arm.regimen in self.regimens or arm.comparator in self.comparators
                or arm.population in self.populations or arm.source_id in self.historical)


# No numbers in these texts: the figures are rendered from the table beside them.
COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        code="horse_vs_rabbit",
        title="Horse vs rabbit ATG",
        regimens=("rabbit ATG + cyclosporine",),
        comparators=("rabbit ATG + cyclosporine",),
        why=("Only the randomized NIH trial gave horse or rabbit ATG by chance, so its two arms differ in the drug "
             "alone. The rabbit ATG series without randomization enrol whoever their centres treated, mix severe "
             "and non-severe disease, compare with matched or earlier patients instead of a concurrent arm, and the "
             "registry counts anyone who has responded by a given day (a cumulative incidence), which rises with "
             "time and is not the same as 'responding at the visit'. Each of these moves the estimate."),
    ),
    Comparison(
        code="eltrombopag",
        title="Adding eltrombopag",
        regimens=("horse ATG + cyclosporine + eltrombopag",),
        comparators=("horse ATG + cyclosporine + eltrombopag",),
        historical=("rosenfeld2003",),
        why=("The NIH cohorts gave eltrombopag to every patient: their benefit is judged against earlier NIH "
             "patients on horse ATG and cyclosporine (shown here as an example of such a historical comparison), "
             "and the cohorts differed in when eltrombopag started and for how long. The randomized trials, in "
             "adults (RACE) and in children, compared the two regimens side by side at the same time; they enrolled "
             "different patients in different centres and counted response at different visits. Where the "
             "single-arm and randomized numbers disagree, the randomized comparison is the fairer test of the drug; "
             "the single-arm cohorts show what one expert centre achieved with selected patients."),
    ),
    Comparison(
        code="cyclosporine_nonsevere",
        title="Cyclosporine alone vs horse ATG + cyclosporine (non-severe disease)",
        regimens=("cyclosporine alone",),
        populations=("non-severe",),
        why=("Non-severe aplastic anemia has few trials: this comparison rests on one randomized study of "
             "transfusion-dependent patients, so the intervals are wide, and its response definition was not the "
             "NIH definition for severe disease, so its rates do not compare directly with the other rows."),
    ),
)
_BY_CODE = {c.code: c for c in COMPARISONS}


def comparison_title(code: str) -> str:
    """The readable title of a comparison code.

    >>> comparison_title("horse_vs_rabbit")
    'Horse vs rabbit ATG'
    """
    if code not in _BY_CODE:
        raise ValueError(f"unknown comparison {code!r}; choose one of {sorted(_BY_CODE)}")
    return _BY_CODE[code].title


# --------------------------------------------------------------------------- forest compute


@dataclass(frozen=True)
class ForestView:
    """What the forest chart shows for one choice of controls."""

    rows: tuple[ForestRow, ...]
    arms: tuple[Arm, ...]
    summary: str
    note_html: str


def _sort_key(arm: Arm) -> tuple[Any, ...]:
    group = min((i for i, c in enumerate(COMPARISONS) if c.code in arm.comparisons), default=len(COMPARISONS))
    return (group, not arm.randomized, arm.name, arm.timepoint, arm.regimen)


def compute_forest(
    all_arms: Sequence[Arm],
    *,
    response_type: str = "overall",
    timepoint: float | str = 6,
    highlight: str = NO_HIGHLIGHT,
) -> ForestView:
    """Select and order the forest's rows; mark the highlighted comparison.

    ``timepoint`` is a number of months or ``"all"``; ``highlight`` a
    comparison code of :data:`COMPARISONS` or ``"none"``.

    >>> view = compute_forest(arms(), response_type="overall", timepoint=6)
    >>> all(r.highlighted for r in view.rows), len(view.rows) == len(view.arms) > 0
    (True, True)
    >>> compute_forest(arms(), highlight="unicorns")
    Traceback (most recent call last):
    ...
    ValueError: unknown comparison 'unicorns'; choose one of [...]
    """
    title = comparison_title(highlight) if highlight != NO_HIGHLIGHT else ""
    chosen = sorted((a for a in all_arms if a.response_type == response_type
                     and (timepoint == ALL_TIMEPOINTS or a.timepoint == float(timepoint))), key=_sort_key)
    labels: set[str] = set()
    rows = []
    for arm in chosen:
        label = arm.label
        if label in labels:  # two rows would share one category: keep both visible
            label = f"{label} [{arm.arm_id}]"
        labels.add(label)
        on = highlight == NO_HIGHLIGHT or highlight in arm.comparisons
        rows.append(ForestRow(label=("▶ " if on and title else "") + label, percent=arm.percent, low=arm.low,
                              high=arm.high, randomized=arm.randomized, highlighted=on, hover=arm.hover))
    when = "at every timepoint" if timepoint == ALL_TIMEPOINTS else f"at {_num(float(timepoint))} months"
    if not rows:
        summary = (f"No arm in the table reports {response_type} response {when}; "
                   "choose another timepoint or response type.")
    else:
        n_rand = sum(a.randomized for a in chosen)
        lowest = min(chosen, key=lambda a: a.percent)
        highest = max(chosen, key=lambda a: a.percent)
        summary = (f"{len(rows)} rows ({n_rand} randomized arms, {len(rows) - n_rand} single-arm or registry) "
                   f"report {response_type} response {when}, from {lowest.interval_text} ({lowest.name}, "
                   f"{lowest.regimen}) to {highest.interval_text} ({highest.name}, {highest.regimen}).")
    if title:
        summary += f" Highlighted (marked ▶): {title}, {sum(r.highlighted for r in rows)} rows."
    note = _comparison_note(all_arms, chosen, highlight, response_type, when)
    return ForestView(rows=tuple(rows), arms=tuple(chosen), summary=summary, note_html=note)


@functools.cache
def _outcome_items(source_ids: frozenset[str]) -> tuple[str, ...]:
    """Survival and similar outcomes (table ``outcomes``) from the same sources (cached: the table never changes)."""
    frame = load("outcomes")
    items = []
    for row in frame[frame["source_id"].isin(sorted(source_ids))].to_dict("records"):
        n = f", n={int(row['n'])}" if _text(row["n"]) else ""
        notes = f" ({html.escape(_text(row['notes']))})" if _text(row["notes"]) else ""
        items.append(f"<li>{html.escape(_text(row['group']))}: {row['value_percent']:g}% at "
                     f"{_num(float(row['timepoint_years']))} years{n}{notes}</li>")
    return tuple(items)


def _comparison_note(all_arms: Sequence[Arm], shown: Sequence[Arm], highlight: str, response_type: str,
                     when: str) -> str:
    """HTML: the highlighted comparison's numbers (from the tables) and why sources disagree."""
    if highlight == NO_HIGHLIGHT:
        return _arm_table(shown, caption=f"{response_type.capitalize()} response {when}: every row of the chart")
    comparison = _BY_CODE[highlight]
    members = [a for a in shown if highlight in a.comparisons]
    parts = [f"<h4>{html.escape(comparison.title)}</h4>"]
    items = []
    # Randomized trials: both arms side by side, with the difference.
    trials: dict[tuple[str, float], list[Arm]] = {}
    for arm in members:
        if arm.randomized:
            trials.setdefault((arm.name, arm.timepoint), []).append(arm)
    for (name, _), group in trials.items():
        text = "; ".join(f"{html.escape(a.regimen)} {a.responders}/{a.n} = {a.interval_text}" for a in group)
        if len(group) == 2:
            diff = group[1].percent - group[0].percent
            text += (f". Difference ({html.escape(SHORT_REGIMEN.get(group[1].regimen, group[1].regimen))} minus "
                     f"{html.escape(SHORT_REGIMEN.get(group[0].regimen, group[0].regimen))}): "
                     f"{diff:+.0f} percentage points")
        items.append(f"<li><b>{html.escape(name)}</b> (randomized, {group[0].when}): {text}</li>")
    # Non-randomized rows: the spread of their estimates, per regimen.
    spread: dict[str, list[Arm]] = {}
    for arm in members:
        if not arm.randomized:
            spread.setdefault(arm.regimen, []).append(arm)
    for regimen, group in spread.items():
        lo, hi = min(a.percent for a in group), max(a.percent for a in group)
        names = ", ".join(dict.fromkeys(f"{a.name} ({a.when})" for a in group))
        value = f"{lo:.0f}%" if len(group) == 1 else f"from {lo:.0f}% to {hi:.0f}% across {len(group)} rows"
        kind = "historical comparison" if all(a.source_id in comparison.historical for a in group) else "not randomized"
        items.append(f"<li><b>{html.escape(regimen)}</b> ({kind}; {html.escape(names)}): {value}</li>")
    if items:
        parts.append(f"<p>{response_type.capitalize()} response {when}:</p><ul>{''.join(items)}</ul>")
    else:
        parts.append(f"<p>No row of this comparison reports {response_type} response {when}.</p>")
    elsewhere = sorted({a.timepoint for a in all_arms if highlight in a.comparisons
                        and a.response_type == response_type and a not in members})
    if elsewhere and members != [a for a in all_arms if highlight in a.comparisons]:
        times = [_num(t) for t in elsewhere]
        listed = times[0] if len(times) == 1 else f"{', '.join(times[:-1])} and {times[-1]}"
        parts.append(f"<p>More rows of this comparison are reported at {listed} months: choose that timepoint, "
                     "or all timepoints.</p>")
    parts.append(f"<p><b>Why the sources can disagree.</b> {html.escape(comparison.why)}</p>")
    outcomes = _outcome_items(frozenset(a.source_id for a in all_arms if highlight in a.comparisons))
    if outcomes:
        parts.append(f"<p>Other outcomes from the same studies (table <code>outcomes</code>):</p><ul>"
                     f"{''.join(outcomes)}</ul>")
    parts.append(_arm_table(members, caption=f"Rows of this comparison: {response_type} response {when}"))
    return "\n".join(parts)


def _arm_table(rows: Sequence[Arm], *, caption: str) -> str:
    """An accessible HTML table (caption, column headers) of the rows shown."""
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Study", "Evidence", "Regimen", "Disease", "Timepoint",
                                                          "Responders / n", "Response (Wilson 95% CI)", "Notes"))
    body = "".join(
        f"<tr><td>{html.escape(a.name)}</td><td>{a.evidence}</td><td>{html.escape(a.regimen)}</td>"
        f"<td>{html.escape(a.population)}</td><td>{a.when}</td><td>{a.responders} / {a.n}</td>"
        f"<td>{a.interval_text}</td><td>{html.escape(a.notes)}</td></tr>"
        for a in rows
    )
    return (f'<table class="hemaedu-table" style="border-spacing:1em 0.2em"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


# --------------------------------------------------------------------------- forest app


class ForestApp(LessonApp):
    """Forest chart of IST response with response-type, timepoint and highlight choices."""

    def __init__(self, table: pd.DataFrame | None = None) -> None:
        super().__init__()
        # Parsed once: every update only filters this list.
        self.arms = arms(table)
        timepoints = sorted({a.timepoint for a in self.arms})
        types = [t for t in ("overall", "complete") if any(a.response_type == t for a in self.arms)]
        self.response_type = Choice(
            options=[(f"{t.capitalize()} response", t) for t in types], value=types[0],
            description="Response type",
            help="Overall = complete + partial responders; complete = blood counts back near normal.")
        default_time = USUAL_VISIT if USUAL_VISIT in timepoints else timepoints[0]
        self.timepoint = Choice(
            options=[(f"{_num(t)} months", t) for t in timepoints] + [("All timepoints", ALL_TIMEPOINTS)],
            value=default_time, description="Months after the start of treatment")
        self.highlight = Choice(
            options=[("No highlight", NO_HIGHLIGHT)] + [(c.title, c.code) for c in COMPARISONS],
            value=NO_HIGHLIGHT, description="Highlight a comparison")
        self.controls = [self.response_type, self.timepoint, self.highlight]
        self.sliders: dict[str, Slider] = {}
        self.main_slider = self.timepoint
        self.view = self._view()
        self.figure = make_forest(self.view.rows, widget=True)
        self._show_text(self.view)
        self._watch(*self.controls)
        # Not "hemaedu-app-ist": that class marks the simulator, the lesson's
        # slider-driven main app that browser tests and the benchmark drive.
        self.container.add_class("hemaedu-app-ist-forest")

    def _view(self) -> ForestView:
        return compute_forest(self.arms, response_type=self.response_type.value, timepoint=self.timepoint.value,
                              highlight=self.highlight.value)

    def _show_text(self, view: ForestView) -> None:
        self._set_summary(view.summary)
        self.extra.value = view.note_html

    def update(self, change: Any = None) -> None:
        self.view = self._view()
        values = forest_traces(self.view.rows)
        with self.figure.batch_update():
            for trace, new in zip(self.figure.data, values, strict=True):
                trace.update(new)
        self._show_text(self.view)


def ist_forest(table: pd.DataFrame | None = None) -> ForestApp:
    """The forest chart app of the IST lesson (reads ``ist_response`` unless given a table)."""
    return ForestApp(table)



# --------------------------------------------------------------------------- simulator compute


@dataclass(frozen=True)
class Simulation:
    """Summary of ``n_cohorts`` simulated cohorts (all rates in %).

    ``centres``/``shares`` are the histogram: each observed response rate that
    occurred and the share of cohorts that observed it.
    """

    true_percent: float
    cohort_size: int
    n_cohorts: int
    seed: int
    centres: tuple[float, ...]
    shares: tuple[float, ...]
    width: float
    middle: tuple[float, float]
    wilson: tuple[float, float]
    single_percent: float
    far_share: float  # % of cohorts more than FAR points away from the true rate

    def summary(self, source: str = "") -> str:
        src = f" ({source})" if source else ""
        return (f"{self.n_cohorts} simulated cohorts of {self.cohort_size} patients, true rate "
                f"{self.true_percent:.1f}%{src}, seed {self.seed}: the middle 95% observed "
                f"{self.middle[0]:.1f}% to {self.middle[1]:.1f}%; {self.far_share:.1f}% of cohorts were more than "
                f"{FAR} percentage points off; one cohort of this size observing {self.single_percent:.1f}% would "
                f"report a Wilson 95% interval of {self.wilson[0]:.1f}% to {self.wilson[1]:.1f}%.")


#: Distance (percentage points) from the true rate counted as "far off" in the summary.
FAR = 10


def compute_simulation(*, responders: int, n: int, cohort_size: int, seed: int,
                       n_cohorts: int = N_COHORTS) -> Simulation:
    """Simulate cohorts with ``hemaedu.simulate_cohorts`` and summarise them as a histogram.

    >>> s = compute_simulation(responders=1, n=2, cohort_size=10, seed=0, n_cohorts=500)
    >>> s.true_percent, round(sum(s.shares), 6), s.middle[0] <= 50 <= s.middle[1]
    (50.0, 100.0, True)
    """
    import numpy as np  # numpy arrives with pandas; imported here to keep `import hemaedu` light

    props = simulate_cohorts(responders=responders, n=n, cohort_size=cohort_size, n_cohorts=n_cohorts, seed=seed)
    cohort_size = int(cohort_size)
    # Each proportion is k/cohort_size: count the cohorts per k (at most
    # cohort_size + 1 bars), a payload of a few hundred numbers at most.
    k = np.rint(np.asarray(props) * cohort_size).astype(np.int64)
    counts = np.bincount(k, minlength=cohort_size + 1)
    nonzero = np.flatnonzero(counts)
    first, last = int(nonzero[0]), int(nonzero[-1])
    cum = np.cumsum(counts)
    # Middle 95%: the 2.5th and 97.5th percentiles (smallest k reaching each share).
    lo_k = int(np.searchsorted(cum, 0.025 * n_cohorts))
    hi_k = int(np.searchsorted(cum, 0.975 * n_cohorts))
    true = responders / n
    step = 100 / cohort_size
    far = np.abs(np.arange(cohort_size + 1) * step - 100 * true) > FAR + 1e-9
    single = round(true * cohort_size)
    wl, wh = wilson_interval(single, cohort_size)
    ks = np.arange(first, last + 1)
    return Simulation(
        true_percent=100 * true,
        cohort_size=cohort_size,
        n_cohorts=n_cohorts,
        seed=seed,
        centres=tuple((ks * step).tolist()),
        # Rounded: 0.15000000000000002 would cost bytes on every update and mean nothing.
        shares=tuple(np.round(counts[first:last + 1] * (100 / n_cohorts), 4).tolist()),
        width=step * 0.9,
        middle=(lo_k * step, hi_k * step),
        wilson=(100 * wl, 100 * wh),
        single_percent=single * step,
        far_share=100 * float(counts[far].sum()) / n_cohorts,
    )


def _simulator_arms(all_arms: Sequence[Arm]) -> list[Arm]:
    """One overall-response row per arm, the one nearest the usual 6-month visit."""
    best: dict[str, Arm] = {}
    for arm in all_arms:
        if arm.response_type != "overall":
            continue
        old = best.get(arm.arm_id)
        if old is None or abs(arm.timepoint - USUAL_VISIT) < abs(old.timepoint - USUAL_VISIT):
            best[arm.arm_id] = arm
    return sorted(best.values(), key=_sort_key)


def _default_arm(options: Sequence[Arm]) -> Arm:
    for arm in options:
        if arm.arm_id == DEFAULT_ARM:
            return arm
    return options[0]


def default_simulation(table: pd.DataFrame | None = None) -> Simulation:
    """The simulator's opening state: the default arm, cohort size and seed.

    >>> s = default_simulation()
    >>> s.cohort_size == DEFAULT_COHORT_SIZE and s.seed == DEFAULT_SEED
    True
    """
    arm = _default_arm(_simulator_arms(arms(table)))
    return compute_simulation(responders=arm.responders, n=arm.n, cohort_size=DEFAULT_COHORT_SIZE, seed=DEFAULT_SEED)


# --------------------------------------------------------------------------- simulator app


class SimulatorApp(LessonApp):
    """Cohort simulator: arm (true rate), cohort size and seed -> histogram of observed rates."""

    def __init__(self, table: pd.DataFrame | None = None) -> None:
        super().__init__()
        self.arm_options = _simulator_arms(arms(table))
        default = _default_arm(self.arm_options)
        self.arm = Choice(
            options=[(f"{a.name}: {a.regimen} ({a.evidence}, {a.when}, {a.responders}/{a.n})", a)
                     for a in self.arm_options],
            value=default, description="True response rate taken from",
            help="The arm's responders/n is treated as the true rate of every simulated cohort.")
        self.cohort_size = Slider(value=DEFAULT_COHORT_SIZE, description="Cohort size", unit="patients",
                                  readout_format="d",
                                  help="Patients in each simulated study (an illustrative choice).",
                                  **COHORT_SIZE_RANGE)
        self.seed = Slider(value=DEFAULT_SEED, description="Random seed", readout_format="d",
                           help="The same seed always gives the same simulated cohorts.", **SEED_RANGE)
        self.controls = [self.arm, self.cohort_size, self.seed]
        self.sliders = {"cohort_size": self.cohort_size, "seed": self.seed}
        self.main_slider = self.cohort_size
        self.result = self._compute()
        r = self.result
        self.figure = make_simulation(centres=r.centres, shares=r.shares, width=r.width, true_percent=r.true_percent,
                                      middle=r.middle, wilson=r.wilson, single_percent=r.single_percent, widget=True)
        self._set_summary(r.summary(self._source()))
        self._watch(*self.controls)
        self.container.add_class("hemaedu-app-ist")
        self.container.add_class("hemaedu-app-ist-simulator")

    def _source(self) -> str:
        a = self.arm.value
        return f"{a.name}, {a.regimen}, {a.responders}/{a.n}"

    def _compute(self) -> Simulation:
        a = self.arm.value
        return compute_simulation(responders=a.responders, n=a.n, cohort_size=int(self.cohort_size.value),
                                  seed=int(self.seed.value))

    def update(self, change: Any = None) -> None:
        r = self.result = self._compute()
        values = simulation_traces(centres=r.centres, shares=r.shares, width=r.width, true_percent=r.true_percent,
                                   middle=r.middle, wilson=r.wilson, single_percent=r.single_percent)
        data = self.figure.data
        with self.figure.batch_update():
            bars = data[0]
            bars.x, bars.y, bars.width = values[0]["x"], values[0]["y"], values[0]["width"]
            for trace, new in zip(data[1:], values[1:], strict=True):
                trace.x, trace.y = new["x"], new["y"]
        self._set_summary(r.summary(self._source()))


def cohort_simulator(table: pd.DataFrame | None = None) -> SimulatorApp:
    """The cohort simulator, the lesson's main app (class ``hemaedu-app-ist``); ``.main_slider`` is the cohort size."""
    return SimulatorApp(table)


# --------------------------------------------------------------------------- NIH response


#: Units and slider ranges of the response explorer (canonical units).
_RESPONSE_SLIDERS = {
    "anc": dict(min=0.0, max=3.0, step=0.05, unit="×10⁹/L", description="Neutrophils (ANC)", fmt=".2f"),
    "hb": dict(min=4.0, max=16.0, step=0.1, unit="g/dL", description="Hemoglobin", fmt=".1f"),
    "platelets": dict(min=0.0, max=300.0, step=1.0, unit="×10⁹/L", description="Platelets", fmt="d"),
    "reticulocytes": dict(min=0.0, max=200.0, step=1.0, unit="×10⁹/L", description="Reticulocytes", fmt="d"),
}
_COMPLETE_IDS = {"anc": "nih_complete_anc", "hb": "nih_complete_hb", "platelets": "nih_complete_platelets"}
_SEVERE_IDS = {"anc": "camitta_anc", "platelets": "camitta_platelets", "reticulocytes": "camitta_retic_automated"}
_NAMES = {"anc": "ANC", "hb": "Hb", "platelets": "platelets", "reticulocytes": "reticulocytes"}

#: Illustrative worked examples (blood counts invented for teaching, canonical units).
RESPONSE_PRESETS: dict[str, dict[str, float]] = {
    "Worked example A": dict(anc=1.8, hb=11.2, platelets=130, reticulocytes=80),
    "Worked example B": dict(anc=0.8, hb=8.5, platelets=35, reticulocytes=45),
    "Worked example C": dict(anc=0.3, hb=7.9, platelets=9, reticulocytes=15),
}


@dataclass(frozen=True)
class ResponseExplanation:
    """The NIH response category of four counts and why."""

    category: Response
    reason: str
    complete_met: dict[str, bool]
    severe_met: dict[str, bool]


def _unit(unit: str) -> str:
    return unit.replace("10^9/L", "×10⁹/L")


_SYMBOL = {">=": "≥", "<=": "≤"}


def _criterion(threshold_id: str, key: str, value: float) -> str:
    t = _thresholds.get(threshold_id)
    return f"{_NAMES[key]} {value:g} {_SYMBOL.get(t.comparator, t.comparator)} {t.value:g} {_unit(t.unit)}"


def compute_response(*, anc: float, hb: float, platelets: float, reticulocytes: float) -> ResponseExplanation:
    """NIH response (via ``hemaedu.response``) with the criteria that decided it.

    The category is the rule's; the reason lists the cut-offs (read from the
    thresholds table) each count reached or missed.

    >>> r = compute_response(anc=0.8, hb=8.5, platelets=35, reticulocytes=45)
    >>> print(r.category)
    partial
    >>> r.severe_met
    {'anc': False, 'platelets': False, 'reticulocytes': True}
    """
    values = {"anc": anc, "hb": hb, "platelets": platelets, "reticulocytes": reticulocytes}
    category = response(**values)
    complete = {k: _thresholds.meets(tid, values[k]) for k, tid in _COMPLETE_IDS.items()}
    severe = {k: _thresholds.meets(tid, values[k]) for k, tid in _SEVERE_IDS.items()}
    met = [_criterion(_SEVERE_IDS[k], k, values[k]) for k, on in severe.items() if on]
    if category is Response.COMPLETE:
        reason = ("Complete response: all three complete-response counts are reached ("
                  + ", ".join(_criterion(_COMPLETE_IDS[k], k, values[k]) for k in complete) + ").")
    else:
        missing = []
        for k, ok in complete.items():
            if not ok:
                t = _thresholds.get(_COMPLETE_IDS[k])
                missing.append(f"{_NAMES[k]} {values[k]:g} is below {t.value:g} {_unit(t.unit)}")
        short = "Not complete: " + ", ".join(missing) + ". "
        if category is Response.PARTIAL:
            still = f"only one is met ({met[0]})" if met else "none is met"
            reason = (f"Partial response. {short}No longer severe: severe disease needs at least two of the three "
                      f"severe-disease counts, and {still}.")
        else:
            reason = (f"No response. {short}Still severe: {len(met)} of the three severe-disease counts are met "
                      f"({'; '.join(met)}).")
    return ResponseExplanation(category=category, reason=reason, complete_met=complete, severe_met=severe)


class ResponseApp(LessonApp):
    """Four count sliders -> NIH response category and the reason, with the counts against their cut-offs."""

    def __init__(self) -> None:
        super().__init__()
        start = RESPONSE_PRESETS["Worked example B"]
        self.sliders = {
            key: Slider(value=start[key], min=spec["min"], max=spec["max"], step=spec["step"],
                        description=spec["description"], unit=spec["unit"], readout_format=spec["fmt"])
            for key, spec in _RESPONSE_SLIDERS.items()
        }
        self.presets = {name: dict(values) for name, values in RESPONSE_PRESETS.items()}
        buttons = []
        for name in self.presets:
            button = w.Button(description=name, tooltip=f"Set the counts of {name.lower()} (illustrative)")
            button.on_click(lambda _b, name=name: self.apply_preset(name))
            buttons.append(button)
        self.preset_buttons = w.HBox(buttons)
        self.controls = [self.preset_buttons, *self.sliders.values()]
        self.main_slider = self.sliders["platelets"]
        values = self.values()
        self.result = compute_response(**values)
        self.figure = make_response_counts(
            values=values,
            units={k: s["unit"] for k, s in _RESPONSE_SLIDERS.items()},
            ranges={k: (s["min"], s["max"]) for k, s in _RESPONSE_SLIDERS.items()},
            complete_cutoffs={k: _thresholds.threshold(t) for k, t in _COMPLETE_IDS.items()},
            severe_cutoffs={k: _thresholds.threshold(t) for k, t in _SEVERE_IDS.items()},
            texts=self._texts(values, self.result), widget=True)
        self._set_summary(self._summary(self.result))
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.container.add_class("hemaedu-app-ist-response")

    def values(self) -> dict[str, float]:
        return {k: float(s.value) for k, s in self.sliders.items()}

    def apply_preset(self, name: str) -> None:
        """Move every slider to the preset's counts, redrawing once."""
        if name not in self.presets:
            raise ValueError(f"unknown preset {name!r}; choose one of {sorted(self.presets)}")
        self._applying = True
        try:
            for key, value in self.presets[name].items():
                self.sliders[key].value = value
        finally:
            self._applying = False
        self.update()

    @staticmethod
    def _texts(values: dict[str, float], result: ResponseExplanation) -> dict[str, str]:
        texts = {}
        for key, value in values.items():
            marks = []
            if key in result.complete_met:
                marks.append("complete level reached" if result.complete_met[key] else "below complete level")
            if key in result.severe_met and result.severe_met[key]:
                marks.append("severe range")
            texts[key] = f"{value:g}" + (f" ({'; '.join(marks)})" if marks else "")
        return texts

    @staticmethod
    def _summary(result: ResponseExplanation) -> str:
        return f"NIH response: {result.category}. {result.reason}"

    def update(self, change: Any = None) -> None:
        if getattr(self, "_applying", False):
            return
        values = self.values()
        self.result = compute_response(**values)
        texts = self._texts(values, self.result)
        with self.figure.batch_update():
            for trace, (key, _) in zip(self.figure.data, COUNT_PANELS):
                trace.x = [values[key]]
                trace.text = [texts[key]]
        self._set_summary(self._summary(self.result))


def response_explorer() -> ResponseApp:
    """Sliders for ANC, Hb, platelets and reticulocytes -> NIH response category with the reason."""
    return ResponseApp()


# --------------------------------------------------------------------------- self-checks


def self_checks(table: pd.DataFrame | None = None) -> list[SelfCheck]:
    """The lesson's self-check questions; numbers in them come from the table and the rules."""
    all_arms = arms(table)
    single = [a for a in all_arms if not a.randomized and a.response_type == "overall"]
    hi_single = max(single, key=lambda a: a.percent) if single else None
    q1_context = (f" (for example {hi_single.name}: {hi_single.responders}/{hi_single.n} responded)"
                  if hi_single else "")
    checks = [
        SelfCheck(
            "A single-arm cohort reports a higher response rate than the control arm of a randomized trial"
            f"{q1_context}. What is the most defensible reading?",
            [
                Option("The single-arm regimen is proven better.", False,
                       "Without a concurrent control group, differences in patients, centres, timepoints and chance "
                       "can all produce a gap; the comparison is not fair."),
                Option("Part of the gap may come from who was enrolled, when response was counted and chance; "
                       "a randomized comparison is needed to isolate the drug's effect.", True,
                       "Randomization balances known and unknown differences between arms, so only a randomized "
                       "trial isolates the treatment's effect."),
                Option("The randomized trial must have made an error.", False,
                       "Randomized trials and single-arm series often disagree for the reasons above; neither is "
                       "'wrong', they answer different questions."),
            ],
        ),
        SelfCheck(
            "In the simulator, you multiply the cohort size by four and keep the true rate. "
            "Roughly what happens to the width of the middle 95% of observed response rates?",
            [
                Option("It shrinks to about a quarter.", False,
                       "Chance variation of a proportion shrinks with the square root of the cohort size, not in "
                       "proportion to it."),
                Option("It shrinks to about half.", True,
                       "The spread scales like 1/√n: four times the patients, half the spread. Try it with the slider."),
                Option("It stays the same: the true rate has not changed.", False,
                       "The true rate sets the centre; the cohort size sets how far chance pushes single studies "
                       "from it."),
            ],
        ),
    ]
    # A worked vignette whose right answer is whatever the rule says.
    vignette = dict(anc=1.4, hb=9.1, platelets=60.0, reticulocytes=70.0)  # illustrative counts
    verdict = response(**vignette)
    cut_hb = _thresholds.get("nih_complete_hb")
    why = {
        Response.COMPLETE: "All three complete-response counts would need to be reached.",
        Response.PARTIAL: (f"Hb is below the complete-response level ({cut_hb.comparator} {cut_hb.value:g} "
                           f"{cut_hb.unit}), so it is not complete, but none of the severe-disease counts is still "
                           "met, so the counts are no longer those of severe disease: partial."),
        Response.NONE: "No response means at least two severe-disease counts are still met.",
    }
    checks.append(SelfCheck(
        f"Six months after treatment: ANC {vignette['anc']:g} ×10⁹/L, Hb {vignette['hb']:g} g/dL, platelets "
        f"{vignette['platelets']:g} ×10⁹/L, reticulocytes {vignette['reticulocytes']:g} ×10⁹/L "
        "(an invented example). Which NIH response is this?",
        [Option(f"{cat.value.capitalize()} response" if cat is not Response.NONE else "No response",
                cat is verdict, why[verdict]) for cat in (Response.COMPLETE, Response.PARTIAL, Response.NONE)],
    ))
    return checks


# --------------------------------------------------------------------------- narrative rendered from data


def response_criteria_text() -> str:
    """Markdown: the NIH response categories with their cut-offs read from the thresholds table.

    >>> print(response_criteria_text().splitlines()[0])  # doctest: +ELLIPSIS
    - **Complete response**: ANC ≥ 1 ×10⁹/L, Hb ≥ 10 g/dL and platelets ≥ 100 ×10⁹/L...
    """
    def cut(tid: str, key: str) -> str:
        t = _thresholds.get(tid)
        return f"{_NAMES[key]} {_SYMBOL.get(t.comparator, t.comparator)} {t.value:g} {_unit(t.unit)}"

    complete = ", ".join(cut(_COMPLETE_IDS[k], k) for k in ("anc", "hb"))
    severe = ", ".join(cut(_SEVERE_IDS[k], k) for k in _SEVERE_IDS)
    return (
        f"- **Complete response**: {complete} and {cut(_COMPLETE_IDS['platelets'], 'platelets')}, all at once.\n"
        f"- **Partial response**: not complete, but the counts no longer meet the blood criteria of severe disease "
        f"(at least two of: {severe}).\n"
        "- **No response**: at least two of those severe-disease counts are still met.\n"
        "- *Overall response* = complete + partial. The trials also required freedom from transfusions, which "
        "counts alone cannot show. (Cut-offs from the course's thresholds table, NIH scheme as used by "
        "Townsley 2017.)"
    )


def evidence_overview(table: pd.DataFrame | None = None) -> str:
    """Markdown: what the ``ist_response`` table holds, counted from the table itself.

    >>> "randomized" in evidence_overview()
    True
    """
    all_arms = arms(table)
    studies = {a.source_id for a in all_arms}
    rand = {a.source_id for a in all_arms if a.randomized}
    times = sorted({a.timepoint for a in all_arms})
    listed = ", ".join(_num(t) for t in times[:-1]) + f" and {_num(times[-1])}"
    biggest = max(all_arms, key=lambda a: a.n)
    smallest = min(all_arms, key=lambda a: a.n)
    return (f"The table `ist_response` holds {len(all_arms)} rows from {len(studies)} studies "
            f"({len(rand)} of them randomized), measured at {listed} months. Arm sizes range from "
            f"{smallest.n} patients ({smallest.name}) to {biggest.n} ({biggest.name}): the intervals below "
            "show how much that size matters.")


def lesson_sources(table: pd.DataFrame | None = None) -> list[str]:
    """Every source the lesson uses: the response table's studies and the criteria's sources.

    >>> sources = lesson_sources()
    >>> "scheinberg2011" in sources and "townsley2017" in sources
    True
    """
    ids = [a.source_id for a in arms(table)]
    ids += [_thresholds.get(t).source_id for t in (*_COMPLETE_IDS.values(), *_SEVERE_IDS.values())]
    return list(dict.fromkeys(ids))
