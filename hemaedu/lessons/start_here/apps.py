"""Lesson 00's app: one practice slider and its readout, the way every control of the course behaves."""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as w

from .._app import App, measure_slider
from ..content import text
from ..format import format_number
from . import model

__all__ = ["WidgetDemo", "widget_demo"]

PACKAGE = "start_here"


class WidgetDemo(App):
    """A hemoglobin slider whose readout re-expresses the value in the course's other units.

    It has no figure: the readout is the live summary (``role="status"``).

    >>> demo = widget_demo()
    >>> demo.controls["hb"].value = 9.5
    >>> demo.summary_text() == text(PACKAGE, "demo.readout", value="9.5", g_l="95", mmol="5.9")
    True
    """

    package: ClassVar[str] = PACKAGE
    app_id: ClassVar[str] = "widget_demo"
    main_control: ClassVar[str] = "hb"

    def make_controls(self) -> dict[str, w.Widget]:
        return {"hb": measure_slider("hb", value=model.DEMO_START, description=text(PACKAGE, "demo.slider"),
                                     help=text(PACKAGE, "demo.help"))}

    def compute(self, **values: Any) -> model.DemoView:
        return model.demo_view(values["hb"])

    def make_figures(self, view: model.DemoView) -> dict[str, Any]:
        return {}

    def patch(self, view: model.DemoView) -> dict[str, dict[str, Any]]:
        return {}

    def summary(self, view: model.DemoView) -> str:
        return text(PACKAGE, "demo.readout", value=format_number(view.g_dl, decimals=1),
                    g_l=format_number(view.g_l, decimals=0), mmol=format_number(view.mmol_l, decimals=1))


def widget_demo(**values: Any) -> WidgetDemo:
    """Build the one-slider demo of lesson 00."""
    return WidgetDemo(**values)
