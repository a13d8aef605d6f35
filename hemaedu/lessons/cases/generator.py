"""Unlimited practice: new patients for naming the cytopenias and grading severity.

:func:`generate` draws a patient from a seed (so a patient number always gives the same
patient, and tests are reproducible). Counts are drawn to land near the cut-offs that decide
the answer, read from :mod:`hemaedu.thresholds` (never typed here): values just below, exactly
at and just above a cut-off teach that every comparison is strict ("below", not "at or below").
:func:`expected` asks the course's rules for the answer and :func:`check` says which criterion
decided it.

>>> p = generate(7, "severity")
>>> p == generate(7, "severity"), expected(p) in GRADES
(True, True)
>>> check(p, expected(p)).correct
True
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ... import thresholds
from ...clinical import cytopenias, severity_criteria

__all__ = ["GRADES", "HOOKS", "LINEAGES", "SKILLS", "Criterion", "PracticeCheck", "PracticePatient",
           "check", "expected", "generate", "lineage_threshold", "source_ids"]

SKILLS = ("cytopenias", "severity")
LINEAGES = ("anemia", "leukopenia", "neutropenia", "thrombocytopenia")
GRADES = ("non-severe", "severe", "very severe", "not_applicable")
#: Decimals each measure is reported with (as a laboratory would print it).
DECIMALS = {"hb": 1, "wbc": 1, "anc": 2, "platelets": 0, "reticulocytes": 0, "cellularity": 0, "residual": 0}
#: The blood criteria of the modified Camitta grading, by measure.
CAMITTA_BLOOD = {"anc": "camitta_anc", "platelets": "camitta_platelets", "reticulocytes": "camitta_retic_automated"}


def lineage_threshold(lineage: str, sex: str) -> str:
    """The threshold id that decides a lineage (``anemia`` depends on sex)."""
    return {"anemia": f"anemia_hb_{sex}", "leukopenia": "leukopenia_wbc", "neutropenia": "neutropenia_anc",
            "thrombocytopenia": "thrombocytopenia_platelets"}[lineage]


_MEASURE_OF = {"anemia": "hb", "leukopenia": "wbc", "neutropenia": "anc", "thrombocytopenia": "platelets"}


@dataclass(frozen=True)
class PracticePatient:
    """A generated patient (rules' units: Hb g/dL, counts 10^9/L, marrow %)."""

    seed: int
    skill: str
    age: int
    sex: str
    hb: float
    wbc: float
    anc: float
    platelets: float
    reticulocytes: float
    cellularity: float
    residual_hematopoietic: float | None = None

    def count(self) -> dict[str, float]:
        return dict(hb=self.hb, wbc=self.wbc, anc=self.anc, platelets=self.platelets,
                    reticulocytes=self.reticulocytes)


def _round(value: float, measure: str) -> float:
    return float(round(value, DECIMALS[measure]))


def _near(rng: random.Random, threshold_id: str, measure: str, spread: float = 0.15) -> float:
    """A value close to a cut-off: exactly at it one time in six, else within +-``spread`` of it."""
    cut = thresholds.value(threshold_id)
    if rng.random() < 1 / 6:
        return _round(cut, measure)
    step = 10.0 ** -DECIMALS[measure]
    value = _round(cut * rng.uniform(1 - spread, 1 + spread), measure)
    return value if value > 0 else step


def _draw(rng: random.Random, threshold_id: str, measure: str) -> float:
    """Near the cut-off most of the time, sometimes clearly low or clearly normal."""
    cut = thresholds.value(threshold_id)
    roll = rng.random()
    if roll < 0.6:
        return _near(rng, threshold_id, measure)
    if roll < 0.8:
        low = (0.55, 0.9) if measure == "hb" else (0.3, 0.8)
        return max(_round(cut * rng.uniform(*low), measure), 10.0 ** -DECIMALS[measure])
    return _round(cut * rng.uniform(1.2, 1.9 if measure != "hb" else 1.25), measure)


def generate(seed: int, skill: str) -> PracticePatient:
    """Patient number ``seed`` of the ``skill`` drill ("cytopenias" or "severity")."""
    if skill not in SKILLS:
        raise ValueError(f"skill must be one of {SKILLS}, got {skill!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    rng = random.Random(f"hemaedu-practice:{skill}:{seed}")
    sex = rng.choice(("female", "male"))
    age = rng.randint(18, 80)
    if skill == "cytopenias":
        hb = _draw(rng, f"anemia_hb_{sex}", "hb")
        wbc = _draw(rng, "leukopenia_wbc", "wbc")
        anc = _draw(rng, "neutropenia_anc", "anc")
        if anc > wbc:  # neutrophils are part of the white count
            anc = max(_round(wbc * rng.uniform(0.4, 0.8), "anc"), 0.01)
        platelets = _draw(rng, "thrombocytopenia_platelets", "platelets")
        retic = _round(rng.uniform(30, 110), "reticulocytes")
        return PracticePatient(seed, skill, age, sex, hb, wbc, anc, platelets, retic, 50.0)
    anc_cut = rng.choice(("camitta_anc", "camitta_anc_very_severe"))
    anc = _near(rng, anc_cut, "anc", spread=0.4)
    platelets = _near(rng, "camitta_platelets", "platelets", spread=0.5)
    retic = _near(rng, "camitta_retic_automated", "reticulocytes", spread=0.45)
    wbc = _round(anc + rng.uniform(0.3, 1.5), "wbc")
    hb = _round(rng.uniform(6.0, 10.5), "hb")
    roll = rng.random()
    residual = None
    if roll < 0.5:  # clearly empty
        cellularity = _round(rng.uniform(3, thresholds.value("camitta_cellularity") - 1), "cellularity")
    elif roll < 0.7:  # on either side of the cellularity cut-off
        cellularity = _near(rng, "camitta_cellularity", "cellularity", spread=0.2)
    elif roll < 0.9:  # the second branch: cellularity below 50% with few residual blood-forming cells
        cellularity = _round(rng.uniform(thresholds.value("camitta_cellularity"),
                                         thresholds.value("camitta_cellularity_partial") - 1), "cellularity")
        residual = _near(rng, "camitta_residual", "residual", spread=0.4)
    else:
        cellularity = _near(rng, "camitta_cellularity_partial", "cellularity", spread=0.3)
    return PracticePatient(seed, skill, age, sex, hb, wbc, anc, platelets, retic, cellularity, residual)


def _criteria(p: PracticePatient) -> Any:
    return severity_criteria(anc=p.anc, platelets=p.platelets, reticulocytes=p.reticulocytes,
                             cellularity=p.cellularity, residual_hematopoietic=p.residual_hematopoietic)


def expected(p: PracticePatient) -> str:
    """The rules' answer: lineages joined by commas ("none" if none), or a grade / "not_applicable"."""
    if p.skill == "cytopenias":
        found = cytopenias(hb=p.hb, wbc=p.wbc, anc=p.anc, platelets=p.platelets, sex=p.sex)
        return ",".join(x for x in LINEAGES if x in found) or "none"
    c = _criteria(p)
    return str(c.severity) if c.marrow else "not_applicable"


@dataclass(frozen=True)
class Criterion:
    """One cut-off applied to the patient: the threshold id, the value compared, whether it is met."""

    threshold_id: str
    measure: str
    value: float
    met: bool


@dataclass(frozen=True)
class PracticeCheck:
    """The verdict on an answer and the criteria that decided it (the ones to look at)."""

    answer: str
    expected: str
    correct: bool
    deciding: tuple[Criterion, ...]


def _criterion(threshold_id: str, measure: str, value: float) -> Criterion:
    return Criterion(threshold_id, measure, value, thresholds.meets(threshold_id, value))


def canonical(answer: Any) -> str:
    """An answer as :func:`expected` writes it (a set of lineages becomes a sorted, comma-joined string)."""
    if isinstance(answer, (set, frozenset, list, tuple)):
        return ",".join(x for x in LINEAGES if x in answer) or "none"
    return str(answer)


def check(p: PracticePatient, answer: Any) -> PracticeCheck:
    """Grade ``answer`` and name the criteria that decided the right answer.

    For cytopenias: the lineages the learner named wrongly (or, when right, every lineage).
    For severity: the marrow criterion when it fails, else the blood criteria and the very-severe ANC.
    """
    given, right = canonical(answer), expected(p)
    if p.skill == "cytopenias":
        said = set(given.split(",")) - {"none"}
        truth = set(right.split(",")) - {"none"}
        wrong = (said ^ truth) or set(LINEAGES)
        deciding = tuple(_criterion(lineage_threshold(x, p.sex), _MEASURE_OF[x], getattr(p, _MEASURE_OF[x]))
                         for x in LINEAGES if x in wrong)
        return PracticeCheck(given, right, given == right, deciding)
    marrow = [_criterion("camitta_cellularity", "cellularity", p.cellularity)]
    if p.residual_hematopoietic is not None:
        marrow += [_criterion("camitta_cellularity_partial", "cellularity", p.cellularity),
                   _criterion("camitta_residual", "residual", p.residual_hematopoietic)]
    c = _criteria(p)
    if not c.marrow:
        return PracticeCheck(given, right, given == right, tuple(marrow))
    blood = tuple(_criterion(t, m, getattr(p, m)) for m, t in CAMITTA_BLOOD.items())
    very = (_criterion("camitta_anc_very_severe", "anc", p.anc),) if c.severe else ()
    return PracticeCheck(given, right, given == right, blood + very)


def source_ids() -> list[str]:
    """The sources of the cut-offs the practice uses."""
    ids = ["anemia_hb_female", "leukopenia_wbc", "neutropenia_anc", "thrombocytopenia_platelets",
           *CAMITTA_BLOOD.values(), "camitta_cellularity", "camitta_anc_very_severe"]
    return list(dict.fromkeys(thresholds.get(t).source_id for t in ids))


#: Hooks the lesson's content may call.
HOOKS: dict[str, Callable[..., Any]] = {}
