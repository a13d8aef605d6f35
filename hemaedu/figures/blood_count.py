"""A full blood count drawn against reference ranges, one row per measure.

Hemoglobin, white cells, neutrophils, platelets and reticulocytes live on very
different scales (g/dL next to 10^9/L), so every row shares one *relative*
scale: the value as a percentage of the row's lower reference limit, on a
logarithmic axis. 100 % is the lower limit on every row, so the shaded normal
bands all start at the same place and a learner sees at a glance which
lineages fall short and by how much ("the platelets are at 4 % of the lower
limit"). The log axis gives the low counts that matter in marrow failure room:
an ANC at 7 %, 13 % and 33 % of the lower limit are three clearly separate
points, where a linear axis would squeeze them together. A line joins each
value to the lower limit, so its length shows the shortfall. Each band ends at
the row's upper limit, or runs to the edge when the source gives a lower limit
only; the real value and range are printed beside each row and in the hover.

Values below the range are drawn as left-pointing vermillion triangles, values
above it as right-pointing orange triangles and values inside it as blue
circles, so the status never relies on colour alone.

>>> relative_position(75, 150)
50.0
>>> relative_position(9999, 150)  # capped at the right edge
600.0
>>> relative_position(0, 150)  # zero cannot sit on a log axis: drawn at the left edge
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go

from . import PALETTE, base_layout, make_figure

__all__ = [
    "MAX_POSITION",
    "MIN_POSITION",
    "TRACE_INDEX",
    "Mark",
    "MeasureRow",
    "make_blood_count_figure",
    "relative_position",
    "trace_data",
]

#: Edges of the relative scale (percent of the lower limit): values beyond are drawn at the edge.
MIN_POSITION = 1.0
MAX_POSITION = 600.0
# Where the printed values start (right of the plotted scale, log axis).
_TEXT_X = MAX_POSITION * 1.25
_BAND_HALF_HEIGHT = 0.32

#: Trace order of the figure, so apps and tests can address traces by name.
TRACE_INDEX = {
    "band": 0,
    "stem": 1,
    "normal": 2,
    "low": 3,
    "high": 4,
    "cutoff": 5,
    "other_limit": 6,
    "text": 7,
}

_STATUS_STYLE = {
    "normal": dict(name="Within the reference range", symbol="circle", color=PALETTE["blue"]),
    "low": dict(name="Below the lower limit", symbol="triangle-left", color=PALETTE["vermillion"]),
    "high": dict(name="Above the upper limit", symbol="triangle-right", color=PALETTE["orange"]),
}


def relative_position(value: float, low: float) -> float:
    """``value`` as a percentage of the lower limit ``low``, kept within the drawn scale.

    >>> relative_position(4.0, 4.0), relative_position(1.0, 4.0)
    (100.0, 25.0)
    """
    if not (math.isfinite(value) and math.isfinite(low)) or not low > 0 or value < 0:
        raise ValueError(f"relative_position needs a finite value >= 0 and a lower limit > 0, got {value!r}, {low!r}")
    return min(max(100.0 * value / low, MIN_POSITION), MAX_POSITION)


@dataclass(frozen=True)
class Mark:
    """A labelled tick on a row: a severity cut-off or another source's limit."""

    position: float
    text: str


@dataclass(frozen=True)
class MeasureRow:
    """One row of the chart, in the units the learner chose.

    ``status`` is ``"low"``, ``"normal"`` or ``"high"`` relative to the
    reference range ``low``-``high`` (``high`` is None when the source gives a
    lower limit only); ``value_text`` and ``range_text`` are printed beside the
    row, ``hover_range`` (e.g. the sources of the limits) in the hover text.
    """

    @property
    def band_end(self) -> float:
        """Where the shaded band ends on the relative scale."""
        return MAX_POSITION if self.high is None else relative_position(self.high, self.low)

    key: str
    label: str
    value: float
    unit: str
    low: float
    high: float | None
    status: str
    position: float
    value_text: str
    range_text: str
    hover_range: str = ""
    cutoffs: tuple[Mark, ...] = field(default_factory=tuple)
    other_limits: tuple[Mark, ...] = field(default_factory=tuple)


def _percent_text(row: MeasureRow) -> str:
    percent = 100.0 * row.value / row.low
    return f"{percent:.0f}%" if percent >= 10 else f"{percent:.1f}%"


def _row_y(n_rows: int, i: int) -> float:
    # First measure on top.
    return float(n_rows - 1 - i)


def trace_data(rows: Sequence[MeasureRow]) -> list[dict[str, list]]:
    """The data of every trace (in :data:`TRACE_INDEX` order) for ``rows``.

    Pure: apps call it on every change and copy only what differs into the
    existing figure.
    """
    n = len(rows)
    band_x: list = []
    band_y: list = []
    stem_x: list = []
    stem_y: list = []
    points: dict[str, dict[str, list]] = {s: {"x": [], "y": [], "customdata": []} for s in _STATUS_STYLE}
    cut = {"x": [], "y": [], "customdata": []}
    other = {"x": [], "y": [], "customdata": []}
    text = {"x": [], "y": [], "text": []}
    for i, row in enumerate(rows):
        y = _row_y(n, i)
        lo_y, hi_y = y - _BAND_HALF_HEIGHT, y + _BAND_HALF_HEIGHT
        end = row.band_end
        band_x += [100.0, end, end, 100.0, 100.0, None]
        band_y += [lo_y, lo_y, hi_y, hi_y, lo_y, None]
        stem_x += [100.0, row.position, None]
        stem_y += [y, y, None]
        p = points[row.status]
        p["x"].append(row.position)
        p["y"].append(y)
        word = {"low": "below", "normal": "within", "high": "above"}[row.status]
        p["customdata"].append(
            f"{row.label}: {row.value_text} = {_percent_text(row)} of the lower limit, {word} the reference "
            f"range {row.range_text}{row.hover_range}"
        )
        for mark in row.cutoffs:
            cut["x"].append(mark.position)
            cut["y"].append(y)
            cut["customdata"].append(f"{row.label}: {mark.text}")
        for mark in row.other_limits:
            other["x"].append(mark.position)
            other["y"].append(y)
            other["customdata"].append(f"{row.label}: {mark.text}")
        text["x"].append(_TEXT_X)
        text["y"].append(y)
        text["text"].append(f"{row.value_text} (range {row.range_text})")
    return [
        {"x": band_x, "y": band_y},
        {"x": stem_x, "y": stem_y},
        points["normal"],
        points["low"],
        points["high"],
        cut,
        other,
        text,
    ]


def make_blood_count_figure(
    rows: Sequence[MeasureRow],
    *,
    title: str = "Blood count against reference ranges",
    widget: bool = False,
) -> go.Figure:
    """One row per measure: the value on a relative scale over the shaded normal band.

    Parameters
    ----------
    rows : sequence of MeasureRow
        The measures to draw, top to bottom.
    title : str
        Figure title.
    widget : bool
        Return a ``go.FigureWidget`` (layout given to the constructor) for live apps.

    >>> row = MeasureRow("platelets", "Platelets", 60.0, "×10⁹/L", 150.0, 450.0, "low",
    ...                  relative_position(60, 150), "60 ×10⁹/L", "150–450 ×10⁹/L")
    >>> fig = make_blood_count_figure([row])
    >>> fig.data[3].name, fig.data[3].x
    ('Below the lower limit', (40.0,))
    >>> fig.layout.xaxis.type
    'log'
    """
    n = len(rows)
    data = trace_data(rows)
    traces = [
        go.Scatter(
            data[0], name="Reference range (normal band)", mode="lines", fill="toself",
            fillcolor="rgba(0, 158, 115, 0.22)", line=dict(color=PALETTE["green"], width=1),
            hoverinfo="skip",
        ),
        go.Scatter(
            data[1], name="Distance from the lower limit", mode="lines", showlegend=False,
            line=dict(color="#9a9a9a", width=3), hoverinfo="skip",
        ),
    ]
    for status in ("normal", "low", "high"):
        style = _STATUS_STYLE[status]
        traces.append(
            go.Scatter(
                data[TRACE_INDEX[status]], name=style["name"], mode="markers",
                marker=dict(symbol=style["symbol"], color=style["color"], size=17,
                            line=dict(color="#1a1a1a", width=1)),
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            data[TRACE_INDEX["cutoff"]], name="Severe-disease cut-off (modified Camitta)", mode="markers",
            marker=dict(symbol="line-ns-open", color=PALETTE["purple"], size=26, line=dict(width=3)),
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    traces.append(
        go.Scatter(
            data[TRACE_INDEX["other_limit"]], name="Limit used by another source", mode="markers",
            marker=dict(symbol="diamond-open", color=PALETTE["black"], size=11, line=dict(width=2)),
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    traces.append(
        go.Scatter(
            data[TRACE_INDEX["text"]], name="Value (reference range)", mode="text",
            textposition="middle right", showlegend=False, hoverinfo="skip",
            textfont=dict(size=13, color="#1a1a1a"),
        )
    )
    layout = base_layout(
        title=title,
        x_title="Value as a percentage of the row's lower reference limit (%, log scale)",
        y_title="",
        xaxis=dict(
            type="log",
            range=[math.log10(MIN_POSITION * 0.8), math.log10(_TEXT_X * 22)],
            tickvals=[MIN_POSITION, 2, 5, 10, 20, 50, 100, 200, MAX_POSITION],
            ticktext=[f"≤{MIN_POSITION:g}", "2", "5", "10", "20", "50", "100<br>lower limit", "200",
                      f"≥{MAX_POSITION:g}"],
            zeroline=False,
            fixedrange=True,
        ),
        yaxis=dict(
            range=[-0.6, n - 0.4],
            tickvals=[_row_y(n, i) for i in range(n)],
            ticktext=[f"{r.label} ({r.unit})" for r in rows],
            fixedrange=True,
            showgrid=False,
            zeroline=False,
        ),
        # Legend above the rows: below them it would collide with the axis title.
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        height=210 + 62 * n,
        margin=dict(l=10, r=10, t=130, b=10),
    )
    layout["title"].update(y=0.98, yanchor="top")  # keep the title clear of the legend
    return make_figure(traces, layout, widget=widget)
