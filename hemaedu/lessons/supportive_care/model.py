"""Lesson 07's pure model: the care that applies in a situation, and a transfused patient's iron balance.

Values in, frozen views out; no widgets, no HTML and no learner-visible English. Every number
comes from ``data/care_facts.csv`` (one sourced statement per row): the care explorer shows the
rows a situation calls for, the iron balance multiplies the table's iron per red-cell unit and
daily iron loss.

Teaching material, not a clinical tool: nothing here is advice for a patient.

>>> view = compute_iron(units=40, months=24)
>>> view.iron_in_g, view.above_risk_level
(10.0, True)
>>> compute_care("neutropenic_fever").fact_ids[0]
'neutropenic_fever'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ...data import records
from ..format import format_number
from ..presets import presets

__all__ = ["DAYS_PER_MONTH", "HOOKS", "IRON_PRESETS", "SITUATIONS", "TOPICS", "CareView", "Fact", "IronView",
           "compute_care", "compute_iron", "fact", "facts", "sections", "source_ids", "topic_section"]

#: Mean length of a month in days (365.25 / 12), to turn months of transfusion into days of iron loss.
DAYS_PER_MONTH = 365.25 / 12

#: Situations of the care explorer (ids; their labels and hints live in the lesson's content):
#: situation -> the ``care_facts`` rows that apply, most urgent first.
SITUATIONS: dict[str, tuple[str, ...]] = {
    "atg_days": ("atg_steroid_cover", "atg_pjp_prophylaxis", "irradiated_components", "leucodepleted_components",
                 "platelet_prophylaxis"),
    "neutropenic_fever": ("neutropenic_fever", "antimicrobial_prophylaxis"),
    "profound_neutropenia": ("antimicrobial_prophylaxis", "neutropenic_fever", "leucodepleted_components"),
    "cyclosporine_month_3": ("cyclosporine_levels", "response_timing", "time_to_response", "time_to_response_without"),
    "counts_stable_year_1": ("cyclosporine_taper", "surveillance", "relapse_adults", "clonal_evolution"),
    "no_response_month_6": ("second_line_ratg", "second_line_eltrombopag", "second_line_unrelated_hsct",
                            "response_timing"),
    "counts_falling": ("surveillance", "relapse_adults", "relapse_children", "clonal_evolution",
                       "second_line_ratg"),
    "many_transfusions": ("iron_overload_risk", "iron_per_unit", "iron_excretion", "chelation_ferritin",
                          "no_iron_supplements", "diet_iron"),
    "on_androgens": ("androgen_liver",),
    "non_severe_watch": ("moderate_progression", "surveillance"),
    "pregnant": ("pregnancy", "leucodepleted_components", "platelet_prophylaxis"),
    "inherited_cause": ("genetic_counselling",),
    "vaccination": ("no_live_vaccines", "inactivated_vaccines"),
    "diet": ("diet_iron", "no_iron_supplements", "iron_per_unit"),
}

#: Topics of the ``care_facts`` table in the order of the lesson (the rows of the care map).
TOPICS = ("transfusion", "iron overload", "infection prevention", "ATG administration", "cyclosporine monitoring",
          "androgens", "response assessment", "relapse", "clonal evolution", "second-line options", "pregnancy",
          "genetic counselling", "vaccination", "diet")

#: Iron-balance vignettes (illustrative, not real patients): control values, from presets.toml.
IRON_PRESETS: dict[str, dict[str, Any]] = presets("supportive_care", "iron_balance")


@dataclass(frozen=True)
class Fact:
    """One row of ``care_facts``: the statement, its key number and its source."""

    fact_id: str
    section: str
    topic: str
    statement: str
    value: float | None
    unit: str | None
    source_id: str
    checked: bool


@cache
def facts() -> dict[str, Fact]:
    """Every row of ``care_facts`` by id, in table order."""
    out = {}
    for r in records("care_facts"):
        value = r["value"]
        out[r["fact_id"]] = Fact(r["fact_id"], r["section"], r["topic"], r["statement"],
                                 None if value is None else float(value), r["unit"], r["source_id"],
                                 bool(r["checked"]))
    unknown = {f for ids in SITUATIONS.values() for f in ids} - set(out)
    if unknown:
        raise ValueError(f"lesson 07 SITUATIONS name rows missing from care_facts.csv: {sorted(unknown)}")
    return out


def fact(fact_id: str) -> Fact:
    """One row of ``care_facts``."""
    table = facts()
    if fact_id not in table:
        raise ValueError(f"no care fact {fact_id!r}; care_facts.csv has {', '.join(table)}")
    return table[fact_id]


def sections() -> tuple[str, ...]:
    """The table's sections in order of first appearance (the lesson's order)."""
    return tuple(dict.fromkeys(f.section for f in facts().values()))


def topic_section(topic: str) -> str:
    """The section a topic belongs to (each topic lies in one section)."""
    found = {f.section for f in facts().values() if f.topic == topic}
    if len(found) != 1:
        raise ValueError(f"topic {topic!r} lies in {len(found)} sections of care_facts.csv; expected exactly one")
    return found.pop()


def _value(fact_id: str) -> float:
    value = fact(fact_id).value
    if value is None:
        raise ValueError(f"care_facts row {fact_id!r} has no value; the iron balance needs it")
    return value


# ----------------------------------------------------------------------------- care explorer


@dataclass(frozen=True)
class CareView:
    """What applies in one situation: the rows, and how many of them fall under each topic."""

    situation: str
    fact_ids: tuple[str, ...]
    per_topic: tuple[int, ...]  # aligned with TOPICS

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics with at least one row that applies, in :data:`TOPICS` order."""
        return tuple(t for t, n in zip(TOPICS, self.per_topic, strict=True) if n)


def compute_care(situation: str) -> CareView:
    """The ``care_facts`` rows a situation calls for, counted per topic."""
    if situation not in SITUATIONS:
        raise ValueError(f"unknown situation {situation!r}; choose one of {', '.join(SITUATIONS)}")
    ids = SITUATIONS[situation]
    per_topic = tuple(sum(fact(f).topic == topic for f in ids) for topic in TOPICS)
    return CareView(situation, ids, per_topic)


# ----------------------------------------------------------------------------- iron balance


@dataclass(frozen=True)
class IronView:
    """Iron brought in by red-cell units and lost over the same time, in grams."""

    units: int
    months: float
    iron_in_g: float
    iron_out_g: float
    above_risk_level: bool

    @property
    def net_g(self) -> float:
        """Iron the body keeps: what came in minus what it lost."""
        return self.iron_in_g - self.iron_out_g


def compute_iron(*, units: int, months: float) -> IronView:
    """Iron in from ``units`` red-cell units against the body's loss over ``months`` months.

    Uses ``care_facts``: iron per unit (mg), daily iron loss (mg/day) and the number of units
    after which overload becomes a risk.

    >>> v = compute_iron(units=0, months=1)
    >>> v.iron_in_g, v.above_risk_level
    (0.0, False)
    """
    if units < 0 or months <= 0:
        raise ValueError(f"units must be >= 0 and months > 0; got units={units!r}, months={months!r}")
    iron_in = units * _value("iron_per_unit") / 1000
    iron_out = months * DAYS_PER_MONTH * _value("iron_excretion") / 1000
    return IronView(int(units), float(months), round(iron_in, 3), round(iron_out, 3),
                    units > _value("iron_overload_risk"))


def source_ids() -> tuple[str, ...]:
    """Every source the lesson shows, in table order."""
    return tuple(dict.fromkeys(f.source_id for f in facts().values()))


def _value_text(fact_id: str) -> str:
    return format_number(_value(fact_id))


#: Named values the lesson's content quotes (``{{hook:<name>}}``).
HOOKS: dict[str, Callable[..., Any]] = {
    "value": _value_text,
    "units_for_grams": lambda grams: format_number(round(float(grams) * 1000 / _value("iron_per_unit"))),
    "days_to_lose_one_unit": lambda: format_number(round(_value("iron_per_unit") / _value("iron_excretion"))),
}
