"""Convert hemoglobin concentrations and blood cell counts between units.

hemaedu works with plain floats in canonical units (hemoglobin in g/dL, cell
counts in 10^9/L); :func:`convert` is the one place where other units enter.
"""

from __future__ import annotations

import math

from . import _validate as v

__all__ = ["COUNT_UNITS", "HB_MMOL_PER_G_DL", "HEMOGLOBIN_UNITS", "convert"]

#: mmol/L of hemoglobin per 1 g/dL. The convention counts the monomer (one
#: heme-carrying globin chain, molar mass about 16.1 kDa = 64.5 kDa / 4):
#: 10 g/L / 16.1145 g/mmol = 0.6206 mmol/L. With the tetramer (64.5 kDa) the
#: factor would be four times smaller, so always say which one a lab uses.
HB_MMOL_PER_G_DL = 0.6206

# How many of each unit make one canonical unit (1 g/dL, 1 x10^9/L); whole
# numbers where possible so g/L <-> g/dL and /uL <-> 10^9/L stay exact.
_HEMOGLOBIN = {"g/dL": 1.0, "g/L": 10.0, "mmol/L": HB_MMOL_PER_G_DL}
# 1 x10^9/L = 10^9 / 10^6 uL = 1000 /uL = 1 x10^3/uL; 1 mm3 = 1 uL.
_COUNT = {"10^9/L": 1.0, "10^3/uL": 1.0, "/uL": 1000.0, "/mm3": 1000.0}

#: Hemoglobin units accepted by :func:`convert` (canonical first).
HEMOGLOBIN_UNITS = tuple(_HEMOGLOBIN)
#: Cell-count units accepted by :func:`convert` (canonical first); "µ" may replace "u".
COUNT_UNITS = tuple(_COUNT)

_QUANTITY = {unit: "hemoglobin concentration" for unit in _HEMOGLOBIN} | {unit: "cell count" for unit in _COUNT}
_FACTOR = _HEMOGLOBIN | _COUNT
# Lower-case spellings so "g/dl" or "/UL" are understood; both micro signs
# (U+00B5 and Greek U+03BC) map to "u", and "mm^3" to "mm3".
_ALIASES = {unit.lower(): unit for unit in _FACTOR}


def _canonical(name: str, unit: object) -> str:
    if isinstance(unit, str):
        key = unit.replace(" ", "").lower().replace("\u00b5", "u").replace("\u03bc", "u").replace("mm^3", "mm3")
        if key in _ALIASES:
            return _ALIASES[key]
    raise ValueError(
        f"{name} {unit!r} is not a known unit; valid hemoglobin units: {', '.join(HEMOGLOBIN_UNITS)}; "
        f"valid cell-count units: {', '.join(COUNT_UNITS)} (µL may be written uL)."
    )


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a hemoglobin concentration or a cell count to another unit.

    Parameters
    ----------
    value : float
        A finite number >= 0 whose converted value is also finite (below
        about 1.8e308). ``convert`` checks units, not plausibility: the rule
        functions check that a value is plausible in its canonical unit.
    from_unit, to_unit : str
        Hemoglobin: ``"g/dL"``, ``"g/L"``, ``"mmol/L"``. Cell counts:
        ``"10^9/L"``, ``"10^3/uL"``, ``"/uL"``, ``"/mm3"`` (``µL`` and ``uL`` are
        both accepted; case is ignored).

    Returns
    -------
    float
        ``value`` expressed in ``to_unit``.

    Raises
    ------
    ValueError
        For an unknown unit (the message lists the valid ones), a conversion
        between a concentration and a count, a negative or non-finite value,
        or a result that overflows (e.g. ``convert(1e308, "g/dL", "g/L")``).

    Notes
    -----
    1 g/dL = 10 g/L = 0.6206 mmol/L (hemoglobin monomer, 16.1 kDa).
    1 x10^9/L = 1 x10^3/µL = 1000 /µL = 1000 /mm3 (1 mm3 = 1 µL).

    Examples
    --------
    >>> convert(125, "g/L", "g/dL")
    12.5
    >>> round(convert(10, "g/dL", "mmol/L"), 3)
    6.206
    >>> convert(150_000, "/µL", "10^9/L")
    150.0
    """
    value = v.non_negative("value", value)
    source = _canonical("from_unit", from_unit)
    target = _canonical("to_unit", to_unit)
    if _QUANTITY[source] != _QUANTITY[target]:
        raise ValueError(
            f"cannot convert a {_QUANTITY[source]} ({source}) to a {_QUANTITY[target]} ({target}); "
            f"convert between {', '.join(HEMOGLOBIN_UNITS)} or between {', '.join(COUNT_UNITS)}."
        )
    if source == target:
        return value
    result = value / _FACTOR[source] * _FACTOR[target]
    if not math.isfinite(result):
        raise ValueError(
            f"convert({v._show(value)}, {source!r}, {target!r}) overflows: the result is too large for a float; "
            f"pass a realistic {_QUANTITY[source]}."
        )
    return result
