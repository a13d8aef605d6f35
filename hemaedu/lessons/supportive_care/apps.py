"""Lesson 07's apps: the iron balance of a transfused patient (main app) and the care explorer.

Thin :class:`~hemaedu.lessons._app.App` subclasses: controls, a pure compute (:mod:`.model`),
one figure built once and patched by trace id, and the texts (:mod:`.render`, from content).
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

import ipywidgets as w

from ...controls import Choice, Slider
from ...figures import PALETTE, base_layout, category_ticks, make_figure
from .._app import App
from . import model, render
from .render import t

__all__ = ["CareExplorer", "IronBalance", "care_explorer", "iron_balance"]

PACKAGE = "supportive_care"
#: Slider ranges: up to 100 red-cell units, over up to 10 years.
MAX_UNITS = 100
MAX_MONTHS = 120
#: The iron balance's opening state: 20 units over a year.
START = dict(units=20, months=12)
#: One colour per lesson section on the care map, in the table's section order (Okabe-Ito:
#: blue, orange, green, colour-blind safe; the notebook's text names them in this order).
SECTION_COLOURS = (PALETTE["blue"], PALETTE["orange"], PALETTE["green"])


class IronBalance(App):
    """Red-cell units and months -> iron brought in, iron lost and iron kept, in grams."""

    package: ClassVar[str] = PACKAGE
    app_id: ClassVar[str] = "iron_balance"
    main_control: ClassVar[str] = "units"
    presets = model.IRON_PRESETS

    def make_controls(self) -> dict[str, w.Widget]:
        return {
            "units": Slider(value=START["units"], min=0, max=MAX_UNITS, step=1, readout_format="d",
                            description=t("iron.units_label"), unit=t("iron.units_unit"),
                            help=t("iron.units_help")),
            "months": Slider(value=START["months"], min=1, max=MAX_MONTHS, step=1, readout_format="d",
                             description=t("iron.months_label"), unit=t("iron.months_unit"),
                             help=t("iron.months_help")),
        }

    def compute(self, **values: Any) -> model.IronView:
        return model.compute_iron(units=int(values["units"]), months=float(values["months"]))

    def make_figure(self, view: model.IronView) -> Any:
        import plotly.graph_objects as go

        bars = go.Bar(y=render.iron_labels(), x=self._x(view), text=render.iron_texts(view), orientation="h",
                      textposition="auto", meta="iron", name=t("iron.trace_name"),
                      marker_color=[PALETTE["vermillion"], PALETTE["blue"], PALETTE["black"]],
                      hovertemplate="%{y}: %{text}<extra></extra>")
        top = model.compute_iron(units=MAX_UNITS, months=1).iron_in_g
        layout = base_layout(title=t("iron.title"), x_title=t("iron.x_title"), y_title="", height=260,
                             xaxis=dict(range=[0, top * 1.05]), yaxis=dict(autorange="reversed"), showlegend=False)
        return make_figure([bars], layout, widget=True)

    @staticmethod
    def _x(view: model.IronView) -> list[float]:
        return [view.iron_in_g, view.iron_out_g, max(view.net_g, 0.0)]

    def patch(self, view: model.IronView) -> dict[str, dict[str, Any]]:
        return {"iron": {"x": self._x(view), "text": render.iron_texts(view)}}

    def preset_label(self, preset_id: str) -> str:
        values = model.IRON_PRESETS[preset_id]
        return t(f"presets.{preset_id}.label", units=render.counted(values["units"], "unit"),
                 months=render.counted(values["months"], "month"))

    summary = staticmethod(render.iron_summary)

    def details(self, view: model.IronView) -> str:
        return f"<p><em>{html.escape(render.iron_sources())}</em></p>"


class CareExplorer(App):
    """A situation in a patient's course -> the care that applies, why, and its sources."""

    package: ClassVar[str] = PACKAGE
    app_id: ClassVar[str] = "care_explorer"
    main_control: ClassVar[str] = "situation"
    show_preset_buttons: ClassVar[bool] = False

    def make_controls(self) -> dict[str, w.Widget]:
        situations = list(model.SITUATIONS)
        return {"situation": Choice(options=[(render.situation_label(s), s) for s in situations],
                                    value=situations[0], description=t("care.situation_label"),
                                    help=t("care.situation_help"))}

    def compute(self, **values: Any) -> model.CareView:
        return model.compute_care(values["situation"])

    def make_figure(self, view: model.CareView) -> Any:
        import plotly.graph_objects as go

        sections = model.sections()
        colours = [SECTION_COLOURS[sections.index(model.topic_section(topic))] for topic in model.TOPICS]
        topics = [render.topic_label(x) for x in model.TOPICS]
        bars = go.Bar(y=topics, x=list(view.per_topic), orientation="h",
                      meta="care_points", name=t("care.trace_name"), marker_color=colours,
                      hovertemplate=t("care.hover"))
        layout = base_layout(title=render.care_title(view), x_title=t("care.x_title"), y_title="",
                             height=160 + 44 * len(topics),  # two-line labels need room per row
                             xaxis=dict(range=[0, max(len(ids) for ids in model.SITUATIONS.values())], dtick=1),
                             # The topics' names wrap, so a phone keeps most of its width for the bars.
                             yaxis=dict(autorange="reversed", **category_ticks(topics, width=14),
                                        tickfont=dict(size=11)),
                             showlegend=False)
        return make_figure([bars], layout, widget=True)

    def patch(self, view: model.CareView) -> dict[str, dict[str, Any]]:
        return {"care_points": {"x": list(view.per_topic)}, "layout": {"title.text": render.care_title(view)}}

    summary = staticmethod(render.care_summary)
    details = staticmethod(render.care_html)


def iron_balance(**values: Any) -> IronBalance:
    """Lesson 07's main app: the iron a transfused patient gains (main control: red-cell units)."""
    return IronBalance(**values)


def care_explorer(**values: Any) -> CareExplorer:
    """Lesson 07's situation explorer: what care applies when, and why (main control: the situation)."""
    return CareExplorer(**values)
