"""Pick the guideline branch of the teaching treatment pathway for aplastic anemia.

Teaching material, not a clinical tool: the rule reproduces the first-line
choices of published guidelines (``data/treatment_pathway.csv``) so learners
can see *why* age, severity and donor availability steer treatment. It is not
advice for a patient.

Each row of the ``treatment_pathway`` table is one branch. A branch applies when
every one of its conditions holds:

* ``severity``: one grade ("non-severe", "severe", "very severe"), several
  grades separated by ``;`` or ``|``, or empty / ``any`` for every grade;
* ``age_min`` .. ``age_max``: age in whole years, both ends inclusive, an empty
  end is open;
* ``sibling_donor`` and ``transfusion_dependent``: true, false, or empty for
  "either".

:func:`choose_step` returns the one branch that applies and raises
``ValueError`` when none or more than one does, so a gap or an overlap in the
table can never be hidden behind a silently chosen first match.
:func:`check_partition` checks a whole table at once.

Only the standard library is used here; :func:`pathway_steps` reads the table
with :func:`hemaedu.load`.

>>> step = choose_step(age=25, severity="severe", sibling_donor=True, transfusion_dependent=True)
>>> step.first_line
'Matched sibling donor HSCT'

Children (under 18 years) without a matched sibling donor have their own
branch: horse ATG plus cyclosporine, or a matched unrelated donor transplant
where one is available. Eltrombopag is not added for them, because the
randomized children's trial (NCT03413306) found no gain in overall response,
and RACE, which showed the adult benefit, enrolled patients aged 15 and over.

>>> choose_step(age=10, severity="very severe", sibling_donor=False, transfusion_dependent=True).first_line
'Horse ATG + cyclosporine, or matched unrelated donor HSCT where available'

A sibling transplant largely avoids the relapse and clonal evolution that can
follow immunosuppression, at the price of graft failure, graft-versus-host
disease and late effects; the branch rationales say so.

:func:`acute_chronic_class` gives the older acute / severe type II / chronic class of the
Chinese 1987 criteria (``data/aa_classification.csv``), which lesson 05 sets beside the
modified Camitta grade of :func:`hemaedu.severity`.

>>> acute_chronic_class(onset="slow", anc=0.1, platelets=5, reticulocytes=5).class_id
'cn_saa2'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "AGE_RANGE",
    "ONSETS",
    "SEVERITIES",
    "AcuteChronicClass",
    "PathwayStep",
    "Run",
    "acute_chronic_class",
    "check_partition",
    "choose_step",
    "combinations",
    "matching_steps",
    "pathway_runs",
    "pathway_steps",
    "situation_label",
]

#: Grades of aplastic anemia, as returned by :func:`hemaedu.severity`.
SEVERITIES: tuple[str, ...] = ("non-severe", "severe", "very severe")
#: Ages (whole years) the pathway must cover without gap or overlap.
AGE_RANGE: tuple[int, int] = (0, 100)

_ANY = {"", "any", "all", "either", "*"}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        # pandas.NA and float NaN are both "not given".
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except TypeError:  # pandas.NA refuses bool()
        return True


def _grades(value: Any, where: str) -> frozenset[str] | None:
    """The grades a cell names, or None for "any grade"."""
    if _missing(value) or str(value).strip().lower() in _ANY:
        return None
    parts = {p.strip().lower() for p in re.split(r"[;|]", str(value)) if p.strip()}
    unknown = parts - set(SEVERITIES)
    if unknown:
        raise ValueError(f"{where}: severity {value!r} names unknown grade(s) {sorted(unknown)}; use {SEVERITIES}")
    return frozenset(parts)


def _flag(value: Any, where: str) -> bool | None:
    """True/False for a yes/no cell, None for "either"."""
    if _missing(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _ANY:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{where}: expected true, false or empty for 'either', got {value!r}")


def _age(value: Any, where: str) -> float | None:
    if _missing(value):
        return None
    try:
        age = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: age {value!r} is not a number") from None
    if not math.isfinite(age) or age < 0:
        raise ValueError(f"{where}: age must be a finite number >= 0, got {value!r}")
    return age


@dataclass(frozen=True)
class PathwayStep:
    """One branch of the treatment pathway: its conditions and its first-line choice.

    ``None`` in a condition means "any". ``age_min`` and ``age_max`` are
    inclusive whole years.
    """

    step_id: str
    severities: frozenset[str] | None
    age_min: float | None
    age_max: float | None
    sibling_donor: bool | None
    transfusion_dependent: bool | None
    first_line: str
    rationale: str
    source_id: str
    notes: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PathwayStep:
        """Build a step from one table row (a dict or a pandas row), checking every cell."""
        step_id = str(row["step_id"])
        where = f"treatment_pathway step {step_id!r}"
        step = cls(
            step_id=step_id,
            severities=_grades(row.get("severity"), where),
            age_min=_age(row.get("age_min"), where),
            age_max=_age(row.get("age_max"), where),
            sibling_donor=_flag(row.get("sibling_donor"), where),
            transfusion_dependent=_flag(row.get("transfusion_dependent"), where),
            first_line=str(row["first_line"]),
            rationale=str(row["rationale"]),
            source_id=str(row["source_id"]),
            notes="" if _missing(row.get("notes")) else str(row.get("notes")),
        )
        if step.age_min is not None and step.age_max is not None and step.age_min > step.age_max:
            raise ValueError(f"{where}: age_min {step.age_min:g} is above age_max {step.age_max:g}")
        return step

    def applies(self, *, age: float, severity: str, sibling_donor: bool, transfusion_dependent: bool) -> bool:
        """Whether every condition of this branch holds for the given situation.

        >>> s = PathwayStep("x", frozenset({"severe"}), 0, 39, True, None, "HSCT", "why", "src")
        >>> s.applies(age=39, severity="severe", sibling_donor=True, transfusion_dependent=False)
        True
        >>> s.applies(age=40, severity="severe", sibling_donor=True, transfusion_dependent=False)
        False
        """
        if self.severities is not None and severity not in self.severities:
            return False
        if self.age_min is not None and age < self.age_min:
            return False
        if self.age_max is not None and age > self.age_max:
            return False
        if self.sibling_donor is not None and sibling_donor != self.sibling_donor:
            return False
        if self.transfusion_dependent is not None and transfusion_dependent != self.transfusion_dependent:
            return False
        return True

    def conditions(self) -> str:
        """The branch's conditions in words, e.g. "severe or very severe; age 0-39 y; sibling donor".

        >>> PathwayStep("x", frozenset({"severe", "very severe"}), None, 39, True, None, "H", "r", "s").conditions()
        'severe or very severe; age up to 39 y; matched sibling donor'
        """
        parts = []
        if self.severities is None:
            parts.append("any severity")
        else:
            parts.append(" or ".join(g for g in SEVERITIES if g in self.severities))
        if self.age_min is not None and self.age_max is not None:
            parts.append(f"age {self.age_min:g}-{self.age_max:g} y")
        elif self.age_min is not None:
            parts.append(f"age {self.age_min:g} y or older")
        elif self.age_max is not None:
            parts.append(f"age up to {self.age_max:g} y")
        if self.sibling_donor is not None:
            parts.append("matched sibling donor" if self.sibling_donor else "no matched sibling donor")
        if self.transfusion_dependent is not None:
            parts.append("transfusion-dependent" if self.transfusion_dependent else "not transfusion-dependent")
        return "; ".join(parts)


@cache
def _table_steps() -> tuple[PathwayStep, ...]:
    from .data import load

    frame = load("treatment_pathway")
    return tuple(PathwayStep.from_row(row) for row in frame.to_dict("records"))


def pathway_steps(rows: Iterable[Mapping[str, Any]] | None = None) -> tuple[PathwayStep, ...]:
    """The branches of the pathway, from ``rows`` or (by default) the shipped table.

    >>> len(pathway_steps()) >= 4
    True
    """
    if rows is None:
        return _table_steps()
    return tuple(PathwayStep.from_row(row) for row in rows)


def _check_inputs(age: Any, severity: Any, sibling_donor: Any, transfusion_dependent: Any) -> tuple[float, str]:
    try:
        finite = not isinstance(age, bool) and isinstance(age, (int, float)) and math.isfinite(age)
    except OverflowError:  # an int beyond the float range, e.g. 10**400 (too long to print)
        raise ValueError("age must be a finite number of years, got an int beyond the float range") from None
    if not finite:
        raise ValueError(f"age must be a finite number of years, got {age!r}")
    if not AGE_RANGE[0] <= age <= AGE_RANGE[1]:
        raise ValueError(f"age must lie within {AGE_RANGE[0]}-{AGE_RANGE[1]} years, got {age!r}")
    grade = str(severity)
    if grade not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
    for name, value in (("sibling_donor", sibling_donor), ("transfusion_dependent", transfusion_dependent)):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False, got {value!r}")
    # Ages are whole years in the table; 39.6 years is still "39".
    return float(math.floor(age)), grade


def matching_steps(
    *,
    age: float,
    severity: str,
    sibling_donor: bool,
    transfusion_dependent: bool,
    steps: Sequence[PathwayStep] | None = None,
) -> list[PathwayStep]:
    """Every branch whose conditions hold (normally exactly one)."""
    years, grade = _check_inputs(age, severity, sibling_donor, transfusion_dependent)
    steps = pathway_steps() if steps is None else steps
    return [
        s for s in steps
        if s.applies(age=years, severity=grade, sibling_donor=sibling_donor,
                     transfusion_dependent=transfusion_dependent)
    ]


def choose_step(
    *,
    age: float,
    severity: str,
    sibling_donor: bool,
    transfusion_dependent: bool,
    steps: Sequence[PathwayStep] | None = None,
) -> PathwayStep:
    """Return the one pathway branch that applies.

    Parameters
    ----------
    age : float
        Age in years (0-100); compared as whole years.
    severity : {"non-severe", "severe", "very severe"}
        Grade from :func:`hemaedu.severity` (a ``Severity`` works too).
    sibling_donor : bool
        Whether an HLA-matched sibling donor is available.
    transfusion_dependent : bool
        Whether the patient needs regular red-cell or platelet transfusions.
    steps : sequence of PathwayStep, optional
        The branches to choose from; the shipped table by default.

    Raises
    ------
    ValueError
        For an invalid input, or when no branch or several branches apply
        (the table has a gap or an overlap).

    >>> step = choose_step(age=60, severity="very severe", sibling_donor=False, transfusion_dependent=True)
    >>> step.first_line
    'Horse ATG + cyclosporine + eltrombopag'
    >>> choose_step(age=30, severity="moderate", sibling_donor=True, transfusion_dependent=True)
    Traceback (most recent call last):
    ...
    ValueError: severity must be one of ('non-severe', 'severe', 'very severe'), got 'moderate'
    """
    found = matching_steps(
        age=age, severity=severity, sibling_donor=sibling_donor,
        transfusion_dependent=transfusion_dependent, steps=steps,
    )
    situation = (
        f"age {age!r}, severity {str(severity)!r}, sibling_donor={sibling_donor}, "
        f"transfusion_dependent={transfusion_dependent}"
    )
    if not found:
        raise ValueError(f"no treatment_pathway branch covers {situation}; the table has a gap")
    if len(found) > 1:
        ids = [s.step_id for s in found]
        raise ValueError(f"several treatment_pathway branches cover {situation}: {ids}; the table overlaps")
    return found[0]


def combinations(ages: Iterable[int] | None = None) -> Iterator[tuple[int, str, bool, bool]]:
    """Every (age, severity, sibling_donor, transfusion_dependent) the app can show.

    >>> sum(1 for _ in combinations(range(2)))
    24
    """
    ages = range(AGE_RANGE[0], AGE_RANGE[1] + 1) if ages is None else ages
    for age in ages:
        for grade in SEVERITIES:
            for donor in (True, False):
                for transfused in (True, False):
                    yield age, grade, donor, transfused


def situation_label(severity: str, sibling_donor: bool, transfusion_dependent: bool) -> str:
    """Short text naming one situation (a row of the pathway map).

    >>> situation_label("severe", True, False)
    'severe, sibling donor, no transfusions'
    """
    donor = "sibling donor" if sibling_donor else "no sibling donor"
    transfused = "transfusions" if transfusion_dependent else "no transfusions"
    return f"{severity}, {donor}, {transfused}"


@dataclass(frozen=True)
class Run:
    """Consecutive whole-year ages that share one branch, for one situation."""

    situation: str
    age_start: int
    age_end: int  # inclusive
    step: PathwayStep


def pathway_runs(steps: Sequence[PathwayStep] | None = None) -> list[Run]:
    """The whole pathway as runs of ages per situation (what the pathway map draws).

    Derived from :func:`choose_step` itself, so the map can never disagree with
    the rule.

    >>> runs = pathway_runs()
    >>> sum(r.age_end - r.age_start + 1 for r in runs) == (AGE_RANGE[1] - AGE_RANGE[0] + 1) * 12
    True
    """
    steps = pathway_steps() if steps is None else steps
    runs: list[Run] = []
    for grade in SEVERITIES:
        for donor in (True, False):
            for transfused in (True, False):
                label = situation_label(grade, donor, transfused)
                current: Run | None = None
                for age in range(AGE_RANGE[0], AGE_RANGE[1] + 1):
                    step = choose_step(
                        age=age, severity=grade, sibling_donor=donor, transfusion_dependent=transfused, steps=steps
                    )
                    if current is not None and current.step == step:
                        current = Run(label, current.age_start, age, step)
                    else:
                        if current is not None:
                            runs.append(current)
                        current = Run(label, age, age, step)
                assert current is not None
                runs.append(current)
    return runs


def check_partition(steps: Sequence[PathwayStep] | None = None) -> int:
    """Check that every situation maps to exactly one branch; return how many were checked.

    Raises ``ValueError`` naming the first gap or overlap.

    >>> check_partition() > 1000
    True
    >>> bad = [PathwayStep("a", None, 0, 50, None, None, "A", "r", "s"),
    ...        PathwayStep("b", None, 50, 100, None, None, "B", "r", "s")]
    >>> check_partition(bad)
    Traceback (most recent call last):
    ...
    ValueError: several treatment_pathway branches cover age 50, ...: ['a', 'b']; the table overlaps
    """
    steps = pathway_steps() if steps is None else steps
    n = 0
    for age, grade, donor, transfused in combinations():
        choose_step(age=age, severity=grade, sibling_donor=donor, transfusion_dependent=transfused, steps=steps)
        n += 1
    return n


# --------------------------------------------------------------------------- acute and chronic classes

#: How the illness began, as the Chinese 1987 criteria ask: "rapid" (weeks, with infection and bleeding
#: from the start) or "slow" (anemia first, over months to years).
ONSETS: tuple[str, ...] = ("rapid", "slow")


@dataclass(frozen=True)
class AcuteChronicClass:
    """The Chinese 1987 class of aplastic anemia for one presentation.

    Attributes
    ----------
    class_id : str
        A ``class_id`` of the ``aa_classification`` table: ``"cn_acute"`` (acute, severe type I),
        ``"cn_saa2"`` (severe type II: chronic disease that reached the acute picture) or
        ``"cn_chronic"``.
    anc, platelets, reticulocytes : bool
        Whether each of the three blood criteria of the acute class is met.
    needed : int
        How many blood criteria the acute picture needs.
    """

    class_id: str
    anc: bool
    platelets: bool
    reticulocytes: bool
    needed: int

    @property
    def criteria_met(self) -> int:
        """How many of the three blood criteria are met (0-3)."""
        return self.anc + self.platelets + self.reticulocytes

    @property
    def acute_picture(self) -> bool:
        """Whether the counts reach the acute picture (at least ``needed`` criteria)."""
        return self.criteria_met >= self.needed


def acute_chronic_class(
    *,
    onset: str,
    anc: float,
    platelets: float,
    reticulocytes: float,
    rows: Iterable[Mapping[str, Any]] | None = None,
) -> AcuteChronicClass:
    """Classify a hypocellular aplastic anemia as acute, severe type II or chronic (Chinese 1987 criteria).

    Parameters
    ----------
    onset : {"rapid", "slow"}
        How the illness began (:data:`ONSETS`).
    anc, platelets, reticulocytes : float
        Absolute neutrophil, platelet and reticulocyte counts in 10^9/L.
    rows : iterable of mappings, optional
        The ``aa_classification`` table (default: read from ``data/``); the cut-offs come from
        the ``cn_acute`` row's ``anc_below``, ``platelets_below``, ``reticulocytes_below`` and
        ``blood_criteria_needed``.

    Returns
    -------
    AcuteChronicClass

    Raises
    ------
    ValueError
        For an unknown onset, a negative or implausible count (e.g. per microlitre), or a table
        without the numeric cut-offs of the acute class.

    Notes
    -----
    The acute class needs a rapid onset *and* the acute blood picture: at least two of
    ANC < 0.5, platelets < 20 and reticulocytes < 15 x10^9/L (the criteria also ask for
    reticulocytes below 1%, which absolute counts cannot show; the marrow is taken as
    hypocellular). The same picture after a slow onset is severe type II; anything less is
    chronic, whatever the onset. Comparisons are strict. Teaching comparison, not a diagnostic
    rule: the 2017 Chinese consensus grades by counts, like the modified Camitta criteria.

    References
    ----------
    Fourth National Conference on Aplastic Anemia (China, 1987), revised diagnostic criteria
    (secondary summary; see ``references`` row ``chinese_1987_criteria_secondary``).

    Examples
    --------
    >>> acute_chronic_class(onset="rapid", anc=0.3, platelets=10, reticulocytes=40).class_id
    'cn_acute'
    >>> acute_chronic_class(onset="slow", anc=0.3, platelets=10, reticulocytes=40).class_id
    'cn_saa2'

    Reticulocytes of 40 x10^9/L count for the modified Camitta criteria (< 60, automated) but
    not here (< 15), so ANC 0.8 with platelets 15 is chronic in this system:

    >>> acute_chronic_class(onset="rapid", anc=0.8, platelets=15, reticulocytes=40).class_id
    'cn_chronic'
    """
    from . import _validate as v

    onset = v.choice("onset", onset, ONSETS)
    anc = v.count("anc", anc)
    platelets = v.count("platelets", platelets)
    reticulocytes = v.count("reticulocytes", reticulocytes)
    if rows is None:
        from .data import records

        rows = records("aa_classification")
    acute = next((r for r in rows if r.get("class_id") == "cn_acute"), None)
    if acute is None:
        raise ValueError("aa_classification has no row 'cn_acute'; the acute criteria's cut-offs live there")
    cut: dict[str, float] = {}
    for column in ("anc_below", "platelets_below", "reticulocytes_below", "blood_criteria_needed"):
        value = acute.get(column)
        if _missing(value):
            raise ValueError(f"aa_classification row 'cn_acute' has no {column}; fill it (see datapackage.json)")
        cut[column] = float(value)  # type: ignore[arg-type]  # _missing() ruled out None
    result = AcuteChronicClass("", anc < cut["anc_below"], platelets < cut["platelets_below"],
                               reticulocytes < cut["reticulocytes_below"], int(cut["blood_criteria_needed"]))
    if not result.acute_picture:
        class_id = "cn_chronic"
    else:
        class_id = "cn_acute" if onset == "rapid" else "cn_saa2"
    return AcuteChronicClass(class_id, result.anc, result.platelets, result.reticulocytes, result.needed)
