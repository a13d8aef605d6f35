"""Lesson 02's text and HTML: every word from the lesson's content, every number from a view.

The views of :mod:`.model` hold ids and the tables' own cells; this module turns
them into the sentences, hover texts and tables a learner reads.
"""

from __future__ import annotations

import html
from typing import Any

from ... import thresholds
from ...figures import SEQUENCE
from .. import content
from ..content import texts
from ..format import format_number, format_quantity
from ..tables import lesson_table
from . import model

PACKAGE = "causes"
t = texts(PACKAGE)  # a text of this lesson's content
#: Ring colours from the centre out: cytopenia, origin, group (leaves use mechanism colours).
RING_COLOURS = ("#D9D9D9", "#E8E8E8", "#F4F4F4")


def _count(n: int) -> str:
    return t("causes.cause_count_one" if n == 1 else "causes.cause_count_other", n=format_number(n))


def mechanism_colours(mechanisms: tuple[str, ...] = ()) -> dict[str, str]:
    """Okabe-Ito colour of each mechanism (the table's in a fixed order, new ones after).

    >>> mechanism_colours()["immune attack"] == mechanism_colours(("a new class",))["immune attack"]
    True
    """
    known = model.mechanism_order()
    names = list(known) + [m for m in mechanisms if m not in known]
    return {m: SEQUENCE[i % len(SEQUENCE)] for i, m in enumerate(names)}


def sentence_case(label: str) -> str:
    """A table value as an option label: first letter capitalized, the rest as the table has it.

    >>> sentence_case("aplastic anemia"), sentence_case("HIV infection")
    ('Aplastic anemia', 'HIV infection')
    """
    return label[:1].upper() + label[1:]


def affects_label(affects: str) -> str:
    """The label of a cytopenia option (house style: options in sentence case)."""
    return t("causes.affects_all") if affects == model.ALL else sentence_case(affects)


def mechanism_label(mechanism: Any) -> str:
    """The label of a mechanism filter value (``"any"`` or a ``(column, value)`` pair)."""
    if mechanism == model.ANY:
        return t("causes.mechanism_any")
    column, name = mechanism
    return t("causes.mechanism_pathogenesis", name=name) if column == "pathogenesis" else sentence_case(name)


def what(view: model.CausesView) -> str:
    """The filter in words: "leukopenia with mechanism 'immune attack'"."""
    base = t("causes.what_all") if view.affects == model.ALL else view.affects
    if view.mechanism == model.ANY:
        return base
    return t("causes.what_with_mechanism", what=base, mechanism=view.mechanism[1])


def causes_title(affects: str) -> str:
    return t("causes.title_all") if affects == model.ALL else t("causes.title_one", affects=affects)


def causes_summary(view: model.CausesView) -> str:
    """The live one-line summary of the causes explorer."""
    if not view.rows:
        key = "causes.summary_empty_pathogenesis" if view.pathogenesis_only else "causes.summary_empty"
        return t(key, what=what(view))
    return t(
        "causes.summary",
        count=_count(len(view.rows)),
        what=what(view),
        by_origin=", ".join(t("causes.origin_count", n=format_number(n), origin=o) for o, n in view.origins),
        by_mechanism=", ".join(t("causes.mechanism_count", mechanism=m, n=format_number(n)) for m, n in view.counts),
    )


def sunburst_tree(view: model.CausesView) -> dict[str, list[Any]]:
    """The sunburst's lists (ids, labels, parents, values, colors, hovertext) for a view."""
    if not view.nodes:
        return dict(ids=["root"], labels=[t("causes.empty_label")], parents=[""], values=[1],
                    colors=["#FFFFFF"], hovertext=[html.escape(t("causes.summary_empty", what=what(view)))])
    colours = mechanism_colours(tuple(m for m, _ in view.counts))
    hover = []
    for node in view.nodes:
        row = node.cause
        if row is None:
            hover.append(html.escape(t("causes.hover_ring", path=", ".join(node.path), count=_count(node.value))))
            continue
        hover.append(t(
            "causes.hover_cause",
            cause=html.escape(row["cause"]),
            mechanism=html.escape(model.mechanism_of(row)),
            how=html.escape(row["mechanism"] or ""),
            examples=html.escape(row["examples"] or t("causes.none_listed")),
            lineages=html.escape(row["lineages"] or ""),
            source=html.escape(content.cite(row["source_id"])),
        ))
    return dict(
        ids=[n.node_id for n in view.nodes], labels=[n.label for n in view.nodes],
        parents=[n.parent for n in view.nodes], values=[n.value for n in view.nodes],
        colors=[RING_COLOURS[len(n.path) - 1] if n.cause is None else colours[model.mechanism_of(n.cause)]
                for n in view.nodes],
        hovertext=hover,
    )


def causes_table(view: model.CausesView) -> str:
    """The selected causes as an HTML table with a colour key (read by screen readers)."""
    if not view.rows:
        return f"<p><em>{html.escape(t('causes.table_empty'))}</em></p>"
    colours = mechanism_colours(tuple(m for m, _ in view.counts))
    key = " ".join(
        f'<span style="display:inline-block;margin-right:1em"><span aria-hidden="true" '
        f'style="display:inline-block;width:0.9em;height:0.9em;background:{colours[m]};'
        f'border:1px solid #333;vertical-align:middle"></span> {html.escape(m)}</span>'
        for m in dict.fromkeys(model.mechanism_of(r) for r in view.rows)
    )
    rows = [[r["cause"], r["affects"], r["origin"], model.mechanism_of(r), r["mechanism"], r["examples"],
             r["lineages"], content.cite(r["source_id"])] for r in view.rows]
    caption = t("causes.table_caption", n=format_number(len(rows)))
    return (f"<p><strong>{html.escape(t('causes.colour_key'))}</strong> {key}</p>"
            + lesson_table(caption, content.get(PACKAGE, "causes.columns"), rows, max_height="22em"))


def band_label(band: str) -> str:
    return t(f"differential.band.{band}")


def differential_summary(view: model.DifferentialView) -> str:
    """The live one-line summary of the differential explorer."""
    names = {r["condition_id"]: r["condition"] for r in model.conditions()}
    return t(
        "differential.summary",
        cellularity=format_quantity(round(view.cellularity), "%"),
        band=band_label(view.band),
        scheme=thresholds.get("camitta_cellularity").scheme,
        n_fits=format_number(len(view.fits)),
        n_all=format_number(len(view.consistent)),
        examples=", ".join(names[i] for i in view.fits[:3]) or t("differential.none"),
        n_less=format_number(len(view.less_likely)),
    )


def differential_table(view: model.DifferentialView) -> str:
    """The conditions that fit, with their clues and key tests, and the ones now less likely."""
    rows = [[r["condition"], r["marrow_cellularity"], r["distinguishing_clues"], r["key_tests"],
             content.cite(r["source_id"])]
            for r, ok in zip(model.conditions(), view.consistent, strict=True) if ok]
    caption = t("differential.table_caption", cellularity=format_quantity(round(view.cellularity), "%"),
                n=format_number(len(rows)))
    less = {*view.less_likely}
    others = ", ".join(html.escape(r["condition"]) for r in model.conditions() if r["condition_id"] in less)
    return (lesson_table(caption, content.get(PACKAGE, "differential.columns"), rows, max_height="22em")
            + f"<p><strong>{html.escape(t('differential.less_likely'))}</strong> "
              f"{others or html.escape(t('differential.none'))}.</p>")

