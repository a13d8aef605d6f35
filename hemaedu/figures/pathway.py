"""Figures for lesson 05: the teaching treatment pathway and long-term outcomes.

Side-effect-free builders. They take plain lists and every learner-visible
string (titles, legend and trace names, hover texts) from the caller, so the
app in :mod:`hemaedu.lessons.diagnosis_and_treatment` changes their traces in
place by name and a translation never edits this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from . import PALETTE, SEQUENCE, base_layout, category_ticks, make_figure, wrap_text

__all__ = ["PATTERNS", "make_outcomes_chart", "make_pathway_map", "pattern_fill", "treatment_colours"]

#: Bar fill patterns, so treatments differ by more than colour alone.
PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")


def pattern_fill(shape: object) -> dict[str, object]:
    """A bar's ``marker.pattern`` for ``shape`` (one of :data:`PATTERNS`, or a list, one a bar): white strokes
    over the bar's own colour, so the pattern reads on any fill.

    >>> pattern_fill("/")
    {'shape': '/', 'fgcolor': '#ffffff', 'solidity': 0.3}
    """
    return {"shape": shape, "fgcolor": "#ffffff", "solidity": 0.3}


def treatment_colours(treatments: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and fill pattern for each first-line treatment, in first-seen order.

    >>> treatment_colours(["A", "B", "A"])["B"]
    ('#E69F00', '/')
    """
    unique = list(dict.fromkeys(treatments))
    return {t: (SEQUENCE[i % len(SEQUENCE)], PATTERNS[i % len(PATTERNS)]) for i, t in enumerate(unique)}


#: Characters per line of a legend entry (a treatment's name), to fit a 390 px phone.
LEGEND_WIDTH = 40


def make_pathway_map(
    situations: Sequence[str],
    runs: Sequence[Mapping[str, Any]],
    *,
    age: float,
    situation: str,
    marker_name: str,
    marker_text: str,
    marker_hover: str,
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    age_range: tuple[int, int],
    widget: bool = False,
) -> go.Figure:
    """A map of the whole pathway: for each situation, which branch applies at each age.

    ``situations`` are the rows (category labels, top first). Each run is a mapping with
    ``situation`` (a row label), ``age_start`` and ``age_end`` (inclusive whole years),
    ``treatment`` and ``hovertext``. One horizontal bar trace per treatment, named after it (colour
    plus a fill pattern), then the trace with id ``"case"`` in its ``meta`` (named ``marker_name``):
    a single marker at (``age``, ``situation``), the only trace the app moves.
    """
    styles = treatment_colours([r["treatment"] for r in runs])
    traces: list[Any] = []
    for treatment, (colour, pattern) in styles.items():
        mine = [r for r in runs if r["treatment"] == treatment]
        traces.append(go.Bar(
            name=wrap_text(treatment, LEGEND_WIDTH),  # a legend entry cannot wrap by itself
            meta=treatment,
            orientation="h",
            y=[r["situation"] for r in mine],
            base=[r["age_start"] for r in mine],
            # A run covers whole years age_start..age_end, so it ends at age_end + 1.
            x=[r["age_end"] + 1 - r["age_start"] for r in mine],
            marker=dict(color=colour, pattern=pattern_fill(pattern),
                        line=dict(color="#ffffff", width=1)),
            hovertext=[r["hovertext"] for r in mine],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    traces.append(go.Scatter(
        name=marker_name,
        meta="case",
        x=[age + 0.5],
        y=[situation],
        mode="markers+text",
        text=[marker_text],
        textposition="top center",
        textfont=dict(color=PALETTE["black"]),
        marker=dict(symbol="diamond", size=18, color=PALETTE["black"], line=dict(color="#ffffff", width=2)),
        hovertemplate=marker_hover,
    ))
    layout = base_layout(
        title=title,
        x_title=x_title,
        y_title=y_title,
        barmode="overlay",
        height=max(560, 260 + 50 * len(situations)),  # rows for labels on three lines
        # No fixed tick step: plotly spaces the ticks by the width it gets (every 10 collided on a phone).
        xaxis=dict(range=[age_range[0], age_range[1] + 1]),
        # The situations' long names wrap, so the bars keep most of a phone's width.
        yaxis=dict(categoryorder="array", categoryarray=list(situations), autorange="reversed",
                   **category_ticks(situations), tickfont=dict(size=11)),
        # The legend's title above its items, which then get the figure's whole width on a phone.
        legend=dict(title=dict(text=legend_title, side="top"), orientation="h", yref="container", y=0,
                    yanchor="bottom", x=0),
        margin=dict(l=10, r=10, t=60, b=10),
    )
    return make_figure(traces, layout, widget=widget)


def make_outcomes_chart(
    bars: Mapping[str, Sequence[Any]],
    *,
    name: str,
    title: str,
    x_title: str,
    y_title: str,
    widget: bool = False,
) -> go.Figure:
    """Horizontal bars of outcome percentages, in one trace ``"outcomes"`` (its ``meta``) called ``name``.

    ``bars`` holds equal-length lists ``labels``, ``values`` (percent),
    ``texts`` (printed beside each bar), ``hover`` and ``colours``.
    """
    trace = go.Bar(
        orientation="h",
        name=name,
        meta="outcomes",
        y=list(bars["labels"]),
        x=list(bars["values"]),
        text=list(bars["texts"]),
        textposition="auto",  # inside a long bar, beside a short one: never past the figure's edge
        cliponaxis=False,
        marker=dict(color=list(bars["colours"]), line=dict(color=PALETTE["black"], width=1)),
        hovertext=list(bars["hover"]),
        hovertemplate="%{hovertext}<extra></extra>",
    )
    layout = base_layout(
        title=title,
        x_title=x_title,
        y_title=y_title,
        xaxis=dict(range=[0, 115], ticksuffix="%"),  # no fixed step: ticks collided on a phone
        yaxis=dict(autorange="reversed", tickfont=dict(size=11)),
        showlegend=False,
        # Room for six bars whose labels wrap to three or four lines on a phone (the app changes
        # the bars in place, so the height is set once for the largest chart).
        height=560,
    )
    return make_figure([trace], layout, widget=widget)
