"""Input checks shared by the rule, unit and statistics functions.

Every check runs once, at the public function, and raises ``ValueError`` with
a message that names the argument, shows the bad value and says what to do.
Bad input is never turned into a number.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

# Above these values the number is almost certainly in another unit:
# hemoglobin 120 is g/L, a platelet count of 150000 is per microlitre.
MAX_HEMOGLOBIN_G_DL = 25.0
MAX_COUNT_10E9_L = 5000.0


def real(name: str, value: object) -> float:
    """A finite real number (bool, str and None are rejected)."""
    # bool is an int subclass; True as a platelet count is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r} ({type(value).__name__}); pass a number such as 1.5.")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number, got {value!r}; pass a measured value, not NaN or infinity.")
    return result


def non_negative(name: str, value: object) -> float:
    """A finite real number >= 0."""
    result = real(name, value)
    if result < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}; measured values cannot be negative.")
    return result


def percent(name: str, value: object) -> float:
    """A percentage within 0-100."""
    result = non_negative(name, value)
    if result > 100:
        raise ValueError(
            f"{name} is a percentage and must lie within 0-100, got {value!r}; "
            f"pass 20 for 20 %, not a fraction or a count."
        )
    return result


def hemoglobin(name: str, value: object) -> float:
    """Hemoglobin in g/dL, rejecting values that only make sense in g/L."""
    result = non_negative(name, value)
    if result > MAX_HEMOGLOBIN_G_DL:
        raise ValueError(
            f"{name}={value!r} g/dL is implausible (above {MAX_HEMOGLOBIN_G_DL:g} g/dL); it looks like g/L. "
            f'Pass hemoglobin in g/dL, e.g. {name}=convert({value!r}, "g/L", "g/dL").'
        )
    return result


def count(name: str, value: object) -> float:
    """A cell count in 10^9/L, rejecting values that only make sense per microlitre."""
    result = non_negative(name, value)
    if result > MAX_COUNT_10E9_L:
        raise ValueError(
            f"{name}={value!r} x10^9/L is implausible (above {MAX_COUNT_10E9_L:g} x10^9/L); it looks like a count "
            f'per microlitre. Pass counts in 10^9/L, e.g. {name}=convert({value!r}, "/uL", "10^9/L").'
        )
    return result


def integer(name: str, value: object, minimum: int = 0) -> int:
    """An integer >= minimum; integral floats such as 41.0 (from a table) are accepted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number, got {value!r} ({type(value).__name__}).")
    if isinstance(value, numbers.Integral):
        result = int(value)
    else:
        as_float = float(value)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(f"{name} must be a whole number (a count), got {value!r}.")
        result = int(as_float)
    if result < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}.")
    return result


def level(name: str, value: object) -> float:
    """A confidence level strictly between 0 and 1."""
    result = real(name, value)
    if not 0 < result < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}; use 0.95 for a 95 % interval.")
    return result


def choice(name: str, value: object, options: Iterable[str]) -> str:
    """One of a fixed set of strings (exact match)."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}.")
    return value
