"""Figures for the immunosuppressive-therapy (IST) lesson.

Three side-effect-free builders, each returning a figure whose traces the live
apps in :mod:`hemaedu.widgets.ist` later change in place:

* :func:`make_forest`: response rates with Wilson 95% intervals, one row per
  study arm and timepoint. Randomized arms are squares, single-arm or other
  non-randomized cohorts circles (shape, legend and row label all say it, so
  colour is never the only cue).
* :func:`make_simulation`: how observed response rates spread across many
  simulated cohorts of one size (a histogram sent as binned bars, not raw
  samples), with the middle 95% of cohorts and one cohort's Wilson interval.
* :func:`make_response_counts`: four blood counts against the NIH response
  cut-offs, one small panel per count in its own unit.

Builders take plain values (lists, numbers), never read data themselves, and
never decide what is clinically true: the numbers come from the tables and the
rules via :mod:`hemaedu.widgets.ist`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from . import PALETTE, base_layout, make_figure

__all__ = [
    "EVIDENCE_STYLE",
    "ForestRow",
    "forest_traces",
    "make_forest",
    "make_response_counts",
    "make_simulation",
    "simulation_traces",
]

#: Marker shape, colour and legend text for each kind of evidence. Shape and
#: legend carry the meaning; colour only repeats it.
EVIDENCE_STYLE: dict[bool, dict[str, str]] = {
    True: {"symbol": "square", "color": PALETTE["blue"], "name": "Randomized trial arm (square)"},
    False: {"symbol": "circle", "color": PALETTE["vermillion"], "name": "Single-arm or non-randomized cohort (circle)"},
}

# Rows outside the highlighted comparison stay visible but faint.
_DIMMED = 0.25


@dataclass(frozen=True)
class ForestRow:
    """One row of the forest chart: a response proportion and its interval (all in %).

    >>> ForestRow("A: drug, 6 mo, n=10", 50.0, 23.7, 76.3, True, True, "5/10 responded").label
    'A: drug, 6 mo, n=10'
    """

    label: str
    percent: float
    low: float
    high: float
    randomized: bool
    highlighted: bool
    hover: str


def forest_traces(rows: Sequence[ForestRow]) -> list[dict[str, Any]]:
    """The x/y/style values of the forest's four traces, in trace order.

    Trace 0 draws the intervals of highlighted rows (all rows when nothing is
    highlighted), trace 1 the dimmed intervals, trace 2 the randomized points,
    trace 3 the non-randomized points. Intervals are one line trace each, with
    ``None`` gaps between rows, so a whole chart is four small traces.

    >>> rows = [ForestRow("a", 50.0, 30.0, 70.0, True, True, "h")]
    >>> t = forest_traces(rows)
    >>> t[0]["x"], t[2]["y"], t[3]["x"]
    ([30.0, 70.0, None], ['a'], [])
    """
    strong_x: list[float | None] = []
    strong_y: list[str | None] = []
    faint_x: list[float | None] = []
    faint_y: list[str | None] = []
    points: dict[bool, dict[str, list[Any]]] = {
        flag: {"x": [], "y": [], "hovertext": [], "opacity": []} for flag in (True, False)
    }
    for row in rows:
        xs, ys = (strong_x, strong_y) if row.highlighted else (faint_x, faint_y)
        xs += [row.low, row.high, None]
        ys += [row.label, row.label, None]
        group = points[row.randomized]
        group["x"].append(row.percent)
        group["y"].append(row.label)
        group["hovertext"].append(row.hover)
        group["opacity"].append(1.0 if row.highlighted else _DIMMED)
    return [
        {"x": strong_x, "y": strong_y},
        {"x": faint_x, "y": faint_y},
        {"x": points[True]["x"], "y": points[True]["y"], "hovertext": points[True]["hovertext"],
         "marker.opacity": points[True]["opacity"]},
        {"x": points[False]["x"], "y": points[False]["y"], "hovertext": points[False]["hovertext"],
         "marker.opacity": points[False]["opacity"]},
    ]


def make_forest(
    rows: Sequence[ForestRow],
    *,
    title: str = "Response to immunosuppressive therapy, with Wilson 95% intervals",
    widget: bool = False,
    height: int = 640,
) -> go.Figure:
    """Forest-style chart of response proportions (%), one row per arm and timepoint.

    >>> fig = make_forest([ForestRow("Trial: drug, 6 mo, n=60", 68.3, 55.8, 78.7, True, True, "41/60")])
    >>> [t.name for t in fig.data][2:]
    ['Randomized trial arm (square)', 'Single-arm or non-randomized cohort (circle)']
    >>> fig.layout.xaxis.title.text
    'Patients responding (%)'
    """
    values = forest_traces(rows)
    data: list[Any] = [
        go.Scatter(name="Wilson 95% interval", mode="lines", line=dict(color="#333333", width=2.5),
                   hoverinfo="skip", **values[0]),
        go.Scatter(name="Wilson 95% interval (outside the comparison)", mode="lines", showlegend=False,
                   line=dict(color="#333333", width=1.5), opacity=_DIMMED, hoverinfo="skip", **values[1]),
    ]
    for flag, trace in ((True, values[2]), (False, values[3])):
        style = EVIDENCE_STYLE[flag]
        data.append(go.Scatter(
            name=style["name"],
            mode="markers",
            x=trace["x"],
            y=trace["y"],
            hovertext=trace["hovertext"],
            hoverinfo="text",
            marker=dict(symbol=style["symbol"], color=style["color"], size=12,
                        line=dict(color="#000000", width=1), opacity=trace["marker.opacity"]),
        ))
    layout = base_layout(
        title=title,
        x_title="Patients responding (%)",
        y_title="",
        xaxis=dict(range=[0, 100], dtick=10, zeroline=False),
        # First row at the top, in the order the rows are given.
        yaxis=dict(autorange="reversed", type="category", tickfont=dict(size=12)),
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
        height=height,
        margin=dict(l=10, r=20, t=60, b=80),
    )
    return make_figure(data, layout, widget=widget)


# --------------------------------------------------------------------------- cohort simulator

_STRIP = ("True rate of the source arm", "Middle 95% of simulated cohorts", "Wilson 95% CI of one cohort")


def simulation_traces(
    *,
    centres: Sequence[float],
    shares: Sequence[float],
    width: float,
    true_percent: float,
    middle: tuple[float, float],
    wilson: tuple[float, float],
    single_percent: float,
) -> list[dict[str, Any]]:
    """The changing values of the simulator's traces (all in %), in trace order.

    >>> t = simulation_traces(centres=[40.0, 50.0], shares=[30.0, 70.0], width=9.0, true_percent=45.0,
    ...                       middle=(40.0, 50.0), wilson=(25.0, 66.0), single_percent=45.0)
    >>> t[0]["y"], t[1]["x"], t[3]["x"]
    ([30.0, 70.0], [45.0, 45.0], [25.0, 45.0, 66.0])
    """
    top = max(shares, default=0.0)
    return [
        {"x": list(centres), "y": list(shares), "width": width},
        {"x": [true_percent, true_percent], "y": [0.0, top * 1.05 if top > 0 else 1.0]},
        {"x": [middle[0], middle[1]], "y": [_STRIP[1], _STRIP[1]]},
        {"x": [wilson[0], single_percent, wilson[1]], "y": [_STRIP[2]] * 3},
        {"x": [true_percent], "y": [_STRIP[0]]},
    ]


def make_simulation(
    *,
    centres: Sequence[float],
    shares: Sequence[float],
    width: float,
    true_percent: float,
    middle: tuple[float, float],
    wilson: tuple[float, float],
    single_percent: float,
    title: str = "Observed response rates in simulated cohorts",
    widget: bool = False,
) -> go.Figure:
    """Histogram of observed response rates across simulated cohorts, with reference strips.

    The bottom panel shows what share of simulated cohorts observed each
    response rate; the top strip marks the true rate, the range holding the
    middle 95% of cohorts and the Wilson interval one cohort of the same size
    would report.

    >>> fig = make_simulation(centres=[40.0, 50.0], shares=[30.0, 70.0], width=9.0, true_percent=45.0,
    ...                       middle=(40.0, 50.0), wilson=(25.0, 66.0), single_percent=45.0)
    >>> fig.data[0].type, fig.layout.yaxis.title.text
    ('bar', 'Simulated cohorts (%)')
    """
    values = simulation_traces(centres=centres, shares=shares, width=width, true_percent=true_percent,
                               middle=middle, wilson=wilson, single_percent=single_percent)
    data = [
        go.Bar(name="Simulated cohorts", marker=dict(color=PALETTE["sky_blue"], line=dict(color="#1a1a1a", width=0.5)),
               hovertemplate="%{x:.1f}% responded in %{y:.1f}% of cohorts<extra></extra>", **values[0]),
        go.Scatter(name="True rate", mode="lines", line=dict(color="#000000", width=2, dash="dash"),
                   hoverinfo="skip", **values[1]),
        go.Scatter(name="Middle 95% of cohorts", mode="lines+markers", yaxis="y2",
                   line=dict(color=PALETTE["blue"], width=4), marker=dict(symbol="line-ns-open", size=14),
                   hovertemplate="%{x:.1f}%<extra>middle 95% of cohorts</extra>", **values[2]),
        go.Scatter(name="Wilson 95% CI of one cohort", mode="lines+markers", yaxis="y2",
                   line=dict(color=PALETTE["vermillion"], width=4, dash="dot"),
                   marker=dict(symbol=["line-ns-open", "circle", "line-ns-open"], size=[14, 10, 14]),
                   hovertemplate="%{x:.1f}%<extra>Wilson 95% CI</extra>", **values[3]),
        go.Scatter(name="True rate (source arm)", mode="markers", yaxis="y2", showlegend=False,
                   marker=dict(symbol="diamond", size=13, color="#000000"),
                   hovertemplate="%{x:.1f}%<extra>true rate</extra>", **values[4]),
    ]
    layout = base_layout(
        title=title,
        x_title="Observed response rate in a cohort (%)",
        y_title="Simulated cohorts (%)",
        xaxis=dict(range=[-2, 102], dtick=10, zeroline=False),
        yaxis=dict(domain=[0, 0.68], rangemode="tozero"),
        yaxis2=dict(domain=[0.76, 1.0], type="category", categoryorder="array",
                    categoryarray=list(reversed(_STRIP)), anchor="x", automargin=True, tickfont=dict(size=12)),
        bargap=0,
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0),
        height=480,
        margin=dict(l=10, r=20, t=60, b=90),
    )
    return make_figure(data, layout, widget=widget)


# --------------------------------------------------------------------------- response criteria

#: The order and labels of the four count panels.
COUNT_PANELS = (
    ("anc", "Neutrophils (ANC)"),
    ("hb", "Hemoglobin"),
    ("platelets", "Platelets"),
    ("reticulocytes", "Reticulocytes"),
)


def make_response_counts(
    *,
    values: dict[str, float],
    units: dict[str, str],
    ranges: dict[str, tuple[float, float]],
    complete_cutoffs: dict[str, float],
    severe_cutoffs: dict[str, float],
    texts: dict[str, str],
    title: str = "Blood counts against the NIH response cut-offs",
    widget: bool = False,
) -> go.Figure:
    """Four stacked panels, one per count, each in its own unit, with its cut-offs.

    A solid line marks the complete-response cut-off (a count must reach it), a
    dashed line the severe-disease cut-off (a count below it still counts as
    severe). Trace ``i`` is the bar of panel ``i`` in :data:`COUNT_PANELS`.

    >>> fig = make_response_counts(
    ...     values={"anc": 1.2, "hb": 11, "platelets": 120, "reticulocytes": 80},
    ...     units={"anc": "10^9/L", "hb": "g/dL", "platelets": "10^9/L", "reticulocytes": "10^9/L"},
    ...     ranges={"anc": (0, 3), "hb": (4, 16), "platelets": (0, 300), "reticulocytes": (0, 150)},
    ...     complete_cutoffs={"anc": 1.0, "hb": 10, "platelets": 100},
    ...     severe_cutoffs={"anc": 0.5, "platelets": 20, "reticulocytes": 60},
    ...     texts={"anc": "a", "hb": "b", "platelets": "c", "reticulocytes": "d"})
    >>> len(fig.data), fig.layout.xaxis4.title.text
    (6, 'Reticulocytes (10^9/L)')
    """
    panel_height = 1 / len(COUNT_PANELS)
    data: list[Any] = []
    shapes: list[dict[str, Any]] = []
    axes: dict[str, Any] = {}
    for i, (key, label) in enumerate(COUNT_PANELS):
        suffix = "" if i == 0 else str(i + 1)
        top = 1 - i * panel_height
        axes[f"yaxis{suffix}"] = dict(domain=[top - panel_height + 0.1, top - 0.02], showticklabels=False,
                                      range=[-0.5, 0.5], fixedrange=True, anchor=f"x{suffix}")
        axes[f"xaxis{suffix}"] = dict(title=dict(text=f"{label} ({units[key]})", standoff=2),
                                      range=list(ranges[key]), anchor=f"y{suffix}", zeroline=False)
        data.append(go.Bar(x=[values[key]], y=[0], orientation="h", width=0.6, xaxis=f"x{suffix}",
                           yaxis=f"y{suffix}", showlegend=False, name=label, text=[texts[key]],
                           textposition="outside", cliponaxis=False,
                           marker=dict(color=PALETTE["sky_blue"], line=dict(color="#1a1a1a", width=1)),
                           hovertemplate=f"{label}: %{{x}} {units[key]}<extra></extra>"))
        for cutoffs, dash, color in ((complete_cutoffs, "solid", PALETTE["green"]),
                                     (severe_cutoffs, "dash", PALETTE["vermillion"])):
            if key in cutoffs:
                shapes.append(dict(type="line", xref=f"x{suffix}", yref=f"y{suffix} domain", x0=cutoffs[key],
                                   x1=cutoffs[key], y0=0, y1=1, line=dict(color=color, width=3, dash=dash)))
    # Two legend-only traces explain the line styles (shapes have no legend).
    data.append(go.Scatter(x=[None], y=[None], mode="lines", name="Complete-response cut-off (solid)",
                           line=dict(color=PALETTE["green"], width=3)))
    data.append(go.Scatter(x=[None], y=[None], mode="lines", name="Severe-disease cut-off (dashed)",
                           line=dict(color=PALETTE["vermillion"], width=3, dash="dash")))
    layout = base_layout(title=title, x_title="", y_title="", height=460, shapes=shapes,
                         legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
                         margin=dict(l=10, r=20, t=90, b=10), **axes)
    return make_figure(data, layout, widget=widget)
