"""Figures for lesson 02: the causes explorer (a sunburst) and the differential chart.

Side-effect-free builders. They take the small, already computed structures of
:mod:`hemaedu.lessons.causes` (plain lists) and every learner-visible string
(titles, trace names, hover templates) from the caller, so the app can change
the same traces in place and a translation never edits this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from . import PALETTE, base_layout, make_figure

__all__ = ["CONSISTENT_STYLE", "LESS_LIKELY_STYLE", "make_causes_sunburst", "make_differential_chart"]

#: How a differential bar looks when the chosen cellularity fits it, and when not:
#: colour AND fill pattern differ, so the two never rely on colour alone.
CONSISTENT_STYLE = (PALETTE["blue"], "")
LESS_LIKELY_STYLE = ("#BBBBBB", "/")


def make_causes_sunburst(
    tree: Mapping[str, Sequence[Any]], *, title: str, name: str, note: str, widget: bool = False
) -> go.Figure:
    """A sunburst of causes: cytopenia -> origin -> group -> cause.

    ``tree`` holds equal-length lists ``ids``, ``labels``, ``parents``,
    ``values``, ``colors`` and ``hovertext`` (see
    :func:`hemaedu.lessons.causes.model.compute_causes`). Leaves are coloured by
    mechanism. The trace is called ``name`` (id ``"causes"`` in its ``meta``); ``note`` (under the chart) says how
    to read the rings.
    """
    trace = go.Sunburst(
        name=name,
        meta="causes",
        ids=list(tree["ids"]),
        labels=list(tree["labels"]),
        parents=list(tree["parents"]),
        values=list(tree["values"]),
        branchvalues="total",
        marker=dict(colors=list(tree["colors"]), line=dict(color="#ffffff", width=1)),
        hovertext=list(tree["hovertext"]),
        hovertemplate="%{hovertext}<extra></extra>",
        insidetextorientation="radial",
        maxdepth=-1,
        sort=False,
    )
    layout = base_layout(
        title=title,
        # A sunburst has no axes; the "axis" titles are kept empty on purpose and
        # the ring order is explained in the subtitle-like annotation instead.
        x_title="",
        y_title="",
        height=620,
        margin=dict(l=10, r=10, t=70, b=40),
        annotations=[dict(
            text=note,
            x=0, y=-0.05, xref="paper", yref="paper", showarrow=False, xanchor="left",
            font=dict(size=12),
        )],
    )
    return make_figure([trace], layout, widget=widget)


def make_differential_chart(
    conditions: Sequence[str],
    ranges: Sequence[tuple[float, float]],
    consistent: Sequence[bool],
    hovertext: Sequence[str],
    *,
    cellularity: float,
    cutoffs: Sequence[float],
    title: str,
    x_title: str,
    y_title: str,
    bars_name: str,
    line_name: str,
    line_hover: str,
    widget: bool = False,
) -> go.Figure:
    """Each look-alike's typical marrow cellularity as a bar, with the chosen value as a line.

    The trace with id ``"bars"`` (in its ``meta``; named ``bars_name``) holds the bars (colour and
    pattern say whether the chosen cellularity fits the condition); the trace ``"chosen"`` (named
    ``line_name``) is the vertical line at ``cellularity`` (``line_hover`` is its hover template).
    ``cutoffs`` are drawn as dotted reference lines.
    """
    colours = [CONSISTENT_STYLE[0] if c else LESS_LIKELY_STYLE[0] for c in consistent]
    patterns = [CONSISTENT_STYLE[1] if c else LESS_LIKELY_STYLE[1] for c in consistent]
    bars = go.Bar(
        name=bars_name,
        meta="bars",
        orientation="h",
        y=list(conditions),
        base=[lo for lo, _ in ranges],
        x=[hi - lo for lo, hi in ranges],
        marker=dict(color=colours, pattern=dict(shape=patterns, fgcolor="#555555", solidity=0.25),
                    line=dict(color="#333333", width=1)),
        hovertext=list(hovertext),
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
    )
    line = go.Scatter(
        name=line_name,
        meta="chosen",
        x=[cellularity] * len(conditions),
        y=list(conditions),
        mode="lines+markers",
        line=dict(color=PALETTE["vermillion"], width=3, dash="solid"),
        marker=dict(symbol="line-ns-open", size=14, color=PALETTE["vermillion"]),
        hovertemplate=line_hover,
        showlegend=False,
    )
    shapes = [
        dict(type="line", x0=c, x1=c, y0=0, y1=1, yref="paper", line=dict(color="#333333", dash="dot", width=1))
        for c in cutoffs
    ]
    layout = base_layout(
        title=title,
        x_title=x_title,
        y_title=y_title,
        xaxis=dict(range=[0, 100], ticksuffix="%", dtick=10),
        yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=list(conditions)),
        height=max(420, 28 * len(conditions) + 140),
        shapes=shapes,
    )
    return make_figure([bars, line], layout, widget=widget)
