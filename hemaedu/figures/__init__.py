"""Plotly figure builders: each takes data and returns a figure, with no side effects.

Shared style lives here so every lesson looks the same and stays readable for
colour-blind learners: the Okabe-Ito palette, a white template, titles and axis
labels with units. Builders return ``go.FigureWidget`` when ``widget=True`` (for
live apps, with the layout given to the constructor: see plotly.py issue 4998)
and a plain ``go.Figure`` otherwise.
"""

from __future__ import annotations

import sys
from typing import Any

import _plotly_utils.optional_imports as _optional_imports
import plotly.graph_objects as go


class _UntilImported(set[str]):
    """plotly's set of optional modules it must not import, extended with numpy until numpy is loaded.

    Why: plotly imports numpy on its own (``plotly/serializers.py`` does ``get_module("numpy")``
    when a FigureWidget module loads, and validators do on every array) if numpy is installed,
    although the lessons pass plain lists. That costs a classroom kernel about 20 MiB and keeps
    the lessons from a numpy-free browser kernel. While numpy is not in ``sys.modules`` plotly
    treats it as absent; once a learner imports numpy (or pandas) plotly uses it again, because
    this set stops claiming it (see ``_widget.FigureWidget`` for the one value plotly caches).
    """

    _LAZY = frozenset({"numpy"})

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or (name in self._LAZY and name not in sys.modules)


if not isinstance(_optional_imports._not_importable, _UntilImported):
    _optional_imports._not_importable = _UntilImported(_optional_imports._not_importable)

#: Okabe & Ito (2008) colour-blind-safe palette, in their recommended order.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}
#: Qualitative sequence for categories (black and yellow left out: poor on white).
SEQUENCE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky_blue", "purple", "grey")]

FONT = dict(family="Arial, Helvetica, sans-serif", size=14, color="#1a1a1a")


def base_layout(*, title: str, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    """Layout shared by all lessons: title, axis titles with units, readable font.

    >>> base_layout(title="T", x_title="x (g/dL)", y_title="")["xaxis"]["title"]["text"]
    'x (g/dL)'
    """
    layout: dict[str, Any] = dict(
        title=dict(text=title, x=0.01, xanchor="left"),
        xaxis=dict(title=dict(text=x_title), automargin=True),
        yaxis=dict(title=dict(text=y_title), automargin=True),
        template="plotly_white",
        font=FONT,
        colorway=SEQUENCE,
        margin=dict(l=10, r=10, t=60, b=10),
        height=420,
    )
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def make_figure(data: list[Any], layout: dict[str, Any], *, widget: bool) -> go.Figure:
    """Create a figure, or a FigureWidget whose layout is set at construction.

    The widget is :class:`hemaedu.figures._widget.FigureWidget`: a
    ``go.FigureWidget`` that loads plotly's JavaScript once per page, so a
    lesson with several live figures still updates them on a slow computer.
    """
    if widget:
        from ._widget import FigureWidget

        return FigureWidget(data=data, layout=layout)
    return go.Figure(data=data, layout=layout)
