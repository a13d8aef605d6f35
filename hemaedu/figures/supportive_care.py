"""Figures for lesson 07: the iron balance of a transfused patient and the care map.

Side-effect-free builders. They take plain numbers and every learner-visible string (titles,
labels, trace names, hover texts) from the caller, so the apps in
:mod:`hemaedu.lessons.supportive_care` patch their traces in place by id (``meta``: ``"iron"``,
``"care_points"``) and a translation never edits this module.

>>> fig = make_iron_chart(labels=["in", "out", "kept"], grams=iron_bar_lengths(12.0, 1.0, 11.0),
...                       texts=["12 g", "1 g", "11 g"], most_g=20.0, title="", x_title="g", trace_name="iron")
>>> [t.meta for t in fig.data], fig.layout.xaxis.range
(['iron'], (0, 21.0))
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from . import PALETTE, base_layout, category_ticks, make_figure
from .pathway import PATTERNS, pattern_fill

__all__ = ["IRON_COLOURS", "SECTION_COLOURS", "SECTION_PATTERNS", "iron_bar_lengths", "make_care_map",
           "make_iron_chart"]

#: The iron balance's bars: iron brought in, iron lost, iron kept (Okabe-Ito, colour-blind safe).
IRON_COLOURS = (PALETTE["vermillion"], PALETTE["blue"], PALETTE["black"])
#: One colour per lesson section on the care map, in the table's section order (Okabe-Ito:
#: blue, orange, green, colour-blind safe; the notebook's text names them in this order).
SECTION_COLOURS = (PALETTE["blue"], PALETTE["orange"], PALETTE["green"])
#: And one fill pattern per section, so the sections differ by more than colour (WCAG 1.4.1).
SECTION_PATTERNS = PATTERNS[: len(SECTION_COLOURS)]


def iron_bar_lengths(iron_in_g: float, iron_out_g: float, net_g: float) -> list[float]:
    """The iron balance's bar lengths in grams: in, out and kept (no kept bar when more is lost).

    >>> iron_bar_lengths(2.0, 3.0, -1.0)
    [2.0, 3.0, 0.0]
    """
    return [iron_in_g, iron_out_g, max(net_g, 0.0)]


def make_iron_chart(*, labels: Sequence[str], grams: Sequence[float], texts: Sequence[str], most_g: float,
                    title: str, x_title: str, trace_name: str, widget: bool = False) -> go.Figure:
    """Three horizontal bars, top to bottom: iron brought in, lost and kept (g), one trace ``"iron"``.

    ``grams`` are the bars' lengths (:func:`iron_bar_lengths`), ``texts`` their readouts; the
    x axis stays fixed at 0 to 5% past ``most_g`` (the most iron the sliders can bring in), so
    moving a slider changes the bars, never the scale.
    """
    bars = go.Bar(y=list(labels), x=list(grams), text=list(texts), orientation="h", textposition="auto",
                  meta="iron", name=trace_name, marker_color=list(IRON_COLOURS),
                  hovertemplate="%{y}: %{text}<extra></extra>")
    layout = base_layout(title=title, x_title=x_title, y_title="", height=260,
                         xaxis=dict(range=[0, most_g * 1.05]), yaxis=dict(autorange="reversed"), showlegend=False)
    return make_figure([bars], layout, widget=widget)


def make_care_map(*, topics: Sequence[str], points: Sequence[int], sections: Sequence[int], most_points: int,
                  title: str, x_title: str, trace_name: str, hover: str, section_names: Sequence[str],
                  legend_title: str, widget: bool = False) -> go.Figure:
    """One horizontal bar per care topic (top to bottom): how many points apply, one trace ``"care_points"``.

    ``sections`` gives each topic's lesson section as an index into :data:`SECTION_COLOURS` and
    :data:`SECTION_PATTERNS`; the legend (titled ``legend_title``) names each section after
    ``section_names``, one trace each (``meta`` ``"section:<index>"``, a bar of length 0), since
    one trace cannot hold three legend entries. The x axis runs from 0 to ``most_points`` (the most any
    situation has) in steps of one.
    """
    def style(colour: object, pattern: object) -> dict[str, object]:
        # No outline: a topic with no point would show a sliver of one at 0.
        return {"color": colour, "line": {"width": 0}, "pattern": pattern_fill(pattern)}

    bars = go.Bar(y=list(topics), x=list(points), orientation="h", meta="care_points", name=trace_name,
                  showlegend=False, hovertemplate=hover,
                  marker=style([SECTION_COLOURS[i] for i in sections], [SECTION_PATTERNS[i] for i in sections]))
    # plotly leaves a trace without data out of the legend: each key is a bar of length 0,
    # overlaid (barmode) so it takes no room from the real bars.
    keys = [go.Bar(x=[0], y=[topics[0]], orientation="h", meta=f"section:{i}", name=name,
                   marker=style(SECTION_COLOURS[i], SECTION_PATTERNS[i]), hoverinfo="skip")
            for i, name in enumerate(section_names)]
    layout = base_layout(title=title, x_title=x_title, y_title="",
                         height=160 + 44 * len(topics),  # two-line labels need room per row
                         xaxis=dict(range=[0, most_points], dtick=1),
                         # The topics' names wrap, so a phone keeps most of its width for the bars.
                         yaxis=dict(autorange="reversed", **category_ticks(topics, width=14), tickfont=dict(size=11)),
                         # Under the chart, its title above the items (as lesson 05's pathway map);
                         # a click on an entry would only hide a bar of length 0.
                         legend=dict(title=dict(text=legend_title, side="top"), orientation="h", yref="container",
                                     y=0, yanchor="bottom", x=0, itemclick=False, itemdoubleclick=False),
                         showlegend=True, barmode="overlay")
    return make_figure([bars, *keys], layout, widget=widget)
