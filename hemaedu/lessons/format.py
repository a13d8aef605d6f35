"""The course's one way to write numbers, quantities and thresholds for learners.

* :func:`format_number`: thousands grouped, no float noise (``2.35``, ``150,000``).
* :func:`format_quantity`: a number with its unit, singular or plural from content
  (``1 year``, ``5 years``, ``0.5 ×10⁹/L``).
* :func:`format_threshold` / :func:`format_threshold_value`: a cut-off of ``data/thresholds.csv``
  in one notation (``ANC < 0.5 ×10⁹/L``), with the measure's label from the content of the
  current language. The notation itself (symbols, unit spelling) is :mod:`hemaedu.thresholds`'s.

>>> format_number(2_000_000)
'2,000,000'
>>> format_quantity(1, "year"), format_quantity(5, "year")
('1 year', '5 years')
>>> format_threshold("camitta_anc") == "ANC < " + format_threshold_value("camitta_anc")
True
"""

from __future__ import annotations

from typing import Any

from .. import thresholds
from ..thresholds import format_number, unit_symbol

__all__ = [
    "format_field",
    "format_number",
    "format_percent",
    "format_quantity",
    "format_threshold",
    "format_threshold_value",
    "in_brackets",
    "measure_label",
    "unit_symbol",
]


def measure_label(measure: str, *, short: bool = True) -> str:
    """The learner-visible name of a measure (``"ANC"`` short, ``"Neutrophils (ANC)"`` long)."""
    from .content import get

    entry = get("measures", measure)
    return str(entry["short"] if short else entry["label"])


def format_threshold(threshold_id: str) -> str:
    """A threshold in the course notation with its measure's short label: ``"ANC < 0.5 ×10⁹/L"``."""
    row = thresholds.get(threshold_id)
    return thresholds.format(threshold_id, label=measure_label(row.measure))


def format_threshold_value(threshold_id: str) -> str:
    """Just the cut-off and unit: ``"0.5 ×10⁹/L"``."""
    return thresholds.format_value(threshold_id)


def format_percent(fraction: float, *, decimals: int = 0) -> str:
    """A fraction as a percentage: ``format_percent(0.95) == "95%"``.

    >>> format_percent(0.95), format_percent(0.123, decimals=1)
    ('95%', '12.3%')
    """
    return f"{format_number(100 * fraction, decimals=decimals)}%"


def format_quantity(value: float, unit: str, *, decimals: int | None = None) -> str:
    """A number with its unit: a table unit (``"10^9/L"``, ``"g/dL"``, ``"%"``) or a counted noun
    of the shared content (``"year"``, ``"person"``, ``"case"``), made singular or plural there.

    >>> format_quantity(0.5, "10^9/L"), format_quantity(25, "%"), format_quantity(1, "person")
    ('0.5 ×10⁹/L', '25%', '1 person')
    """
    number = format_number(value, decimals=decimals)
    try:
        symbol = unit_symbol(unit)
    except ValueError:
        from .content import get

        forms = get("common", f"units.{unit}")
        word = forms["one"] if float(value) == 1 else forms["other"]
        return f"{number} {word}"
    return f"{number}{'' if symbol == '%' else ' '}{symbol}"


def in_brackets(text: str) -> str:
    """Text a template sets inside round brackets, with its own round brackets made square (the
    usual rule for a bracket inside a bracket).

    >>> in_brackets("Thailand: Khonkaen province (north-east, rural), 1989-1994")
    'Thailand: Khonkaen province [north-east, rural], 1989-1994'
    """
    return text.replace("(", "[").replace(")", "]")


def format_field(value: Any) -> str:
    """A table value for prose: numbers through :func:`format_number`, a missing value as content says.

    >>> format_field(2.35), format_field(2011), format_field("registry")
    ('2.35', '2011', 'registry')
    """
    if value is None:
        from .content import text

        return text("common", "not_stated")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and 1000 <= value <= 2100:
        return str(value)  # a year: never "2,011"
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)
