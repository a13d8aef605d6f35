"""Accessible controls for the lessons, built on native HTML form elements.

The stock ``ipywidgets`` sliders draw their handle with ``noUiSlider``; the handle
is a ``div`` with ``role="slider"`` and no accessible name, even when the slider
has a ``description`` (axe rule ``aria-input-field-name``, seen with ipywidgets
8.1.9). A screen reader then announces "slider, 12" with no idea of *what* is 12.
The controls here render real ``<input type="range">`` and radio buttons with a
visible ``<label>``/``<legend>``, a value text with its unit and a help text
linked by ``aria-describedby``, so the browser provides keyboard operation and
the accessibility tree for free.

Both controls behave like ipywidgets: read and set ``.value``, and react with
``control.observe(callback, names="value")``. The Python side validates every
value, so a control can never hold a value outside its range or its options.

>>> s = Slider(value=12.34, min=3, max=18, step=0.1, description="Hemoglobin", unit="g/dL")
>>> s.value
12.3
>>> s.readout
'12.3 g/dL'
>>> s.value = 99  # out of range: clamped, not refused
>>> s.value
18.0
>>> c = Choice(options=[("g/dL", "g/dL"), ("g/L", "g/L")], value="g/dL", description="Unit")
>>> c.value = "g/L"
>>> c.index
1

The JavaScript and CSS are files in ``hemaedu/static/``: they travel inside the
wheel and nothing is fetched from the network.

Only values come from the page: a front end may propose a slider's ``value``
or a choice's ``index``, never a range, a unit, labels or a description, and a
value the kernel refuses or changes is sent back (see ``hemaedu._trust``).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import ipywidgets as w
import traitlets

from hemaedu._trust import PageCheck, apply_page_state, guard, guard_tree, is_index, is_number

__all__ = ["Choice", "ControlValueError", "Slider", "WholeNumberBox", "format_number", "guard", "guard_tree",
           "parse_whole_number"]

# The readout formats both sides understand: an optional "," for thousands
# grouping, an optional ".N" precision and the type "f" (fixed) or "d" (integer).
# Kept deliberately small so Python (tests, text summaries) and JavaScript (the
# live readout) always print the same text.
_FORMAT_RE = re.compile(r"^(?P<group>,?)(?:\.(?P<prec>\d{1,2}))?(?P<type>[fd])$")


class ControlValueError(ValueError, traitlets.TraitError):
    """An invalid value, range or option for a control.

    A ``ValueError`` for callers; also a ``TraitError`` so that traitlets rolls
    back every trait changed inside ``hold_trait_notifications()`` when raised.
    """


def _check_format(spec: str) -> str:
    if not _FORMAT_RE.match(spec):
        raise ControlValueError(
            f"readout_format must look like '.1f', ',.0f' or 'd' "
            f"(optional ',', optional '.N', then 'f' or 'd'); got {spec!r}"
        )
    return spec


def format_number(value: float, spec: str = ".1f") -> str:
    """Format ``value`` the way the sliders' readout shows it.

    Rounds half away from zero on the shortest decimal form of the number, as
    the browser's ``toLocaleString`` does, so Python and the page print the same
    text (Python's own ``format`` would give ``format(2.5, ".0f") == "2"``).

    >>> format_number(12.35, ".1f")
    '12.4'
    >>> format_number(150000, ",d")
    '150,000'
    """
    match = _FORMAT_RE.match(_check_format(spec))
    assert match is not None  # _check_format guarantees it
    digits = 0 if match["type"] == "d" else int(match["prec"] or 6)
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)  # no "-0.0" for a value that rounds to zero
    return format(exact, f"{match['group']}.{digits}f")


def _decimals(x: float) -> int:
    """Number of decimals in the shortest repr of ``x`` (0.1 -> 1, 5 -> 0)."""
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ControlValueError(f"{name} must be a finite number, got {value!r}")
    return value


# The views' JavaScript and CSS live in hemaedu/static/ (anywidget's layout),
# shipped in the wheel and read once, here. Each widget's ES module is loaded on
# its own from a string, so the helpers both need are put in front of each.
_STATIC = Path(__file__).resolve().parent / "static"


def _asset(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


_SHARED_JS = _asset("controls-shared.js")
_SLIDER_ESM = _SHARED_JS + "\n" + _asset("slider.js")
_CHOICE_ESM = _SHARED_JS + "\n" + _asset("choice.js")
_CSS = _asset("controls.css")


class _PageControl(anywidget.AnyWidget):
    """What both controls share: the page may change only the traits in ``_page_settable``."""

    _page_settable: ClassVar[Mapping[str, PageCheck]]

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply an update from the page: only the ``_page_settable`` traits are taken, the rest re-sent.

        ipywidgets calls this with each state message from the front end. Other
        traits are ignored and logged; a refused or adjusted value is answered
        with the kernel's value, so the page shows only what the kernel holds.
        """
        apply_page_state(self, sync_data, settable=self._page_settable,
                         set_state=super().set_state)


class Slider(_PageControl):
    """A labelled slider on a native ``<input type="range">``.

    ``value`` is always inside ``[min, max]`` and on the grid ``min + k * step``:
    out-of-range values are clamped and others snapped to the nearest step, the
    same rule the browser applies to a range input. Arrow keys move by ``step``
    (Home/End jump to the ends). ``help`` is shown under the slider and read by
    screen readers as the slider's description.

    To change the range and the value together (e.g. a unit switch), set them
    inside ``hold_trait_notifications()`` or use :meth:`set_range`, so no
    half-changed state (``min`` above the old ``max``) is ever checked.

    >>> s = Slider(value=150, min=0, max=600, step=10, description="Platelets",
    ...            unit="×10⁹/L", readout_format=",d")
    >>> s.value = 154
    >>> s.value, s.readout
    (150.0, '150 ×10⁹/L')
    >>> s.set_range(min=0, max=60, step=1, value=15.0)
    >>> s.value
    15.0
    >>> years = Slider(value=1, min=1, max=10, step=1, description="Period", unit="years", unit_one="year",
    ...                readout_format=".0f")
    >>> years.readout, (setattr(years, "value", 2), years.readout)[1]
    ('1 year', '2 years')
    """

    _esm = _SLIDER_ESM
    _css = _CSS
    #: The only trait the page may change: range, unit, labels are the kernel's.
    _page_settable: ClassVar[Mapping[str, PageCheck]] = {"value": is_number}

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("").tag(sync=True)
    #: The unit's form for exactly one ("year" beside "years"); empty: ``unit`` for every value.
    unit_one = traitlets.Unicode("").tag(sync=True)
    help = traitlets.Unicode("").tag(sync=True)
    readout_format = traitlets.Unicode(".1f").tag(sync=True)
    continuous_update = traitlets.Bool(True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        *,
        value: float,
        min: float,  # noqa: A002 - same names as ipywidgets.FloatSlider
        max: float,  # noqa: A002
        step: float,
        description: str,
        unit: str = "",
        unit_one: str = "",
        help: str = "",  # noqa: A002
        readout_format: str = ".1f",
        continuous_update: bool = True,
        **kwargs: Any,
    ) -> None:
        min_, max_, step_ = _finite("min", min), _finite("max", max), _finite("step", step)
        if not min_ < max_:
            raise ControlValueError(
                f"Slider {description!r}: min must be below max, got min={min_!r}, max={max_!r}"
            )
        if not step_ > 0:
            raise ControlValueError(f"Slider {description!r}: step must be positive, got step={step_!r}")
        if not description.strip():
            raise ControlValueError(
                "Slider needs a non-empty description: it is the control's accessible name"
            )
        _check_format(readout_format)
        # HasTraits.__init__ holds notifications while it assigns, so the value
        # is validated against the final range before the widget is opened.
        super().__init__(
            min=min_,
            max=max_,
            step=step_,
            value=_finite("value", value),
            description=description,
            unit=unit,
            unit_one=unit_one,
            help=help,
            readout_format=readout_format,
            continuous_update=continuous_update,
            **kwargs,
        )

    def snap(self, value: float) -> float:
        """Return ``value`` clamped to the range and rounded to the nearest step.

        >>> Slider(value=0, min=0.5, max=2, step=0.25, description="x").snap(1.3)
        1.25
        """
        value = _finite("value", value)
        lo, hi, step = self.min, self.max, self.step
        k = round((min(max(value, lo), hi) - lo) / step)
        # The top of the grid may lie below max when (max - min) is not a
        # multiple of step; the browser then stops at the last step too.
        k = min(k, math.floor((hi - lo) / step + 1e-9))
        # Round away binary noise (0.1 + 3 * 0.1 = 0.4000000000000001).
        ndigits = max(_decimals(lo), _decimals(step)) + 2
        snapped = round(lo + k * step, ndigits)
        # lo + k * step can overshoot hi by one ulp; the range always wins.
        return float(min(max(snapped, lo), hi))

    @traitlets.validate("value")
    def _valid_value(self, proposal: traitlets.Bunch) -> float:
        return self.snap(proposal["value"])

    @traitlets.validate("min")
    def _valid_min(self, proposal: traitlets.Bunch) -> float:
        lo = _finite("min", proposal["value"])
        if not lo < self.max:
            raise ControlValueError(
                f"Slider {self.description!r}: min must be below max ({self.max!r}), got {lo!r}"
            )
        return lo

    @traitlets.validate("max")
    def _valid_max(self, proposal: traitlets.Bunch) -> float:
        hi = _finite("max", proposal["value"])
        if not hi > self.min:
            raise ControlValueError(
                f"Slider {self.description!r}: max must be above min ({self.min!r}), got {hi!r}"
            )
        return hi

    @traitlets.validate("step")
    def _valid_step(self, proposal: traitlets.Bunch) -> float:
        step = _finite("step", proposal["value"])
        if not step > 0:
            raise ControlValueError(f"Slider {self.description!r}: step must be positive, got {step!r}")
        return step

    @traitlets.validate("readout_format")
    def _valid_format(self, proposal: traitlets.Bunch) -> str:
        return _check_format(proposal["value"])

    @traitlets.observe("min", "max", "step")
    def _reclamp(self, change: traitlets.Bunch) -> None:
        # A new range or step must never leave an invalid value behind.
        self.value = self.snap(self.value)

    def set_range(
        self,
        *,
        min: float,  # noqa: A002
        max: float,  # noqa: A002
        step: float | None = None,
        value: float | None = None,
        unit: str | None = None,
        readout_format: str | None = None,
    ) -> None:
        """Change range, step, value, unit and format together, e.g. for a unit switch.

        Everything is validated first and sent to the browser as one update, so
        the page never shows a new range with the old unit. Raises
        ``ValueError`` (leaving the slider unchanged) if ``min >= max``.
        Without ``value`` the old value is clamped and snapped into the new range.

        >>> s = Slider(value=12, min=3, max=18, step=0.1, description="Hb", unit="g/dL")
        >>> s.set_range(min=30, max=180, step=1, value=120, unit="g/L", readout_format=".0f")
        >>> s.value, s.min, s.max, s.readout
        (120.0, 30.0, 180.0, '120 g/L')
        """
        if not _finite("min", min) < _finite("max", max):
            raise ControlValueError(
                f"Slider {self.description!r}: min must be below max, got min={min!r}, max={max!r}"
            )
        if readout_format is not None:
            _check_format(readout_format)
        with self.hold_sync(), self.hold_trait_notifications():
            self.min, self.max = min, max
            if step is not None:
                self.step = step
            if value is not None:
                self.value = value
            if unit is not None:
                self.unit = unit
            if readout_format is not None:
                self.readout_format = readout_format
        # Without a new value, _reclamp() has snapped the old one into the new range.

    @property
    def readout(self) -> str:
        """The text shown next to the slider and read by screen readers."""
        number = format_number(self.value, self.readout_format)
        unit = (self.value == 1 and self.unit_one) or self.unit
        # "10%" as the course writes a percentage everywhere else (slider.js writes the same).
        return f"{number}{'' if unit == '%' else ' '}{unit}" if unit else number


def _normalise_options(options: Iterable[Any]) -> tuple[list[str], list[Any]]:
    labels: list[str] = []
    values: list[Any] = []
    for option in options:
        if isinstance(option, tuple):
            if len(option) != 2:
                raise ControlValueError(f"Choice options must be (label, value) pairs, got {option!r}")
            label, value = option
        else:
            label, value = str(option), option
        labels.append(str(label))
        values.append(value)
    if not values:
        raise ControlValueError("Choice needs at least one option")
    if len(set(labels)) != len(labels):
        raise ControlValueError(f"Choice option labels must be unique, got {labels!r}")
    return labels, values


class _AnyValue(traitlets.Any):
    """Any value, with ``None`` checked by the validators like every other value.

    ``traitlets.Any`` allows ``None`` (``allow_none=False`` does not turn that
    off) and then skips the validators, so ``choice.value = None`` was stored
    before an observer raised, leaving a choice whose value no option has.
    """

    allow_none = False


class Choice(_PageControl):
    """A group of radio buttons in a ``<fieldset>`` whose ``<legend>`` is the description.

    ``options`` are ``(label, value)`` pairs (or plain values, labelled by
    ``str``); ``value`` is one of the values and ``index`` its position. Only
    ``index`` travels to the browser, so values can be any Python object.
    Arrow keys move between options (native radio-group behaviour).

    >>> c = Choice(options=[("Mild", 1), ("Severe", 2)], value=2, description="Grade")
    >>> c.label
    'Severe'
    >>> c.value = 3
    Traceback (most recent call last):
    ...
    hemaedu.controls.ControlValueError: Choice 'Grade': value 3 is not one of the options [1, 2]

    With ``allow_none=True`` the group may start (or be reset) with nothing
    selected, as a self-check question should; then ``value`` is ``None`` and
    ``index`` is -1. The question itself makes the best ``description``.

    >>> q = Choice(options=["Neutrophils", "Platelets"], value=None, allow_none=True,
    ...            description="Which cells fight bacteria first?")
    >>> q.value, q.index, q.label
    (None, -1, '')
    """

    _esm = _CHOICE_ESM
    _css = _CSS
    #: The only trait the page may change: labels and description are the kernel's.
    _page_settable: ClassVar[Mapping[str, PageCheck]] = {"index": is_index}

    value = _AnyValue()
    index = traitlets.Int(0).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    help = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    _labels = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(
        self,
        *,
        options: Sequence[tuple[str, Any]] | Sequence[Any],
        value: Any,
        description: str,
        help: str = "",  # noqa: A002
        allow_none: bool = False,
        **kwargs: Any,
    ) -> None:
        if not description.strip():
            raise ControlValueError("Choice needs a non-empty description: it is the group's accessible name")
        labels, values = _normalise_options(options)
        if allow_none and any(v is None for v in values):
            raise ControlValueError("Choice with allow_none=True cannot also offer None as an option value")
        # Plain attributes, set before the traits so their validators can use them.
        self._values = values
        self._allow_none = allow_none
        super().__init__(
            _labels=labels,
            index=self._index_of(value, description),
            description=description,
            help=help,
            **kwargs,
        )
        self.value = self._value_at(self.index)

    @property
    def allow_none(self) -> bool:
        """Whether "nothing selected" (``value`` None, ``index`` -1) is allowed."""
        return self._allow_none

    def _value_at(self, index: int) -> Any:
        return None if index == -1 else self._values[index]

    def _index_of(self, value: Any, description: str | None = None) -> int:
        if value is None and self._allow_none:
            return -1
        for i, candidate in enumerate(self._values):
            if candidate == value:
                return i
        name = self.description if description is None else description
        raise ControlValueError(
            f"Choice {name!r}: value {value!r} is not one of the options {self._values!r}"
        )

    @property
    def options(self) -> list[tuple[str, Any]]:
        """The ``(label, value)`` pairs, in display order."""
        return list(zip(self._labels, self._values, strict=True))

    @property
    def label(self) -> str:
        """The label of the selected option (``""`` when nothing is selected)."""
        return "" if self.index == -1 else self._labels[self.index]

    @traitlets.validate("value")
    def _valid_value(self, proposal: traitlets.Bunch) -> Any:
        self._index_of(proposal["value"])  # raises for a value not offered
        return proposal["value"]

    @traitlets.validate("index")
    def _valid_index(self, proposal: traitlets.Bunch) -> int:
        index = proposal["value"]
        lowest = -1 if self._allow_none else 0
        if not lowest <= index < len(self._values):
            raise ControlValueError(
                f"Choice {self.description!r}: index {index} out of range {lowest}..{len(self._values) - 1}"
            )
        return index

    @traitlets.observe("value")
    def _value_to_index(self, change: traitlets.Bunch) -> None:
        self.index = self._index_of(change["new"])

    @traitlets.observe("index")
    def _index_to_value(self, change: traitlets.Bunch) -> None:
        # traitlets only notifies when the value really changes, so this
        # round trip (value -> index -> value) fires each observer once.
        self.value = self._value_at(change["new"])


# --------------------------------------------------------------------------- a whole number, typed

# Digits, or digits grouped by threes with commas or spaces ("2,000,000", "2 000 000"), with an
# optional sign: a minus is read (and then refused by the bounds with a message that says so).
_WHOLE_RE = re.compile(r"^[+\-\u2212]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+)$")
# No-break and thin spaces, which a copied number may carry, count as spaces.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
#: Characters a typed whole number may have at most (a page could send any text).
MAX_TYPED_CHARS = 40


def parse_whole_number(typed: str) -> int:
    """The whole number in ``typed``: digits, grouped by threes with commas or spaces or not.

    Anything else (letters, a decimal point, commas not in groups of three, an empty box) raises
    :class:`ControlValueError`: a typo is never read as some other number.

    >>> parse_whole_number("2,000,000"), parse_whole_number(" 2000000 "), parse_whole_number("-5")
    (2000000, 2000000, -5)
    >>> parse_whole_number("20,00,000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hemaedu.controls.ControlValueError: '20,00,000' is not a whole number: type digits, grouped by threes...
    """
    text = str(typed).translate(_SPACES).strip()
    if len(text) > MAX_TYPED_CHARS or not _WHOLE_RE.match(text):
        raise ControlValueError(f"{_short_text(typed)} is not a whole number: type digits, "
                                f"grouped by threes with commas or not")
    digits = int(re.sub(r"[^0-9]", "", text))
    return -digits if text[0] in "-\u2212" else digits


def _short_text(typed: Any) -> str:
    text = str(typed)
    return repr(text if len(text) <= MAX_TYPED_CHARS else text[:MAX_TYPED_CHARS] + "...")


def _is_typed_text(value: Any) -> bool:
    """What the page may send for a text box: a string of reasonable length."""
    return isinstance(value, str) and len(value) <= 10 * MAX_TYPED_CHARS


class WholeNumberBox(w.VBox):
    """A box to type a whole number within bounds, shown with its digits grouped (``2,000,000``).

    ipywidgets' number box (``BoundedIntText``) cannot group digits: it showed "2000000" beside a
    summary saying "2,000,000". This is a stock text box (its ``description`` is its ``<label>``,
    ``help`` its tooltip, the keyboard works as in any text field) read when the learner presses
    Enter or leaves it. A whole number within ``min``..``max`` becomes :attr:`value` and is shown
    again grouped by ``formatter``; any other text leaves :attr:`value` as it was and shows
    ``message(reason, text=..., min=..., max=..., value=...)`` under the box (``role="alert"``), with
    ``reason`` ``"not_whole"``, ``"too_small"`` or ``"too_large"`` and the numbers formatted.
    Setting :attr:`value` from Python clamps it to the bounds, as ``BoundedIntText`` does.

    >>> box = WholeNumberBox(value=2_000_000, min=1, max=10**9, description="Population",
    ...                      message=lambda reason, **f: f"{reason}: {f['text']} (still {f['value']})")
    >>> box.text.value
    '2,000,000'
    >>> box.text.value = "350000"        # as the page sends it when the learner presses Enter
    >>> box.value, box.text.value, box.error.value
    (350000, '350,000', '')
    >>> box.text.value = "35O,000"       # a letter O
    >>> box.value, "not_whole: 35O,000 (still 350,000)" in box.error.value
    (350000, True)
    >>> box.value = 0                    # from Python: clamped
    >>> box.value, box.text.value
    (1, '1')
    """

    value = traitlets.Int(0)
    min = traitlets.Int(0)
    max = traitlets.Int(0)

    def __init__(
        self,
        *,
        value: int,
        min: int,  # noqa: A002 - the stock number box's own names
        max: int,  # noqa: A002
        description: str,
        message: Callable[..., str],
        help: str = "",  # noqa: A002
        formatter: Callable[[int], str] | None = None,
        **kwargs: Any,
    ) -> None:
        if not description.strip():
            raise ControlValueError("WholeNumberBox needs a non-empty description: it is the box's label")
        if min > max:
            raise ControlValueError(f"WholeNumberBox {description!r}: min {min} is above max {max}")
        self._format = formatter or (lambda n: format_number(n, ",d"))
        self._message = message
        # The page may change only the text, a short string (guard_tree later keeps this rule).
        self.text = guard(w.Text(value="", description=description, description_allow_html=False, tooltip=help,
                                 continuous_update=False, style={"description_width": "initial"}),
                          {"value": _is_typed_text})
        self.error = w.HTML("")
        super().__init__(children=[self.text, self.error], **kwargs)
        self.min, self.max = min, max
        self.value = value
        self._show()
        self.text.observe(self._on_typed, names="value")

    @property
    def description(self) -> str:
        """The box's label."""
        return str(self.text.description)

    @property
    def label(self) -> str:
        """The number as the box shows it (``"2,000,000"``; the static site lists it as a choice's label)."""
        return self._format(self.value)

    @traitlets.validate("value")
    def _clamp(self, proposal: traitlets.Bunch) -> int:
        return int(min(self.max, max(self.min, int(proposal["value"]))))

    @traitlets.observe("value")
    def _on_value(self, _change: traitlets.Bunch) -> None:
        self._show()

    def _show(self, error: str = "") -> None:
        """The value, grouped, in the box (unless ``error``: then the learner's text stays), and the message."""
        if not error:
            self.text.value = self._format(self.value)
        self.error.value = "" if not error else (
            f'<p class="hemaedu-field-error" role="alert" style="color:#7f1d1d;margin:0.2em 0">'
            f"{html.escape(error)}</p>")

    def _on_typed(self, change: traitlets.Bunch) -> None:
        typed = str(change["new"])
        try:
            number = parse_whole_number(typed)
        except ControlValueError:
            reason = "not_whole"
        else:
            reason = "too_small" if number < self.min else "too_large" if number > self.max else ""
            if not reason:
                self.value = number
                self._show()  # also when the number did not change: "2000000" becomes "2,000,000"
                return
        shown = typed if len(typed) <= MAX_TYPED_CHARS else typed[:MAX_TYPED_CHARS] + "…"
        self._show(self._message(reason, text=shown, min=self._format(self.min), max=self._format(self.max),
                                 value=self._format(self.value)))
