"""Lesson 01's view: frozen records of what the rules say about one blood count.

Numbers, ids and enum values only; :mod:`.render` writes them out from content.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...clinical import Severity, SeverityCriteria

__all__ = ["LINEAGES", "BloodCountView", "Cutoff", "Limit", "RowView"]

#: The cytopenias in the order the lesson names them.
LINEAGES = ("anemia", "leukopenia", "neutropenia", "thrombocytopenia")

@dataclass(frozen=True)
class Cutoff:
    """A Camitta cut-off drawn on a row: its threshold id and value (display unit)."""

    threshold_id: str
    value: float


@dataclass(frozen=True)
class Limit:
    """Another source's reference limit on a row (display unit): ``side`` is "lower" or "upper"."""

    side: str
    value: float
    source_id: str


@dataclass(frozen=True)
class RowView:
    """One chart row in the display unit ``unit`` (a unit code such as "10^9/L").

    ``status`` is "low", "normal" or "high" against ``low``-``high`` (``high`` is
    None when no source gives an upper limit).
    """

    key: str
    value: float
    unit: str
    low: float
    high: float | None
    status: str
    low_source: str
    high_source: str | None
    cutoffs: tuple[Cutoff, ...]
    other_limits: tuple[Limit, ...]

    @property
    def percent_of_low(self) -> float:
        """The value as a percentage of the lower limit (not capped)."""
        return 100.0 * self.value / self.low


@dataclass(frozen=True)
class BloodCountView:
    """What the rules and tables say about one blood count.

    ``values`` are canonical (Hb g/dL, counts 10^9/L, %) with the ANC as used
    (capped at the WBC); ``anemia_band``, ``neutropenia_band`` and
    ``bleeding_band`` are threshold ids (or :data:`~hemaedu.lessons.pancytopenia.model.ANEMIA_MILD`), None when the
    lineage is not low.
    """

    rows: tuple[RowView, ...]
    values: dict[str, float]
    sex: str
    hb_unit: str
    count_unit: str
    cytopenias: frozenset[str]
    pancytopenia: bool
    criteria: SeverityCriteria
    anc_capped: bool
    marrow_partial: bool
    anemia_band: str | None
    neutropenia_band: str | None
    bleeding_band: str | None
    #: Age in years (None: unknown) and the cellularity the rough "100 minus age" rule expects (%).
    age_years: float | None = None
    expected_cellularity: float | None = None
    #: Pitfall ids of the ``pitfalls`` table that apply to this count (see :mod:`.pitfalls`).
    pitfalls: tuple[str, ...] = ()

    @property
    def grade(self) -> Severity:
        """The grade the rules give (meaningful only when :attr:`grade_applies`)."""
        return self.criteria.severity

    @property
    def grade_applies(self) -> bool:
        """The grading describes aplastic anemia, so it needs the marrow criterion."""
        return self.criteria.marrow

    @property
    def low_rows(self) -> tuple[RowView, ...]:
        """The chart rows below their reference range."""
        return tuple(r for r in self.rows if r.status == "low")

    @property
    def lineages(self) -> tuple[str, ...]:
        """The cytopenias found, in the lesson's order."""
        return tuple(x for x in LINEAGES if x in self.cytopenias)

    @property
    def missing_lineages(self) -> tuple[str, ...]:
        """Which of "red", "white", "platelets" are not low (why it is not pancytopenia)."""
        low = self.cytopenias
        return tuple(
            name for name, found in (
                ("red", "anemia" in low),
                ("white", bool({"leukopenia", "neutropenia"} & low)),
                ("platelets", "thrombocytopenia" in low),
            ) if not found
        )
