"""Lesson 05's pure compute: the teaching treatment pathway, the outcomes, the work-up rows.

Values in, frozen views out. No HTML, no widgets and no learner-visible English:
views hold numbers, ids and the tables' own cells; the apps build every sentence
from the lesson's content files.

The branches come from :mod:`hemaedu.pathway` applied to the ``treatment_pathway``
table, so a branch added to the table (for example one for children) appears in
the map, the legend and the summaries without a change here.

Teaching material, not a clinical tool: nothing here is advice for a patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ... import clinical, pathway, thresholds
from ...data import records
from ..format import format_number
from ..presets import presets

__all__ = [
    "AGE_RANGE", "CLASSIFY_PRESETS", "HOOKS", "SEVERITIES", "VIGNETTES", "MapRun", "OutcomeChart", "OutcomesView",
    "PathwayView", "ClassificationView", "Situation", "WorkupView", "assumed_cellularity", "classification_rows",
    "compute_classification", "charts", "check_partition", "compute_outcomes", "compute_pathway", "compute_workup",
    "pathway_map", "situations", "source_ids", "steps", "topics", "transfusion_threshold_ids", "treatments",
    "workup", "workup_options",
]

SEVERITIES = pathway.SEVERITIES
AGE_RANGE = pathway.AGE_RANGE

#: Teaching vignettes (illustrative patients, not real ones): id -> control values, from presets.toml.
#: Their labels and hints live in the lesson's content.
VIGNETTES: dict[str, dict[str, Any]] = presets("diagnosis_and_treatment", "pathway_explorer")

@cache
def steps() -> tuple[pathway.PathwayStep, ...]:
    """The pathway's branches, read from the table without pandas."""
    return pathway.pathway_steps(records("treatment_pathway"))


@dataclass(frozen=True)
class Situation:
    """One row of the pathway map: a grade, a sibling donor or not, transfusions or not."""

    severity: str
    sibling_donor: bool
    transfusion_dependent: bool


def situations() -> tuple[Situation, ...]:
    """Every situation, in the order of :func:`hemaedu.pathway.pathway_runs`."""
    return tuple(Situation(g, d, t) for g in SEVERITIES for d in (True, False) for t in (True, False))


@dataclass(frozen=True)
class MapRun:
    """Consecutive whole-year ages (``age_start``..``age_end`` inclusive) sharing one branch."""

    situation: Situation
    age_start: int
    age_end: int
    step: pathway.PathwayStep


@cache
def pathway_map() -> tuple[MapRun, ...]:
    """The whole pathway as runs of ages per situation, derived from the rule itself.

    >>> runs = pathway_map()
    >>> sum(r.age_end - r.age_start + 1 for r in runs) == (AGE_RANGE[1] - AGE_RANGE[0] + 1) * len(situations())
    True
    """
    by_label = {pathway.situation_label(s.severity, s.sibling_donor, s.transfusion_dependent): s
                for s in situations()}
    return tuple(MapRun(by_label[r.situation], r.age_start, r.age_end, r.step)
                 for r in pathway.pathway_runs(steps()))


def treatments() -> tuple[str, ...]:
    """Every first-line choice of the map, in first-seen order."""
    return tuple(dict.fromkeys(r.step.first_line for r in pathway_map()))


@dataclass(frozen=True)
class PathwayView:
    """The branch that applies to one situation at one age."""

    age: float
    situation: Situation
    step: pathway.PathwayStep


def compute_pathway(*, age: float, severity: str, sibling_donor: bool, transfusion_dependent: bool) -> PathwayView:
    """Choose the branch (via :func:`hemaedu.pathway.choose_step`) for one situation.

    >>> v = compute_pathway(**VIGNETTES["young_sibling"])
    >>> v.step == pathway.choose_step(**VIGNETTES["young_sibling"], steps=steps())
    True
    """
    step = pathway.choose_step(age=age, severity=severity, sibling_donor=sibling_donor,
                               transfusion_dependent=transfusion_dependent, steps=steps())
    return PathwayView(float(age), Situation(str(severity), sibling_donor, transfusion_dependent), step)


def check_partition() -> int:
    """How many situations were checked to map to exactly one branch (raises on a gap or overlap)."""
    return pathway.check_partition(steps())


# ----------------------------------------------------------------------------- outcomes


@cache
def _outcomes() -> tuple[dict[str, Any], ...]:
    return records("outcomes")


@dataclass(frozen=True)
class OutcomeChart:
    """One chart of the outcomes view: a topic, one measure, one timepoint (years; 0 = at diagnosis).

    A chart never mixes measures or timepoints, so one axis always means one thing
    (issue 13: 6-month response and 5-year survival used to share an axis).
    """

    topic: str
    measure: str
    timepoint_years: float


def charts() -> tuple[OutcomeChart, ...]:
    """Every (topic, measure, timepoint) of the ``outcomes`` table, in table order.

    >>> [c.measure for c in charts() if c.topic == "response predictors"]
    ['response', 'overall survival']
    """
    return tuple(dict.fromkeys(OutcomeChart(r["topic"], r["measure"], float(r["timepoint_years"]))
                               for r in _outcomes()))


def topics() -> tuple[str, ...]:
    """The outcome topics, in table order."""
    return tuple(dict.fromkeys(c.topic for c in charts()))


@dataclass(frozen=True)
class OutcomesView:
    """The rows of one chart, grouped by study (``studies``: source ids in first-seen order)."""

    chart: OutcomeChart
    rows: tuple[dict[str, Any], ...]
    studies: tuple[str, ...]

    @property
    def several_sources(self) -> bool:
        """Whether the bars come from more than one study (their groups may overlap)."""
        return len(self.studies) > 1


def compute_outcomes(chart: OutcomeChart) -> OutcomesView:
    """The rows of ``chart``, each study's rows together (a study's groups never interleave another's).

    >>> view = compute_outcomes(charts()[0])
    >>> view.studies
    ('vaht2017', 'vallejo2024')
    >>> {(r["measure"], r["timepoint_years"]) for r in view.rows}
    {('overall survival', 5.0)}
    """
    if not isinstance(chart, OutcomeChart):
        raise ValueError(f"chart must be an OutcomeChart (one of charts()), got {chart!r}")
    rows = [r for r in _outcomes() if r["topic"] == chart.topic and r["measure"] == chart.measure
            and float(r["timepoint_years"]) == chart.timepoint_years]
    if not rows:
        raise ValueError(f"no outcome rows for {chart}; choose one of charts()")
    studies = tuple(dict.fromkeys(r["source_id"] for r in rows))
    ordered = tuple(r for s in studies for r in rows if r["source_id"] == s)
    return OutcomesView(chart, ordered, studies)


# ----------------------------------------------------------------------------- tables


def transfusion_threshold_ids() -> tuple[str, ...]:
    """The AABB platelet-transfusion thresholds of the thresholds table, in table order."""
    return tuple(r["threshold_id"] for r in records("thresholds") if (r["scheme"] or "").startswith("AABB"))


# ----------------------------------------------------------------------------- the work-up exercise


@cache
def workup() -> tuple[dict[str, Any], ...]:
    """The ``workup`` table: each test of the diagnostic work-up with the question it answers."""
    return records("workup")


def workup_options() -> tuple[str, ...]:
    """The tests as the exercise offers them: alphabetical by name, so a question's answer is never
    found by its position (the questions come in table order).

    >>> opts = workup_options()
    >>> sorted(opts) == sorted(r["test_id"] for r in workup()) and [r["test_id"] for r in workup()] != list(opts)
    True
    """
    return tuple(r["test_id"] for r in sorted(workup(), key=lambda r: str(r["test"]).casefold()))


@dataclass(frozen=True)
class WorkupView:
    """One question of the exercise (``number`` counts from 1) and, once checked, the chosen test."""

    number: int
    total: int
    asked: dict[str, Any]
    chosen: dict[str, Any] | None
    matched: frozenset[str]

    @property
    def correct(self) -> bool | None:
        """Whether the checked test answers the question (None before a check)."""
        return None if self.chosen is None else self.chosen["test_id"] == self.asked["test_id"]


def compute_workup(number: int, checked: str | None = None, matched: frozenset[str] = frozenset()) -> WorkupView:
    """Question ``number`` (1 to the number of tests) with the test the learner ``checked`` (a test id).

    >>> compute_workup(6, "pnh_flow").correct, compute_workup(6, "b12_folate").correct
    (True, False)
    """
    rows = workup()
    if isinstance(number, bool) or not isinstance(number, int | float) or not 1 <= number <= len(rows):
        raise ValueError(f"question number must be a whole number from 1 to {len(rows)}, got {number!r}")
    by_id = {r["test_id"]: r for r in rows}
    if checked is not None and checked not in by_id:
        raise ValueError(f"checked must be a test_id of the workup table, got {checked!r}")
    return WorkupView(int(number), len(rows), rows[int(number) - 1], None if checked is None else by_id[checked],
                      frozenset(matched))


# ----------------------------------------------------------------------------- acute/chronic vs Camitta

#: Illustrative presentations (not real patients) for the classification comparer: id -> control values.
CLASSIFY_PRESETS: dict[str, dict[str, Any]] = presets("diagnosis_and_treatment", "classification_explorer")

_CAMITTA_CLASS = {"non-severe": "camitta_non_severe", "severe": "camitta_severe", "very severe": "camitta_very_severe"}


@dataclass(frozen=True)
class ClassificationView:
    """One presentation under both systems: the Camitta grade and the Chinese 1987 class, with their rows."""

    onset: str
    camitta: clinical.SeverityCriteria
    chinese: pathway.AcuteChronicClass
    camitta_row: dict[str, Any]
    chinese_row: dict[str, Any]

    @property
    def agree(self) -> bool:
        """Whether the Chinese class maps onto this Camitta grade (its ``camitta_grades``)."""
        grades = {g.strip() for g in str(self.chinese_row["camitta_grades"]).split(";")}
        return str(self.camitta.severity) in grades

    @property
    def reticulocytes_split(self) -> bool:
        """Whether the reticulocyte count meets the Camitta criterion but not the 1987 one."""
        return self.camitta.reticulocytes and not self.chinese.reticulocytes


def assumed_cellularity() -> float:
    """The marrow the comparer assumes: well below the Camitta cellularity cut-off (percent)."""
    return thresholds.value("camitta_cellularity") / 2


def compute_classification(*, onset: str, anc: float, platelets: float, reticulocytes: float) -> ClassificationView:
    """Both classifications of one presentation (marrow taken as hypocellular, automated reticulocytes).

    >>> v = compute_classification(**CLASSIFY_PRESETS["retic_between"])
    >>> str(v.camitta.severity), v.chinese.class_id, v.agree, v.reticulocytes_split
    ('severe', 'cn_chronic', False, True)
    """
    camitta = clinical.severity_criteria(anc=anc, platelets=platelets, reticulocytes=reticulocytes,
                                         cellularity=assumed_cellularity())
    rows = {r["class_id"]: r for r in records("aa_classification")}
    chinese = pathway.acute_chronic_class(onset=onset, anc=anc, platelets=platelets, reticulocytes=reticulocytes,
                                          rows=rows.values())
    return ClassificationView(onset, camitta, chinese, rows[_CAMITTA_CLASS[str(camitta.severity)]],
                              rows[chinese.class_id])


def classification_rows() -> tuple[dict[str, Any], ...]:
    """The ``aa_classification`` table, in table order."""
    return records("aa_classification")


def source_ids() -> tuple[str, ...]:
    """Every source the lesson shows: pathway, outcomes, transfusion thresholds, work-up rows."""
    ids = [s.source_id for s in steps()] + [r["source_id"] for r in _outcomes()]
    ids += [thresholds.get(t).source_id for t in transfusion_threshold_ids()]
    ids += [r["source_id"] for r in workup()]
    ids += [r["source_id"] for r in classification_rows()]
    return tuple(dict.fromkeys(ids))


def _vignette_step(name: str) -> pathway.PathwayStep:
    return compute_pathway(**VIGNETTES[name]).step


#: Named values the lesson's content quotes (``{{hook:<name>}}``): rule outputs for the vignettes.
HOOKS = {
    "young_sibling_age": lambda: format_number(VIGNETTES["young_sibling"]["age"]),
    "young_sibling_first_line": lambda: _vignette_step("young_sibling").first_line,
    "young_sibling_rationale": lambda: _vignette_step("young_sibling").rationale,
    "older_no_donor_first_line": lambda: _vignette_step("older_no_donor").first_line,
    "child_no_donor_age": lambda: format_number(VIGNETTES["child_no_donor"]["age"]),
    "child_no_donor_first_line": lambda: _vignette_step("child_no_donor").first_line,
    "child_no_donor_rationale": lambda: _vignette_step("child_no_donor").rationale,
}
