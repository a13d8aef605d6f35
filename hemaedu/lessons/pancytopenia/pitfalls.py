"""Lesson 01's pitfalls in reading a count: which ones apply to one blood count.

Every number comes from the ``pitfalls`` table (and the ``thresholds`` table for
the cut-offs it is compared with); the words live in the lesson's content.

* **EDTA pseudothrombocytopenia** (``edta_pseudothrombocytopenia``): a low
  platelet count with every other lineage normal may be platelets clumping in
  the EDTA tube. It applies whenever thrombocytopenia is the only cytopenia.
* **Duffy-null associated neutrophil count** (``duffy_null_anc``): an ANC below
  the fixed neutropenia cut-off yet inside the reference interval of healthy
  Duffy-null adults, with no cytopenia other than a low white count.
* **Cellularity falls with age** (``cellularity_falls_with_age``): the fixed
  Camitta marrow cut-off calls the marrow hypocellular, yet it is at or above
  what the rough "100 minus age" rule expects at the patient's age.

>>> applying(cytopenias=frozenset({"thrombocytopenia"}), anc=4.0, cellularity=50, age_years=40)
('edta_pseudothrombocytopenia',)
>>> applying(cytopenias=frozenset({"neutropenia"}), anc=1.3, cellularity=50, age_years=30)
('duffy_null_anc',)
>>> expected_cellularity(80)
20.0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ...data import row
from ...thresholds import meets

__all__ = [
    "AGE",
    "AGE_RULE_INTERCEPT_PERCENT",
    "DUFFY",
    "EDTA",
    "PITFALLS",
    "Interval",
    "applying",
    "expected_cellularity",
    "interval",
    "source_id",
    "source_ids",
]

EDTA = "edta_pseudothrombocytopenia"
DUFFY = "duffy_null_anc"
AGE = "cellularity_falls_with_age"
#: The pitfalls the explorer checks, in the order its notes list them.
PITFALLS = (EDTA, DUFFY, AGE)

#: The rough rule's intercept: normal cellularity is about this minus the age in years.
#: The ``pitfalls`` table states the rule in words; :func:`expected_cellularity` checks it still does.
AGE_RULE_INTERCEPT_PERCENT = 100


@dataclass(frozen=True)
class Interval:
    """A pitfall row's interval: ``low`` to ``high`` in ``unit`` (a unit code), from ``source_id``."""

    low: float
    high: float
    unit: str
    source_id: str


@cache
def interval(pitfall_id: str) -> Interval:
    """The interval a pitfall row gives (Duffy-null ANC, adult cellularity).

    >>> interval("duffy_null_anc").unit
    '10^9/L'
    """
    r = row("pitfalls", pitfall_id)
    if r["value_low"] is None or r["value_high"] is None:
        raise ValueError(f"pitfalls row {pitfall_id!r} gives no interval (value_low, value_high); restore data/")
    return Interval(float(r["value_low"]), float(r["value_high"]), str(r["unit"]), str(r["source_id"]))


@cache
def _age_rule_stated() -> bool:
    return f"{AGE_RULE_INTERCEPT_PERCENT} minus age" in str(row("pitfalls", AGE)["pitfall"])


def expected_cellularity(age_years: float) -> float:
    """Roughly normal marrow cellularity (%) at ``age_years``: 100 minus the age, never below 0.

    A teaching rule of thumb (the ``pitfalls`` table): healthy adults vary widely around it, and
    cellularity falls more slowly than the rule says in older people.
    """
    if not _age_rule_stated():
        raise ValueError(f"the pitfalls row {AGE!r} no longer states the '{AGE_RULE_INTERCEPT_PERCENT} minus age' "
                         "rule; update AGE_RULE_INTERCEPT_PERCENT to match data/")
    if not 0 <= age_years <= 120:
        raise ValueError(f"age_years must be between 0 and 120 years, got {age_years!r}")
    return float(max(0.0, AGE_RULE_INTERCEPT_PERCENT - age_years))


def applying(*, cytopenias: frozenset[str], anc: float, cellularity: float,
             age_years: float | None) -> tuple[str, ...]:
    """The pitfall ids that apply to a count (ANC in 10^9/L, cellularity in %), in :data:`PITFALLS` order.

    ``age_years`` None (age unknown) leaves the age pitfall out.
    """
    found = []
    if cytopenias == frozenset({"thrombocytopenia"}):
        found.append(EDTA)
    duffy = interval(DUFFY)
    if ("neutropenia" in cytopenias and cytopenias <= {"neutropenia", "leukopenia"}
            and duffy.low <= anc <= duffy.high):
        found.append(DUFFY)
    if (age_years is not None and meets("camitta_cellularity", cellularity)
            and cellularity >= expected_cellularity(age_years)):
        found.append(AGE)
    return tuple(found)


def source_id(pitfall_id: str) -> str:
    """The source of a pitfall row (a ``references`` key)."""
    return str(row("pitfalls", pitfall_id)["source_id"])


def source_ids() -> list[str]:
    """The sources of the pitfalls the explorer checks."""
    return list(dict.fromkeys(source_id(p) for p in PITFALLS))
