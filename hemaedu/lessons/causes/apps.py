"""Lesson 02's apps: the marrow-cellularity differential (main app) and the causes explorer.

Thin :class:`~hemaedu.lessons._app.App` subclasses: controls, a pure compute
(:mod:`.model`), the figure built once and patched by trace name, and the texts
(:mod:`.render`, from the lesson's content).
"""

from __future__ import annotations

from typing import Any

from ... import thresholds
from ...controls import Choice
from ...figures.causes import CONSISTENT_STYLE, LESS_LIKELY_STYLE, make_causes_sunburst, make_differential_chart
from .._app import App, measure_slider
from . import model, render
from .render import t

__all__ = ["CausesApp", "DifferentialApp", "causes_explorer", "differential_explorer"]

#: Illustrative start of the cellularity slider (a markedly empty marrow).
DEFAULT_CELLULARITY = 15.0


class DifferentialApp(App):
    """A marrow-cellularity slider that sorts the look-alikes of aplastic anemia."""

    package = "causes"
    app_id = "differential_explorer"
    main_control = "cellularity"

    def make_controls(self) -> dict[str, Any]:
        return {"cellularity": measure_slider("cellularity", value=DEFAULT_CELLULARITY,
                                              description=t("differential.cellularity_label"),
                                              help=t("differential.cellularity_help"))}

    def compute(self, **values: Any) -> model.DifferentialView:
        return model.compute_differential(values["cellularity"])

    def make_figure(self, view: model.DifferentialView) -> Any:
        rows = model.conditions()
        return make_differential_chart(
            [r["condition"] for r in rows],
            [model.typical_range(r["marrow_cellularity"]) for r in rows],
            view.consistent,
            [t("differential.bar_hover", condition=r["condition"], category=r["marrow_cellularity"]) for r in rows],
            cellularity=view.cellularity,
            cutoffs=[thresholds.value("camitta_cellularity"), thresholds.value("camitta_cellularity_partial")],
            title=t("differential.title"), x_title=t("differential.x_title"), y_title=t("differential.y_title"),
            bars_name=t("differential.bars_name"), line_name=t("differential.line_name"),
            line_hover=t("differential.line_hover"), widget=True,
        )

    def patch(self, view: model.DifferentialView) -> dict[str, dict[str, Any]]:
        # The base sends only what changed: the bar styles go out only when the band changes.
        return {
            "chosen": {"x": [view.cellularity] * len(view.consistent)},
            "bars": {
                "marker.color": [CONSISTENT_STYLE[0] if c else LESS_LIKELY_STYLE[0] for c in view.consistent],
                "marker.pattern.shape": [CONSISTENT_STYLE[1] if c else LESS_LIKELY_STYLE[1] for c in view.consistent],
            },
        }

    def summary(self, view: model.DifferentialView) -> str:
        return render.differential_summary(view)

    def details(self, view: model.DifferentialView) -> str:
        return render.differential_table(view)


class CausesApp(App):
    """Explore the causes table: filter by cytopenia and by mechanism (no natural slider here)."""

    package = "causes"
    app_id = "causes_explorer"
    main_control = "affects"

    def make_controls(self) -> dict[str, Any]:
        return {
            "affects": Choice(
                options=[(render.affects_label(a), a) for a in (model.ALL, *model.affects_values())],
                value=model.ALL, description=t("causes.affects_label"), help=t("causes.affects_help"),
            ),
            "mechanism": Choice(
                options=[(render.mechanism_label(m), m) for m in model.mechanism_filters()],
                value=model.ANY, description=t("causes.mechanism_label"), help=t("causes.mechanism_help"),
            ),
        }

    def compute(self, **values: Any) -> model.CausesView:
        return model.compute_causes(values["affects"], values["mechanism"])

    def make_figure(self, view: model.CausesView) -> Any:
        return make_causes_sunburst(render.sunburst_tree(view), title=render.causes_title(view.affects),
                                    name=t("causes.trace_name"), note=t("causes.rings_note"), widget=True)

    def patch(self, view: model.CausesView) -> dict[str, dict[str, Any]]:
        tree = render.sunburst_tree(view)
        return {
            "causes": {
                "ids": tree["ids"], "labels": tree["labels"], "parents": tree["parents"],
                "values": tree["values"], "marker.colors": tree["colors"], "hovertext": tree["hovertext"],
            },
            "layout": {"title.text": render.causes_title(view.affects)},
        }

    def summary(self, view: model.CausesView) -> str:
        return render.causes_summary(view)

    def details(self, view: model.CausesView) -> str:
        return render.causes_table(view)


def differential_explorer(**values: Any) -> DifferentialApp:
    """The differential-diagnosis app of lesson 02 (main control: marrow cellularity)."""
    return DifferentialApp(**values)


def causes_explorer(**values: Any) -> CausesApp:
    """The causes explorer of lesson 02 (main control: the cytopenia)."""
    return CausesApp(**values)
