"""Figures for the immunosuppressive-therapy (IST) lesson (lesson 04).

Three side-effect-free builders, each returning a figure whose traces the lesson's apps
(:mod:`hemaedu.lessons.ist_response.apps`) later change in place, addressing each trace by its
``meta`` id (never by position; a FigureWidget replaces ``uid`` with its own):

* :func:`make_forest`: response rates with Wilson 95% intervals, one row per study arm and
  timepoint. Randomized arms are squares, single-arm or other non-randomized cohorts circles
  (shape, legend and row label all say it, so colour is never the only cue).
* :func:`make_simulation`: how observed response rates spread across many simulated cohorts
  of one size (a histogram sent as binned bars), with the middle 95% of cohorts and one
  cohort's Wilson interval.
* :func:`make_response_counts`: four blood counts against the NIH response cut-offs, one small
  panel per count in its own unit.

Builders take plain values and every text a learner reads (titles, axis titles, legend names,
hover templates) from the caller, who reads them from the lesson's content: nothing here is
English. They never read data or decide what is clinically true.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from . import PALETTE, base_layout, make_figure, wrap_text

__all__ = [
    "FOREST_IDS",
    "SIMULATION_IDS",
    "ForestRow",
    "forest_traces",
    "make_forest",
    "make_response_counts",
    "make_simulation",
    "simulation_traces",
]

#: Marker shape and colour for each kind of evidence; shape and legend carry the meaning.
EVIDENCE_STYLE: dict[bool, dict[str, str]] = {
    True: {"symbol": "square", "color": PALETTE["blue"]},
    False: {"symbol": "circle", "color": PALETTE["vermillion"]},
}
#: Trace ids (``meta``) of the forest: highlighted intervals, dimmed intervals, randomized and other points.
FOREST_IDS = ("intervals", "intervals_dimmed", "randomized", "single_arm", "labels")
#: Trace ids (``meta``) of the simulation: histogram, true-rate line, middle-95% strip, Wilson strip, true-rate marker.
SIMULATION_IDS = ("cohorts", "true_rate", "middle", "wilson", "true_rate_marker")

#: Characters per line of a forest row's label.
FOREST_LABEL_WIDTH = 40
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


def forest_label(label: str) -> str:
    """A forest row's label as the chart shows it: wrapped onto short lines.

    >>> forest_label("Scheinberg 2011 [randomized]: hATG + CsA, 6 mo, n=60")
    'Scheinberg 2011 [randomized]: hATG +<br>CsA, 6 mo, n=60'
    """
    return wrap_text(label, FOREST_LABEL_WIDTH)


def forest_traces(rows: Sequence[ForestRow]) -> dict[str, dict[str, Any]]:
    """The changing values of the forest's traces, by trace id (``meta``, :data:`FOREST_IDS`).

    Intervals are one line trace each for highlighted and dimmed rows, with ``None`` gaps
    between rows, so a whole chart is four small traces.

    Each row's label is printed above its interval (trace ``"labels"``), from the left edge, so
    the plot keeps the figure's whole width: beside the rows, the labels left it 64 px on a phone.

    >>> t = forest_traces([ForestRow("a", 50.0, 30.0, 70.0, True, True, "h")])
    >>> t["intervals"]["x"], t["randomized"]["y"], t["single_arm"]["x"], t["labels"]["text"]
    ([30.0, 70.0, None], ['a'], [], ['a'])
    """
    lines: dict[bool, dict[str, list[Any]]] = {flag: {"x": [], "y": []} for flag in (True, False)}
    points: dict[bool, dict[str, list[Any]]] = {
        flag: {"x": [], "y": [], "hovertext": [], "marker.opacity": []} for flag in (True, False)
    }
    labels: dict[str, list[Any]] = {"x": [], "y": [], "text": []}
    for row in rows:
        label = row.label
        labels["x"].append(0.0)
        labels["y"].append(label)
        labels["text"].append(forest_label(label))
        line = lines[row.highlighted]
        line["x"] += [row.low, row.high, None]
        line["y"] += [label, label, None]
        group = points[row.randomized]
        group["x"].append(row.percent)
        group["y"].append(label)
        group["hovertext"].append(row.hover)
        group["marker.opacity"].append(1.0 if row.highlighted else _DIMMED)
    return {"intervals": lines[True], "intervals_dimmed": lines[False],
            "randomized": points[True], "single_arm": points[False], "labels": labels}


def make_forest(rows: Sequence[ForestRow], *, texts: Mapping[str, str], widget: bool = False,
                height: int = 640) -> go.Figure:
    """Forest-style chart of response proportions (%), one row per arm and timepoint.

    ``texts`` holds ``title``, ``x_title`` and the legend names ``interval_legend``,
    ``interval_dimmed_legend``, ``randomized_legend`` and ``single_arm_legend``.

    >>> texts = {k: k.upper() for k in ("title", "x_title", "interval_legend", "interval_dimmed_legend",
    ...                                  "randomized_legend", "single_arm_legend")}
    >>> fig = make_forest([ForestRow("Trial: drug, 6 mo, n=60", 68.3, 55.8, 78.7, True, True, "41/60")],
    ...                   texts=texts)
    >>> [t.meta for t in fig.data], fig.layout.xaxis.title.text
    (['intervals', 'intervals_dimmed', 'randomized', 'single_arm', 'labels'], 'X_TITLE')
    """
    values = forest_traces(rows)
    data: list[Any] = [
        go.Scatter(meta="intervals", name=texts["interval_legend"], mode="lines",
                   line={"color": "#333333", "width": 2.5}, hoverinfo="skip", **values["intervals"]),
        go.Scatter(meta="intervals_dimmed", name=texts["interval_dimmed_legend"], mode="lines", showlegend=False,
                   line={"color": "#333333", "width": 1.5}, opacity=_DIMMED, hoverinfo="skip",
                   **values["intervals_dimmed"]),
    ]
    kinds = ((True, "randomized", "randomized_legend"), (False, "single_arm", "single_arm_legend"))
    for flag, trace_id, legend in kinds:
        style, trace = EVIDENCE_STYLE[flag], values[trace_id]
        data.append(go.Scatter(
            meta=trace_id, name=texts[legend], mode="markers", x=trace["x"], y=trace["y"],
            hovertext=trace["hovertext"], hoverinfo="text",
            marker={"symbol": style["symbol"], "color": style["color"], "size": 12,
                    "line": {"color": "#000000", "width": 1}, "opacity": trace["marker.opacity"]},
        ))
    data.append(go.Scatter(meta="labels", name="", mode="text", textposition="top right", showlegend=False,
                           hoverinfo="skip", cliponaxis=False, textfont={"size": 11, "color": "#1a1a1a"},
                           **values["labels"]))
    layout = base_layout(
        title=texts["title"], x_title=texts["x_title"], y_title="",
        # No fixed tick step: plotly spaces the ticks by the width it gets (every 10 collided on a phone).
        xaxis={"range": [0, 100], "zeroline": False},
        # First row at the top, in the order the rows are given.
        # The row labels are printed above the rows (trace "labels"), not beside them.
        yaxis={"autorange": "reversed", "type": "category", "showticklabels": False, "showgrid": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        # Rows tall enough for labels wrapped onto up to four lines.
        height=max(height, 190 + 54 * len(rows)), margin={"l": 10, "r": 20, "t": 95, "b": 80},
    )
    return make_figure(data, layout, widget=widget)


# --------------------------------------------------------------------------- cohort simulator


def strip_labels(strip: Sequence[str]) -> list[str]:
    """The simulator's strip rows as drawn: wrapped, so the histogram keeps a phone's width."""
    return [wrap_text(label, 14) for label in strip]


def simulation_traces(*, centres: Sequence[float], shares: Sequence[float], width: float, true_percent: float,
                      middle: tuple[float, float], wilson: tuple[float, float], single_percent: float,
                      strip: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The changing values of the simulator's traces (all in %), by trace id (``meta``, :data:`SIMULATION_IDS`).

    ``strip`` names the three rows above the histogram: true rate, middle 95%, Wilson interval.

    >>> t = simulation_traces(centres=[40.0, 50.0], shares=[30.0, 70.0], width=9.0, true_percent=45.0,
    ...                       middle=(40.0, 50.0), wilson=(25.0, 66.0), single_percent=45.0, strip="TMW")
    >>> t["cohorts"]["y"], t["true_rate"]["x"], t["wilson"]["x"]
    ([30.0, 70.0], [45.0, 45.0], [25.0, 45.0, 66.0])
    """
    top = max(shares, default=0.0)
    strip = strip_labels(strip)
    return {
        "cohorts": {"x": list(centres), "y": list(shares), "width": width},
        "true_rate": {"x": [true_percent, true_percent], "y": [0.0, top * 1.05 if top > 0 else 1.0]},
        "middle": {"x": [middle[0], middle[1]], "y": [strip[1], strip[1]]},
        "wilson": {"x": [wilson[0], single_percent, wilson[1]], "y": [strip[2]] * 3},
        "true_rate_marker": {"x": [true_percent], "y": [strip[0]]},
    }


def make_simulation(*, centres: Sequence[float], shares: Sequence[float], width: float, true_percent: float,
                    middle: tuple[float, float], wilson: tuple[float, float], single_percent: float,
                    texts: Mapping[str, str], widget: bool = False) -> go.Figure:
    """Histogram of observed response rates across simulated cohorts, with reference strips.

    The bottom panel shows what share of simulated cohorts observed each response rate; the top
    strip marks the true rate, the range of the middle 95% of cohorts and the Wilson interval
    one cohort of the same size would report. ``texts``: ``title``, ``x_title``, ``y_title``,
    the trace names ``bars``, ``true_rate``, ``middle``, ``wilson``, ``true_rate_marker``, their
    hover templates ``*_hover`` and the strip rows ``strip_true``, ``strip_middle``, ``strip_wilson``.
    """
    strip = (texts["strip_true"], texts["strip_middle"], texts["strip_wilson"])
    values = simulation_traces(centres=centres, shares=shares, width=width, true_percent=true_percent,
                               middle=middle, wilson=wilson, single_percent=single_percent, strip=strip)
    data = [
        go.Bar(meta="cohorts", name=texts["bars"], hovertemplate=texts["bars_hover"],
               marker={"color": PALETTE["sky_blue"], "line": {"color": "#1a1a1a", "width": 0.5}}, **values["cohorts"]),
        go.Scatter(meta="true_rate", name=texts["true_rate"], mode="lines", hoverinfo="skip",
                   line={"color": "#000000", "width": 2, "dash": "dash"}, **values["true_rate"]),
        go.Scatter(meta="middle", name=texts["middle"], mode="lines+markers", yaxis="y2",
                   line={"color": PALETTE["blue"], "width": 4}, marker={"symbol": "line-ns-open", "size": 14},
                   hovertemplate=texts["middle_hover"], **values["middle"]),
        go.Scatter(meta="wilson", name=texts["wilson"], mode="lines+markers", yaxis="y2",
                   line={"color": PALETTE["vermillion"], "width": 4, "dash": "dot"},
                   marker={"symbol": ["line-ns-open", "circle", "line-ns-open"], "size": [14, 10, 14]},
                   hovertemplate=texts["wilson_hover"], **values["wilson"]),
        go.Scatter(meta="true_rate_marker", name=texts["true_rate_marker"], mode="markers", yaxis="y2",
                   showlegend=False, marker={"symbol": "diamond", "size": 13, "color": "#000000"},
                   hovertemplate=texts["true_rate_hover"], **values["true_rate_marker"]),
    ]
    layout = base_layout(
        title=texts["title"], x_title=texts["x_title"], y_title=texts["y_title"],
        xaxis={"range": [-2, 102], "zeroline": False},
        yaxis={"domain": [0, 0.62], "rangemode": "tozero"},
        yaxis2={"domain": [0.7, 1.0], "type": "category", "categoryorder": "array",
                "categoryarray": list(reversed(strip_labels(strip))), "anchor": "x", "automargin": True,
                "tickfont": {"size": 12}},
        bargap=0, legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0},
        height=560, margin={"l": 10, "r": 20, "t": 60, "b": 90},
    )
    return make_figure(data, layout, widget=widget)


# --------------------------------------------------------------------------- response criteria


#: Each count's panel, in its y axis's units: the bar fills -0.3..0.3, the cut-off lines
#: -0.45..0.45, and the bar's value label sits above them at 0.76 (12 px text: about 0.3 units of
#: a panel in the 520 px chart), so no cut-off line can cross the label whatever the count and the
#: screen's width. (The label used to sit right of the bar's end, where the line of a count just
#: below its cut-off went through it.)
RESPONSE_Y_RANGE, RESPONSE_BAR_WIDTH, RESPONSE_LINE_SPAN, RESPONSE_LABEL_Y = (-0.45, 1.0), 0.6, (-0.45, 0.45), 0.76
RESPONSE_LABEL_FONT_PX, RESPONSE_HEIGHT_PX = 12, 550
#: Top margin: room for the title and, above the panels, the legend of the line styles; on a
#: phone each takes two lines (the page wraps the title upwards from plotly's line).
RESPONSE_TOP_MARGIN_PX = 120


def make_response_counts(*, panels: Sequence[tuple[str, str]], values: Mapping[str, float],
                         ranges: Mapping[str, tuple[float, float]], complete_cutoffs: Mapping[str, float],
                         severe_cutoffs: Mapping[str, float], texts: Mapping[str, str],
                         bar_texts: Mapping[str, str], axis_titles: Mapping[str, str],
                         hovers: Mapping[str, str], widget: bool = False) -> go.Figure:
    """Stacked panels, one per count in its own unit, each with its cut-offs.

    ``panels`` gives each count's key (the bar's trace id, ``meta``) and label, top to bottom. A solid
    line marks the complete-response cut-off (a count must reach it), a dashed line the
    severe-disease cut-off (a count below it still counts as severe); two legend-only traces
    (ids ``complete_cutoff`` and ``severe_cutoff``, names ``texts["complete_legend"]`` and
    ``texts["severe_legend"]``) explain the line styles. ``bar_texts`` (the value and what it
    meets) is written above each bar, from the panel's left edge, by the text trace with id
    ``<key>_label``: above the cut-off lines, so they never cross it.

    >>> keys = ("anc", "hb")
    >>> fig = make_response_counts(panels=[(k, k.upper()) for k in keys], values={"anc": 1.2, "hb": 11},
    ...     ranges={"anc": (0, 3), "hb": (4, 16)}, complete_cutoffs={"anc": 1.0, "hb": 10},
    ...     severe_cutoffs={"anc": 0.5}, texts={"title": "T", "complete_legend": "C", "severe_legend": "S"},
    ...     bar_texts={k: k for k in keys}, axis_titles={k: k for k in keys}, hovers={k: k for k in keys})
    >>> [t.meta for t in fig.data], len(fig.layout.shapes)
    (['anc', 'anc_label', 'hb', 'hb_label', 'complete_cutoff', 'severe_cutoff'], 3)
    """
    panel_height = 1 / len(panels)
    data: list[Any] = []
    shapes: list[dict[str, Any]] = []
    axes: dict[str, Any] = {}
    for i, (key, label) in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        top = 1 - i * panel_height
        axes[f"yaxis{suffix}"] = {"domain": [top - panel_height + 0.1, top - 0.02], "showticklabels": False,
                                  "range": list(RESPONSE_Y_RANGE), "fixedrange": True, "anchor": f"x{suffix}"}
        axes[f"xaxis{suffix}"] = {"title": {"text": axis_titles[key], "standoff": 2}, "range": list(ranges[key]),
                                  "anchor": f"y{suffix}", "zeroline": False}
        data.append(go.Bar(meta=key, name=label, x=[values[key]], y=[0], orientation="h", width=RESPONSE_BAR_WIDTH,
                           xaxis=f"x{suffix}", yaxis=f"y{suffix}", showlegend=False, hovertemplate=hovers[key],
                           marker={"color": PALETTE["sky_blue"], "line": {"color": "#1a1a1a", "width": 1}}))
        data.append(go.Scatter(meta=f"{key}_label", name=label, x=[ranges[key][0]], y=[RESPONSE_LABEL_Y],
                               mode="text", text=[bar_texts[key]], textposition="middle right", cliponaxis=False,
                               textfont={"size": RESPONSE_LABEL_FONT_PX, "color": "#1a1a1a"},
                               xaxis=f"x{suffix}", yaxis=f"y{suffix}", showlegend=False, hoverinfo="skip"))
        for cutoffs, dash, color in ((complete_cutoffs, "solid", PALETTE["green"]),
                                     (severe_cutoffs, "dash", PALETTE["vermillion"])):
            if key in cutoffs:
                shapes.append({"type": "line", "xref": f"x{suffix}", "yref": f"y{suffix}", "x0": cutoffs[key],
                               "x1": cutoffs[key], "y0": RESPONSE_LINE_SPAN[0], "y1": RESPONSE_LINE_SPAN[1],
                               "line": {"color": color, "width": 3, "dash": dash}})
    # Shapes have no legend: two legend-only traces explain the line styles.
    data.append(go.Scatter(meta="complete_cutoff", x=[None], y=[None], mode="lines", name=texts["complete_legend"],
                           line={"color": PALETTE["green"], "width": 3}))
    data.append(go.Scatter(meta="severe_cutoff", x=[None], y=[None], mode="lines", name=texts["severe_legend"],
                           line={"color": PALETTE["vermillion"], "width": 3, "dash": "dash"}))
    layout = base_layout(title=texts["title"], x_title="", y_title="", height=RESPONSE_HEIGHT_PX, shapes=shapes,
                         legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
                         margin={"l": 10, "r": 20, "t": RESPONSE_TOP_MARGIN_PX, "b": 10}, **axes)
    return make_figure(data, layout, widget=widget)
