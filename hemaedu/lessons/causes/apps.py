"""Lesson 02's apps: the marrow-cellularity differential (main app) and the causes explorer.

Thin :class:`~hemaedu.lessons._app.App` subclasses: controls, a pure compute
(:mod:`.model`), the figure built once and patched by trace name, and the texts
(:mod:`.render`, from the lesson's content).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from typing import Any

from ... import thresholds
from ...controls import Choice
from ...figures.causes import (
    CONSISTENT_STYLE,
    LESS_LIKELY_STYLE,
    causes_depth,
    causes_height,
    causes_labels,
    make_causes_chart,
    make_differential_chart,
    with_root,
    zoom_height_script,
)
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

    summary = staticmethod(render.differential_summary)
    details = staticmethod(render.differential_table)


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

    # -- zooming: the table and the summary follow the box the learner zoomed into ----------
    #: The id of the box the chart is zoomed into ("" for the whole chart). Set by a tap or click
    #: on the chart (plotly zooms the icicle itself), reset when a filter changes.
    focus: str = ""

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.trace("causes").on_click(self._on_chart_click)

    def _on_chart_click(self, trace: Any, points: Any, _state: Any) -> None:
        if not points.point_inds:
            return
        # Not at once: the click arrives while ipywidgets holds the figure's outgoing messages
        # (the page's own state update), and plotly's relayout message, set and reset to None in
        # that hold, would reach the page as None: the new height would never be drawn.
        asyncio.get_event_loop().call_soon(self.zoom, trace.ids[points.point_inds[0]])

    def zoom(self, node_id: str) -> None:
        """Follow a click on box ``node_id`` as plotly's icicle does: a box with boxes under it
        becomes the zoom; the box zoomed into (drawn at the left) zooms out to its parent; a
        cause (a leaf) changes nothing."""
        parents = dict(zip(self.trace("causes").ids, self.trace("causes").parents, strict=True))
        if node_id not in parents:
            raise ValueError(f"the causes chart has no box {node_id!r}")
        if node_id == self.focus:
            self.focus = parents[node_id]
        elif node_id in parents.values():
            self.focus = node_id
        else:
            return
        # What the page shows is now plotly's own zoom: the next filter change must reset it.
        self._sent.pop((*self._locate("causes"), "level"), None)
        self._fit_height()
        self._write_text()

    def _fit_height(self) -> None:
        """Give the chart the height the zoomed view needs for every label (plotly keeps the
        height when it zooms, so the causes under a cytopenia would share the whole chart)."""
        figure, _ = self._locate("causes")
        height = causes_height(self.tree(self.view), self.focus or None)
        if self._sent.get((figure, -1, "height")) != height:
            self.figures[figure].plotly_relayout({"height": height})
            self._sent[(figure, -1, "height")] = height

    def static_scripts(self) -> dict[str, str]:
        """On a static page the page itself sets the height of each zoom (see :meth:`_fit_height`)."""
        return {self._locate("causes")[0]: zoom_height_script(self.tree(self.view))}

    @staticmethod
    def tree(view: model.CausesView) -> dict[str, list[Any]]:
        """The chart's boxes for ``view``, under one top box when there are several."""
        return with_root(render.sunburst_tree(view), t("causes.affects_all"))

    def focused(self, view: model.CausesView) -> model.CausesView:
        """``view`` narrowed to the causes under the zoomed box (all of them without a zoom)."""
        node = next((n for n in view.nodes if n.node_id == self.focus), None)
        if node is None:
            return view
        under = [n.cause for n in view.nodes if n.cause is not None and n.node_id.startswith(node.node_id + "/")]
        rows = tuple({r["cause_id"]: r for r in under}.values())
        counts = tuple(sorted(Counter(model.mechanism_of(r) for r in rows).items(), key=lambda kv: (-kv[1], kv[0])))
        origins = tuple(sorted(Counter(r["origin"] for r in rows).items()))
        return dataclasses.replace(view, affects=node.path[0], rows=rows, counts=counts, origins=origins)

    def compute(self, **values: Any) -> model.CausesView:
        return model.compute_causes(values["affects"], values["mechanism"])

    def make_figure(self, view: model.CausesView) -> Any:
        return make_causes_chart(render.sunburst_tree(view), title=render.causes_title(view.affects),
                                 name=t("causes.trace_name"), note=t("causes.columns_note"),
                                 root_label=t("causes.affects_all"), widget=True)

    def patch(self, view: model.CausesView) -> dict[str, dict[str, Any]]:
        self.focus = ""  # a filter changed: the chart starts from its top again
        tree = self.tree(view)
        return {
            "causes": {
                "ids": tree["ids"], "labels": causes_labels(tree["labels"]), "parents": tree["parents"],
                "values": tree["values"], "marker.colors": tree["colors"], "hovertext": tree["hovertext"],
                "level": "", "maxdepth": causes_depth(tree),
            },
            "layout": {"title.text": render.causes_title(view.affects), "height": causes_height(tree)},
        }

    def summary(self, view: model.CausesView) -> str:
        return render.causes_summary(self.focused(view))

    def details(self, view: model.CausesView) -> str:
        return render.causes_table(self.focused(view))


def differential_explorer(**values: Any) -> DifferentialApp:
    """The differential-diagnosis app of lesson 02 (main control: marrow cellularity)."""
    return DifferentialApp(**values)


def causes_explorer(**values: Any) -> CausesApp:
    """The causes explorer of lesson 02 (main control: the cytopenia)."""
    return CausesApp(**values)
