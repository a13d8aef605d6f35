"""Lesson 04's texts and HTML, written from the model's views with the content's templates.

Every word comes from ``content/<lang>/lesson.toml``; this module only chooses the template,
fills its fields with numbers formatted the course's one way and escapes what goes into HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ...figures.ist import ForestRow as ChartRow
from ..content import get, texts
from ..format import format_number
from ..tables import lesson_table
from .model import Arm, ComparisonNote, ForestRow, ForestView

PACKAGE = "ist_response"
t = texts(PACKAGE)  # a text of this lesson's content


def pct(value: float, decimals: int | None = 0) -> str:
    """A percentage's number as the lesson shows it (no sign)."""
    return format_number(value, decimals=decimals)


def months(value: float) -> str:
    return format_number(value)


def when(arm: Arm) -> str:
    return t("arm.when", months=months(arm.timepoint))


def short_regimen(regimen: str) -> str:
    """The chart's abbreviation of a regimen; a regimen the content does not abbreviate stays whole."""
    return str(get(PACKAGE, "regimen_short").get(regimen, regimen))


def interval(arm: Arm) -> str:
    return t("arm.interval", percent=pct(arm.percent), low=pct(arm.low), high=pct(arm.high))


def arm_line(arm: Arm) -> str:
    """One arm's response with its Wilson interval, as a sentence."""
    return t("arm.line", name=arm.name, regimen=arm.regimen, evidence=t(f"evidence.{arm.evidence}"),
             response_type=t(f"response_type.{arm.response_type}"), when=when(arm), responders=arm.responders,
             n=arm.n, interval=interval(arm))


def chart_row(row: ForestRow, highlight: bool) -> ChartRow:
    """The figure's row: label (marked when highlighted), point, interval, evidence, hover."""
    arm = row.arm
    label = t("arm.label", name=arm.name, tag=t(f"evidence_tag.{arm.evidence}"), regimen=short_regimen(arm.regimen),
              when=when(arm), n=arm.n)
    if row.duplicate:
        label = t("arm.label_duplicate", label=label, arm_id=arm.arm_id)
    if highlight and row.highlighted:
        label = t("arm.highlighted", label=label)
    note = t("arm.hover_note", notes=html.escape(arm.notes)) if arm.notes else ""
    hover = t("arm.hover", name=html.escape(arm.name), evidence=t(f"evidence.{arm.evidence}"),
              regimen=html.escape(arm.regimen), population=html.escape(arm.population),
              age_group=html.escape(arm.age_group), response_type=t(f"response_type.{arm.response_type}"),
              when=when(arm), responders=arm.responders, n=arm.n, interval=interval(arm), note=note)
    return ChartRow(label=label, percent=arm.percent, low=arm.low, high=arm.high, randomized=arm.randomized,
                    highlighted=row.highlighted, hover=hover)


def _when(view: ForestView) -> str:
    if view.timepoint is None:
        return t("forest.at_every_timepoint")
    return t("forest.at_months", months=months(view.timepoint))


def forest_summary(view: ForestView) -> str:
    response_type = t(f"response_type.{view.response_type}")
    if view.lowest is None or view.highest is None:
        return t("forest.summary_empty", response_type=response_type, when=_when(view))
    sentence = t("forest.summary", rows=len(view.rows), randomized=view.n_randomized,
                 single=len(view.rows) - view.n_randomized, response_type=response_type, when=_when(view),
                 lowest=interval(view.lowest), lowest_name=view.lowest.name, lowest_regimen=view.lowest.regimen,
                 highest=interval(view.highest), highest_name=view.highest.name,
                 highest_regimen=view.highest.regimen)
    if view.highlight:
        sentence += t("forest.summary_highlight", title=t(f"comparison.{view.highlight}.title"),
                      rows=sum(r.highlighted for r in view.rows))
    return sentence


def arm_table(arms: Sequence[Arm], caption: str) -> str:
    """An accessible HTML table (caption, column headers) of the rows shown."""
    if not arms:
        return ""
    rows = [(a.name, t(f"evidence.{a.evidence}"), a.regimen, a.population, when(a), f"{a.responders} / {a.n}",
             interval(a), a.notes) for a in arms]
    return lesson_table(caption, get(PACKAGE, "table.columns"), rows)


def _note_items(note: ComparisonNote) -> list[str]:
    items = []
    for trial in note.trials:
        arms = "; ".join(t("note.trial_arm", regimen=html.escape(a.regimen), responders=a.responders, n=a.n,
                           interval=interval(a)) for a in trial.arms)
        difference = "" if trial.difference is None else t(
            "note.difference", second=html.escape(short_regimen(trial.arms[1].regimen)),
            first=html.escape(short_regimen(trial.arms[0].regimen)),
            points=("+" if round(trial.difference) > 0 else "") + pct(trial.difference))
        items.append(t("note.trial", name=html.escape(trial.name), when=when(trial.arms[0]), arms=arms,
                       difference=difference))
    for spread in note.spreads:
        names = ", ".join(dict.fromkeys(t("note.spread_name", name=a.name, when=when(a)) for a in spread.arms))
        value = (t("note.spread_one", percent=pct(spread.low)) if len(spread.arms) == 1 else
                 t("note.spread_range", low=pct(spread.low), high=pct(spread.high), count=len(spread.arms)))
        kind = t("note.kind_historical" if spread.historical else "note.kind_not_randomized")
        items.append(t("note.spread", regimen=html.escape(spread.regimen), kind=kind, names=html.escape(names),
                       value=value))
    return items


def forest_details(view: ForestView) -> str:
    """HTML under the forest: every row's table, or the highlighted comparison's numbers and why they differ."""
    response_type = t(f"response_type.{view.response_type}")
    caption_type = response_type[:1].upper() + response_type[1:]
    note = view.note
    if note is None:
        return arm_table([r.arm for r in view.rows],
                         t("table.caption_all", response_type=caption_type, when=_when(view)))
    parts = [f"<h4>{html.escape(t(f'comparison.{note.code}.title'))}</h4>"]
    items = _note_items(note)
    if items:
        parts.append(t("note.shown", response_type=caption_type, when=_when(view)) + f"<ul>{''.join(items)}</ul>")
    else:
        parts.append(t("note.nothing_shown", response_type=response_type, when=_when(view)))
    if note.elsewhere:
        listed = [months(m) for m in note.elsewhere]
        joined = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + t("note.and") + listed[-1]
        parts.append(t("note.elsewhere", months=joined))
    parts.append(t("note.why", why=html.escape(t(f"comparison.{note.code}.why"))))
    if note.outcomes:
        items = [t("note.outcome", group=html.escape(o.group), percent=pct(o.percent, None), years=months(o.years),
                   n="" if o.n is None else t("note.outcome_n", n=o.n),
                   notes=t("note.outcome_notes", notes=html.escape(o.notes)) if o.notes else "")
                 for o in note.outcomes]
        parts.append(t("note.outcomes") + f"<ul>{''.join(items)}</ul>")
    members = [r.arm for r in view.rows if r.highlighted]
    parts.append(arm_table(members, t("table.caption_comparison", response_type=response_type, when=_when(view))))
    return "\n".join(parts)
