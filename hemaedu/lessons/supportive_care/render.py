"""Lesson 07's words, HTML and Markdown: sentences from the lesson's content, numbers from the views.

Nothing here decides anything: which rows apply and how much iron comes in are :mod:`.model`'s.
"""

from __future__ import annotations

import html

from .. import content
from ..content import texts
from ..format import format_number
from . import model

PACKAGE = "supportive_care"
t = texts(PACKAGE)  # a text of this lesson's content


def counted(n: float, noun: str) -> str:
    """``n`` with the singular or plural form of ``noun`` (``plural.<noun>`` in content)."""
    forms = content.get(PACKAGE, f"plural.{noun}")
    return f"{format_number(n)} {forms['one'] if float(n) == 1 else forms['other']}"


def grams(value: float) -> str:
    """Grams of iron, to one decimal."""
    return t("iron.grams", value=format_number(value, decimals=1))


# ----------------------------------------------------------------------------- care explorer


def situation_label(situation: str) -> str:
    return t(f"situations.{situation}.label")


def topic_label(topic: str) -> str:
    return str(content.get(PACKAGE, "topics")[topic])


def section_label(section: str) -> str:
    return str(content.get(PACKAGE, "sections")[section])


def care_title(view: model.CareView) -> str:
    return t("care.title", situation=situation_label(view.situation))


def care_summary(view: model.CareView) -> str:
    topics = t("care.joiner").join(topic_label(x) for x in view.topics)
    return t("care.summary", situation=situation_label(view.situation), n=counted(len(view.fact_ids), "point"),
             topics=topics)


def care_html(view: model.CareView) -> str:
    """The statements that apply, each with its source by author and year, most urgent first."""
    items = []
    for fact_id in view.fact_ids:
        f = model.fact(fact_id)
        flag = f" <em>{html.escape(t('care.unchecked'))}</em>" if not f.checked else ""
        items.append(f"<li><strong>{html.escape(topic_label(f.topic))}:</strong> {html.escape(f.statement)} "
                     f"({html.escape(content.cite(f.source_id))}){flag}</li>")
    why = html.escape(t(f"situations.{view.situation}.why"))
    return (f'<div class="hemaedu-care" style="border-left:4px solid #0072B2;padding-left:0.8em">'
            f"<p><strong>{html.escape(t('care.why_heading'))}</strong> {why}</p>"
            f"<p><strong>{html.escape(t('care.list_heading'))}</strong></p><ul>{''.join(items)}</ul>"
            f"<p><em>{html.escape(t('care.footer'))}</em></p></div>")


# ----------------------------------------------------------------------------- iron balance


def iron_labels() -> list[str]:
    return [t("iron.bar_in"), t("iron.bar_out"), t("iron.bar_kept")]


def iron_texts(view: model.IronView) -> list[str]:
    return [grams(view.iron_in_g), grams(view.iron_out_g), grams(max(view.net_g, 0.0))]


def iron_summary(view: model.IronView) -> str:
    risk = model.fact("iron_overload_risk").value or 0
    verdict = t("iron.above" if view.above_risk_level else "iron.below", risk=counted(risk, "unit"))
    return t("iron.summary", units=counted(view.units, "unit"), months=counted(view.months, "month"),
             iron_in=grams(view.iron_in_g), iron_out=grams(view.iron_out_g), kept=grams(max(view.net_g, 0.0)),
             verdict=verdict)


def iron_sources() -> str:
    """The sources of the iron figures, by author and year."""
    ids = dict.fromkeys(model.fact(f).source_id for f in ("iron_per_unit", "iron_excretion", "iron_overload_risk"))
    return t("iron.sources", sources=t("care.joiner").join(content.cite(s) for s in ids))
