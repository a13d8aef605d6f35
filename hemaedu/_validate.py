"""Input checks shared by the rule, unit and statistics functions.

Every check runs once, at the public function, and raises ``ValueError`` with
a message that names the argument, shows the bad value and says what to do.
Bad input is never turned into a number.

The plausible range of each blood value (hemoglobin in g/dL; WBC, ANC,
platelets and reticulocytes in 10^9/L) is read from
``data/plausible_ranges.csv`` with its source, through the package's one
validated reader. A value at or above the upper limit only makes sense in
another unit (a count per microlitre is 1000 times larger than in 10^9/L,
hemoglobin in g/L 10 times larger than in g/dL), so it is refused with the
``convert(...)`` call that fixes it.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Iterable
from typing import NamedTuple

from . import data as _data

# Whole numbers above 2**53 cannot all be held by a float, and every count in
# the package meets floats (proportions, rates); far beyond any real count.
MAX_INTEGER = 2**53


class PlausibleRange(NamedTuple):
    """Accepted values of one measure: ``low <= value < high`` in ``unit``."""

    measure: str
    unit: str
    low: float
    high: float
    source_id: str


def _show(value: object) -> str:
    """A short repr for messages: huge numbers are abbreviated, never printed in full."""
    try:
        text = repr(value)
    except ValueError:  # ints beyond sys.get_int_max_str_digits() cannot be printed
        return f"<{type(value).__name__} too large to print>"
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


@functools.cache
def _ranges(table: object) -> dict[str, PlausibleRange]:
    # Keyed by the checked table object, so a re-read builds a fresh mapping.
    return {
        row["measure"]: PlausibleRange(row["measure"], row["unit"], row["low"], row["high"], row["source_id"])
        for row in table.rows  # type: ignore[attr-defined]
    }


def plausible_range(measure: str) -> PlausibleRange:
    """The accepted range of ``measure`` ("hb", "wbc", "anc", "platelets", "reticulocytes")."""
    ranges = _ranges(_data._table("plausible_ranges"))
    if measure not in ranges:
        raise ValueError(
            f"no plausible range for {measure!r} in {_data.data_path('plausible_ranges.csv')}; "
            f"the package data is incomplete: reinstall hemaedu or restore data/ from git."
        )
    return ranges[measure]


def real(name: str, value: object) -> float:
    """A finite real number (bool, str and None are rejected)."""
    # bool is an int subclass; True as a platelet count is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{name} must be a real number, got {_show(value)} ({type(value).__name__}); pass a number such as 1.5."
        )
    try:
        result = float(value)
    except OverflowError:  # e.g. 10**400: too large for a float
        raise ValueError(
            f"{name}={_show(value)} is too large to be a measured value (beyond the float range, about 1.8e308); "
            f"pass a realistic number."
        ) from None
    if not math.isfinite(result):
        raise ValueError(
            f"{name} must be a finite number, got {_show(value)}; pass a measured value, not NaN or infinity."
        )
    return result


def non_negative(name: str, value: object) -> float:
    """A finite real number >= 0."""
    result = real(name, value)
    if result < 0:
        raise ValueError(f"{name} must be >= 0, got {_show(value)}; measured values cannot be negative.")
    return result


def percent(name: str, value: object) -> float:
    """A percentage within 0-100."""
    result = non_negative(name, value)
    if result > 100:
        raise ValueError(
            f"{name} is a percentage and must lie within 0-100, got {_show(value)}; "
            f"pass 20 for 20 %, not a fraction or a count."
        )
    return result


def _below_low(name: str, value: object, limits: PlausibleRange) -> None:
    raise ValueError(
        f"{name}={_show(value)} {limits.unit} is below the plausible range "
        f"({limits.low:g} to below {limits.high:g} {limits.unit}); check the value and its unit."
    )


def hemoglobin(name: str, value: object) -> float:
    """Hemoglobin in g/dL, rejecting values that only make sense in g/L."""
    result = non_negative(name, value)
    limits = plausible_range("hb")
    if result >= limits.high:
        raise ValueError(
            f"{name}={_show(value)} g/dL is implausible (the accepted range is {limits.low:g} to below "
            f"{limits.high:g} g/dL); it looks like g/L. "
            f'Pass hemoglobin in g/dL, e.g. {name}=convert({_show(value)}, "g/L", "g/dL").'
        )
    if result < limits.low:
        _below_low(name, value, limits)
    return result


def count(name: str, value: object, measure: str | None = None) -> float:
    """A cell count in 10^9/L, rejecting values that only make sense per microlitre.

    ``measure`` selects the row of the plausible-ranges table (default: ``name``).
    """
    result = non_negative(name, value)
    limits = plausible_range(measure or name)
    if result >= limits.high:
        raise ValueError(
            f"{name}={_show(value)} x10^9/L is implausible (the accepted range is {limits.low:g} to below "
            f"{limits.high:g} x10^9/L); it looks like a count per microlitre. Pass counts in 10^9/L, "
            f'e.g. {name}=convert({_show(value)}, "/uL", "10^9/L") = {result / 1000:g}.'
        )
    if result < limits.low:
        _below_low(name, value, limits)
    return result


def anc_within_wbc(anc: float, wbc: float) -> None:
    """Neutrophils are white cells: an ANC above the WBC means a unit or typing error."""
    if anc > wbc:
        raise ValueError(
            f"anc={anc:g} is above wbc={wbc:g} (both in 10^9/L), but neutrophils are part of the white cells; "
            f"check that both are in 10^9/L (e.g. anc=convert({anc:g}, \"/uL\", \"10^9/L\") if the ANC was "
            f"per microlitre) and that they were not swapped."
        )


def integer(name: str, value: object, minimum: int = 0) -> int:
    """An integer from ``minimum`` to 2**53; integral floats such as 41.0 (from a table) are accepted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number, got {_show(value)} ({type(value).__name__}).")
    if isinstance(value, numbers.Integral):
        result = int(value)
    else:
        try:
            as_float = float(value)
        except OverflowError:  # e.g. Fraction(10**400)
            raise ValueError(f"{name} must be at most 2**53 = {MAX_INTEGER}, got {_show(value)}.") from None
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(f"{name} must be a whole number (a count), got {_show(value)}.")
        result = int(as_float)
    if result < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {_show(value)}.")
    if result > MAX_INTEGER:
        raise ValueError(
            f"{name} must be at most 2**53 = {MAX_INTEGER}, got {_show(value)}; no count in a lesson is that large."
        )
    return result


def level(name: str, value: object) -> float:
    """A confidence level strictly between 0 and 1."""
    result = real(name, value)
    if not 0 < result < 1:
        raise ValueError(
            f"{name} must lie strictly between 0 and 1, got {_show(value)}; use 0.95 for a 95 % interval."
        )
    if (1 + result) / 2 >= 1.0:
        # The upper tail probability (1 + level)/2 rounds to 1: the interval would be unbounded.
        raise ValueError(
            f"{name}={_show(value)} is too close to 1 to compute an interval; use at most 0.999999."
        )
    return result


def choice(name: str, value: object, options: Iterable[str]) -> str:
    """One of a fixed set of strings (exact match)."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}, got {_show(value)}.")
    return value
