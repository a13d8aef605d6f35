"""Lesson 04's three apps: thin declarations on :class:`hemaedu.lessons._app.App`.

* :func:`cohort_simulator` (the lesson's main app): an arm's responders/n as the true rate, a
  cohort size and a seed -> the spread of observed response rates across simulated cohorts.
* :func:`ist_forest`: response by regimen and visit with Wilson 95% intervals; highlight a
  comparison to read its numbers and why its sources disagree.
* :func:`response_explorer`: four counts -> the NIH response category and the reason.

Compute lives in :mod:`.model` and :mod:`.simulation`, words in the content, HTML in
:mod:`.render`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as w

from ... import thresholds
from ...controls import Choice, Slider
from ...figures.ist import forest_traces, make_forest, make_response_counts, make_simulation, simulation_traces
from .. import measure
from .._app import App, measure_slider
from ..format import format_number, measure_label
from ..presets import presets as read_presets
from . import model, simulation
from .render import chart_row, forest_details, forest_summary, pct, t, when

__all__ = ["ForestApp", "ResponseApp", "SimulatorApp", "cohort_simulator", "ist_forest", "response_explorer"]

PACKAGE = "ist_response"


def _texts(section: str, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: t(f"{section}.{key}") for key in keys}


# --------------------------------------------------------------------------- cohort simulator


class SimulatorApp(App):
    """Cohort simulator: arm (true rate), cohort size and seed -> histogram of observed rates."""

    package = PACKAGE
    app_id = "cohort_simulator"
    main_control = "cohort_size"
    _FIGURE_TEXTS: ClassVar[tuple[str, ...]] = (
        "title", "x_title", "y_title", "bars", "bars_hover", "true_rate", "true_rate_marker", "true_rate_hover",
        "middle", "middle_hover", "wilson", "wilson_hover", "strip_true", "strip_middle", "strip_wilson")

    def make_controls(self) -> dict[str, w.Widget]:
        self.arm_options = {a.arm_id: a for a in simulation.simulator_arms(model.arms())}
        options = [(t("simulator.arm_option", name=a.name, regimen=a.regimen, evidence=t(f"evidence.{a.evidence}"),
                      when=when(a), responders=a.responders, n=a.n), a.arm_id) for a in self.arm_options.values()]
        default = simulation.default_arm(list(self.arm_options.values()))
        return {
            "arm": Choice(options=options, value=default.arm_id, description=t("simulator.arm"),
                          help=t("simulator.arm_help")),
            "cohort_size": Slider(value=simulation.DEFAULT_COHORT_SIZE, description=t("simulator.cohort_size"),
                                  unit=t("simulator.cohort_size_unit"), readout_format="d",
                                  help=t("simulator.cohort_size_help"), **simulation.COHORT_SIZE_RANGE),
            "seed": Slider(value=simulation.DEFAULT_SEED, description=t("simulator.seed"), readout_format="d",
                           help=t("simulator.seed_help"), **simulation.SEED_RANGE),
        }

    def compute(self, **values: Any) -> simulation.Simulation:
        source = self.arm_options[values["arm"]]
        return simulation.compute_simulation(responders=source.responders, n=source.n,
                                             cohort_size=int(values["cohort_size"]), seed=int(values["seed"]))

    def _traces(self, view: simulation.Simulation) -> dict[str, dict[str, Any]]:
        strip = (t("simulator.strip_true"), t("simulator.strip_middle"), t("simulator.strip_wilson"))
        return simulation_traces(centres=view.centres, shares=view.shares, width=view.width,
                                 true_percent=view.true_percent, middle=view.middle, wilson=view.wilson,
                                 single_percent=view.single_percent, strip=strip)

    def make_figure(self, view: simulation.Simulation) -> Any:
        return make_simulation(centres=view.centres, shares=view.shares, width=view.width,
                               true_percent=view.true_percent, middle=view.middle, wilson=view.wilson,
                               single_percent=view.single_percent, texts=_texts("simulator", self._FIGURE_TEXTS),
                               widget=True)

    def patch(self, view: simulation.Simulation) -> dict[str, dict[str, Any]]:
        return self._traces(view)

    def summary(self, view: simulation.Simulation) -> str:
        a = self.arm_options[self.controls["arm"].value]
        return t("simulator.summary", cohorts=format_number(view.n_cohorts), size=view.cohort_size,
                 true=pct(view.true_percent, 1), seed=view.seed,
                 source=t("simulator.source", name=a.name, regimen=a.regimen, responders=a.responders, n=a.n),
                 low=pct(view.middle[0], 1), high=pct(view.middle[1], 1), far_share=pct(view.far_share, 1),
                 far=simulation.FAR, single=pct(view.single_percent, 1), wilson_low=pct(view.wilson[0], 1),
                 wilson_high=pct(view.wilson[1], 1))


def cohort_simulator(**values: Any) -> SimulatorApp:
    """The cohort simulator, the lesson's main app; its main control is the cohort size."""
    return SimulatorApp(**values)


# --------------------------------------------------------------------------- forest


class ForestApp(App):
    """Forest chart of IST response with response-type, timepoint and highlight choices."""

    package = PACKAGE
    app_id = "ist_forest"
    main_control = "timepoint"
    _FIGURE_TEXTS: ClassVar[tuple[str, ...]] = (
        "title", "x_title", "interval_legend", "interval_dimmed_legend", "randomized_legend", "single_arm_legend")

    def make_controls(self) -> dict[str, w.Widget]:
        self.arms = model.arms()  # parsed once: every update only filters this tuple
        visits = model.timepoints()
        # Overall response first (the chart opens on it), then every other type the table reports.
        types = sorted({a.response_type for a in self.arms}, key=lambda kind: (kind != "overall", kind))
        return {
            "response_type": Choice(options=[(t(f"response_type_label.{k}"), k) for k in types], value=types[0],
                                    description=t("forest.response_type"), help=t("forest.response_type_help")),
            "timepoint": Choice(
                options=[(t("forest.timepoint_option", months=format_number(m)), m) for m in visits]
                + [(t("forest.all_timepoints"), model.ALL_TIMEPOINTS)],
                value=model.USUAL_VISIT if model.USUAL_VISIT in visits else visits[0],
                description=t("forest.timepoint")),
            "highlight": Choice(
                options=[(t("forest.no_highlight"), model.NO_HIGHLIGHT)]
                + [(t(f"comparison.{c.code}.title"), c.code) for c in model.comparisons()],
                value=model.NO_HIGHLIGHT, description=t("forest.highlight")),
        }

    def compute(self, **values: Any) -> model.ForestView:
        return model.compute_forest(self.arms, response_type=values["response_type"], timepoint=values["timepoint"],
                                    highlight=values["highlight"])

    def _rows(self, view: model.ForestView) -> list[Any]:
        return [chart_row(row, highlight=view.highlight is not None) for row in view.rows]

    def make_figure(self, view: model.ForestView) -> Any:
        return make_forest(self._rows(view), texts=_texts("forest", self._FIGURE_TEXTS), widget=True)

    def patch(self, view: model.ForestView) -> dict[str, dict[str, Any]]:
        return forest_traces(self._rows(view))

    summary = staticmethod(forest_summary)
    details = staticmethod(forest_details)


def ist_forest(**values: Any) -> ForestApp:
    """The forest chart of response to immunosuppression (reads ``ist_response``)."""
    return ForestApp(**values)


# --------------------------------------------------------------------------- NIH response


class ResponseApp(App):
    """Four count sliders -> NIH response category and the reason, with the counts against their cut-offs."""

    package = PACKAGE
    app_id = "response_explorer"
    main_control = "platelets"
    #: The lesson's view window per count (canonical units); step and readout come from measures.toml.
    RANGES: ClassVar[dict[str, tuple[float, float]]] = {
        "anc": (0.0, 3.0), "hb": (4.0, 16.0), "platelets": (0.0, 300.0), "reticulocytes": (0.0, 200.0)}
    #: Illustrative worked examples (blood counts invented for teaching, canonical units).
    presets = read_presets(PACKAGE, app_id)

    def make_controls(self) -> dict[str, w.Widget]:
        start = self.presets["example_b"]
        controls = {}
        for key, (low, high) in self.RANGES.items():
            slider = measure_slider(key, value=start[key])
            slider.set_range(min=low, max=high, step=slider.step, value=start[key])
            controls[key] = slider
        return controls

    def compute(self, **values: Any) -> model.ResponseExplanation:
        return model.compute_response(anc=float(values["anc"]), hb=float(values["hb"]),
                                      platelets=float(values["platelets"]),
                                      reticulocytes=float(values["reticulocytes"]))

    def _bar_texts(self, view: model.ResponseExplanation) -> dict[str, str]:
        texts = {}
        for key, value in view.values.items():
            marks = []
            if key in view.complete_met:
                marks.append(t("response.complete_reached" if view.complete_met[key] else "response.complete_below"))
            if view.severe_met.get(key):
                marks.append(t("response.severe_range"))
            shown = format_number(value)
            texts[key] = t("response.bar_text", value=shown, marks="; ".join(marks)) if marks else shown
        return texts

    def make_figure(self, view: model.ResponseExplanation) -> Any:
        units = {k: thresholds.unit_symbol(measure(k).canonical) for k in self.RANGES}
        labels = {k: measure(k).label for k in self.RANGES}
        return make_response_counts(
            panels=list(labels.items()), values=view.values, ranges=self.RANGES,
            complete_cutoffs={k: thresholds.value(i) for k, i in model.COMPLETE_IDS.items()},
            severe_cutoffs={k: thresholds.value(i) for k, i in model.SEVERE_IDS.items()},
            texts=_texts("response", ("title", "complete_legend", "severe_legend")),
            bar_texts=self._bar_texts(view),
            axis_titles={k: t("response.axis", label=labels[k], unit=units[k]) for k in labels},
            hovers={k: t("response.hover", label=labels[k], x="%{x}", unit=units[k]) for k in labels},
            widget=True)

    def patch(self, view: model.ResponseExplanation) -> dict[str, dict[str, Any]]:
        texts = self._bar_texts(view)
        bars = {key: {"x": [value]} for key, value in view.values.items()}
        return {**bars, **{f"{key}_label": {"text": [texts[key]]} for key in view.values}}

    @staticmethod
    def _criterion(key: str, value: float, threshold_id: str) -> str:
        symbol = thresholds.COMPARISON_SYMBOLS[thresholds.get(threshold_id).comparator]
        return t("response.criterion", label=measure_label(key), value=format_number(value),
                 cutoff=f"{symbol} {thresholds.format_value(threshold_id)}")

    def summary(self, view: model.ResponseExplanation) -> str:
        values = view.values
        met = [self._criterion(k, values[k], model.SEVERE_IDS[k]) for k, on in view.severe_met.items() if on]
        if view.category.value == "complete":
            reason = t("response.reason_complete", criteria=", ".join(
                self._criterion(k, values[k], i) for k, i in model.COMPLETE_IDS.items()))
        else:
            missing = ", ".join(t("response.missing", label=measure_label(k), value=format_number(values[k]),
                                  cutoff=thresholds.format_value(model.COMPLETE_IDS[k]))
                                for k, ok in view.complete_met.items() if not ok)
            if view.category.value == "partial":
                still = t("response.still_one", criterion=met[0]) if met else t("response.still_none")
                reason = t("response.reason_partial", missing=missing, still=still)
            else:
                reason = t("response.reason_none", missing=missing, met=len(met), total=len(model.SEVERE_IDS),
                           criteria="; ".join(met))
        return t("response.summary", category=t(f"response.category.{view.category.value}"), reason=reason)


def response_explorer(**values: Any) -> ResponseApp:
    """Sliders for ANC, Hb, platelets and reticulocytes -> the NIH response category with the reason."""
    return ResponseApp(**values)

