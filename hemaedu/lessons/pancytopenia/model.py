"""Lesson 01's pure model: a blood count in, a frozen view of what the rules say out.

:func:`compute` applies the course's rules (:func:`hemaedu.cytopenias`,
:func:`hemaedu.is_pancytopenia`, :func:`hemaedu.severity_criteria`) and the
reference ranges and severity bands of the data tables to one blood count. The
view holds numbers, ids and enum values only; the app turns it into words from
the lesson's content files, so the model has no learner-visible text.

Design choices, stated once:

* **ANC above WBC.** Neutrophils are a subset of the white cells, so an ANC
  above the WBC is impossible. The model reads the ANC as equal to the WBC and
  flags ``anc_capped``; the app shows a note instead of moving the slider.
* **Residual hematopoietic cells** are unknown. A marrow below the first
  cellularity cut-off is hypocellular; between the two cut-offs it is hypocellular
  only if the residual blood-forming cells are below theirs, so the marrow
  criterion is not confirmed (the rules' documented behaviour) and
  ``marrow_partial`` says the grade waits for the residual cells, not that the
  marrow is full; at or above the second cut-off it is not hypocellular.
* **Pitfalls** (:mod:`.pitfalls`): notes for an isolated low platelet count (EDTA
  clumping), an ANC inside the Duffy-null reference interval, and a marrow the
  fixed cut-off calls hypocellular although it is normal for the age chosen.
* **The grade only applies to a hypocellular marrow** (``grade_applies``): the
  grading describes aplastic anemia, which needs a biopsy showing it.
* **Where sources disagree** on a reference limit, the band's lower limit is
  the rules' cut-off (so "below the band" means "a cytopenia by the rules"), the
  upper limit is the first source that gives one, and the other sources' limits
  are returned as ``other_limits``.

Teaching material, not a clinical tool: the presets are illustrative vignettes,
not patients.

>>> v = compute(**PRESETS["very_severe_aplastic_anemia"])
>>> str(v.grade), v.grade_applies, v.pancytopenia
('very severe', True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ... import thresholds
from ...clinical import cytopenias, is_pancytopenia, severity_criteria
from ...data import records
from ...thresholds import meets
from ...units import convert
from ..presets import presets
from . import pitfalls
from .view import LINEAGES, BloodCountView, Cutoff, Limit, RowView

__all__ = [
    "AGE_YEARS_GRID",
    "BLEEDING_BANDS",
    "BLOOD_CRITERIA",
    "BLOOD_CRITERIA_NEEDED",
    "HOOKS",
    "CAMITTA_MARKS",
    "CANONICAL_UNIT",
    "LINEAGES",
    "MEASURES",
    "PRESETS",
    "ROWS",
    "BloodCountView",
    "Cutoff",
    "Limit",
    "RowView",
    "compute",
    "display_unit",
    "lesson_threshold_ids",
    "quantity",
    "source_ids",
]

#: Measure key -> kind: "hb" (a concentration), "count" (cells per volume) or "percent".
MEASURES: dict[str, str] = {
    "hb": "hb",
    "wbc": "count",
    "anc": "count",
    "platelets": "count",
    "reticulocytes": "count",
    "cellularity": "percent",
}
CANONICAL_UNIT = {"hb": "g/dL", "count": "10^9/L", "percent": "%"}

#: The measures drawn in the chart, top to bottom. Marrow cellularity has a
#: slider but no row: it is judged on a biopsy against the Camitta cut-offs, and
#: its normal range depends on age, so the reference_ranges table has none.
ROWS = ("hb", "wbc", "anc", "platelets", "reticulocytes")

#: Illustrative teaching vignettes (canonical units), NOT real patients: preset id -> values, from
#: presets.toml. Each is chosen so the course's rules give a clear answer; tests check those answers.
PRESETS: dict[str, dict[str, Any]] = presets("pancytopenia", "blood_count_explorer")

#: The age slider (years): adults only, because the lesson's cut-offs are adult ones; the
#: cellularity reference interval of the pitfalls table covers the same span (18-90 y).
AGE_YEARS_GRID = {"min": 18.0, "max": 90.0, "step": 1.0}

# Severity bands ("what it means for the patient"): threshold ids from most to
# least severe; the first one a value meets is its band.
ANEMIA_BANDS = ("who_anemia_severe", "who_anemia_moderate_upper")
NEUTROPENIA_BANDS = ("neutropenia_severe", "neutropenia_moderate_upper", "neutropenia_anc")
BLEEDING_BANDS = (
    "platelets_bleeding_life_threatening",
    "platelets_bleeding_serious",
    # Sources disagree on where spontaneous bleeding starts (MSD 20, StatPearls 10).
    "platelets_bleeding_spontaneous",
    "platelets_bleeding_trauma",
)
#: Band id of an anemia above every WHO band (mild anemia).
ANEMIA_MILD = "anemia_mild"

#: The blood criteria of the modified Camitta grading, and how many make it severe
#: (as :attr:`hemaedu.clinical.SeverityCriteria.severe` counts them).
BLOOD_CRITERIA = ("anc", "platelets", "reticulocytes")
BLOOD_CRITERIA_NEEDED = 2

#: Sources the lesson's text cites without a threshold of its own (the manual reticulocyte limit's origin).
CITED_SOURCES = ("bacigalupo1988",)

#: Camitta cut-offs drawn as ticks on a row.
CAMITTA_MARKS = {
    "anc": ("camitta_anc", "camitta_anc_very_severe"),
    "platelets": ("camitta_platelets",),
    "reticulocytes": ("camitta_retic_automated",),
}


def display_unit(key: str, hb_unit: str = "g/dL", count_unit: str = "10^9/L") -> str:
    """The unit a measure is shown in, given the learner's two unit choices.

    >>> display_unit("anc", count_unit="/uL"), display_unit("hb", hb_unit="g/L"), display_unit("cellularity")
    ('/uL', 'g/L', '%')
    """
    return {"hb": hb_unit, "count": count_unit, "percent": "%"}[MEASURES[key]]


def to_display(value: float, key: str, unit: str) -> float:
    """A canonical value of measure ``key`` in the display ``unit``."""
    kind = MEASURES[key]
    return value if kind == "percent" else convert(value, CANONICAL_UNIT[kind], unit)


# --------------------------------------------------------------------------- tables (read once)


@dataclass(frozen=True)
class _Range:
    low: float | None
    high: float | None
    source_id: str


@cache
def _reference_ranges() -> dict[tuple[str, str], tuple[_Range, ...]]:
    """(measure, sex) -> ranges in table order; rows for "any" sex are listed under both sexes."""
    out: dict[tuple[str, str], list[_Range]] = {}
    for r in records("reference_ranges"):
        if r["measure"] not in ROWS:
            continue
        sexes = (r["sex"],) if r["sex"] in ("female", "male") else ("female", "male")
        for sex in sexes:
            out.setdefault((r["measure"], sex), []).append(_Range(r["low"], r["high"], r["source_id"]))
    return {k: tuple(v) for k, v in out.items()}


def _rule_cutoff(key: str, sex: str) -> str | None:
    """The threshold id the rules use for a lineage (the shaded band's lower limit)."""
    return {
        "hb": f"anemia_hb_{sex}",
        "wbc": "leukopenia_wbc",
        "anc": "neutropenia_anc",
        "platelets": "thrombocytopenia_platelets",
    }.get(key)


def _row(key: str, value: float, sex: str, unit: str) -> RowView:
    """One chart row: ``value`` (canonical unit) against its reference range, in ``unit``."""
    ranges = _reference_ranges().get((key, sex), ())
    lows = [(r.low, r) for r in ranges if r.low is not None]
    highs = [(r.high, r) for r in ranges if r.high is not None]
    if not lows:
        raise ValueError(f"the reference_ranges table has no lower limit for {key!r} ({sex}); restore data/")
    rule = _rule_cutoff(key, sex)
    rule_value = thresholds.value(rule) if rule else None
    canon_low, low_row = next(((x, r) for x, r in lows if rule_value is not None and math.isclose(x, rule_value)),
                              lows[0])
    canon_high, high_row = highs[0] if highs else (None, None)
    low = to_display(canon_low, key, unit)
    high = to_display(canon_high, key, unit) if canon_high is not None else None
    shown = to_display(value, key, unit)
    status = "low" if shown < low else "high" if high is not None and shown > high else "normal"
    others: list[Limit] = []
    seen = {("lower", canon_low), ("upper", canon_high)}
    for r in ranges:
        for side, limit in (("lower", r.low), ("upper", r.high)):
            if limit is None or (side, limit) in seen:
                continue
            seen.add((side, limit))
            others.append(Limit(side, to_display(limit, key, unit), r.source_id))
    cutoffs = []
    for threshold_id in CAMITTA_MARKS.get(key, ()):
        t = thresholds.get(threshold_id)
        cutoffs.append(Cutoff(threshold_id, convert(t.value, t.unit, unit)))

    return RowView(
        key=key, value=shown, unit=unit, low=low, high=high, status=status,
        low_source=low_row.source_id, high_source=high_row.source_id if high_row else None,
        cutoffs=tuple(cutoffs), other_limits=tuple(others),
    )


def _band(bands: tuple[str, ...], value: float) -> str | None:
    """The first (most severe) band whose cut-off ``value`` meets."""
    return next((t for t in bands if meets(t, value)), None)


def compute(
    *,
    hb: float,
    wbc: float,
    anc: float,
    platelets: float,
    reticulocytes: float,
    cellularity: float,
    sex: str,
    age_years: float | None = None,
    hb_unit: str = "g/dL",
    count_unit: str = "10^9/L",
) -> BloodCountView:
    """Apply the course's rules to one blood count (canonical units in, rows in display units out).

    Parameters
    ----------
    hb : float
        Hemoglobin in g/dL.
    wbc, anc, platelets, reticulocytes : float
        Counts in 10^9/L.
    cellularity : float
        Marrow cellularity in percent; residual hematopoietic cells are unknown.
    sex : {"female", "male"}
        Selects the hemoglobin range and anemia cut-off.
    age_years : float, optional
        Age in years, for the age-aware cellularity note (None: unknown, no note).
    hb_unit, count_unit : str
        Units of the returned rows ("g/dL" or "g/L"; "10^9/L" or "/uL").

    Raises ``ValueError`` for values the rules reject (negative, wrong unit).

    >>> v = compute(hb=9.5, wbc=2.6, anc=0.9, platelets=45, reticulocytes=40, cellularity=20, sex="female")
    >>> v.lineages, v.pancytopenia, str(v.grade), v.criteria.count_of_blood_criteria
    (('anemia', 'leukopenia', 'neutropenia', 'thrombocytopenia'), True, 'non-severe', 1)
    """
    anc_used = min(anc, wbc)
    values = dict(hb=hb, wbc=wbc, anc=anc_used, platelets=platelets, reticulocytes=reticulocytes,
                  cellularity=cellularity)
    found = cytopenias(hb=hb, wbc=wbc, anc=anc_used, platelets=platelets, sex=sex)
    criteria = severity_criteria(anc=anc_used, platelets=platelets, reticulocytes=reticulocytes,
                                 cellularity=cellularity)
    anemia = (_band(ANEMIA_BANDS, hb) or ANEMIA_MILD) if "anemia" in found else None
    expected = pitfalls.expected_cellularity(age_years) if age_years is not None else None
    return BloodCountView(
        rows=tuple(_row(key, values[key], sex, display_unit(key, hb_unit, count_unit)) for key in ROWS),
        values=values,
        sex=sex,
        hb_unit=hb_unit,
        count_unit=count_unit,
        cytopenias=found,
        pancytopenia=is_pancytopenia(hb=hb, wbc=wbc, anc=anc_used, platelets=platelets, sex=sex),
        criteria=criteria,
        anc_capped=anc > wbc,
        marrow_partial=not criteria.marrow and meets("camitta_cellularity_partial", cellularity),
        anemia_band=anemia,
        neutropenia_band=_band(NEUTROPENIA_BANDS, anc_used),
        bleeding_band=_band(BLEEDING_BANDS, platelets),
        age_years=age_years,
        expected_cellularity=expected,
        pitfalls=pitfalls.applying(cytopenias=found, anc=anc_used, cellularity=cellularity, age_years=age_years),
    )


def lesson_threshold_ids() -> tuple[str, ...]:
    """Every threshold id the lesson shows, in a stable order."""
    camitta = ("camitta_cellularity", "camitta_cellularity_partial", "camitta_residual", "camitta_anc",
               "camitta_platelets", "camitta_retic_automated", "camitta_retic_manual", "camitta_anc_very_severe",
               "camitta1976_retic_corrected")
    return ("anemia_hb_male", "anemia_hb_female", "leukopenia_wbc", "neutropenia_anc",
            "thrombocytopenia_platelets", *camitta, *ANEMIA_BANDS, *NEUTROPENIA_BANDS, *BLEEDING_BANDS)


def source_ids() -> list[str]:
    """Every source the lesson shows a number from: its thresholds and the reference ranges drawn.

    >>> "killick2016" in source_ids()
    True
    """
    ids = [thresholds.get(t).source_id for t in lesson_threshold_ids()]
    ids += [r.source_id for ranges in _reference_ranges().values() for r in ranges]
    ids += pitfalls.source_ids()
    ids += CITED_SOURCES
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------- content hooks


def quantity(value: float, unit: str) -> str:
    """A value with its unit as learners read it: whole numbers for /µL, g/L and %, else two decimals at most.

    >>> quantity(150000.0, "/uL"), quantity(0.50, "10^9/L"), quantity(120.0, "g/L"), quantity(5, "%")
    ('150,000 /µL', '0.5 ×10⁹/L', '120 g/L', '5%')
    """
    from ..format import format_quantity

    decimals = 0 if unit in ("/uL", "g/L", "%") else 2
    return format_quantity(float(round(value, decimals)), unit)


def _cite(source_id: str) -> str:
    from ..content import cite

    return cite(source_id)


def _vignette_value(preset: str, key: str) -> Callable[[], str]:
    return lambda: quantity(PRESETS[preset][key], CANONICAL_UNIT[MEASURES[key]])


def _grade_answer(preset: str) -> Callable[[], str]:
    """The right answer of a grading question: the rules' grade, or "not applicable"."""

    def answer() -> str:
        view = compute(**PRESETS[preset])
        return str(view.grade) if view.grade_applies else "not applicable"

    return answer


#: Named functions the content files call ({{hook:name}} and answer_hook).
HOOKS: dict[str, Callable[[], Any]] = {
    **{f"vignette_nonsevere_{key}": _vignette_value("non_severe_aplastic_anemia", key) for key in MEASURES},
    "vignette_nonsevere_criteria_met":
        lambda: compute(**PRESETS["non_severe_aplastic_anemia"]).criteria.count_of_blood_criteria,
    "vignette_nonsevere_grade": _grade_answer("non_severe_aplastic_anemia"),
    "severe_preset_grade": _grade_answer("severe_aplastic_anemia"),
    "middle_cellularity": lambda: quantity(
        round((thresholds.value("camitta_cellularity") + thresholds.value("camitta_cellularity_partial")) / 2), "%"),
    "duffy_anc": _vignette_value("duffy_null_anc", "anc"),
    "duffy_range": lambda: "–".join(
        (quantity(pitfalls.interval(pitfalls.DUFFY).low, "10^9/L").split()[0],
         quantity(pitfalls.interval(pitfalls.DUFFY).high, "10^9/L"))),
    "duffy_source": lambda: _cite(pitfalls.source_id(pitfalls.DUFFY)),
}
