"""The app protocol every lesson app follows, and the self-check widgets.

An app declares what is particular to it and :class:`App` does the rest once::

    class Calculator(App):
        package = "regional_incidence"       # content and registry entry
        app_id = "expected_cases_calculator" # the factory name in registry.toml
        main_control = "years"               # the control tests and the benchmark drive

        def make_controls(self): return {"years": Slider(...), ...}
        def compute(self, **values): return model.expected(**values)   # pure
        def make_figure(self, view): return figures.make_chart(..., widget=True)
        def patch(self, view): return {"expected": {"x": [...]}, "layout": {"xaxis.range": [...]}}
        summary = staticmethod(render.expected_summary)              # the live sentence from the view
        details = staticmethod(render.expected_notes)                # optional HTML under the figure

``summary`` and ``details`` are functions of the view; an app whose texts need more than the view
(its own state, a control's options) defines them as methods instead.

The base class builds the controls, observes each one once, builds preset buttons and applies a
preset with one redraw, patches traces *by name*, sending only the properties that changed, in
one ``plotly_update`` message per figure (so the page redraws each figure once per change),
writes the live one-line summary (``role="status"``), puts the lesson's CSS class from the
registry on the container, and gives a static-HTML fallback for exports without a kernel.
"""

from __future__ import annotations

import asyncio
import functools
import html
import math
import os
import sys
from collections.abc import Mapping
from typing import Any, ClassVar

import ipywidgets as w
from plotly.basedatatypes import Undefined

from ..controls import Slider, guard_tree
from ..units import convert
from . import lesson as _lesson
from . import measure
from .checks import SelfCheck, SelfChecks, feedback_html, post_check, pre_check, self_checks, shared_part, status_html
from .content import Option, Question, text
from .presets import check_presets

__all__ = ["App", "Option", "Question", "SelfCheck", "SelfChecks", "feedback_html", "measure_slider", "post_check",
           "pre_check", "self_checks", "status_html"]


def measure_slider(key: str, *, value: float, unit: str | None = None, description: str | None = None,
                   help: str | None = None) -> Slider:  # noqa: A002 - the Slider's own name
    """A slider for a measure of ``measures.toml``: grid from the table, label and help from content."""
    m = measure(key)
    unit = unit or m.canonical
    grid = m.grid(unit)
    if unit != m.canonical:
        value = convert(value, m.canonical, unit)
    from ..thresholds import unit_symbol

    return Slider(value=value, min=grid.min, max=grid.max, step=grid.step, readout_format=grid.format,
                  description=description or m.label, unit=unit_symbol(unit), help=help or m.help)


_UNSET = object()

#: Seconds the summary and details wait behind the figure in the browser kernel (Pyodide).
#: There the page draws the figure only once it has handled every message a key press produced,
#: text included, and the text's re-layout costs as much as the figure: written a moment later
#: (one timer, restarted by each press) it lets the figure be drawn first. Elsewhere the text is
#: written at once, in the same step as the figure.
TEXT_DELAY_IN_BROWSER_KERNEL_S = 0.06

#: Seconds a thread may hold the interpreter before another that waits gets it (Python's default
#: is 0.005). ipykernel sends messages from a thread of its own: when a key press has queued the
#: figure's update, that thread waited for the kernel's main thread to finish writing the summary
#: and details. Measured on a 2-core machine, lesson 01's key press -> figure update went from
#: 1.35x to 1.14x the one-slider baseline's (benchmarks/run.py's floor rows).
SWITCH_INTERVAL_S = 0.0005


@functools.cache
def _let_kernel_send_sooner() -> None:
    """Shorten the interpreter's switch interval, once per process (the kernel's first app)."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new):
        return True
    return bool(old == new)


class App:
    """Base class of every lesson app (see the module docstring for the protocol).

    Subclasses set ``package``, ``app_id`` and ``main_control`` and implement
    :meth:`make_controls`, :meth:`compute`, :meth:`make_figure` (or :meth:`make_figures`),
    :meth:`patch` and :meth:`summary`; optionally :meth:`details`, :meth:`react`, ``presets``.
    """

    package: ClassVar[str]
    app_id: ClassVar[str]
    main_control: ClassVar[str]
    #: preset id -> control values (presets.toml); labels: content ``presets.<id>.label`` (:meth:`preset_label`).
    presets: dict[str, dict[str, Any]] = {}
    #: Whether to show a button per preset (an app whose presets are a control's options sets False).
    show_preset_buttons: ClassVar[bool] = True
    #: The preset the static site shows (tools/export_html.py), when the app's starting state is not
    #: an instructive one (lesson 01 starts from a normal count); None: the starting state.
    static_preset: ClassVar[str | None] = None

    def __init__(self, **values: Any) -> None:
        _let_kernel_send_sooner()
        self._holding = False
        self._text_timer: Any = None
        self.redraws = 0
        # What was last sent to each figure, (figure, trace index or -1 for layout, path) -> value:
        # comparing against it is far cheaper than reading plotly's dotted properties back.
        self._sent: dict[tuple[str, int, str], Any] = {}
        self._where: dict[str, tuple[str, int]] = {}
        self.controls: dict[str, w.Widget] = self.make_controls()
        if self.main_control not in self.controls:
            raise ValueError(f"{type(self).__name__}: main_control {self.main_control!r} is not a control")
        check_presets(self.presets, self.controls, package=self.package, app_id=self.app_id)
        for key, value in values.items():
            if key not in self.controls:
                raise ValueError(f"{type(self).__name__} has no control {key!r}; controls: {list(self.controls)}")
            self.controls[key].value = value
        for key in values:
            self._set_values(self.react(key, self.values()))
        self.view = self.compute(**self.values())
        self.figures: dict[str, Any] = self.make_figures(self.view)
        self.figure = next(iter(self.figures.values()), None)  # None: an app without a figure
        self.status = w.HTML(layout=shared_part("score_layout"), style=shared_part("html"))
        self.details_html = w.HTML(layout=shared_part("layout"), style=shared_part("html"))
        self.preset_buttons: dict[str, w.Button] = {}
        if self.show_preset_buttons:
            for preset_id in self.presets:
                button = w.Button(description=self.preset_label(preset_id),
                                  tooltip=self.preset_hint(preset_id), layout=shared_part("auto_width"),
                                  style=shared_part("button"))
                button.on_click(lambda _b, p=preset_id: self.apply_preset(p))
                self.preset_buttons[preset_id] = button
        for name, control in self.controls.items():
            control.observe(lambda change, n=name: self._on_change(n), names="value")
        self._write_text()
        self._container: w.Box | None = None

    # -- the protocol (subclasses) -------------------------------------------
    def make_controls(self) -> dict[str, w.Widget]:  # pragma: no cover - abstract
        raise NotImplementedError

    def compute(self, **values: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def make_figure(self, view: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def make_figures(self, view: Any) -> dict[str, Any]:
        """Every figure of the app by name, main figure first (default: ``{"main": make_figure(view)}``)."""
        return {"main": self.make_figure(view)}

    def patch(self, view: Any) -> dict[str, dict[str, Any]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self, view: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def details(self, view: Any) -> str:
        """Optional HTML under the figure."""
        return ""

    def react(self, changed: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values other controls take when ``changed`` changes (e.g. a choice moving a slider)."""
        return {}

    def preset_label(self, preset_id: str) -> str:
        return text(self.package, f"presets.{preset_id}.label")

    def preset_hint(self, preset_id: str) -> str:
        return text(self.package, f"presets.{preset_id}.hint")

    def static_scripts(self) -> dict[str, str]:
        """JavaScript a page without a kernel runs once a figure is drawn, by figure name (plotly's
        ``post_script``, ``{plot_id}`` its element's id): what the kernel would do on a click."""
        return {}

    # -- what the base class does ---------------------------------------------
    @property
    def main(self) -> w.Widget:
        """The main control's widget: the one browser tests and the benchmark drive by keyboard."""
        return self.controls[self.main_control]

    def values(self) -> dict[str, Any]:
        """The controls' current values by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _set_values(self, values: Mapping[str, Any]) -> None:
        was = self._holding
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = was

    def _follow(self, name: str) -> None:
        """Set the values other controls take when ``name`` changed (:meth:`react`)."""
        if follow := self.react(name, self.values()):
            self._set_values(follow)

    def _on_change(self, name: str) -> None:
        if not self._holding:
            self._follow(name)
            self.redraw()

    def apply_preset(self, preset_id: str) -> None:
        """Set the controls to a preset's values, then redraw once."""
        if preset_id not in self.presets:
            raise ValueError(f"unknown preset {preset_id!r}; presets: {', '.join(self.presets)}")
        values = dict(self.presets[preset_id])
        self._set_values(values)
        for name in values:
            self._follow(name)
        self.redraw()

    def trace(self, name: str) -> Any:
        """The trace whose id (``meta``) or name is ``name``, in any of the app's figures.

        Figure builders put a language-neutral id in each trace's ``meta`` (a FigureWidget
        overwrites ``uid``); traces are never addressed by position.
        """
        for figure in self.figures.values():
            for trace in figure.data:
                if name in (trace.meta, trace.name):
                    return trace
        names = [t.meta or t.name for f in self.figures.values() for t in f.data]
        raise ValueError(f"{type(self).__name__} has no trace {name!r}; traces: {names}")

    def _locate(self, target: str) -> tuple[str, int]:
        """(figure name, trace index) of the trace whose id or name is ``target`` (looked up once)."""
        if target not in self._where:
            trace = self.trace(target)
            self._where[target] = next((key, i) for key, f in self.figures.items()
                                       for i, t in enumerate(f.data) if t is trace)
        return self._where[target]

    def redraw(self) -> None:
        """Recompute the view and patch the figures in place: one ``plotly_update`` per figure,
        sending only the traces and properties whose value changed."""
        self.view = self.compute(**self.values())
        changes = self.patch(self.view)
        restyles: dict[str, dict[int, dict[str, Any]]] = {}
        layouts: dict[str, dict[str, Any]] = {}
        for target, props in changes.items():
            if target == "layout" or target.startswith("layout:"):
                key = target.split(":", 1)[1] if ":" in target else next(iter(self.figures))
                changed = {p: v for p, v in props.items() if not _same(self._sent.get((key, -1, p), _UNSET), v)}
                if changed:
                    layouts[key] = changed
                continue
            key, index = self._locate(target)
            changed = {p: v for p, v in props.items() if not _same(self._sent.get((key, index, p), _UNSET), v)}
            if changed:
                restyles.setdefault(key, {})[index] = changed
        for key, figure in self.figures.items():
            traces = restyles.get(key, {})
            layout = layouts.get(key, {})
            if traces:
                # One update per figure: each update costs the browser a whole Plotly.update, so traces
                # that changed different properties still go together. plotly's restyle takes one value
                # per trace for each property; plotly's Undefined leaves a trace's property as it is
                # (it travels as "_undefined_" and plotly.js skips it; None would reset it instead).
                indexes = sorted(traces)
                paths = sorted({p for props in traces.values() for p in props})
                restyle = {p: [traces[i].get(p, Undefined) for i in indexes] for p in paths}
                figure.plotly_update(restyle_data=restyle, relayout_data=layout or None, trace_indexes=indexes)
                for i in indexes:
                    self._sent.update({(key, i, p): v for p, v in traces[i].items()})
            elif layout:
                figure.plotly_relayout(layout)
            self._sent.update({(key, -1, p): v for p, v in layout.items()})
        self.redraws += 1
        if sys.platform == "emscripten":
            self._write_text_soon()
        else:
            self._write_text()

    def _write_text_soon(self) -> None:
        if self._text_timer is not None:
            self._text_timer.cancel()
        self._text_timer = asyncio.get_event_loop().call_later(TEXT_DELAY_IN_BROWSER_KERNEL_S, self._write_text)

    def _write_text(self) -> None:
        self.status.value = status_html(self.summary(self.view))
        self.details_html.value = self.details(self.view)

    def summary_text(self) -> str:
        """The sentence currently shown under the figure."""
        return self.summary(self.view)

    # -- display ----------------------------------------------------------------
    @property
    def css_class(self) -> str:
        return _lesson(self.package).app_css_class(self.app_id)

    def layout_children(self) -> list[w.Widget]:
        """Controls, preset buttons, the figures, the summary, the details."""
        children: list[w.Widget] = [w.VBox(list(self.controls.values()))]
        if self.preset_buttons:
            heading = w.HTML(f"<strong>{html.escape(text('common', 'presets_heading'))}</strong>")
            box = w.HBox(list(self.preset_buttons.values()), layout=w.Layout(flex_flow="row wrap"))
            box.add_class("hemaedu-presets")
            children.append(w.VBox([heading, box]))
        return [*children, *self.figures.values(), self.status, self.details_html]

    def _is_output(self, widget: w.Widget) -> bool:
        """Whether ``widget`` shows the app's result (a figure, the summary, the details)."""
        outputs = [*self.figures.values(), self.status, self.details_html]
        children = getattr(widget, "children", ())
        return any(widget is o for o in outputs) or (bool(children) and all(map(self._is_output, children)))

    def _split_layout(self, children: list[w.Widget]) -> tuple[list[w.Widget], list[w.Widget]] | None:
        """(controls, results) when the children are controls first, then a figure and its texts.

        Only such apps get the two-column layout: an app that interleaves questions and results
        (a case player, a drill) keeps its single column, in its own order.
        """
        first_output = next((i for i, child in enumerate(children) if self._is_output(child)), None)
        if not first_output or not self.figures:
            return None
        side, main = children[:first_output], children[first_output:]
        if not all(self._is_output(child) for child in main):
            return None
        return side, main

    def _layout(self, children: list[w.Widget]) -> w.Box:
        """The app's box: controls beside the figure and its verdict on a wide screen.

        hemaedu/static/controls.css (loaded with every control) does the layout: on a window at
        least 60em wide the columns sit side by side and the controls stay in view while the
        learner scrolls through the results; on a phone they stack, controls first.
        """
        split = self._split_layout(children)
        if split is None:
            return w.VBox(children).add_class("hemaedu-layout")
        side = w.VBox(split[0]).add_class("hemaedu-layout-side")
        main = w.VBox(split[1]).add_class("hemaedu-layout-main")
        columns = w.Box([side, main]).add_class("hemaedu-layout-columns")
        return w.VBox([columns]).add_class("hemaedu-layout").add_class("hemaedu-layout-split")

    @property
    def container(self) -> w.Box:
        if self._container is None:
            # The page may only propose control values: every widget the app shows is guarded
            # once here (hemaedu._trust), so a crafted message cannot change a range or a label.
            self._container = guard_tree(self._layout(self.layout_children()))
            self._container.add_class(self.css_class)
        return self._container

    def static_html(self) -> str:
        """The figures and summary as HTML that needs no kernel (plotly.js not included)."""
        from ..figures import CONFIG

        figures = "\n".join(f.to_html(full_html=False, include_plotlyjs=False, config=CONFIG,
                                      post_script=self.static_scripts().get(key)) for key, f in self.figures.items())
        if not self.figures:  # an app of controls only: show where they stand
            figures = "".join(
                f"<p><strong>{html.escape(c.description)}</strong>: {html.escape(c.readout)}</p>"
                for c in self.controls.values() if isinstance(c, Slider)
            )
            hint = f"<p><em>{html.escape(text('common', 'open_to_move'))}</em></p>"
            return f"{figures}{self.status.value}{hint}"
        return f"{figures}\n{self.status.value}\n{self.details_html.value}"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        # Front ends with a widget manager show the live view; nbconvert's HTML
        # export (no kernel) falls back to the static rendering. The bundle is built here, not by
        # ipywidgets, whose text/plain repr prints every figure's data (slow for the map, and
        # plotly's pretty-printer imports numpy).
        from .static_site import STATIC_EXPORT, static_rendering  # tools/export_html.py: a teaching state

        static = static_rendering(self) if os.environ.get(STATIC_EXPORT) else self.static_html()
        return {
            "text/plain": f"{type(self).__name__}({self.css_class})",
            "text/html": static,
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0, "model_id": self.container.model_id,
            },
        }
