"""Figures for lesson 05: the teaching treatment pathway and long-term outcomes.

Side-effect-free builders; the app in :mod:`hemaedu.widgets.pathway` changes
their traces in place.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ..pathway import Run
from . import PALETTE, SEQUENCE, base_layout, make_figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PATTERNS", "make_outcomes_chart", "make_pathway_map", "outcome_bars", "treatment_colours"]

#: Bar fill patterns, so treatments differ by more than colour alone.
PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")


def treatment_colours(treatments: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and fill pattern for each first-line treatment, in first-seen order.

    >>> treatment_colours(["A", "B", "A"])["B"]
    ('#E69F00', '/')
    """
    unique = list(dict.fromkeys(treatments))
    return {t: (SEQUENCE[i % len(SEQUENCE)], PATTERNS[i % len(PATTERNS)]) for i, t in enumerate(unique)}


def make_pathway_map(
    runs: Sequence[Run],
    *,
    age: float,
    situation: str,
    widget: bool = False,
) -> go.Figure:
    """A map of the whole pathway: for each situation, which branch applies at each age.

    One horizontal bar trace per first-line treatment (colour plus a fill
    pattern), then a last trace, ``"Your case"``: a single marker at
    (``age``, ``situation``), the only trace the app moves.
    """
    situations = list(dict.fromkeys(r.situation for r in runs))
    styles = treatment_colours([r.step.first_line for r in runs])
    traces: list[go.BaseTraceType] = []
    for treatment, (colour, pattern) in styles.items():
        mine = [r for r in runs if r.step.first_line == treatment]
        traces.append(
            go.Bar(
                name=treatment,
                orientation="h",
                y=[r.situation for r in mine],
                base=[r.age_start for r in mine],
                # A run covers whole years age_start..age_end, so it ends at age_end + 1.
                x=[r.age_end + 1 - r.age_start for r in mine],
                marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="#ffffff", solidity=0.3),
                            line=dict(color="#ffffff", width=1)),
                hovertext=[
                    f"{html.escape(r.situation)}, age {r.age_start}-{r.age_end} y<br>"
                    f"branch {html.escape(r.step.step_id)}: {html.escape(treatment)}"
                    for r in mine
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            name="Your case",
            x=[age + 0.5],
            y=[situation],
            mode="markers+text",
            text=[f"age {age:g}"],
            textposition="top center",
            textfont=dict(color=PALETTE["black"]),
            marker=dict(symbol="diamond", size=18, color=PALETTE["black"], line=dict(color="#ffffff", width=2)),
            hovertemplate="Your case: %{text}, %{y}<extra></extra>",
        )
    )
    layout = base_layout(
        title="Teaching treatment pathway: first-line choice by age and situation",
        x_title="Age at diagnosis (years)",
        y_title="Situation",
        barmode="overlay",
        height=560,
        xaxis=dict(range=[runs[0].age_start if runs else 0, max((r.age_end + 1 for r in runs), default=1)],
                   dtick=10),
        yaxis=dict(categoryorder="array", categoryarray=situations, autorange="reversed"),
        legend=dict(title=dict(text="First-line choice"), orientation="h", y=-0.18, yanchor="top", x=0),
        margin=dict(l=10, r=10, t=60, b=120),
    )
    return make_figure(traces, layout, widget=widget)


def make_outcomes_chart(outcomes: pd.DataFrame, *, topic: str, widget: bool = False) -> go.Figure:
    """Horizontal bars of the outcome percentages of one ``topic`` of the ``outcomes`` table.

    The bar text gives the value, the time point and the number of patients.
    """
    rows = outcomes[outcomes["topic"] == topic]
    if rows.empty:
        raise ValueError(f"no outcome rows for topic {topic!r}; choose one of {sorted(set(outcomes['topic']))}")
    bars = outcome_bars(rows)
    trace = go.Bar(
        orientation="h",
        name=topic,
        y=bars["labels"],
        x=bars["values"],
        text=bars["texts"],
        textposition="outside",
        cliponaxis=False,
        marker=dict(color=bars["colours"], line=dict(color=PALETTE["black"], width=1)),
        hovertext=bars["hover"],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    layout = base_layout(
        title=f"Long-term outcomes: {topic}",
        x_title="Patients (%)",
        y_title="Group",
        xaxis=dict(range=[0, 115], ticksuffix=" %", dtick=20),
        yaxis=dict(autorange="reversed"),
        showlegend=False,
        height=380,
    )
    return make_figure([trace], layout, widget=widget)


def outcome_bars(rows: pd.DataFrame) -> dict[str, list]:
    """Labels, values and texts of the outcome bars for some rows (used to update in place)."""
    import pandas as pd

    several_sources = rows["source_id"].nunique() > 1
    labels, values, texts, hover, colours = [], [], [], [], []
    for i, row in enumerate(rows.itertuples(index=False)):
        when = "" if pd.isna(row.timepoint_years) else f" at {row.timepoint_years:g} y"
        size = "" if pd.isna(row.n) else f", n={int(row.n):,}"
        # Rows from several studies can share a group name: name the study on every bar then.
        label = f"{row.group} ({row.source_id})" if several_sources else str(row.group)
        labels.append(label)
        values.append(float(row.value_percent))
        texts.append(f"{row.value_percent:g} %{when}{size}")
        hover.append(f"{html.escape(label)}: {row.value_percent:g} %{when}{size}<br>source: {row.source_id}")
        colours.append(SEQUENCE[i % len(SEQUENCE)])
    return dict(labels=labels, values=values, texts=texts, hover=hover, colours=colours)
