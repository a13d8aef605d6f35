"""Read the clinical cut-offs from ``data/thresholds.csv``.

The rule functions in :mod:`hemaedu.clinical` never hard-code a cut-off: they
ask this module, which reads the thresholds table through the package's one
validated reader (:mod:`hemaedu.data`, standard library only, no pandas), so a
teacher can open the same table, see every number the rules use and cite its
source.

That reader applies the table's schema before any rule sees a row: the
comparator must be one of ``<``, ``<=``, ``>``, ``>=``; the value a finite
number >= 0; the unit the canonical unit of its measure (g/dL for hb, 10^9/L
for counts, % for marrow fractions); and the file must match the row count,
size and hash recorded in ``datapackage.json``, so a cut file, a flipped
comparator or a changed unit is refused with the file, line and column instead
of being used.

>>> print(get("camitta_anc"))
anc < 0.5 10^9/L (BSH 2016 (modified Camitta))
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

from . import data as _data

__all__ = ["Threshold", "comparator", "get", "meets", "table_path", "threshold"]

_TABLE = "thresholds"
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_REINSTALL = "Reinstall hemaedu (pip install --force-reinstall hemaedu) or restore data/thresholds.csv."


@dataclass(frozen=True)
class Threshold:
    """One row of the thresholds table: ``measure comparator value unit``."""

    threshold_id: str
    measure: str
    unit: str
    comparator: str
    value: float
    scheme: str
    source_id: str

    def __str__(self) -> str:
        return f"{self.measure} {self.comparator} {self.value:g} {self.unit} ({self.scheme})"


def table_path():
    """Return the location of ``thresholds.csv`` (see :func:`hemaedu.data.data_path`)."""
    return _data.data_path("thresholds.csv")


@functools.cache
def _index(table: object) -> dict[str, Threshold]:
    # Keyed by the checked table object, so a re-read (after the data caches
    # are cleared) builds a fresh index; rules call get() on every evaluation.
    index = {}
    for row in table.rows:  # type: ignore[attr-defined]
        if row["comparator"] not in _OPERATORS:  # the schema's enum already guarantees this
            raise ValueError(f"threshold {row['threshold_id']!r} has comparator {row['comparator']!r}; {_REINSTALL}")
        index[row["threshold_id"]] = Threshold(
            threshold_id=row["threshold_id"],
            measure=row["measure"],
            unit=row["unit"],
            comparator=row["comparator"],
            value=float(row["value"]),
            scheme=row["scheme"],
            source_id=row["source_id"],
        )
    return index


def _table() -> dict[str, Threshold]:
    """Every threshold by id, in table order (read and checked once per process)."""
    return _index(_data._table(_TABLE))


def get(threshold_id: str) -> Threshold:
    """Return the full :class:`Threshold` row for ``threshold_id``.

    Raises ``ValueError`` if the id is not in the table, or if the table fails
    any check of :mod:`hemaedu.data` (the message names file, line and column).

    >>> print(get("camitta_anc"))
    anc < 0.5 10^9/L (BSH 2016 (modified Camitta))
    """
    rows = _table()
    if threshold_id not in rows:
        raise ValueError(
            f"threshold_id {threshold_id!r} is missing from the thresholds table {table_path()}; "
            f"the package data is incomplete. {_REINSTALL}"
        )
    return rows[threshold_id]


def threshold(threshold_id: str) -> float:
    """Return the cut-off value of ``threshold_id`` in its table unit.

    >>> threshold("anemia_hb_female")
    12.0
    """
    return get(threshold_id).value


def comparator(threshold_id: str) -> str:
    """Return the comparator (``"<"``, ``"<="``, ``">"`` or ``">="``) of ``threshold_id``.

    >>> comparator("nih_complete_anc")
    '>='
    """
    return get(threshold_id).comparator


def meets(threshold_id: str, value: float) -> bool:
    """Whether ``value`` satisfies ``value <comparator> threshold`` for ``threshold_id``.

    >>> meets("camitta_platelets", 19.9), meets("camitta_platelets", 20)
    (True, False)
    """
    row = get(threshold_id)
    return _OPERATORS[row.comparator](value, row.value)
