"""Lesson 03's two apps, thin wirings of the model, the figure builders and the content.

* :class:`CasesCalculator` (:func:`expected_cases_calculator`, the lesson's main app):
  population, a study's rate (or a custom rate) and years give the expected count and its Poisson
  range. Its main control is the years slider: every step changes the plotted bar.
* :class:`IncidenceExplorer` (:func:`incidence_explorer`): a region filter driving a world map
  and a ranked chart with confidence intervals, both updated in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import ipywidgets as w

from ...controls import Choice, Slider, WholeNumberBox
from ...figures.incidence import (
    MAP_TRACE,
    RANK_TRACE,
    expected_cases_arrays,
    expected_x_range,
    make_expected_cases_chart,
    make_incidence_map,
    make_ranked_chart,
    map_arrays,
    ranked_arrays,
    ranked_height,
)
from .._app import App
from ..content import get, text
from ..format import format_number, format_percent
from . import model, render

__all__ = ["CasesCalculator", "IncidenceExplorer", "expected_cases_calculator", "incidence_explorer"]

PACKAGE = render.PACKAGE


def _labels(key: str) -> dict[str, str]:
    return {k: text(PACKAGE, f"{key}.{k}") for k in get(PACKAGE, key)}


class CasesCalculator(App):
    """Population, years and a rate -> expected cases with a Poisson range.

    Choosing a study moves the rate slider to its rate; moving the rate slider away from it
    switches the study choice to "custom". The presets are the studies (the "Rate from" choice
    shows them, so no extra buttons).
    """

    package: ClassVar[str] = PACKAGE
    app_id: ClassVar[str] = "expected_cases_calculator"
    main_control: ClassVar[str] = "years"
    show_preset_buttons: ClassVar[bool] = False

    def __init__(self, **values: Any) -> None:
        self.rates = {str(r["population_id"]): float(r["rate_per_million"]) for r in model.incidence_rows()}
        self.presets = {pid: {"study": pid} for pid in self.rates}
        super().__init__(**values)

    def make_controls(self) -> dict[str, w.Widget]:
        low, high = model.rate_range()
        return {
            # A text box, not ipywidgets' number box: it shows "2,000,000" as the summary writes it,
            # reads "2,000,000" or "2000000", and says why it refused anything else.
            "population": WholeNumberBox(
                value=model.DEFAULT_POPULATION, min=1, max=model.MAX_POPULATION,
                description=text(PACKAGE, "calculator.population"), help=text(PACKAGE, "calculator.population_help"),
                message=lambda reason, **fields: text(PACKAGE, f"calculator.population_{reason}", **fields),
                formatter=format_number,
            ),
            "study": w.Dropdown(
                options=render.study_options(), value=model.DEFAULT_STUDY,
                description=text(PACKAGE, "calculator.study"),
                style={"description_width": "initial"},
            ),
            # Step 0.01: every published rate is a position of the slider.
            "rate": Slider(
                value=self.rates[model.DEFAULT_STUDY], min=low, max=high, step=0.01, readout_format=".2f",
                description=text(PACKAGE, "calculator.rate"), unit=text(PACKAGE, "rate_unit"),
                help=text(PACKAGE, "calculator.rate_help"),
            ),
            "years": Slider(
                value=model.DEFAULT_YEARS, min=1, max=model.MAX_YEARS, step=1, readout_format="d",
                description=text(PACKAGE, "calculator.years"), unit=text("common", "units.year.other"),
                unit_one=text("common", "units.year.one"),
                help=text(PACKAGE, "calculator.years_help"),
            ),
        }

    def react(self, changed: str, values: Mapping[str, Any]) -> dict[str, Any]:
        study = values["study"]
        if changed == "study" and study != model.CUSTOM:
            return {"rate": self.rates[study]}
        if changed == "rate" and study != model.CUSTOM and values["rate"] != self.rates[study]:
            return {"study": model.CUSTOM}
        return {}

    def preset_label(self, preset_id: str) -> str:
        return dict((v, k) for k, v in self.controls["study"].options)[preset_id]

    def preset_hint(self, preset_id: str) -> str:
        return self.preset_label(preset_id)

    def compute(self, **values: Any) -> model.ExpectedView:
        return model.expected_view(population=values["population"], study=values["study"], rate=values["rate"],
                                   years=values["years"])

    def make_figure(self, view: model.ExpectedView) -> Any:
        labels = _labels("calculator.figure")
        labels["x_title"] = text(PACKAGE, "calculator.figure.x_title", level=format_percent(view.result.level))
        return make_expected_cases_chart(view.result, labels=labels, widget=True)

    def patch(self, view: model.ExpectedView) -> dict[str, dict[str, Any]]:
        a = expected_cases_arrays(view.result)
        return {
            "expected": {"x": a["x"], "error_x.array": a["plus"], "error_x.arrayminus": a["minus"]},
            "layout": {"xaxis.range": expected_x_range(view.result)},
        }

    summary = staticmethod(render.expected_summary)


def expected_cases_calculator(**values: Any) -> CasesCalculator:
    """The expected-cases calculator (the lesson's main app).

    >>> app = expected_cases_calculator()
    >>> app.controls["years"].value = 2
    >>> app.trace("expected").x == (app.view.result.mean,)
    True
    """
    return CasesCalculator(**values)


class IncidenceExplorer(App):
    """Region filter -> world map and ranked chart, both built once.

    A new region only replaces the marker arrays and the category list, never the country
    outlines (the heaviest data). The region control is a radio group (arrow keys move it).
    """

    package: ClassVar[str] = PACKAGE
    app_id: ClassVar[str] = "incidence_explorer"
    main_control: ClassVar[str] = "region"

    def make_controls(self) -> dict[str, w.Widget]:
        return {"region": Choice(options=render.region_options(), value=model.ALL_REGIONS,
                                 description=text(PACKAGE, "explorer.region"),
                                 help=text(PACKAGE, "explorer.region_help"))}

    def compute(self, **values: Any) -> model.ExplorerView:
        return model.explorer_view(values["region"])

    def make_figures(self, view: model.ExplorerView) -> dict[str, Any]:
        full = model.incidence_rows()
        return {
            "map": make_incidence_map(view.rows, full=full, widget=True, hover=render.hover,
                                      labels=_labels("explorer.map")),
            "ranked": make_ranked_chart(view.rows, full=full, widget=True, hover=render.hover,
                                        label=render.ranked_label, labels=_labels("explorer.ranked")),
        }

    def patch(self, view: model.ExplorerView) -> dict[str, dict[str, Any]]:
        m = map_arrays(view.rows, hover=render.hover)
        r = ranked_arrays(view.rows, label=render.ranked_label, hover=render.hover)
        out: dict[str, dict[str, Any]] = {
            MAP_TRACE["markers"]: {"lat": m["lat"], "lon": m["lon"], "ids": m["ids"], "text": m["text"],
                                   "marker.size": m["size"], "marker.color": m["color"],
                                   "marker.symbol": m["symbol"]},
            "layout:ranked": {"yaxis.categoryarray": r["categories"], "height": ranked_height(len(r["categories"]))},
        }
        for key in ("with_ci", "without_ci"):
            props = {"x": r[key]["x"], "y": r[key]["y"], "text": r[key]["text"], "marker.symbol": r[key]["symbol"]}
            if key == "with_ci":
                props |= {"error_x.array": r[key]["plus"], "error_x.arrayminus": r[key]["minus"]}
            out[RANK_TRACE[key]] = props
        return out

    summary = staticmethod(render.explorer_summary)


def incidence_explorer(**values: Any) -> IncidenceExplorer:
    """The region-filtered world map and ranked chart.

    >>> app = incidence_explorer(region="East Asia")
    >>> max(app.trace("without_ci").x) == model.group_range(model.EAST_ASIAN_REGIONS).high
    True
    """
    return IncidenceExplorer(**values)
