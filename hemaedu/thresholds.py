"""The clinical cut-offs of ``data/thresholds.csv``: the public API lessons and learners use.

Every rule in :mod:`hemaedu.clinical` reads its cut-offs from the thresholds table; this module
is the one public way to look a cut-off up and to write it as text. It owns the course's one
notation for a threshold: the comparison symbols ``<``, ``≤``, ``>``, ``≥`` and the unit
spellings ``×10⁹/L`` (no space after the sign), ``g/dL``, ``g/L``, ``/µL`` and ``%``, so a learner
reads the same notation in every lesson.

>>> from hemaedu import thresholds
>>> thresholds.value("camitta_anc") == thresholds.get("camitta_anc").value
True
>>> thresholds.format("nih_complete_platelets", label="Platelets") == (
...     "Platelets ≥ " + thresholds.format_value("nih_complete_platelets"))
True
>>> thresholds.format_value("camitta_cellularity").endswith("%")
True
"""

from __future__ import annotations

import csv
import functools

from ._thresholds import Threshold, comparator, get, meets, table_path
from ._thresholds import _table as _rows

__all__ = [
    "COMPARISON_SYMBOLS",
    "UNIT_SYMBOLS",
    "Threshold",
    "comparator",
    "format",
    "format_number",
    "format_value",
    "get",
    "ids",
    "meets",
    "unit_symbol",
    "value",
]

#: How each comparator of the table is written for learners.
COMPARISON_SYMBOLS: dict[str, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}

#: How each unit of the data tables is written for learners (the table spelling on the left).
UNIT_SYMBOLS: dict[str, str] = {
    "10^9/L": "×10⁹/L",
    "10^12/L": "×10¹²/L",
    "g/dL": "g/dL",
    "g/L": "g/L",
    "mmol/L": "mmol/L",
    "/uL": "/µL",
    "/µL": "/µL",
    "%": "%",
}


def ids() -> tuple[str, ...]:
    """Every threshold id of the table, in table order.

    >>> "camitta_anc" in ids()
    True
    """
    return tuple(_rows())


def value(threshold_id: str) -> float:
    """The cut-off of ``threshold_id`` in its table unit (``get(threshold_id).value``).

    >>> value("camitta_platelets") == get("camitta_platelets").value
    True
    """
    return get(threshold_id).value


def unit_symbol(unit: str) -> str:
    """The learner-facing spelling of a table unit.

    >>> unit_symbol("10^9/L"), unit_symbol("/uL"), unit_symbol("g/dL")
    ('×10⁹/L', '/µL', 'g/dL')
    >>> unit_symbol("furlongs")
    Traceback (most recent call last):
    ...
    ValueError: unknown unit 'furlongs'; known units are: 10^9/L, 10^12/L, g/dL, g/L, mmol/L, /uL, /µL, %
    """
    if unit not in UNIT_SYMBOLS:
        raise ValueError(f"unknown unit {unit!r}; known units are: {', '.join(UNIT_SYMBOLS)}")
    return UNIT_SYMBOLS[unit]


def format_number(number: float, *, decimals: int | None = None) -> str:
    """A number as learners read it: thousands grouped, no float noise, no trailing zeros.

    ``decimals`` fixes the number of decimals (rounded half away from zero, as the sliders'
    readout does); without it the shortest exact form is used.

    >>> format_number(150000), format_number(0.5), format_number(13.0), format_number(2.35)
    ('150,000', '0.5', '13', '2.35')
    >>> format_number(23.456, decimals=1), format_number(4.7, decimals=2)
    ('23.5', '4.70')
    """
    from decimal import ROUND_HALF_UP, Decimal

    if decimals is not None:
        quantum = Decimal(1).scaleb(-decimals)
        rounded = Decimal(repr(float(number))).quantize(quantum, rounding=ROUND_HALF_UP)
        return f"{rounded:,.{decimals}f}"
    if float(number).is_integer():
        return f"{int(number):,}"
    text = repr(float(number))
    if "e" in text:
        text = f"{float(number):.12f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}.{fraction}" if whole not in ("-0",) else f"-0.{fraction}"


@functools.cache
def _written_values(path: str) -> dict[str, str]:
    """Each cut-off as the table's text writes it: the typed rows of ``_rows()`` lose "1.0" vs "1".

    Cached by path, so tests that point ``data.data_path`` at a copy read the copy.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["threshold_id"]: row["value"] or "" for row in csv.DictReader(handle)}


def format_value(threshold_id: str) -> str:
    """The cut-off with its unit, in the course's notation, e.g. ``"0.5 ×10⁹/L"`` or ``"25%"``.

    >>> format_value("camitta_anc") == format_number(value("camitta_anc")) + " ×10⁹/L"
    True
    """
    row = get(threshold_id)
    unit = unit_symbol(row.unit)
    separator = "" if unit == "%" else " "
    # As precise as the table writes it: "1.0" stays "1.0", "0.5" stays "0.5".
    written = _written_values(str(table_path())).get(threshold_id, "").strip()
    decimals = len(written.partition(".")[2]) if "." in written else None
    return f"{format_number(row.value, decimals=decimals)}{separator}{unit}"


def format(threshold_id: str, *, label: str | None = None) -> str:  # noqa: A001 - the spec's name
    """The whole threshold, e.g. ``"ANC < 0.5 ×10⁹/L"``: label, comparison symbol, value, unit.

    ``label`` names the measure (the lessons pass the translated label from their content);
    without it the table's measure code is used.

    >>> format("camitta_anc", label="ANC") == "ANC < " + format_value("camitta_anc")
    True
    >>> format("nih_complete_anc").startswith("anc ≥ ")
    True
    """
    row = get(threshold_id)
    return f"{label or row.measure} {COMPARISON_SYMBOLS[row.comparator]} {format_value(threshold_id)}"
