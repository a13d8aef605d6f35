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


def _import_plotly_serializers_without_numpy() -> None:
    """Import ``plotly.serializers`` while plotly believes numpy is absent, unless numpy is loaded.

    Why: ``plotly/serializers.py`` (imported with FigureWidget) runs ``get_module("numpy")`` at
    import, which imports numpy whenever it is installed, although the lessons pass plain lists:
    about 20 MiB per classroom kernel, and the one thing that pulled numpy into a lesson. Only
    that import is affected: afterwards plotly's list of absent modules is restored, so plotly
    express and numpy arrays work as usual once a learner imports them (``_widget.FigureWidget``
    then hands the loaded numpy to the serializers).
    """
    if "numpy" in sys.modules or "plotly.serializers" in sys.modules:
        return
    hidden = _optional_imports._not_importable
    added = "numpy" not in hidden
    hidden.add("numpy")
    try:
        import plotly.serializers  # noqa: F401
    finally:
        if added:
            hidden.discard("numpy")


_import_plotly_serializers_without_numpy()

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

#: plotly's config for every lesson figure. No toolbar: on a phone it covers the title, and the
#: lessons need no zoom, pan or export (drag-zooming is off too, see :func:`base_layout`, so a
#: finger dragging over a chart scrolls the page). The figure follows its container's width.
CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True, "scrollZoom": False}

#: Characters per line of an axis title (about 230 px at 12 px: centred on the plot of a 390 px phone).
AXIS_TITLE_WIDTH = 32
#: Characters per line of a category (row) label beside a chart.
LABEL_WIDTH = 18


def wrap_text(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters, at spaces, with plotly's ``<br>``.

    Figures do not wrap text themselves: a long title or row label is cut off or squeezes the
    plot on a phone. Text already holding a ``<br>`` is left as it is (its author chose the
    breaks); a single word longer than ``width`` keeps a line of its own.

    >>> wrap_text("Absolute neutrophil count (10^9/L)", 18)
    'Absolute<br>neutrophil count<br>(10^9/L)'
    >>> wrap_text("Platelets", 18)
    'Platelets'
    """
    if width < 1:
        raise ValueError(f"wrap_text: width must be at least 1 character, got {width!r}")
    if "<br>" in text or len(text) <= width:
        return text
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def category_ticks(categories: Any, width: int = LABEL_WIDTH) -> dict[str, Any]:
    """Axis settings that show each category's label wrapped, leaving the data's labels as they are.

    For a category axis whose categories never change (the app patches values, not rows).

    >>> category_ticks(["Paroxysmal nocturnal hemoglobinuria", "ITP"])["ticktext"]
    ['Paroxysmal<br>nocturnal<br>hemoglobinuria', 'ITP']
    """
    values = list(categories)
    return {"tickmode": "array", "tickvals": values, "ticktext": [wrap_text(str(c), width) for c in values]}




def base_layout(*, title: str, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    """Layout shared by all lessons: title, axis titles with units, readable font.

    >>> base_layout(title="T", x_title="x (g/dL)", y_title="")["xaxis"]["title"]["text"]
    'x (g/dL)'
    """
    layout: dict[str, Any] = dict(
        # Left-aligned; on a narrow screen the figure's loader wraps it to the width it gets
        # (hemaedu.figures._widget), so the title's text stays what the lesson wrote.
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)),
        xaxis=dict(title=dict(text=wrap_text(x_title, AXIS_TITLE_WIDTH), font=dict(size=12)), automargin=True),
        yaxis=dict(title=dict(text=y_title), automargin=True),
        template="plotly_white",
        font=FONT,
        colorway=SEQUENCE,
        # A narrow left margin: row labels (automargin) need every pixel of a phone.
        margin=dict(l=4, r=10, t=60, b=10),
        height=420,
        # No drag-zoom (there is no toolbar to reset it): a finger on a chart scrolls the page.
        dragmode=False,
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
