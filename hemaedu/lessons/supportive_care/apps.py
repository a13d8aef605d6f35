"""Lesson 07's apps: the iron balance of a transfused patient (main app) and the care explorer.

Thin :class:`~hemaedu.lessons._app.App` subclasses: controls, a pure compute (:mod:`.model`),
one figure (:mod:`hemaedu.figures.supportive_care`) built once and patched by trace id, and the texts
(:mod:`.render`, from content).
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

import ipywidgets as w

from ...controls import Choice, Slider
from ...figures.supportive_care import iron_bar_lengths, make_care_map, make_iron_chart
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
                            unit_one=t("iron.units_unit_one"), help=t("iron.units_help")),
            "months": Slider(value=START["months"], min=1, max=MAX_MONTHS, step=1, readout_format="d",
                             description=t("iron.months_label"), unit=t("iron.months_unit"),
                             unit_one=t("iron.months_unit_one"), help=t("iron.months_help")),
        }

    def compute(self, **values: Any) -> model.IronView:
        return model.compute_iron(units=int(values["units"]), months=float(values["months"]))

    def make_figure(self, view: model.IronView) -> Any:
        return make_iron_chart(labels=render.iron_labels(), grams=self._x(view), texts=render.iron_texts(view),
                               most_g=model.compute_iron(units=MAX_UNITS, months=1).iron_in_g, title=t("iron.title"),
                               x_title=t("iron.x_title"), trace_name=t("iron.trace_name"), widget=True)

    @staticmethod
    def _x(view: model.IronView) -> list[float]:
        return iron_bar_lengths(view.iron_in_g, view.iron_out_g, view.net_g)

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
        sections = model.sections()
        return make_care_map(topics=[render.topic_label(x) for x in model.TOPICS], points=list(view.per_topic),
                             sections=[sections.index(model.topic_section(x)) for x in model.TOPICS],
                             most_points=max(len(ids) for ids in model.SITUATIONS.values()),
                             title=render.care_title(view), x_title=t("care.x_title"),
                             trace_name=t("care.trace_name"), hover=t("care.hover"),
                             section_names=[render.section_label(s) for s in sections],
                             legend_title=t("care.legend_title"), widget=True)

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
