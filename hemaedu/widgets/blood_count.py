"""Lesson 01: a blood-count explorer for pancytopenia and aplastic anemia grading.

:func:`compute` is a pure function of plain values (canonical units: Hb in g/dL,
counts in 10^9/L, cellularity in %) that applies the course's rules
(:func:`hemaedu.cytopenias`, :func:`hemaedu.is_pancytopenia`,
:func:`hemaedu.severity_criteria`) and the reference ranges and severity bands of
the data tables; :class:`BloodCountExplorer` wires accessible sliders to it and
to one live figure. Every clinical number shown comes from ``data/``.

Design choices, stated once:

* **ANC above WBC.** Neutrophils are a subset of the white cells, so an ANC
  above the WBC is impossible. The explorer does not move the learner's ANC
  slider (a slider whose maximum jumps while the WBC moves is confusing); it
  shows a note and interprets ANC as equal to the WBC until the learner fixes it.
* **Residual hematopoietic cells** are treated as unknown: a marrow with
  25-50 % cellularity then does not meet the marrow criterion of the modified
  Camitta grading (the rules' documented behaviour), and the text says so.
* **The grade only applies to a hypocellular marrow.** The rules grade any
  numbers; the explorer labels the grade "not applicable" when the marrow
  criterion is not met, because the grading describes aplastic anemia, which
  needs a marrow biopsy showing hypocellularity.
* **Where sources disagree** on a reference limit (e.g. the platelet upper
  limit), the first row of ``reference_ranges`` for a measure is the shaded
  band and the other sources' limits are drawn as open diamonds.

Teaching material, not a clinical tool: the presets are illustrative vignettes,
not patients, and nothing here is advice for a real person.

>>> r = compute(**PRESETS["very severe aplastic anemia"])
>>> print(r.grade), r.pancytopenia
very severe
(None, True)
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import ipywidgets as w

from .. import _thresholds
from ..clinical import Severity, SeverityCriteria, cytopenias, is_pancytopenia, severity_criteria
from ..controls import Choice, Slider
from ..data import load
from ..figures.blood_count import (
    Mark,
    MeasureRow,
    make_blood_count_figure,
    relative_position,
    trace_data,
)
from ..units import convert
from . import LessonApp, Option, SelfCheck

__all__ = [
    "MEASURES",
    "PRESETS",
    "BloodCountExplorer",
    "BloodCountResult",
    "blood_count_explorer",
    "camitta_criteria_markdown",
    "compute",
    "cytopenia_definitions_markdown",
    "preset_report",
    "self_checks",
]

# --------------------------------------------------------------------------- measures and units

#: Display spellings of the units.
UNIT_LABEL = {"g/dL": "g/dL", "g/L": "g/L", "10^9/L": "×10⁹/L", "/uL": "/µL", "%": "%"}

#: The rows of the explorer, top to bottom: key -> (label, kind). ``kind`` is
#: "hb" (a concentration), "count" (cells per volume) or "percent".
MEASURES: dict[str, tuple[str, str]] = {
    "hb": ("Hemoglobin", "hb"),
    "wbc": ("White cells (WBC)", "count"),
    "anc": ("Neutrophils (ANC)", "count"),
    "platelets": ("Platelets", "count"),
    "reticulocytes": ("Reticulocytes", "count"),
    "cellularity": ("Marrow cellularity", "percent"),
}

# Slider grids in canonical units: (min, max, step, readout format). Steps are
# fine enough to land on every cut-off of the course (e.g. ANC 0.2 and 0.5).
# In the alternative units (g/L, /µL) the grid is multiplied by an exact
# factor of ten or a thousand, so a converted value always lies on the new grid.
_GRID: dict[str, tuple[float, float, float, str]] = {
    "hb": (2.0, 20.0, 0.1, ".1f"),
    "wbc": (0.0, 30.0, 0.1, ".1f"),
    "anc": (0.0, 20.0, 0.05, ".2f"),
    "platelets": (0.0, 600.0, 1.0, "d"),
    "reticulocytes": (0.0, 200.0, 1.0, "d"),
    "cellularity": (0.0, 100.0, 1.0, "d"),
}
_ALT_FORMAT = {"g/L": "d", "/uL": ",d"}

_HELP = {
    "hb": "Hemoglobin concentration: the oxygen-carrying red-cell lineage.",
    "wbc": "Total white blood cells.",
    "anc": "Absolute neutrophil count: the white cells that fight bacteria. Cannot exceed the WBC.",
    "platelets": "Platelet count: the cells that start a clot.",
    "reticulocytes": "Absolute reticulocyte count: young red cells, a measure of marrow output.",
    "cellularity": "Share of the marrow space filled with blood-forming cells, seen on a biopsy.",
}

CANONICAL = {"hb": "g/dL", "count": "10^9/L", "percent": "%"}

#: The measures drawn in the chart. Marrow cellularity has a slider but no row:
#: it is judged on a biopsy against the Camitta cut-offs (shown in the text), and
#: its normal range depends on age, so the reference_ranges table has none.
ROWS = ("hb", "wbc", "anc", "platelets", "reticulocytes")


def _unit_for(key: str, hb_unit: str, count_unit: str) -> str:
    kind = MEASURES[key][1]
    return {"hb": hb_unit, "count": count_unit, "percent": "%"}[kind]


def _to_unit(value: float, key: str, unit: str) -> float:
    kind = MEASURES[key][1]
    return value if kind == "percent" else convert(value, CANONICAL[kind], unit)


def _from_unit(value: float, key: str, unit: str) -> float:
    kind = MEASURES[key][1]
    return value if kind == "percent" else convert(value, unit, CANONICAL[kind])


def _num(value: float, unit: str) -> str:
    """A number as learners read it: no trailing zeros, thousands grouped.

    >>> _num(150000.0, "/uL"), _num(0.50, "10^9/L"), _num(13.0, "g/dL"), _num(120.0, "g/L")
    ('150,000', '0.5', '13', '120')
    """
    if unit in ("/uL", "/mm3"):
        return f"{value:,.0f}"
    if unit in ("g/L", "%"):
        return f"{value:.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _qty(value: float, unit: str) -> str:
    label = UNIT_LABEL.get(unit, unit)
    sep = "" if unit == "%" else " "
    return f"{_num(value, unit)}{sep}{label}"


# --------------------------------------------------------------------------- presets

#: Illustrative teaching vignettes (canonical units), NOT real patients. Each is
#: chosen so the course's rules give a clear answer; tests pin those answers.
PRESETS: dict[str, dict[str, Any]] = {
    "normal": dict(sex="female", hb=13.8, wbc=6.5, anc=3.8, platelets=260, reticulocytes=70, cellularity=50),
    "iron-deficiency-like anemia": dict(
        sex="female", hb=8.9, wbc=6.8, anc=4.0, platelets=420, reticulocytes=30, cellularity=50
    ),
    "isolated thrombocytopenia": dict(
        sex="male", hb=14.5, wbc=7.0, anc=4.2, platelets=18, reticulocytes=75, cellularity=50
    ),
    "hypersplenism": dict(sex="male", hb=11.2, wbc=3.2, anc=1.7, platelets=85, reticulocytes=110, cellularity=60),
    "non-severe aplastic anemia": dict(
        sex="female", hb=9.5, wbc=2.6, anc=0.9, platelets=45, reticulocytes=40, cellularity=20
    ),
    "severe aplastic anemia": dict(
        sex="male", hb=7.8, wbc=1.5, anc=0.35, platelets=14, reticulocytes=25, cellularity=10
    ),
    "very severe aplastic anemia": dict(
        sex="male", hb=6.9, wbc=0.9, anc=0.1, platelets=6, reticulocytes=8, cellularity=5
    ),
}

_PRESET_HINT = {
    "normal": "An adult with every value inside its range.",
    "iron-deficiency-like anemia": "Low hemoglobin with a raised platelet count: one lineage only.",
    "isolated thrombocytopenia": "Only the platelets are low, as in immune thrombocytopenia.",
    "hypersplenism": "A big spleen holds back cells from all lineages; the marrow is full.",
    "non-severe aplastic anemia": "An empty marrow, but fewer than two blood criteria for severe disease.",
    "severe aplastic anemia": "An empty marrow and at least two blood criteria for severe disease.",
    "very severe aplastic anemia": "Severe disease with almost no neutrophils.",
}

# --------------------------------------------------------------------------- tables (loaded once)


@dataclass(frozen=True)
class _Range:
    low: float | None
    high: float | None
    unit: str
    source: str


@cache
def _source_labels() -> dict[str, str]:
    """source_id -> short label such as "Killick 2016", from the references table."""
    refs = load("references")
    labels = {}
    for source_id, citation, year in zip(refs["source_id"], refs["citation"], refs["year"]):
        text = str(citation)
        chunks = [c.strip() for c in text.split(". ") if c.strip()]
        if text.startswith("World Health Organization"):
            label = f"WHO {year}"
        elif year is not None and str(year) != "<NA>":
            label = f"{text.split(',')[0].split()[0]} {year}"  # first author's surname
        else:  # undated reference works: "StatPearls Pancytopenia"
            label = chunks[0] if len(chunks[0].split()) > 1 or len(chunks) < 2 else f"{chunks[0]} {chunks[1]}"
        labels[str(source_id)] = label.rstrip(".")
    return labels


def _finite_or_none(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


@cache
def _reference_ranges() -> dict[tuple[str, str], tuple[_Range, ...]]:
    """(measure, sex) -> ranges in table order; rows for "any" sex are listed under both sexes."""
    table = load("reference_ranges")
    out: dict[tuple[str, str], list[_Range]] = {}
    for measure, sex, low, high, unit, source in zip(
        table["measure"], table["sex"], table["low"], table["high"], table["unit"], table["source_id"]
    ):
        if measure not in ROWS:
            continue
        sexes = (str(sex),) if str(sex) in ("female", "male") else ("female", "male")
        for s in sexes:
            out.setdefault((str(measure), s), []).append(
                _Range(_finite_or_none(low), _finite_or_none(high), str(unit), str(source))
            )
    return {k: tuple(v) for k, v in out.items()}


def _rule_cutoff(key: str, sex: str) -> str | None:
    """The threshold id the rules use for a lineage (its value is the shaded band's lower limit)."""
    return {
        "hb": f"anemia_hb_{sex}",
        "wbc": "leukopenia_wbc",
        "anc": "neutropenia_anc",
        "platelets": "thrombocytopenia_platelets",
    }.get(key)


def _threshold(threshold_id: str) -> _thresholds.Threshold:
    return _thresholds.get(threshold_id)


def _cut(threshold_id: str, unit: str | None = None) -> str:
    """A cut-off as text in ``unit`` (default: the table's unit), e.g. "< 0.5 ×10⁹/L"."""
    t = _threshold(threshold_id)
    target = unit or t.unit
    value = t.value if t.unit == "%" or target == t.unit else convert(t.value, t.unit, target)
    return f"{t.comparator} {_qty(value, target)}"


# Severity bands shown under "what it means for the patient": threshold ids
# from most to least severe, each with a label. The cut-offs come from the table.
_ANEMIA_BANDS = (
    ("who_anemia_severe", "severe anemia"),
    ("who_anemia_moderate_upper", "moderate anemia"),
)
_NEUTROPENIA_BANDS = (
    ("neutropenia_severe", "severe neutropenia"),
    ("neutropenia_moderate_upper", "moderate neutropenia"),
    ("neutropenia_anc", "mild neutropenia"),
)
_BLEEDING_BANDS = (
    ("platelets_bleeding_life_threatening", "risk of severe, possibly life-threatening spontaneous bleeding"),
    ("platelets_bleeding_serious", "spontaneous bleeding can occur"),
    # Sources disagree on where spontaneous bleeding starts (MSD 20, StatPearls 10).
    ("platelets_bleeding_spontaneous", "spontaneous bleeding possible by one source's cut-off (others put it lower)"),
    ("platelets_bleeding_trauma", "bleeding with injury or surgery"),
)


def _band(bands: tuple[tuple[str, str], ...], value: float) -> tuple[str, str] | None:
    """The first (most severe) band whose cut-off ``value`` meets, as (id, label)."""
    for threshold_id, label in bands:
        if _thresholds.meets(threshold_id, value):
            return threshold_id, label
    return None


# --------------------------------------------------------------------------- compute


@dataclass(frozen=True)
class BloodCountResult:
    """What the explorer shows for one set of values."""

    rows: tuple[MeasureRow, ...]
    cytopenias: frozenset[str]
    pancytopenia: bool
    criteria: SeverityCriteria
    grade: Severity
    grade_applies: bool
    anc_capped: bool
    anemia_band: str | None
    neutropenia_band: str | None
    bleeding_band: str | None
    summary: str
    details_html: str

    @property
    def grade_label(self) -> str:
        """The grade, or "not applicable" when the marrow is not hypocellular."""
        return str(self.grade) if self.grade_applies else "not applicable (marrow criterion not met)"


_LINEAGE_ORDER = ("anemia", "leukopenia", "neutropenia", "thrombocytopenia")


def compute(
    *,
    hb: float,
    wbc: float,
    anc: float,
    platelets: float,
    reticulocytes: float,
    cellularity: float,
    sex: str,
    hb_unit: str = "g/dL",
    count_unit: str = "10^9/L",
) -> BloodCountResult:
    """Apply the course's rules to one blood count (canonical units in, display units out).

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
    hb_unit, count_unit : str
        Units of the returned rows and texts ("g/dL" or "g/L"; "10^9/L" or "/uL").

    Raises ``ValueError`` for values the rules reject (negative, wrong unit).

    >>> r = compute(hb=9.5, wbc=2.6, anc=0.9, platelets=45, reticulocytes=40, cellularity=20, sex="female")
    >>> sorted(r.cytopenias), r.pancytopenia, str(r.grade), r.criteria.count_of_blood_criteria
    (['anemia', 'leukopenia', 'neutropenia', 'thrombocytopenia'], True, 'non-severe', 1)
    """
    anc_capped = anc > wbc
    anc_used = min(anc, wbc)
    canonical = dict(hb=hb, wbc=wbc, anc=anc_used, platelets=platelets, reticulocytes=reticulocytes,
                     cellularity=cellularity)
    found = cytopenias(hb=hb, wbc=wbc, anc=anc_used, platelets=platelets, sex=sex)
    pancytopenia = is_pancytopenia(hb=hb, wbc=wbc, anc=anc_used, platelets=platelets, sex=sex)
    criteria = severity_criteria(anc=anc_used, platelets=platelets, reticulocytes=reticulocytes,
                                 cellularity=cellularity)
    rows = tuple(_row(key, canonical[key], sex, _unit_for(key, hb_unit, count_unit)) for key in ROWS)

    anemia = _band(_ANEMIA_BANDS, hb) if "anemia" in found else None
    anemia_label = (anemia[1] if anemia else "mild anemia") if "anemia" in found else None
    neutro = _band(_NEUTROPENIA_BANDS, anc_used)
    bleed = _band(_BLEEDING_BANDS, platelets)

    low_rows = [r for r in rows if r.status == "low"]
    lineages = ", ".join(x for x in _LINEAGE_ORDER if x in found) or "none"
    grade_text = str(criteria.severity) if criteria.marrow else "not applicable (marrow not hypocellular)"
    summary = (
        f"{len(low_rows)} of {len(rows)} values below their reference range"
        + (f" ({', '.join(r.label for r in low_rows)})" if low_rows else "")
        + f". Low lineages: {lineages}. Pancytopenia: {'yes' if pancytopenia else 'no'}. "
        f"Modified Camitta grade: {grade_text}."
    )
    result = BloodCountResult(
        rows=rows,
        cytopenias=found,
        pancytopenia=pancytopenia,
        criteria=criteria,
        grade=criteria.severity,
        grade_applies=criteria.marrow,
        anc_capped=anc_capped,
        anemia_band=anemia_label,
        neutropenia_band=neutro[1] if neutro else None,
        bleeding_band=bleed[1] if bleed else None,
        summary=summary,
        details_html="",
    )
    details = _details_html(result, canonical, sex, hb_unit, count_unit)
    return BloodCountResult(**{**result.__dict__, "details_html": details})


def _row(key: str, value: float, sex: str, unit: str) -> MeasureRow:
    """One chart row: ``value`` (canonical unit) against its reference range, shown in ``unit``."""
    label = MEASURES[key][0]
    ranges = _reference_ranges().get((key, sex), ())
    with_low = [r for r in ranges if r.low is not None]
    with_high = [r for r in ranges if r.high is not None]
    if not with_low:
        raise ValueError(f"the reference_ranges table has no lower limit for {key!r} ({sex}); restore data/")
    # The band's lower limit is the one the rules use (so "below the band" means
    # "a cytopenia by the rules"); other sources' limits are marked on the row.
    rule = _rule_cutoff(key, sex)
    rule_value = _threshold(rule).value if rule else None
    low_row = next((r for r in with_low if rule_value is not None and math.isclose(r.low, rule_value)), with_low[0])
    high_row = with_high[0] if with_high else None
    canon_low = low_row.low
    canon_high = high_row.high if high_row else None
    low = _to_unit(canon_low, key, unit)
    high = _to_unit(canon_high, key, unit) if canon_high is not None else None
    shown = _to_unit(value, key, unit)
    status = "low" if shown < low else "high" if high is not None and shown > high else "normal"
    labels = _source_labels()
    other: list[Mark] = []
    # Limits of other sources that differ from the band's: where sources disagree.
    seen = {("lower", canon_low), ("upper", canon_high)}
    for r in ranges:
        for side, limit in (("lower", r.low), ("upper", r.high)):
            if limit is None or (side, limit) in seen:
                continue
            seen.add((side, limit))
            x = _to_unit(limit, key, unit)
            source = labels.get(r.source, r.source)
            other.append(Mark(relative_position(x, low), f"{side} limit {_qty(x, unit)} in {source}"))
    cutoffs = tuple(
        Mark(relative_position(_to_unit(_threshold(t).value, key, unit), low),
             f"severe-disease cut-off {_cut(t, unit)}")
        for t in _CAMITTA_MARKS.get(key, ())
    )
    if high is None:
        range_text = f"from {_qty(low, unit)}"
        hover = f"; lower limit from {labels.get(low_row.source, low_row.source)}, no upper limit given"
    else:
        range_text = f"{_num(low, unit)}–{_qty(high, unit)}"
        hover = (f"; lower limit from {labels.get(low_row.source, low_row.source)}, upper limit from "
                 f"{labels.get(high_row.source, high_row.source)}")
    return MeasureRow(
        key=key,
        label=label,
        value=shown,
        unit=UNIT_LABEL.get(unit, unit),
        low=low,
        high=high,
        status=status,
        position=relative_position(shown, low),
        value_text=_qty(shown, unit),
        range_text=range_text,
        hover_range=hover,
        cutoffs=cutoffs,
        other_limits=tuple(other),
    )


_CAMITTA_MARKS = {
    "anc": ("camitta_anc", "camitta_anc_very_severe"),
    "platelets": ("camitta_platelets",),
    "reticulocytes": ("camitta_retic_automated",),
}


# --------------------------------------------------------------------------- texts


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _details_html(r: BloodCountResult, values: Mapping[str, float], sex: str, hb_unit: str, count_unit: str) -> str:
    c = r.criteria
    cu = count_unit
    parts: list[str] = []
    if r.anc_capped:
        parts.append(
            "<p><strong>Note:</strong> the ANC is set above the WBC. Neutrophils are one kind of white cell, "
            "so that cannot happen; until you lower the ANC (or raise the WBC) the explorer reads the ANC as "
            "equal to the WBC.</p>"
        )
    # Lineages
    names = {
        "anemia": f"anemia (Hb {_cut(f'anemia_hb_{sex}', hb_unit)} for a {'woman' if sex == 'female' else 'man'})",
        "leukopenia": f"leukopenia (WBC {_cut('leukopenia_wbc', cu)})",
        "neutropenia": f"neutropenia (ANC {_cut('neutropenia_anc', cu)})",
        "thrombocytopenia": f"thrombocytopenia (platelets {_cut('thrombocytopenia_platelets', cu)})",
    }
    low = [names[x] for x in _LINEAGE_ORDER if x in r.cytopenias]
    parts.append(f"<p><strong>Low lineages:</strong> {_e('; '.join(low)) if low else 'none'}.</p>")
    if r.pancytopenia:
        pan = "yes: the red, white and platelet lineages are all low."
    else:
        missing = []
        if "anemia" not in r.cytopenias:
            missing.append("red cells")
        if not {"leukopenia", "neutropenia"} & r.cytopenias:
            missing.append("white cells")
        if "thrombocytopenia" not in r.cytopenias:
            missing.append("platelets")
        pan = f"no (not low: {', '.join(missing)})."
    parts.append(f"<p><strong>Pancytopenia:</strong> {_e(pan)}</p>")

    # Camitta grading
    def met(flag: bool) -> str:
        return "met" if flag else "not met"

    marrow_rule = (
        f"cellularity {_cut('camitta_cellularity')}, or {_cut('camitta_cellularity_partial')} "
        f"with residual hematopoietic cells {_cut('camitta_residual')}"
    )
    rows = [
        ("Marrow (biopsy)", marrow_rule, _qty(values["cellularity"], "%") + " (residual cells unknown)", met(c.marrow)),
        ("Neutrophils", f"ANC {_cut('camitta_anc', cu)}", _qty(_to_unit(values["anc"], "anc", cu), cu), met(c.anc)),
        ("Platelets", _cut("camitta_platelets", cu), _qty(_to_unit(values["platelets"], "platelets", cu), cu),
         met(c.platelets)),
        ("Reticulocytes (automated count)", _cut("camitta_retic_automated", cu),
         _qty(_to_unit(values["reticulocytes"], "reticulocytes", cu), cu), met(c.reticulocytes)),
        ("Very severe: neutrophils", f"ANC {_cut('camitta_anc_very_severe', cu)}",
         _qty(_to_unit(values["anc"], "anc", cu), cu), met(c.very_severe_anc)),
    ]
    body = "".join(
        f"<tr><th scope='row'>{_e(a)}</th><td>{_e(b)}</td><td>{_e(v)}</td><td>{_e(m)}</td></tr>"
        for a, b, v, m in rows
    )
    table = (
        "<table class='hemaedu-table' style='border-spacing:1em 0.2em'><caption>Modified Camitta criteria for this blood count</caption>"
        "<thead><tr><th scope='col'>Criterion</th><th scope='col'>Cut-off</th><th scope='col'>Here</th>"
        f"<th scope='col'>Status</th></tr></thead><tbody>{body}</tbody></table>"
    )
    if r.grade_applies:
        verdict = (
            f"<strong>{_e(str(r.grade))}</strong>: the marrow criterion is met and "
            f"{c.count_of_blood_criteria} of 3 blood criteria are met (severe needs 2"
            + (", very severe also the very low ANC)." if r.grade is not Severity.NON_SEVERE else ").")
        )
    else:
        partial = _thresholds.meets("camitta_cellularity_partial", values["cellularity"])
        why = (
            "the cellularity is in the range where the residual hematopoietic cells decide, and they are "
            "unknown here" if partial else "this marrow is not hypocellular"
        )
        verdict = (
            f"<strong>not applicable</strong>: {_e(why)}. The grading describes aplastic anemia, "
            "which needs a marrow biopsy showing an empty (hypocellular) marrow; "
            f"{c.count_of_blood_criteria} of 3 blood criteria are met."
        )
    parts.append(f"<p><strong>Modified Camitta grade:</strong> {verdict}</p>{table}")

    # What it means for the patient
    meaning = []
    if r.anemia_band:
        meaning.append(
            f"<li><strong>Red cells: {_e(r.anemia_band)}.</strong> Less oxygen reaches the tissues: tiredness, "
            "breathlessness on effort, a fast heart and pallor, worse the lower the hemoglobin falls "
            f"(WHO bands: moderate {_cut('who_anemia_moderate_upper', hb_unit)}, "
            f"severe {_cut('who_anemia_severe', hb_unit)}).</li>"
        )
    else:
        meaning.append("<li><strong>Red cells:</strong> no anemia by the WHO cut-off.</li>")
    if r.neutropenia_band:
        meaning.append(
            f"<li><strong>Neutrophils: {_e(r.neutropenia_band)}.</strong> Fewer cells to stop bacteria and fungi; "
            "the risk of serious infection climbs steeply as the ANC falls, and fever becomes an emergency "
            f"(mild {_cut('neutropenia_anc', cu)}, moderate {_cut('neutropenia_moderate_upper', cu)}, "
            f"severe {_cut('neutropenia_severe', cu)}).</li>"
        )
    else:
        meaning.append("<li><strong>Neutrophils:</strong> not neutropenic.</li>")
    if r.bleeding_band:
        meaning.append(
            f"<li><strong>Platelets: {_e(r.bleeding_band)}.</strong> Bruising, pinpoint skin bleeds (petechiae), "
            "nose and gum bleeding; the lower the count, the more bleeding can start without any injury "
            f"(bands: {_cut('platelets_bleeding_trauma', cu)}, {_cut('platelets_bleeding_spontaneous', cu)}, "
            f"{_cut('platelets_bleeding_serious', cu)}, {_cut('platelets_bleeding_life_threatening', cu)}).</li>"
        )
    elif "thrombocytopenia" in r.cytopenias:
        meaning.append(
            "<li><strong>Platelets:</strong> mildly low; bleeding is unusual at this level without injury.</li>"
        )
    else:
        meaning.append("<li><strong>Platelets:</strong> no thrombocytopenia.</li>")
    parts.append(f"<p><strong>What this means for the patient</strong> (teaching level):</p><ul>{''.join(meaning)}</ul>")
    parts.append("<p><em>Teaching material, not a clinical tool: these are illustrative numbers, not advice.</em></p>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- the app


class BloodCountExplorer(LessonApp):
    """Sliders for a blood count, a unit switch, presets, one live chart and its interpretation.

    ``.sliders`` maps measure keys to :class:`~hemaedu.controls.Slider`;
    ``.main_slider`` is the platelet slider. Sliders hold values in the units
    chosen with ``.hb_unit`` and ``.count_unit``; :meth:`values` returns them in
    canonical units.

    >>> app = BloodCountExplorer()
    >>> app.apply_preset("very severe aplastic anemia")
    >>> app.result.grade_label
    'very severe'
    >>> app.count_unit.value = "/uL"
    >>> app.sliders["platelets"].value, app.sliders["platelets"].unit
    (6000.0, '/µL')
    """

    def __init__(self, preset: str = "normal") -> None:
        super().__init__()
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)}")
        start = PRESETS[preset]
        self._holding = False
        self.presets = {name: dict(values) for name, values in PRESETS.items()}
        self.sex = Choice(options=[("Female", "female"), ("Male", "male")], value=start["sex"], description="Sex",
                          help="Selects the hemoglobin range and the anemia cut-off.")
        self.hb_unit = Choice(options=[("g/dL", "g/dL"), ("g/L", "g/L")], value="g/dL",
                              description="Hemoglobin unit")
        self.count_unit = Choice(options=[("×10⁹/L", "10^9/L"), ("/µL", "/uL")], value="10^9/L",
                                 description="Cell count unit")
        self.sliders: dict[str, Slider] = {}
        for key, (label, _kind) in MEASURES.items():
            lo, hi, step, fmt = _GRID[key]
            unit = _unit_for(key, "g/dL", "10^9/L")
            self.sliders[key] = Slider(value=start[key], min=lo, max=hi, step=step, description=label,
                                       unit=UNIT_LABEL[unit], help=_HELP[key], readout_format=fmt)
        self.main_slider = self.sliders["platelets"]
        self.preset_buttons = {}
        for name in PRESETS:
            button = w.Button(description=name[0].upper() + name[1:], tooltip=_PRESET_HINT[name],
                              layout=w.Layout(width="auto", margin="2px 6px 2px 0"))
            button.on_click(lambda _b, name=name: self.apply_preset(name))
            self.preset_buttons[name] = button
        self.controls = [self.sex, self.hb_unit, self.count_unit, *self.sliders.values()]

        self.result = compute(**self.values(), **self._units())
        self._last = trace_data(self.result.rows)
        self.figure = make_blood_count_figure(self.result.rows, widget=True)
        self.extra.value = self.result.details_html
        self._set_summary(self.result.summary)

        self._watch(self.sex, *self.sliders.values())
        self.hb_unit.observe(self._on_hb_unit, names="value")
        self.count_unit.observe(self._on_count_unit, names="value")
        self.container.add_class("hemaedu-app-blood-count")

    # -- state ------------------------------------------------------------------
    def _units(self) -> dict[str, str]:
        return {"hb_unit": self.hb_unit.value, "count_unit": self.count_unit.value}

    def values(self) -> dict[str, Any]:
        """The current setting in canonical units (Hb g/dL, counts 10^9/L, %), plus sex."""
        units = self._units()
        out: dict[str, Any] = {"sex": self.sex.value}
        for key, slider in self.sliders.items():
            out[key] = _from_unit(slider.value, key, _unit_for(key, units["hb_unit"], units["count_unit"]))
        return out

    def apply_preset(self, name: str) -> None:
        """Set every control to a preset vignette, with one redraw at the end."""
        if name not in self.presets:
            raise ValueError(f"unknown preset {name!r}; choose one of {sorted(self.presets)}")
        preset = self.presets[name]
        units = self._units()
        self._holding = True
        try:
            self.sex.value = preset["sex"]
            for key, slider in self.sliders.items():
                slider.value = _to_unit(preset[key], key, _unit_for(key, units["hb_unit"], units["count_unit"]))
        finally:
            self._holding = False
        self.update()

    # -- units --------------------------------------------------------------------
    def _rescale(self, keys: list[str], old: str, new: str) -> None:
        """Convert sliders to a new unit, keeping the learner's setting."""
        self._holding = True
        try:
            for key in keys:
                slider = self.sliders[key]
                lo, hi, step, fmt = _GRID[key]
                kind = MEASURES[key][1]
                grid = [convert(x, CANONICAL[kind], new) for x in (lo, hi, step)]
                value = convert(slider.value, old, new)
                slider.set_range(min=grid[0], max=grid[1], step=grid[2], value=value)
                slider.readout_format = _ALT_FORMAT.get(new, fmt)
                slider.unit = UNIT_LABEL[new]
        finally:
            self._holding = False
        self.update()
        # Row labels carry the unit: change them only when the unit changes.
        with self.figure.batch_update():
            self.figure.layout.yaxis.ticktext = [f"{r.label} ({r.unit})" for r in self.result.rows]

    def _on_hb_unit(self, change: Any) -> None:
        self._rescale(["hb"], change["old"], change["new"])

    def _on_count_unit(self, change: Any) -> None:
        self._rescale([k for k, (_l, kind) in MEASURES.items() if kind == "count"], change["old"], change["new"])

    # -- update -------------------------------------------------------------------
    def update(self, change: Any = None) -> None:
        """Recompute and change only the traces whose data differ."""
        if self._holding:
            return
        self.result = compute(**self.values(), **self._units())
        new = trace_data(self.result.rows)
        with self.figure.batch_update():
            for i, (old, fresh) in enumerate(zip(self._last, new)):
                # Most moves change one point; bands move only with sex, so
                # comparing keeps the message to the browser small.
                trace = self.figure.data[i]
                for prop, value in fresh.items():
                    if old.get(prop) != value:
                        trace[prop] = value
        self._last = new
        if self.extra.value != self.result.details_html:
            self.extra.value = self.result.details_html
        self._set_summary(self.result.summary)

    # -- display ------------------------------------------------------------------
    def layout_children(self) -> list[w.Widget]:
        presets = w.VBox([
            w.HTML("<p><strong>Presets</strong> (illustrative teaching vignettes, not patients):</p>"),
            w.HBox(list(self.preset_buttons.values()), layout=w.Layout(flex_flow="row wrap")),
        ])
        units = w.HBox([self.hb_unit, self.count_unit], layout=w.Layout(flex_flow="row wrap"))
        # Two columns of sliders halve the height, so the chart stays in view on a projector.
        sliders = w.GridBox(
            [self.sex, *self.sliders.values()],
            layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(22em, 1fr))", grid_gap="0 1.5em"),
        )
        return [presets, units, sliders, self.figure, self.summary, self.extra]


def blood_count_explorer(preset: str = "normal") -> BloodCountExplorer:
    """Build the lesson-01 explorer, starting from a preset vignette."""
    return BloodCountExplorer(preset)


# --------------------------------------------------------------------------- narrative helpers


def camitta_criteria_markdown() -> str:
    """The modified Camitta criteria as Markdown, every number from the thresholds table."""
    cu = "10^9/L"
    src = _source_labels()
    return "\n".join([
        f"- **Marrow criterion** (from the biopsy): cellularity {_cut('camitta_cellularity')}, or "
        f"{_cut('camitta_cellularity_partial')} when residual hematopoietic cells are {_cut('camitta_residual')}.",
        "- **Blood criteria for severe disease**: at least two of",
        f"    - neutrophils (ANC) {_cut('camitta_anc', cu)};",
        f"    - platelets {_cut('camitta_platelets', cu)};",
        f"    - reticulocytes {_cut('camitta_retic_automated', cu)} by automated count "
        f"({_cut('camitta_retic_manual', cu)} by manual count in the original "
        f"{src.get(_threshold('camitta_retic_manual').source_id, 'Camitta')} paper).",
        "- **Severe** = marrow criterion + at least two blood criteria.",
        f"- **Very severe** = severe + ANC {_cut('camitta_anc_very_severe', cu)}.",
        "- **Non-severe** = aplastic anemia that does not meet the severe criteria.",
        f"\nSource: {src.get(_threshold('camitta_anc').source_id, '')} (modified Camitta criteria).",
    ])


def cytopenia_definitions_markdown() -> str:
    """The adult cut-offs of each cytopenia as Markdown, from the thresholds table."""
    cu = "10^9/L"
    return "\n".join([
        f"- **Anemia** (red cells): hemoglobin {_cut('anemia_hb_male')} in men, "
        f"{_cut('anemia_hb_female')} in non-pregnant women.",
        f"- **Leukopenia** (white cells): WBC {_cut('leukopenia_wbc', cu)}; "
        f"**neutropenia**: ANC {_cut('neutropenia_anc', cu)}.",
        f"- **Thrombocytopenia** (platelets): {_cut('thrombocytopenia_platelets', cu)}.",
    ])


def preset_report(name: str) -> str:
    """A stable text line per preset, for the lesson's pinned-output cell.

    >>> print(preset_report("very severe aplastic anemia"))  # doctest: +ELLIPSIS
    very severe aplastic anemia: cytopenias = anemia, leukopenia, neutropenia, thrombocytopenia; pancytopenia = yes; ...
    """
    r = compute(**PRESETS[name])
    lineages = ", ".join(x for x in _LINEAGE_ORDER if x in r.cytopenias) or "none"
    return (
        f"{name}: cytopenias = {lineages}; pancytopenia = {'yes' if r.pancytopenia else 'no'}; "
        f"blood criteria met = {r.criteria.count_of_blood_criteria} of 3; grade = {r.grade_label}"
    )


def _vignette_check(name: str) -> SelfCheck:
    """A grading question built from a preset; the right answer is whatever the rules say."""
    v = PRESETS[name]
    r = compute(**v)
    cu = "10^9/L"
    who = "woman" if v["sex"] == "female" else "man"
    question = (
        f"Vignette: a {who} with Hb {_qty(v['hb'], 'g/dL')}, WBC {_qty(v['wbc'], cu)}, ANC {_qty(v['anc'], cu)}, "
        f"platelets {_qty(v['platelets'], cu)}, reticulocytes {_qty(v['reticulocytes'], cu)} (automated), and a "
        f"marrow biopsy with {_qty(v['cellularity'], '%')} cellularity and no abnormal cells. "
        "What is the modified Camitta grade?"
    )
    c = r.criteria
    met = [n for n, flag in (("ANC", c.anc), ("platelets", c.platelets), ("reticulocytes", c.reticulocytes)) if flag]
    facts = (
        f"The marrow criterion is {'met' if c.marrow else 'not met'}; blood criteria met: "
        f"{', '.join(met) if met else 'none'} ({c.count_of_blood_criteria} of 3, two needed for severe); "
        f"the ANC is {'' if c.very_severe_anc else 'not '}below the very-severe cut-off."
    )
    options = []
    for grade in ("non-severe", "severe", "very severe"):
        correct = r.grade_applies and str(r.grade) == grade
        options.append(Option(grade[0].upper() + grade[1:], correct, facts))
    options.append(Option("Cannot be graded: the marrow is not hypocellular", not r.grade_applies, facts))
    return SelfCheck(question, options)


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions."""
    severe = compute(**PRESETS["severe aplastic anemia"])
    return [
        _vignette_check("non-severe aplastic anemia"),
        SelfCheck(
            "A man has low hemoglobin, a low white count and low platelets, and his marrow biopsy is full of "
            "cells (not hypocellular). Which statement is right?",
            [
                Option("He has pancytopenia, but the Camitta grading of aplastic anemia does not apply", True,
                       "Pancytopenia only describes the blood. The grading is for aplastic anemia, which needs an "
                       "empty marrow; a full marrow points elsewhere (e.g. a big spleen, B12 deficiency, leukemia)."),
                Option("He has very severe aplastic anemia", False,
                       "Without a hypocellular marrow there is no aplastic anemia to grade, however low the counts."),
                Option("He does not have pancytopenia because the marrow is full", False,
                       "Pancytopenia is defined from the blood count alone; the marrow tells you why."),
            ],
        ),
        SelfCheck(
            "A hypocellular marrow on biopsy. Blood: neutrophils well below the severe cut-off but above the "
            "very-severe one, platelets below the severe cut-off, reticulocytes below theirs "
            "(this is the 'severe aplastic anemia' preset). What is the grade?",
            [
                Option("Non-severe", False, "Two or more blood criteria plus the marrow criterion make it at least severe."),
                Option("Severe", str(severe.grade) == "severe",
                       "Marrow criterion met and all three blood criteria met; the ANC is not low enough for very severe."),
                Option("Very severe", False, "Very severe needs the ANC below the lower, very-severe cut-off as well."),
            ],
        ),
        SelfCheck(
            "Which deficit most directly puts a patient at risk of a life-threatening bacterial infection?",
            [
                Option("Low neutrophils", True, "Neutrophils are the first defence against bacteria and fungi."),
                Option("Low hemoglobin", False, "Anemia causes fatigue and breathlessness, not infection."),
                Option("Low platelets", False, "Platelets stop bleeding; a low count causes bruising and bleeding."),
            ],
        ),
    ]


#: Threshold ids the lesson shows (cytopenias, Camitta grading, patient bands).
_LESSON_THRESHOLDS = (
    "anemia_hb_male", "anemia_hb_female", "leukopenia_wbc", "neutropenia_anc", "thrombocytopenia_platelets",
    *(t for t in _thresholds._table() if t.startswith("camitta_")),
    *(t for t, _label in _ANEMIA_BANDS + _NEUTROPENIA_BANDS + _BLEEDING_BANDS),
)


def camitta_thresholds_text() -> str:
    """The Camitta cut-offs as plain lines from the thresholds table (stable text for pinned output).

    >>> print(camitta_thresholds_text().splitlines()[0])  # doctest: +ELLIPSIS
    camitta_...
    """
    return "\n".join(f"{t}: {_threshold(t)}" for t in _LESSON_THRESHOLDS if t.startswith("camitta_"))


def sources() -> list[str]:
    """Every source the lesson shows a number from: its thresholds and the reference ranges drawn.

    >>> "killick2016" in sources()
    True
    """
    ids = [_threshold(t).source_id for t in _LESSON_THRESHOLDS]
    ids += [r.source for ranges in _reference_ranges().values() for r in ranges]
    return list(dict.fromkeys(ids))
