"""Lesson 01's app: the blood-count explorer, a thin :class:`~hemaedu.lessons._app.App`.

Sliders hold values in the units the learner chose (``hb_unit``, ``count_unit``);
:meth:`BloodCountExplorer.canonical_values` gives them in the rules' units. A unit
switch rescales the sliders onto the new unit's grid and keeps the learner's
setting (the grids of ``measures.toml`` differ by exact powers of ten).

>>> app = blood_count_explorer()
>>> app.apply_preset("very_severe_aplastic_anemia")
>>> str(app.view.grade), app.view.grade_applies
('very severe', True)
>>> app.controls["count_unit"].value = "/uL"
>>> app.controls["platelets"].value == 1000 * model.PRESETS["very_severe_aplastic_anemia"]["platelets"]
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ...controls import Choice, Slider
from ...figures.blood_count import axis_labels, make_blood_count_figure, trace_data
from ...thresholds import unit_symbol
from ...units import convert
from .. import measure
from .._app import App, measure_slider
from . import model, render
from .render import t

__all__ = ["BloodCountExplorer", "blood_count_explorer"]

_UNIT_CONTROLS = {"hb_unit": ("hb",), "count_unit": tuple(k for k, kind in model.MEASURES.items() if kind == "count")}


class BloodCountExplorer(App):
    """Sliders for a blood count, a unit switch, presets, one live chart and its interpretation."""

    package = "pancytopenia"
    app_id = "blood_count_explorer"
    main_control = "platelets"
    #: The vignettes, in the rules' units (Hb g/dL, counts 10^9/L, %): see :meth:`apply_preset`.
    presets = model.PRESETS
    #: The static site shows a graded case, not the normal count the live app starts from.
    static_preset = "severe_aplastic_anemia"

    def make_controls(self) -> dict[str, w.Widget]:
        start = model.PRESETS["normal"]
        sex = Choice(options=[(t("control.female"), "female"), (t("control.male"), "male")], value=start["sex"],
                     description=t("control.sex"), help=t("help.sex"))
        units = {
            name: Choice(options=[(unit_symbol(u), u) for u in measure(keys[0]).units],
                         value=measure(keys[0]).canonical, description=t(f"control.{name}"))
            for name, keys in _UNIT_CONTROLS.items()
        }
        grid = model.AGE_YEARS_GRID
        age = Slider(value=start["age_years"], min=grid["min"], max=grid["max"], step=grid["step"], readout_format="d",
                     description=t("control.age"), unit=t("control.age_unit"),
                     unit_one=t("control.age_unit_one"), help=t("help.age"))
        sliders = {key: measure_slider(key, value=start[key]) for key in model.MEASURES}
        return {"sex": sex, "age_years": age, **units, **sliders}

    # -- units ------------------------------------------------------------------
    def unit_of(self, key: str) -> str:
        """The unit measure ``key``'s slider is in now."""
        return model.display_unit(key, self.controls["hb_unit"].value, self.controls["count_unit"].value)

    def canonical_values(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A setting (default: the current one) in the rules' units (Hb g/dL, counts 10^9/L, %), plus sex and age."""
        values = self.values() if values is None else values
        out: dict[str, Any] = {"sex": values["sex"], "age_years": values["age_years"]}
        for key in model.MEASURES:
            unit, canonical = model.display_unit(key, values["hb_unit"], values["count_unit"]), measure(key).canonical
            out[key] = values[key] if unit == canonical else convert(values[key], unit, canonical)
        return out

    def apply_preset(self, preset_id: str) -> None:
        """Set the controls to a vignette (given in the rules' units) in the sliders' current units, one redraw."""
        if preset_id not in self.presets:
            raise ValueError(f"unknown preset {preset_id!r}; presets: {', '.join(self.presets)}")
        values = self.presets[preset_id]
        self._set_values({k: model.to_display(v, k, self.unit_of(k)) if k in model.MEASURES else v
                          for k, v in values.items()})
        self.redraw()

    def react(self, changed: str, values: Mapping[str, Any]) -> dict[str, Any]:
        # A unit switch moves the sliders' grids; the value is converted, so the
        # learner's setting stays. Held, so the sliders' own observers do not redraw.
        if changed in _UNIT_CONTROLS:
            was, self._holding = self._holding, True
            try:
                for key in _UNIT_CONTROLS[changed]:
                    slider, m = self.controls[key], measure(key)
                    unit = self.unit_of(key)
                    old = self._units[key]
                    grid = m.grid(unit)
                    slider.set_range(min=grid.min, max=grid.max, step=grid.step,
                                     value=convert(slider.value, old, unit),
                                     unit=unit_symbol(unit), readout_format=grid.format)
                    self._units[key] = unit
            finally:
                self._holding = was
        return {}

    # -- the protocol -----------------------------------------------------------
    def __init__(self, **values: Any) -> None:
        self._units = {key: measure(key).canonical for key in model.MEASURES}
        # Units first (react() moves the sliders' grids), then values given in those units.
        units = {name: values.pop(name) for name in _UNIT_CONTROLS if name in values}
        super().__init__(**units)
        if values:
            self._set_values(values)
            self.redraw()

    def compute(self, **values: Any) -> model.BloodCountView:
        return model.compute(**self.canonical_values(values), hb_unit=values["hb_unit"],
                             count_unit=values["count_unit"])

    def make_figure(self, view: model.BloodCountView) -> Any:
        rows = render.figure_rows(view)
        self._drawn = self._figure_data(rows)
        return make_blood_count_figure(rows, labels=render.figure_labels(), widget=True)

    @staticmethod
    def _figure_data(rows: list[Any]) -> dict[str, dict[str, Any]]:
        # Row labels carry the unit, so the y-axis labels change with a unit switch.
        return {**trace_data(rows), "layout": {"yaxis.ticktext": axis_labels(rows)}}

    def patch(self, view: model.BloodCountView) -> dict[str, dict[str, Any]]:
        new = self._figure_data(render.figure_rows(view))
        # Only what differs from the last drawing: a slider move changes two or three of the
        # eight traces, and the base class then reads fewer properties back from plotly.
        changed = {key: {p: v for p, v in props.items() if self._drawn[key].get(p) != v} for key, props in new.items()}
        self._drawn = new
        return {key: props for key, props in changed.items() if props}

    summary = staticmethod(render.summary)
    details = staticmethod(render.details)

    def layout_children(self) -> list[w.Widget]:
        c = self.controls
        presets = w.VBox([
            w.HTML(f"<p><strong>{render.escape(t('control.presets_heading'))}</strong> "
                   f"{render.escape(t('control.presets_note'))}</p>"),
            w.HBox(list(self.preset_buttons.values()), layout=w.Layout(flex_flow="row wrap")),
        ])
        units = w.HBox([c["hb_unit"], c["count_unit"]], layout=w.Layout(flex_flow="row wrap"))
        # Two columns of sliders halve the height, so the chart stays in view on a projector.
        sliders = w.GridBox(
            [c["sex"], c["age_years"], *(c[k] for k in model.MEASURES)],
            layout=w.Layout(grid_template_columns="repeat(auto-fill,minmax(22em,1fr))", grid_gap="0 1.5em"),
        )
        return [presets, units, sliders, self.figure, self.status, self.details_html]


def blood_count_explorer(preset: str = "normal") -> BloodCountExplorer:
    """Build the lesson-01 explorer, starting from a preset vignette."""
    app = BloodCountExplorer()
    app.apply_preset(preset)
    return app
