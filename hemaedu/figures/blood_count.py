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
only; each row's label, real value and range are printed above it (so the plot
keeps the whole width of a phone) and in the hover.

Values below the range are drawn as left-pointing vermillion triangles, values
above it as right-pointing orange triangles and values inside it as blue
circles, so the status never relies on colour alone.

Every string the figure shows (title, axis title, legend names, row labels,
hover and side texts) is passed in by the caller, so the builder holds no
learner-visible words. Each trace carries its key of :data:`TRACES` as a
language-neutral id in ``meta`` (a FigureWidget overwrites ``uid``) and is
addressed by it, never by position; its ``name`` is the legend text.

>>> relative_position(75, 150)
50.0
>>> relative_position(9999, 150)  # capped at the right edge
600.0
>>> relative_position(0, 150)  # zero cannot sit on a log axis: drawn at the left edge
1.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go

from . import PALETTE, base_layout, make_figure, wrap_text

__all__ = [
    "MAX_POSITION",
    "MIN_POSITION",
    "TRACES",
    "axis_labels",
    "Mark",
    "MeasureRow",
    "make_blood_count_figure",
    "relative_position",
    "trace_data",
]

#: Edges of the relative scale (percent of the lower limit): values beyond are drawn at the edge.
MIN_POSITION = 1.0
MAX_POSITION = 600.0
# Each row's label and value are printed above its band, from the left edge of the scale, so
# the plot keeps the figure's whole width (on a phone, labels beside the rows left it 90 px).
_LEFT_EDGE = MIN_POSITION * 0.8
_RIGHT_EDGE = MAX_POSITION * 1.3
_BAND_HALF_HEIGHT = 0.2
# Where the row's text sits, above its band (in rows), and the height of one row in pixels.
_TEXT_OFFSET = _BAND_HALF_HEIGHT + 0.03
_ROW_PX = 100

#: The figure's traces, in drawing order; ``labels`` passed to
#: :func:`make_blood_count_figure` names each one (its legend entry).
TRACES = ("band", "stem", "normal", "low", "high", "cutoff", "other_limit", "text")

_STATUS_STYLE = {
    "normal": dict(symbol="circle", color=PALETTE["blue"]),
    "low": dict(symbol="triangle-left", color=PALETTE["vermillion"]),
    "high": dict(symbol="triangle-right", color=PALETTE["orange"]),
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
    """A labelled tick on a row at ``value`` (the row's unit): a cut-off or another source's limit."""

    value: float
    text: str


@dataclass(frozen=True)
class MeasureRow:
    """One row of the chart, in the unit the learner chose.

    ``status`` is ``"low"``, ``"normal"`` or ``"high"`` relative to the
    reference range ``low``-``high`` (``high`` is None when the source gives a
    lower limit only). ``label`` is the row's axis label, ``side_text`` is
    printed beside the row and ``hover`` shown over its point.
    """

    key: str
    label: str
    value: float
    low: float
    high: float | None
    status: str
    side_text: str
    hover: str
    cutoffs: tuple[Mark, ...] = field(default_factory=tuple)
    other_limits: tuple[Mark, ...] = field(default_factory=tuple)

    @property
    def position(self) -> float:
        """Where the value sits on the relative scale."""
        return relative_position(self.value, self.low)

    @property
    def band_end(self) -> float:
        """Where the shaded band ends on the relative scale."""
        return MAX_POSITION if self.high is None else relative_position(self.high, self.low)


def _row_y(n_rows: int, i: int) -> float:
    # First measure on top.
    return float(n_rows - 1 - i)


def trace_data(rows: Sequence[MeasureRow]) -> dict[str, dict[str, list]]:
    """The data of every trace (keyed by :data:`TRACES`) for ``rows``.

    Pure: apps call it on every change and copy only what differs into the
    existing figure.

    >>> row = MeasureRow("platelets", "Platelets", 60.0, 150.0, 450.0, "low", "", "", (Mark(20.0, ""),))
    >>> data = trace_data([row])
    >>> data["low"]["x"], data["cutoff"]["x"], data["normal"]["x"]
    ([40.0], [13.333333333333334], [])
    """
    n = len(rows)
    band: dict[str, list] = {"x": [], "y": []}
    stem: dict[str, list] = {"x": [], "y": []}
    points: dict[str, dict[str, list]] = {s: {"x": [], "y": [], "customdata": []} for s in _STATUS_STYLE}
    cut: dict[str, list] = {"x": [], "y": [], "customdata": []}
    other: dict[str, list] = {"x": [], "y": [], "customdata": []}
    text: dict[str, list] = {"x": [], "y": [], "text": []}
    for i, row in enumerate(rows):
        y = _row_y(n, i)
        lo_y, hi_y = y - _BAND_HALF_HEIGHT, y + _BAND_HALF_HEIGHT
        end = row.band_end
        band["x"] += [100.0, end, end, 100.0, 100.0, None]
        band["y"] += [lo_y, lo_y, hi_y, hi_y, lo_y, None]
        position = row.position
        stem["x"] += [100.0, position, None]
        stem["y"] += [y, y, None]
        p = points[row.status]
        p["x"].append(position)
        p["y"].append(y)
        p["customdata"].append(row.hover)
        for marks, target in ((row.cutoffs, cut), (row.other_limits, other)):
            for mark in marks:
                target["x"].append(relative_position(mark.value, row.low))
                target["y"].append(y)
                target["customdata"].append(mark.text)
        text["x"].append(_LEFT_EDGE)
        text["y"].append(y + _TEXT_OFFSET)
        text["text"].append(row_text(row))
    return {"band": band, "stem": stem, **points, "cutoff": cut, "other_limit": other, "text": text}


def row_text(row: MeasureRow) -> str:
    """The text above a row: its label in bold, then its value and range.

    >>> row_text(MeasureRow("platelets", "Platelets (×10⁹/L)", 60.0, 150.0, 450.0, "low", "60 (range 150–450)", ""))
    '<b>Platelets (×10⁹/L)</b><br>60 (range 150–450)'
    """
    return f"<b>{row.label}</b><br>{row.side_text}"


def axis_labels(rows: Sequence[MeasureRow]) -> list[str]:
    """The y-axis tick labels, top row first (change them when a row's unit changes)."""
    return [r.label for r in rows]


def make_blood_count_figure(
    rows: Sequence[MeasureRow],
    *,
    labels: Mapping[str, str],
    widget: bool = False,
) -> go.Figure:
    """One row per measure: the value on a relative scale over the shaded normal band.

    Parameters
    ----------
    rows : sequence of MeasureRow
        The measures to draw, top to bottom.
    labels : mapping
        The words the figure shows: ``title``, ``x_title``, ``tick_lower_limit``
        and one legend name per key of :data:`TRACES`.
    widget : bool
        Return a ``go.FigureWidget`` (layout given to the constructor) for live apps.

    >>> row = MeasureRow("platelets", "Platelets", 60.0, 150.0, 450.0, "low", "60", "60")
    >>> words = {key: key for key in (*TRACES, "title", "x_title", "tick_lower_limit")}
    >>> fig = make_blood_count_figure([row], labels=words)
    >>> trace = next(t for t in fig.data if t.meta == "low")
    >>> trace.name, trace.x
    ('low', (40.0,))
    >>> fig.layout.xaxis.type
    'log'
    """
    missing = [k for k in (*TRACES, "title", "x_title", "tick_lower_limit") if k not in labels]
    if missing:
        raise ValueError(f"make_blood_count_figure: labels lacks {missing}; pass the lesson's figure texts")
    n = len(rows)
    data = trace_data(rows)
    hover = "%{customdata}<extra></extra>"
    styles: dict[str, dict] = {
        "band": dict(mode="lines", fill="toself", fillcolor="rgba(0, 158, 115, 0.22)",
                     line=dict(color=PALETTE["green"], width=1), hoverinfo="skip"),
        "stem": dict(mode="lines", showlegend=False, line=dict(color="#9a9a9a", width=3), hoverinfo="skip"),
        **{status: dict(mode="markers", hovertemplate=hover,
                        marker=dict(symbol=style["symbol"], color=style["color"], size=17,
                                    line=dict(color="#1a1a1a", width=1)))
           for status, style in _STATUS_STYLE.items()},
        "cutoff": dict(mode="markers", hovertemplate=hover,
                       marker=dict(symbol="line-ns-open", color=PALETTE["purple"], size=26, line=dict(width=3))),
        "other_limit": dict(mode="markers", hovertemplate=hover,
                            marker=dict(symbol="diamond-open", color=PALETTE["black"], size=11, line=dict(width=2))),
        "text": dict(mode="text", textposition="top right", showlegend=False, hoverinfo="skip",
                     textfont=dict(size=13, color="#1a1a1a"), cliponaxis=False),
    }
    traces = [go.Scatter(data[key], name=labels[key], meta=key, **styles[key]) for key in TRACES]
    layout = base_layout(
        title=labels["title"],
        x_title=labels["x_title"],
        y_title="",
        xaxis=dict(
            type="log",
            range=[math.log10(_LEFT_EDGE), math.log10(_RIGHT_EDGE)],
            # No 50 or 200: beside the wider "100 / lower limit" they collided on a phone.
            tickvals=[MIN_POSITION, 2, 5, 10, 20, 100, MAX_POSITION],
            ticktext=[f"≤{MIN_POSITION:g}", "2", "5", "10", "20",
                      f"100<br>{wrap_text(labels['tick_lower_limit'], 6)}", f"≥{MAX_POSITION:g}"],
            zeroline=False,
            fixedrange=True,
        ),
        yaxis=dict(
            range=[-0.45, n - 1 + _TEXT_OFFSET + 0.42],
            tickvals=[_row_y(n, i) for i in range(n)],
            ticktext=axis_labels(rows),
            # The labels are printed above the rows (the "text" trace); the ticks stay for
            # screen readers' sake in the layout but are not drawn beside the plot.
            showticklabels=False,
            fixedrange=True,
            showgrid=False,
            zeroline=False,
        ),
        # Legend at the foot of the figure (container coordinates, so it clears the axis title
        # however many rows it wraps to on a phone).
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0),
        height=300 + _ROW_PX * n,
        margin=dict(l=10, r=10, t=60, b=10),
    )
    return make_figure(traces, layout, widget=widget)
