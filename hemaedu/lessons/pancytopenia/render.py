"""Lesson 01's words: the model's view written out from the content templates.

Every learner-visible string comes from ``content/<lang>/lesson.toml`` (through
:func:`hemaedu.lessons.content.text`) or the shared measures content; this
module only assembles them, formats the numbers and wraps them in a little HTML
structure. Numbers are the view's, written by :func:`model.quantity`.
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from ...figures.blood_count import TRACES, Mark, MeasureRow
from ...thresholds import COMPARISON_SYMBOLS, format_value, get, unit_symbol
from ...units import convert
from .. import content
from ..content import language, text
from ..format import format_number
from ..tables import lesson_table
from . import model, pitfalls
from .model import BloodCountView, RowView, quantity

PACKAGE = "pancytopenia"


@cache
def _template(lang: str, package: str, key: str) -> str:
    # Read once per language: the explorer writes about a hundred texts per slider move.
    return text(package, key)


def t(key: str, /, **fields: Any) -> str:
    """A text of this lesson's content, its ``{field}`` slots filled from ``fields``."""
    template = _template(language(), PACKAGE, key)
    return template.format(**fields) if fields else template


def label(key: str) -> str:
    """A measure's long label ("Neutrophils (ANC)") from the shared measures content."""
    return _template(language(), "measures", f"{key}.label")


@cache
def cite(source_id: str) -> str:
    """A source as author and year, from the references table (read once per source)."""
    return content.cite(source_id)


def cutoff(threshold_id: str, unit: str | None = None) -> str:
    """A cut-off in ``unit`` (default: the table's): "< 0.5 ×10⁹/L", "< 500 /µL".

    >>> cutoff("camitta_platelets", "/uL") == "< " + quantity(1000 * get("camitta_platelets").value, "/uL")
    True
    """
    row = get(threshold_id)
    unit = unit or row.unit
    if unit == row.unit:  # as precise as the table writes it, like every other lesson
        return f"{COMPARISON_SYMBOLS[row.comparator]} {format_value(threshold_id)}"
    return f"{COMPARISON_SYMBOLS[row.comparator]} {quantity(convert(row.value, row.unit, unit), unit)}"


def percent_of(threshold_id: str) -> str:
    """A percentage cut-off's value alone ("25%"), for sentences that say "below" or "at least" in words."""
    row = get(threshold_id)
    return quantity(row.value, row.unit)


def _join(items: list[str], separator_key: str = "summary.list_separator") -> str:
    return t(separator_key).join(items) if items else t("summary.none")


def _yes_no(flag: bool) -> str:
    return t("summary.yes" if flag else "summary.no")


def grade_label(view: BloodCountView) -> str:
    """The grade in words; when the marrow criterion is not met, why the grading does not apply.

    One reading everywhere in the lesson: below the full cut-off the marrow is hypocellular;
    between the two cut-offs it is hypocellular only if the residual blood-forming cells are
    below theirs, which the explorer does not know (so it cannot grade yet); at or above the
    partial cut-off it is not hypocellular.
    """
    if view.grade_applies:
        return t(f"grade.{view.grade}")
    return t("grade.not_applicable_partial" if view.marrow_partial else "grade.not_applicable")


# --------------------------------------------------------------------------- figure


def figure_labels() -> dict[str, str]:
    """The figure's title, axis title and one legend name per trace."""
    return {key: t(f"figure.{key}") for key in (*TRACES, "title", "x_title", "tick_lower_limit")}


def _range_text(row: RowView) -> str:
    if row.high is None:
        return t("figure.range_open", low=quantity(row.low, row.unit))
    low = quantity(row.low, row.unit).removesuffix(unit_symbol(row.unit)).strip()
    return t("figure.range_closed", low=low, high=quantity(row.high, row.unit))


def _percent(row: RowView) -> str:
    percent = row.percent_of_low
    return f"{format_number(round(percent, 0 if percent >= 10 else 1))}%"


def figure_row(row: RowView) -> MeasureRow:
    """One chart row with its texts: axis label, side text, hover and tick texts."""
    name = label(row.key)
    value = quantity(row.value, row.unit)
    range_text = _range_text(row)
    sources = (
        t("figure.hover_sources_low", low_source=cite(row.low_source)) if row.high_source is None
        else t("figure.hover_sources_both", low_source=cite(row.low_source), high_source=cite(row.high_source))
    )
    hover = t("figure.hover_point", label=name, value=value, percent=_percent(row),
              status=t(f"figure.status.{row.status}"), range=range_text, sources=sources)
    cutoffs = tuple(
        Mark(c.value, t("figure.hover_mark", label=name,
                        text=t("figure.cutoff_mark", threshold=cutoff(c.threshold_id, row.unit))))
        for c in row.cutoffs
    )
    others = tuple(
        Mark(lim.value, t("figure.hover_mark", label=name, text=t(
            f"figure.other_{lim.side}", value=quantity(lim.value, row.unit), source=cite(lim.source_id))))
        for lim in row.other_limits
    )
    return MeasureRow(
        key=row.key, label=t("figure.row_label", label=name, unit=unit_symbol(row.unit)),
        value=row.value, low=row.low, high=row.high, status=row.status,
        side_text=t("figure.side_text", value=value, range=range_text), hover=hover,
        cutoffs=cutoffs, other_limits=others,
    )


def figure_rows(view: BloodCountView) -> list[MeasureRow]:
    """Every chart row of the view, top to bottom."""
    return [figure_row(row) for row in view.rows]


# --------------------------------------------------------------------------- summary and report


def summary(view: BloodCountView) -> str:
    """The live one-line text under the chart."""
    low = [label(r.key) for r in view.low_rows]
    text_ = t(
        "summary.text", n_low=len(low), n_rows=len(view.rows),
        low_list=t("summary.low_list", labels=_join(low)) if low else "",
        lineages=_join([t(f"lineage.{x}") for x in view.lineages]),
        pancytopenia=_yes_no(view.pancytopenia), grade=grade_label(view),
    )
    notes = [t(f"pitfall.{p}.summary", **_pitfall_fields(view)) for p in view.pitfalls]
    return " ".join([text_, *notes])


# --------------------------------------------------------------------------- pitfalls


def _between(low: float, high: float, unit: str) -> str:
    """ "1.21–5.39 ×10⁹/L": the unit once, after the upper limit."""
    first = quantity(low, unit).removesuffix(unit_symbol(unit)).strip()
    return t("figure.range_closed", low=first, high=quantity(high, unit))


def _pitfall_fields(view: BloodCountView) -> dict[str, str]:
    """The numbers and sources the pitfall notes quote, in the view's units."""
    cu = view.count_unit
    duffy, age = pitfalls.interval(pitfalls.DUFFY), pitfalls.interval(pitfalls.AGE)
    fields = {
        "duffy_range": _between(convert(duffy.low, duffy.unit, cu), convert(duffy.high, duffy.unit, cu), cu),
        "duffy_source": cite(duffy.source_id),
        "neutropenia_cutoff": cutoff("neutropenia_anc", cu),
        "edta_source": cite(pitfalls.source_id(pitfalls.EDTA)),
        "adult_range": _between(age.low, age.high, age.unit),
        "age_source": cite(age.source_id),
        "intercept": format_number(pitfalls.AGE_RULE_INTERCEPT_PERCENT),
        "cellularity": quantity(view.values["cellularity"], "%"),
        "full": percent_of("camitta_cellularity"),
    }
    if view.age_years is not None and view.expected_cellularity is not None:
        fields["age"] = t("details.age_years", age=format_number(round(view.age_years)))
        fields["expected"] = quantity(view.expected_cellularity, "%")
    return fields


def _pitfalls_html(view: BloodCountView) -> str:
    fields = _pitfall_fields(view)
    parts = []
    if view.expected_cellularity is not None:
        age = t("details.marrow_age", **fields)
        if pitfalls.AGE in view.pitfalls:
            age = f"{age} {t('pitfall.cellularity_falls_with_age.details', **fields)}"
        parts.append(_para("details.marrow_age_heading", escape(age)))
    items = "".join(f"<li>{escape(t(f'pitfall.{p}.details', **fields))}</li>"
                    for p in view.pitfalls if p != pitfalls.AGE)
    if items:
        parts.append(f"<p><strong>{escape(t('details.pitfalls_heading'))}</strong></p><ul>{items}</ul>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- details (HTML)


def escape(value: str) -> str:
    """Text for HTML (quotes left alone: it only goes between tags)."""
    return html.escape(value, quote=False)


def _para(heading_key: str, body: str) -> str:
    return f"<p><strong>{escape(t(heading_key))}</strong> {body}</p>"


def _lineages_html(view: BloodCountView) -> str:
    sex, hb_unit, cu = view.sex, view.hb_unit, view.count_unit
    cut = {
        "anemia": cutoff(f"anemia_hb_{sex}", hb_unit), "leukopenia": cutoff("leukopenia_wbc", cu),
        "neutropenia": cutoff("neutropenia_anc", cu), "thrombocytopenia": cutoff("thrombocytopenia_platelets", cu),
    }
    who = t("details.woman" if sex == "female" else "details.man")
    items = [t(f"details.{x}", cutoff=cut[x], who=who) for x in view.lineages]
    low = t("details.lineages", items=t("details.lineage_separator").join(items)) if items else t("summary.none")
    if view.pancytopenia:
        pan = t("details.pancytopenia_yes")
    else:
        missing = t("summary.list_separator").join(t(f"details.missing_{x}") for x in view.missing_lineages)
        pan = t("details.pancytopenia_no", missing=missing)
    return _para("details.lineages_heading", escape(low)) + "\n" + _para("details.pancytopenia_heading", escape(pan))


def _grade_html(view: BloodCountView) -> str:
    c, cu, v = view.criteria, view.count_unit, view.values

    def met(flag: bool) -> str:
        return t("details.met" if flag else "details.not_met")

    def here(key: str) -> str:
        return quantity(model.to_display(v[key], key, cu), cu)

    marrow_rule = t("details.marrow_rule", full=cutoff("camitta_cellularity"),
                    partial=cutoff("camitta_cellularity_partial"), residual=cutoff("camitta_residual"))
    rows = [
        ("row_marrow", marrow_rule, t("details.marrow_here", value=quantity(v["cellularity"], "%")), c.marrow),
        ("row_anc", t("details.anc_rule", cutoff=cutoff("camitta_anc", cu)), here("anc"), c.anc),
        ("row_platelets", cutoff("camitta_platelets", cu), here("platelets"), c.platelets),
        ("row_reticulocytes", cutoff("camitta_retic_automated", cu), here("reticulocytes"), c.reticulocytes),
        ("row_very_severe", t("details.anc_rule", cutoff=cutoff("camitta_anc_very_severe", cu)), here("anc"),
         c.very_severe_anc),
    ]
    columns = [t(f"details.{k}") for k in ("col_criterion", "col_cutoff", "col_here", "col_status")]
    table = lesson_table(t("details.table_caption"), columns,
                         [(t(f"details.{key}"), rule, value, met(flag)) for key, rule, value, flag in rows],
                         row_headers=True)
    counts = dict(met=c.count_of_blood_criteria, total=len(model.BLOOD_CRITERIA), needed=model.BLOOD_CRITERIA_NEEDED)
    if view.grade_applies:
        key = "details.grade_applies" if str(view.grade) == "non-severe" else "details.grade_applies_severe"
        verdict = f"<strong>{escape(t(f'grade.{view.grade}'))}</strong>: {escape(t(key, **counts))}"
    else:
        key = "details.why_partial" if view.marrow_partial else "details.why_not_hypocellular"
        why = t(key, value=quantity(v["cellularity"], "%"), full=percent_of("camitta_cellularity"),
                partial=percent_of("camitta_cellularity_partial"), residual=percent_of("camitta_residual"))
        verdict = (f"<strong>{escape(grade_label(view))}</strong>: "
                   f"{escape(t('details.grade_not_applicable', why=why, **counts))}")
    return _para("details.grade_heading", verdict) + table


def _meaning_html(view: BloodCountView) -> str:
    hb, cu = view.hb_unit, view.count_unit
    items = []
    if view.anemia_band:
        body = t("details.red_text", moderate=cutoff("who_anemia_moderate_upper", hb),
                 severe=cutoff("who_anemia_severe", hb))
        items.append(("details.red_heading", t("details.band", band=t(f"band.{view.anemia_band}")), body))
    else:
        items.append(("details.red_heading", "", t("details.red_none")))
    if view.neutropenia_band:
        body = t("details.neutrophils_text", mild=cutoff("neutropenia_anc", cu),
                 moderate=cutoff("neutropenia_moderate_upper", cu), severe=cutoff("neutropenia_severe", cu))
        items.append(("details.neutrophils_heading", t("details.band", band=t(f"band.{view.neutropenia_band}")),
                      body))
    else:
        items.append(("details.neutrophils_heading", "", t("details.neutrophils_none")))
    if view.bleeding_band:
        bands = t("summary.list_separator").join(cutoff(b, cu) for b in reversed(model.BLEEDING_BANDS))
        items.append(("details.platelets_heading", t("details.band", band=t(f"band.{view.bleeding_band}")),
                      t("details.platelets_text", bands=bands)))
    elif "thrombocytopenia" in view.cytopenias:
        items.append(("details.platelets_heading", "", t("details.platelets_mild")))
    else:
        items.append(("details.platelets_heading", "", t("details.platelets_none")))
    lis = "".join(
        f"<li><strong>{escape(t(heading))}{' ' + escape(band) if band else ''}</strong> {escape(body)}</li>"
        for heading, band, body in items
    )
    return (f"<p><strong>{escape(t('details.meaning_heading'))}</strong> {escape(t('details.meaning_note'))}</p>"
            f"<ul>{lis}</ul>")


def details(view: BloodCountView) -> str:
    """The interpretation under the chart, as HTML: lineages, the Camitta table, what it means."""
    parts = []
    if view.anc_capped:
        parts.append(_para("details.anc_capped_heading", escape(t("details.anc_capped"))))
    parts += [_lineages_html(view), _grade_html(view), _pitfalls_html(view), _meaning_html(view),
              f"<p><em>{escape(t('details.disclaimer'))}</em></p>"]
    parts = [p for p in parts if p]
    return "\n".join(parts)
