"""The kernel decides what a widget shows; the page may only propose values.

ipywidgets applies every trait a front end sends (``Widget.set_state``): a
crafted message over the kernel's websocket can change a slider's ``min`` and
``max``, a control's unit, a choice's labels or a description, and a value the
kernel refuses stays on the page (``value=null`` is drawn as "0.0 g/dL" while
the kernel keeps 12.5). A lesson page must never show what the kernel did not
accept, and no message may widen a range the computations rely on.

:func:`apply_page_state` is the rule, used in their class by
:class:`hemaedu.controls.Slider`, :class:`~hemaedu.controls.Choice` and the
lessons' plotly ``FigureWidget`` (their ``set_state``), and by :func:`guard` /
:func:`guard_tree` for the stock ipywidgets a lesson shows (buttons, boxes,
texts, a drop-down, a number box):

1. Only the traits a person changes by using the control are taken from the
   page (``value`` of a slider or a number box, ``index`` of a choice or a
   drop-down, the ``_js2py_*`` messages of a plotly figure). Any other trait is
   ignored, logged, and re-sent with the kernel's value.
2. A proposed value of the wrong type (a string, a bool, null, NaN or an
   infinity for a number) is refused without reaching the trait.
3. After the update, every proposed trait whose kernel value differs from what
   the page sent (refused, clamped or snapped) is re-sent, so the page shows the
   kernel's value.

Refusals are logged with the widget's own logger (the kernel's log, which goes
to the server's log, never to the page) at warning level.

>>> import ipywidgets as w
>>> box = guard(w.BoundedIntText(value=5, min=1, max=10))
>>> box.set_state({"max": 1e300, "value": 1e300})  # as a crafted message would
>>> box.max, box.value
(10, 10)
"""

from __future__ import annotations

import math
import reprlib
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import ipywidgets as w
import traitlets

__all__ = ["apply_page_state", "guard", "guard_tree", "page_settable"]

# What a front end may send for a trait: a check of the JSON value it proposed.
PageCheck = Callable[[Any], bool]

W = TypeVar("W", bound=w.Widget)

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = _short.maxdict = 6


def is_number(value: Any) -> bool:
    """A finite JSON number (not a bool, which Python counts as an int)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int beyond the float range
        return False


def is_index(value: Any) -> bool:
    """An option index (a plain int) or ``None`` (nothing selected)."""
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def is_flag(value: Any) -> bool:
    """A JSON true or false (a ticked or cleared box)."""
    return isinstance(value, bool)


def is_message(value: Any) -> bool:
    """A plotly front-end message: a JSON object, or ``None`` once handled."""
    return value is None or isinstance(value, dict)


# The traits a person changes by using each kind of stock widget, with the check
# of the proposed value. Looked up along the widget's class hierarchy (most
# specific first); a class not covered here must be given its names explicitly.
_STOCK_SETTABLE: tuple[tuple[type, Mapping[str, PageCheck]], ...] = (
    # Display-only widgets: the front end never changes them.
    (w.HTML, {}),
    (w.HTMLMath, {}),
    (w.Label, {}),
    (w.Button, {}),  # a click is a custom message, not a state change
    (w.Box, {}),  # children, layout: kernel only
    (w.Layout, {}),
    (w.Style, {}),
    # Numbers typed or slid: the value (ranges are the kernel's).
    (w.widgets.widget_int._Int, {"value": is_number}),
    (w.widgets.widget_float._Float, {"value": is_number}),
    # A tick box: ticked or not (its description is the kernel's).
    (w.Checkbox, {"value": is_flag}),
    # Single selection: the index (options and their labels are the kernel's).
    (w.widgets.widget_selection._Selection, {"index": is_index}),
)

# plotly's FigureWidget: the messages its front end sends after a zoom, a legend
# click or a redraw (plotly/basewidget.py, "JS -> Python message properties").
# Its data, layout and config are the kernel's.
FIGURE_SETTABLE: Mapping[str, PageCheck] = {
    name: is_message
    for name in ("_js2py_traceDeltas", "_js2py_layoutDelta", "_js2py_restyle",
                 "_js2py_relayout", "_js2py_update", "_js2py_pointsCallback")
}


def page_settable(widget: w.Widget) -> Mapping[str, PageCheck]:
    """The traits the page may change on ``widget``, each with its check.

    Raises ``TypeError`` for a widget class this module does not know: say
    which traits its front end sets with ``guard(widget, settable={...})``.
    """
    own = getattr(type(widget), "_page_settable", None)
    if own is not None:  # hemaedu's controls and figures: checked in their class
        return own
    for cls, settable in _STOCK_SETTABLE:
        if isinstance(widget, cls):
            return settable
    raise TypeError(
        f"{type(widget).__name__}: which traits may its front end change? Pass them as "
        f"guard(widget, settable={{'value': check}}) (an empty dict for a display-only widget)"
    )


def _as_json(widget: w.Widget, name: str) -> Any:
    to_json = widget.trait_metadata(name, "to_json", widget._trait_to_json)
    return to_json(getattr(widget, name), widget)


def _same_json(kernel: Any, page: Any) -> bool:
    """Whether the page holds the kernel's value (``kernel`` as ``to_json`` gives it).

    Numbers compare by value (the page sends 5 for 5.0); a bool is not a number
    here (``True == 1`` in Python, but the page would keep ``true``); NaN never
    equals; tuples are lists.
    """
    if isinstance(kernel, bool) or isinstance(page, bool):
        return type(kernel) is type(page) and kernel == page
    if isinstance(kernel, (int, float)) and isinstance(page, (int, float)):
        return bool(kernel == page)
    if isinstance(kernel, (list, tuple)) and isinstance(page, list):
        return len(kernel) == len(page) and all(map(_same_json, kernel, page))
    if isinstance(kernel, dict) and isinstance(page, dict):
        return kernel.keys() == page.keys() and all(_same_json(kernel[k], page[k]) for k in kernel)
    return type(kernel) is type(page) and bool(kernel == page)


def apply_page_state(widget: w.Widget, sync_data: Mapping[str, Any], *,
                     settable: Mapping[str, PageCheck],
                     set_state: Callable[[dict[str, Any]], None]) -> None:
    """Apply a state update from the page under the rules of this module.

    ``set_state`` is ipywidgets' own ``Widget.set_state`` (bound to ``widget``),
    called with the proposed traits that pass their check. Never raises for a
    bad proposal: it is logged and the kernel's value re-sent.
    """
    log = widget.log
    name = f"{type(widget).__name__} {getattr(widget, 'description', '') or widget.model_id}"
    refused = [key for key in sync_data if key not in settable]
    if refused:
        log.warning("%s: the page may not change %s; kept the kernel's value", name,
                    ", ".join(_short.repr(k) for k in refused))
    proposed = {key: value for key, value in sync_data.items() if key in settable}
    accepted = {key: value for key, value in proposed.items() if settable[key](value)}
    for key in proposed.keys() - accepted.keys():
        log.warning("%s: refused %s=%s from the page (wrong type or not finite)", name, key,
                    _short.repr(proposed[key]))
    # hold_sync collects what must go back to the page and sends it in one message.
    with widget.hold_sync():
        if accepted:
            try:
                set_state(accepted)
            except (traitlets.TraitError, ValueError, TypeError, OverflowError) as exc:
                # TraitError (which ControlValueError is) rolls back every trait of
                # the update; the page gets the kernel's values below.
                log.warning("%s: refused %s from the page: %s", name,
                            _short.repr(accepted), _short.repr(str(exc)))
        stale = [key for key in proposed if not _same_json(_as_json(widget, key), proposed[key])]
        stale += [key for key in refused if key in widget.keys]
        widget._states_to_send.update(stale)


def guard(widget: W, settable: Mapping[str, PageCheck] | None = None) -> W:
    """Let the page change only the traits a person changes by using ``widget``.

    ``settable`` maps each such trait to a check of the proposed value; by
    default it comes from :func:`page_settable`. Returns ``widget``, so a lesson
    writes ``self.study = guard(w.Dropdown(...))``.

    >>> import ipywidgets as w
    >>> d = guard(w.Dropdown(options=[("Female", "female"), ("Male", "male")], value="female"))
    >>> d.set_state({"_options_labels": ["Male", "Female"], "index": True})
    >>> d.label, d.value
    ('Female', 'female')
    """
    if settable is None and (getattr(type(widget), "_page_settable", None) is not None or "set_state" in vars(widget)):
        return widget  # hemaedu's own controls check in their class; a guarded widget keeps its rules
    rules = page_settable(widget) if settable is None else settable
    base = type(widget).set_state.__get__(widget)

    def set_state(self: w.Widget, sync_data: Mapping[str, Any]) -> None:
        apply_page_state(self, sync_data, settable=rules, set_state=base)

    # An instance attribute: ipywidgets' _handle_msg calls self.set_state(...).
    widget.set_state = types.MethodType(set_state, widget)
    return widget


def _parts(widget: w.Widget) -> Iterable[w.Widget]:
    """The widgets ``widget`` displays or references (children, layout, style)."""
    for trait_name in widget.keys:
        value = getattr(widget, trait_name, None)
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, w.Widget):
                yield item


def guard_tree(root: W) -> W:
    """:func:`guard` ``root`` and every widget it shows, recursively; returns ``root``.

    One call on an app's outer box covers its controls, buttons, texts,
    figures, layouts and styles.

    >>> import ipywidgets as w
    >>> box = guard_tree(w.VBox([w.HTML("Summary"), w.Dropdown(options=["a", "b"])]))
    >>> box.children[1].set_state({"index": 1, "_options_labels": ["x", "y"]})
    >>> box.children[1].label
    'b'
    """
    seen: set[int] = set()
    todo: list[w.Widget] = [root]
    while todo:
        widget = todo.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        guard(widget)
        todo.extend(_parts(widget))
    return root
