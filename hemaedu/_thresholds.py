"""Read the clinical cut-offs from ``data/thresholds.csv``.

The rule functions in :mod:`hemaedu.clinical` never hard-code a cut-off: they
ask this module, which reads the thresholds table once with the standard
library (no pandas), so a teacher can open the same table, see every number
the rules use and cite its source.

The table is found like every shipped data file, by
:func:`hemaedu.data.data_path` (standard library only).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

from .data import data_path

__all__ = ["Threshold", "comparator", "get", "meets", "table_path", "threshold"]

_FILENAME = "thresholds.csv"
_REQUIRED_COLUMNS = ("threshold_id", "measure", "unit", "comparator", "value", "scheme", "source_id")
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
    return data_path(_FILENAME)


def _parse(text: str, where: str) -> dict[str, dict[str, str]]:
    """Parse the CSV text into ``{threshold_id: row}``; structural checks only."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"thresholds table {where} is corrupted: missing column(s) {missing}. {_REINSTALL}")
    rows: dict[str, dict[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        threshold_id = (row.get("threshold_id") or "").strip()
        if not threshold_id:
            raise ValueError(f"thresholds table {where} is corrupted: line {line} has no threshold_id. {_REINSTALL}")
        if threshold_id in rows:
            raise ValueError(
                f"thresholds table {where} is corrupted: threshold_id {threshold_id!r} appears twice "
                f"(again on line {line}). {_REINSTALL}"
            )
        rows[threshold_id] = row
    return rows


def _load(path) -> dict[str, dict[str, str]]:
    """Read and parse the table at ``path``; every failure is a ValueError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read the thresholds table at {path}: {error}. {_REINSTALL}") from error
    return _parse(text, str(path))


@functools.cache
def _table() -> dict[str, dict[str, str]]:
    # Read once per process: the rules call threshold() on every evaluation.
    return _load(table_path())


@functools.cache
def get(threshold_id: str) -> Threshold:
    """Return the full :class:`Threshold` row for ``threshold_id``.

    >>> print(get("camitta_anc"))
    anc < 0.5 10^9/L (BSH 2016 (modified Camitta))
    """
    rows = _table()
    if threshold_id not in rows:
        raise ValueError(
            f"threshold_id {threshold_id!r} is missing from the thresholds table {table_path()}; "
            f"the package data is incomplete. {_REINSTALL}"
        )
    row = rows[threshold_id]
    symbol = (row["comparator"] or "").strip()
    if symbol not in _OPERATORS:
        raise ValueError(
            f"threshold {threshold_id!r} has comparator {symbol!r}, expected one of {sorted(_OPERATORS)}; "
            f"the thresholds table is corrupted. {_REINSTALL}"
        )
    try:
        value = float(row["value"])
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"threshold {threshold_id!r} has value {row['value']!r}, expected a finite number; "
            f"the thresholds table is corrupted. {_REINSTALL}"
        )
    return Threshold(
        threshold_id=threshold_id,
        measure=(row["measure"] or "").strip(),
        unit=(row["unit"] or "").strip(),
        comparator=symbol,
        value=value,
        scheme=(row["scheme"] or "").strip(),
        source_id=(row["source_id"] or "").strip(),
    )


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
