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

# The loader's JavaScript lives in hemaedu/static/ with the controls' (anywidget's layout).
_LOADER = (Path(__file__).resolve().parents[1] / "static" / "figure_loader.js").read_text(encoding="utf-8")


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
        # plotly's front end sends its layout after every draw as "_js2py_widget_layoutDelta", a
        # name its kernel side has no trait for (it reads "_js2py_layoutDelta"), so nothing would
        # take it. Dropped here without a word: refused and logged, it put a warning per figure
        # and per learner in the server's log, where a teacher looks for messages that matter.
        sync_data = {key: value for key, value in sync_data.items() if key != "_js2py_widget_layoutDelta"}
        if sync_data:
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

    @traitlets.validate("_view_count")
    def _no_view_count(self, proposal: traitlets.Bunch) -> None:
        # plotly turns on ipywidgets' count of the figure's views and never reads it; each page
        # showing the figure then sent a count the page may not set (a refusal and a warning each).
        return None

    @traitlets.validate("_config")
    def _responsive(self, proposal: traitlets.Bunch) -> dict[str, object]:
        # Follow the width of the page (see the loader's render): a projector, a
        # laptop and a narrow window each get a figure that fits. A validator,
        # because plotly assigns _config itself while it builds the figure.
        # No toolbar either (see hemaedu.figures.CONFIG).
        from . import CONFIG

        return {**proposal["value"], **CONFIG}
