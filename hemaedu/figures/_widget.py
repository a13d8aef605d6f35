"""A plotly ``FigureWidget`` whose 5 MB JavaScript is evaluated once per page, not once per figure.

Why: plotly 7's FigureWidget is an anywidget whose ES module is plotly's whole
widget bundle (about 5 MB). anywidget imports every model's module on its own,
so a page with three figures parses and runs plotly.js three times, and
anywidget 0.11 gives each model only 2 seconds to load before it rejects it
("[anywidget] Failed to initialize model."). A rejected model still draws its
first state but ignores every later update from Python: the chart stops
following the sliders. On a slow or busy computer (a school laptop, a shared
Binder) one bundle already takes about 1.5 s, so the second and third figure of
a lesson miss the limit; the browser tests saw exactly that in Voila.

A second problem has the same root: plotly's widget view sizes its figure on
Lumino messages, which an anywidget view never receives, so every live figure
stayed 700 px wide and text beyond that width was cut off. The loader resizes
the figure whenever its element changes size.

Here the figure's module is a small loader. The bundle travels to the browser
once per kernel, as the ``source`` of one hidden carrier widget that every
figure references (``_hemaedu_bundle_ref``); the loader imports it once per
page, keyed by plotly's version, and every figure reuses that module. A lesson
with three figures thus sends 5 MB instead of 15 MB, which matters on Binder
and on a school network. Each figure still gets its own plotly view model (the
bundle's default export is a factory), so figures stay independent.

>>> fig = FigureWidget(layout={"title": {"text": "T"}})
>>> other = FigureWidget()
>>> fig.layout.title.text, fig._hemaedu_bundle_ref == other._hemaedu_bundle_ref
('T', True)
>>> len(_carrier().source) > 1_000_000, fig._hemaedu_bundle_ref.startswith("IPY_MODEL_")
(True, True)
>>> "globalThis" in fig._esm, fig._config["responsive"]
(True, True)
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import plotly
import plotly.graph_objects as go
import plotly.serializers as _serializers
import traitlets

from hemaedu._trust import FIGURE_SETTABLE, PageCheck, apply_page_state

# Importing this module runs hemaedu/figures/__init__.py first (the parent package), which hides
# an unloaded numpy from plotly before plotly.serializers above looks for it.

__all__ = ["FigureWidget"]

_LOADER = r"""
// One import of plotly's widget bundle per page and plotly version, shared by all figures.
const CACHE_KEY = "__hemaeduPlotlyWidgetBundle";

// The bundle's source lives on one carrier widget per kernel ("IPY_MODEL_<id>").
async function source(model) {
  const id = model.get("_hemaedu_bundle_ref").slice("IPY_MODEL_".length);
  // The carrier is opened before any figure, but give the page a moment to
  // register it when many models arrive at once.
  for (let attempt = 0; ; attempt++) {
    try {
      return (await model.widget_manager.get_model(id)).get("source");
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function bundle(model) {
  const cache = (globalThis[CACHE_KEY] ??= new Map());
  const key = model.get("_hemaedu_bundle_key");
  let loading = cache.get(key);
  if (!loading) {
    loading = source(model).then((text) => {
      const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      return import(/* webpackIgnore: true */ url).finally(() => URL.revokeObjectURL(url));
    });
    // A failed import must not poison the page: the next figure tries again.
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
  }
  return loading;
}

// plotly.js never wraps a title: on a phone a long one runs off the figure. Break it into
// lines that fit the figure's width, in the drawn SVG only (the figure's data keeps the text),
// after every draw, and keep the lines centred where plotly put the single line.
const SVG_NS = "http://www.w3.org/2000/svg";
function wrapTitle(gd) {
  const svg = gd.querySelector(".main-svg");
  const title = gd.querySelector(".g-gtitle .gtitle");
  // Lines already: plotly's own (<br>) or ours (plotly fires afterplot again without redrawing it).
  if (!svg || !title || title.querySelector("tspan")) return;
  const x = parseFloat(title.getAttribute("x")) || 0;
  const room = svg.getBoundingClientRect().width - x - 8;
  const text = title.textContent;
  if (room <= 0 || title.getComputedTextLength() <= room) return;
  const words = text.split(/\s+/);
  const lines = [];
  for (const word of words) {
    const candidate = lines.length ? lines[lines.length - 1] + " " + word : word;
    title.textContent = candidate;
    if (lines.length && title.getComputedTextLength() <= room) lines[lines.length - 1] = candidate;
    else if (lines.length && lines[lines.length - 1] !== candidate) lines.push(word);
    else lines[0] = candidate;
  }
  title.textContent = "";
  const lineHeight = 1.2 * (parseFloat(getComputedStyle(title).fontSize) || 16);
  lines.forEach((line, i) => {
    const span = document.createElementNS(SVG_NS, "tspan");
    span.setAttribute("x", String(x));
    if (i) span.setAttribute("dy", String(lineHeight));
    span.textContent = line;
    title.appendChild(span);
  });
  const y = parseFloat(title.getAttribute("y")) || 0;
  title.setAttribute("y", String(Math.max(y - ((lines.length - 1) * lineHeight) / 2, lineHeight)));
  title.setAttribute("aria-label", text);
}

// anywidget calls this factory once per model, like plotly's own default export.
export default () => {
  let figure;
  return {
    async initialize(context) {
      const mod = await bundle(context.model);
      figure = mod.default();
      return figure.initialize(context);
    },
    render(context) {
      const cleanup = figure.render(context);
      // plotly's view draws before its element is in the page, so plotly.js
      // falls back to a 700 px wide figure; its own resize handling listens for
      // Lumino messages that an anywidget view never receives. Resize whenever
      // the element's box changes (plotly.js installs _responsiveChartHandler
      // because the figure's config has responsive: true).
      const el = context.el;
      const resize = () => el._responsiveChartHandler?.();
      let wrapping = false;
      const wrap = () => { try { wrapTitle(el); } catch (error) { /* leave plotly's title */ } };
      const observer = new ResizeObserver(resize);
      observer.observe(el);
      // The first draw may end after the element got its size (JupyterLab
      // attaches it later than Voila): resize once more when plotly is done.
      const drawn = (event) => {
        if (event.detail?.element !== el) return;
        if (!wrapping && typeof el.on === "function") {
          wrapping = true;
          el.on("plotly_afterplot", wrap);
        }
        resize();
        wrap();
      };
      document.addEventListener("plotlywidget-after-render", drawn);
      return () => {
        observer.disconnect();
        document.removeEventListener("plotlywidget-after-render", drawn);
        if (typeof cleanup === "function") cleanup();
      };
    },
  };
};
"""


@cache
def _bundle() -> str:
    # The file plotly.basewidget.BaseFigureWidget._esm points to.
    path = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
    if not path.is_file():
        raise RuntimeError("plotly's widget bundle was not found; is plotly>=6 with anywidget installed?")
    return path.read_text(encoding="utf-8")


class _BundleCarrier(anywidget.AnyWidget):
    """Never displayed: carries plotly's widget bundle to the browser once per kernel."""

    _esm = "export default {};"
    source = traitlets.Unicode().tag(sync=True)
    _page_settable: ClassVar[Mapping[str, PageCheck]] = {}  # the page never changes it

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Refuse every change from the page (see hemaedu._trust)."""
        apply_page_state(self, sync_data, settable=self._page_settable, set_state=super().set_state)


_carrier_widget: _BundleCarrier | None = None


def _carrier() -> _BundleCarrier:
    """The kernel's carrier widget, re-created if something closed it."""
    global _carrier_widget
    if _carrier_widget is None or _carrier_widget.comm is None:
        _carrier_widget = _BundleCarrier(source=_bundle())
    return _carrier_widget


class FigureWidget(go.FigureWidget):
    """``go.FigureWidget`` with a loader module that shares one plotly bundle per page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # plotly.serializers caches numpy at import (None while hemaedu.figures hides an unloaded
        # numpy from plotly); if the learner has imported numpy since, let it serialise arrays.
        if _serializers.np is None and "numpy" in sys.modules:
            _serializers.np = sys.modules["numpy"]
        super().__init__(*args, **kwargs)

    _esm = _LOADER
    _hemaedu_bundle_ref = traitlets.Unicode().tag(sync=True)
    _hemaedu_bundle_key = traitlets.Unicode().tag(sync=True)
    #: What plotly's front end sends (zoom, legend clicks, redraw deltas); data,
    #: layout and config are the kernel's (see hemaedu._trust).
    _page_settable: ClassVar[Mapping[str, PageCheck]] = FIGURE_SETTABLE

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply an update from the page: only plotly's ``_js2py_*`` messages are taken."""
        apply_page_state(self, sync_data, settable=self._page_settable, set_state=super().set_state)

    # Defaults, not assignments in __init__: the widget opens its comm inside
    # the parent constructor, and JupyterLab builds the model from that first
    # state (a later update would arrive after the loader already ran).
    @traitlets.default("_hemaedu_bundle_ref")
    def _default_bundle_ref(self) -> str:
        return f"IPY_MODEL_{_carrier().model_id}"

    @traitlets.default("_hemaedu_bundle_key")
    def _default_bundle_key(self) -> str:
        return f"plotly-{plotly.__version__}"

    @traitlets.validate("_config")
    def _responsive(self, proposal: traitlets.Bunch) -> dict[str, object]:
        # Follow the width of the page (see the loader's render): a projector, a
        # laptop and a narrow window each get a figure that fits. A validator,
        # because plotly assigns _config itself while it builds the figure.
        # No toolbar either (see hemaedu.figures.CONFIG).
        from . import CONFIG

        return {**proposal["value"], **CONFIG}
