"""Figures for lesson 02: the causes explorer (an icicle) and the differential chart.

Side-effect-free builders. They take the small, already computed structures of
:mod:`hemaedu.lessons.causes` (plain lists) and every learner-visible string
(titles, trace names, hover templates) from the caller, so the app can change
the same traces in place and a translation never edits this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from . import PALETTE, base_layout, category_ticks, make_figure, wrap_text

__all__ = ["CONSISTENT_STYLE", "LESS_LIKELY_STYLE", "causes_height", "causes_labels", "label_px", "make_causes_chart",
           "make_causes_sunburst", "make_differential_chart", "with_root", "zoom_height_script"]

#: How a differential bar looks when the chosen cellularity fits it, and when not:
#: colour AND fill pattern differ, so the two never rely on colour alone.
CONSISTENT_STYLE = (PALETTE["blue"], "")
LESS_LIKELY_STYLE = ("#BBBBBB", "/")


#: Columns the causes chart shows at once (cytopenia, origin, group); tapping a box zooms in
#: and shows the columns under it (the causes themselves), tapping the left box zooms out.
CAUSES_DEPTH = 3
#: Characters per line of a box's label (a column is about 85 px wide on a phone, four columns
#: in 360 px: twelve letters of 13 px text).
CAUSES_LABEL_WIDTH = 12
#: A box one cause tall must fit its label: 24 px holds one line of 13 px text, each further line
#: needs 10 px more (measured in Chromium at 360 and 1000 px wide: with 30 px a two-line label was
#: hidden, with 34 px it showed). Plotly hides a label that does not fit (``uniformtext``).
CAUSE_BOX_PX, EXTRA_LINE_PX = 24, 10
#: A label of many lines needs 15 px a line: zoomed into "aplastic anemia" on a phone (390 px),
#: where plotly draws the causes' labels at 0.8 of 13 px, a six-line label was hidden in a box of
#: 81 px a cause and shown in 86 px; a seven-line one hidden in 96 px and shown in 101 px.
TALL_LABEL_LINE_PX = 15
#: The chart's margins above and below the boxes (title and path bar; the note under the chart).
MARGIN_TOP_PX, MARGIN_BOTTOM_PX = 70, 110
_VOWELS = frozenset("aeiouy")


def _word_pieces(word: str, width: int) -> list[str]:
    """``word`` cut into pieces of at most ``width`` characters, each cut ending in ``-`` or ``/``.

    A word is cut after a hyphen or slash it already has; otherwise before a consonant that sits
    between two vowels (thrombocyto-penia), a rough syllable break that needs no dictionary; at
    the last resort after ``width - 1`` letters. Pieces are at least three letters long.

    >>> _word_pieces("thrombocytopenia", 12)
    ['thrombocyto-', 'penia']
    >>> _word_pieces("immune/idiopathic", 12)
    ['immune/', 'idiopathic']
    >>> _word_pieces("graft-versus-host", 12)
    ['graft-', 'versus-host']
    """
    if len(word) <= width:
        return [word]
    marks = [i + 1 for i, char in enumerate(word[:width]) if char in "-/" and 3 <= i + 1 <= len(word) - 3]
    if marks:
        cut, mark = marks[-1], ""
    else:
        lower = word.lower()
        cuts = range(min(width - 1, len(word) - 3), 2, -1)
        cut = next((i for i in cuts if lower[i - 1] in _VOWELS and lower[i] not in _VOWELS
                    and lower[i + 1] in _VOWELS), width - 1)
        mark = "-"
    return [word[:cut] + mark, *_word_pieces(word[cut:], width)]


def wrap_label(label: str, width: int = CAUSES_LABEL_WIDTH) -> str:
    """``label`` in lines of at most ``width`` characters joined by ``<br>``; long words are cut.

    Plotly never breaks a line itself: a word wider than its box hid the whole label on a phone.

    >>> wrap_label("Immune thrombocytopenia (ITP)")
    'Immune<br>thrombocyto-<br>penia (ITP)'
    >>> wrap_label("Post-hepatitis (seronegative hepatitis)")
    'Post-<br>hepatitis<br>(seronega-<br>tive<br>hepatitis)'
    """
    lines: list[str] = []
    for word in label.split():
        for number, piece in enumerate(_word_pieces(word, width)):
            joint = " " if number == 0 else ""
            if lines and len(lines[-1]) + len(joint) + len(piece) <= width:
                lines[-1] += joint + piece
            else:
                lines.append(piece)
    return "<br>".join(lines)


def causes_labels(labels: Sequence[str]) -> list[str]:
    """The boxes' labels, wrapped to fit a narrow column (also used when the app patches them).

    >>> causes_labels(["Immune thrombocytopenia (ITP)"])
    ['Immune<br>thrombocyto-<br>penia (ITP)']
    >>> causes_labels(["aplastic anemia"])
    ['aplastic<br>anemia']
    """
    return [wrap_label(str(label)) for label in labels]


#: The id of the box that holds every cytopenia when the chart shows more than one.
ALL_ID = "all"


def with_root(tree: Mapping[str, Sequence[Any]], label: str) -> dict[str, list[Any]]:
    """``tree`` under one box called ``label`` when it has several top boxes.

    Without it plotly adds an empty box of its own: a blank first column a quarter of the width.

    >>> with_root({"ids": ["a", "b"], "labels": ["A", "B"], "parents": ["", ""], "values": [1, 2],
    ...            "colors": ["#fff", "#fff"], "hovertext": ["A", "B"]}, "All")["parents"]
    ['', 'all', 'all']
    """
    tops = [i for i, parent in enumerate(tree["parents"]) if not parent]
    out = {key: list(values) for key, values in tree.items()}
    if len(tops) < 2:
        return out
    out["parents"] = [ALL_ID if not parent else parent for parent in out["parents"]]
    for key, value in (("ids", ALL_ID), ("labels", label), ("parents", ""),
                       ("values", sum(tree["values"][i] for i in tops)), ("colors", "#D0D0D0"), ("hovertext", label)):
        out[key].insert(0, value)
    return out


def causes_depth(tree: Mapping[str, Sequence[Any]]) -> int:
    """Columns to show: cytopenia, origin and group, plus the first box when :func:`with_root` added it."""
    return CAUSES_DEPTH + (ALL_ID in tree["ids"])


def label_px(label: str) -> int:
    """Pixels of height a box needs to show ``label`` (wrapped by :func:`wrap_label`) on a phone.

    >>> label_px("Alcohol"), label_px("bone marrow disorders")
    (24, 34)
    >>> label_px("Post-hepatitis (seronegative hepatitis) aplastic anemia")  # seven lines
    105
    """
    lines = wrap_label(label).count("<br>") + 1
    return max(CAUSE_BOX_PX + EXTRA_LINE_PX * (lines - 1), TALL_LABEL_LINE_PX * lines)


def causes_height(tree: Mapping[str, Sequence[Any]], zoomed: str | None = None) -> int:
    """The chart's height in pixels: enough that every box drawn shows its label, with the chart
    zoomed into box ``zoomed`` (None: not zoomed, the top box fills the chart).

    Plotly keeps the chart's height when it zooms: the box zoomed into fills the height, and each
    box drawn (down to :func:`causes_depth` columns) gets the share of it its causes have. So each
    box drawn needs ``label_px(label) * causes(zoomed) / causes(box)`` pixels; the chart is the
    largest of these plus its margins. Zoomed into a cytopenia, the causes' own (long) labels are
    drawn, so the app sets this height again when the learner zooms (a chart tall enough for
    every zoom at once was 2,280 px, mostly empty boxes on a laptop).

    >>> causes_height({"ids": ["a", "a/b"], "parents": ["", "a"], "values": [1, 1]})
    460
    >>> causes_height({"ids": ["a", "a/b", "a/b/c", "a/d"], "parents": ["", "a", "a/b", "a"],
    ...                "values": [20, 1, 1, 19], "labels": ["A", "bone marrow disorders", "C", "D"]})
    860
    >>> causes_height({"ids": ["a", "a/b", "a/b/c", "a/d"], "parents": ["", "a", "a/b", "a"],
    ...                "values": [20, 1, 1, 19], "labels": ["A", "bone marrow disorders", "C", "D"]}, "a/b")
    460
    """
    ids = list(tree["ids"])
    values = dict(zip(ids, tree["values"], strict=True))
    labels = dict(zip(ids, tree.get("labels") or [""] * len(ids), strict=True))
    children: dict[str, list[str]] = {}
    for node, parent in zip(ids, tree["parents"], strict=True):
        children.setdefault(parent, []).append(node)
    if zoomed is not None and zoomed not in values:
        raise ValueError(f"the causes chart has no box {zoomed!r}")
    depth, plot_px = causes_depth(tree), 0.0
    for top in [zoomed] if zoomed else children.get("", []):
        drawn = [top]
        for _column in range(depth):
            for node in drawn:
                if values[node] > 0:
                    plot_px = max(plot_px, label_px(str(labels[node])) * values[top] / values[node])
            drawn = [child for node in drawn for child in children.get(node, [])]
    return max(460, math.ceil(plot_px) + MARGIN_TOP_PX + MARGIN_BOTTOM_PX)


def zoom_height_script(tree: Mapping[str, Sequence[Any]]) -> str:
    """JavaScript that gives the chart, on a page without a kernel, the height each zoom needs.

    The live app sets :func:`causes_height` itself when the learner zooms; the static site has no
    kernel to do it, so its page does (``hemaedu/static/icicle_zoom_height.js``, run as plotly's
    ``post_script``), from the heights of every box with boxes under it, computed here.

    >>> script = zoom_height_script({"ids": ["a", "a/b", "a/b/c"], "parents": ["", "a", "a/b"], "values": [1, 1, 1]})
    >>> "const heights = " + '{"a": 460, "a/b": 460};' in script
    True
    """
    heights = {node: causes_height(tree, node) for node in dict.fromkeys(tree["parents"]) if node}
    script = (Path(__file__).resolve().parents[1] / "static" / "icicle_zoom_height.js").read_text(encoding="utf-8")
    return script.replace("__HEIGHTS__", json.dumps(heights, sort_keys=True))


def make_causes_chart(
    tree: Mapping[str, Sequence[Any]], *, title: str, name: str, note: str, root_label: str = "",
    widget: bool = False,
) -> go.Figure:
    """An icicle of causes: cytopenia -> origin -> group -> cause, as columns from the left.

    Several cytopenias go under one first box called ``root_label`` (see :func:`with_root`).

    ``tree`` holds equal-length lists ``ids``, ``labels``, ``parents``,
    ``values``, ``colors`` and ``hovertext`` (see
    :func:`hemaedu.lessons.causes.render.sunburst_tree`). Leaves are coloured by mechanism.
    The trace is called ``name`` (id ``"causes"`` in its ``meta``); ``note`` (under the chart)
    says how to read and zoom it.

    Why not a sunburst: its outer ring held the causes' names about 3 px tall, readable only by
    hovering, which a phone cannot do. The icicle's boxes are rectangles with horizontal text;
    three columns show at once and a tap on a box zooms into it (the path bar above leads back).
    """
    tree = with_root(tree, root_label) if root_label else tree
    trace = go.Icicle(
        name=name,
        meta="causes",
        ids=list(tree["ids"]),
        labels=causes_labels(tree["labels"]),
        parents=list(tree["parents"]),
        values=list(tree["values"]),
        branchvalues="total",
        marker=dict(colors=list(tree["colors"]), line=dict(color="#ffffff", width=1)),
        hovertext=list(tree["hovertext"]),
        hovertemplate="%{hovertext}<extra></extra>",
        textinfo="label",
        textfont=dict(size=13),
        tiling=dict(orientation="h", pad=2),
        pathbar=dict(visible=True, side="top", textfont=dict(size=13)),
        maxdepth=causes_depth(tree),
        sort=False,
    )
    layout = base_layout(
        title=title,
        # An icicle has no axes; the "axis" titles are kept empty on purpose and
        # the column order is explained in the note under the chart instead.
        x_title="",
        y_title="",
        height=causes_height(tree),
        margin=dict(l=10, r=10, t=MARGIN_TOP_PX, b=MARGIN_BOTTOM_PX),
        # A box too small for legible text shows none (tap it to zoom) rather than 5 px letters.
        uniformtext=dict(minsize=10, mode="hide"),
        annotations=[dict(
            text=wrap_text(note, 48),
            x=0, y=0, xref="paper", yref="paper", yanchor="top", showarrow=False, xanchor="left",
            font=dict(size=12), align="left",
        )],
    )
    layout.pop("xaxis")
    layout.pop("yaxis")
    return make_figure([trace], layout, widget=widget)


#: The name lesson code used while the chart was a sunburst.
make_causes_sunburst = make_causes_chart


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
        # No fixed tick step: plotly spaces the ticks by the width it gets (11 collided on a phone).
        xaxis=dict(range=[0, 100], ticksuffix="%"),
        # Long names wrap onto up to three lines: the plot keeps most of a phone's width.
        yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=list(conditions),
                   **category_ticks(conditions), tickfont=dict(size=11)),
        height=max(420, 58 * len(conditions) + 140),
        shapes=shapes,
    )
    return make_figure([bars, line], layout, widget=widget)
