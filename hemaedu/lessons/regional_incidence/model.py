"""Lesson 03's pure model: the incidence table's rows, group ranges and expected cases.

Values in, frozen views out: no widgets, no HTML and no learner-visible text (the apps write
that from content templates). Everything is read from ``data/`` with the standard library.

>>> from hemaedu.data import row
>>> view = expected_view(population=2_000_000, study="sweden", rate=rate_of("sweden"), years=1)
>>> view.result.mean == round(row("incidence", "sweden")["rate_per_million"] * 2, 6)
True
>>> group_range(EAST_ASIAN_REGIONS, exclude_claims=True).low > group_range(("Europe",)).high
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ...data import records, row
from ...figures.incidence import has_ci
from ...stats import ExpectedCases, expected_cases
from ..format import format_number, format_percent

__all__ = [
    "ALL_REGIONS",
    "CLAIMS",
    "CUSTOM",
    "DEFAULT_POPULATION",
    "DEFAULT_STUDY",
    "DEFAULT_YEARS",
    "EAST_ASIAN_REGIONS",
    "GROUPS",
    "HOOKS",
    "MAX_POPULATION",
    "MAX_YEARS",
    "WESTERN_REGIONS",
    "AgePattern",
    "ExpectedView",
    "ExplorerView",
    "GroupRange",
    "age_pattern_counts",
    "compute_expected",
    "expected_view",
    "explorer_view",
    "filter_incidence",
    "group_range",
    "incidence_rows",
    "rate_of",
    "rate_range",
    "references_used",
    "regions",
]

#: The region filter's value meaning "every region" (its label comes from content).
ALL_REGIONS = "all"
#: The study choice meaning "use the rate slider".
CUSTOM = "custom"
#: The ``method`` of rows built from insurance claims.
CLAIMS = "insurance claims"
#: Regions counted as "Western" in the lesson's comparison (the table's ``region`` column).
WESTERN_REGIONS: tuple[str, ...] = ("Europe", "North America")
#: Regions counted as "East Asian".
EAST_ASIAN_REGIONS: tuple[str, ...] = ("East Asia",)
#: The named groups the narrative compares: regions, and whether claims-based rows are left out.
GROUPS: dict[str, tuple[tuple[str, ...], bool]] = {
    "europe": (("Europe",), False),
    "western": (WESTERN_REGIONS, False),
    "southeast_asia": (("Southeast Asia",), False),
    "east_asia": (EAST_ASIAN_REGIONS, False),
    "east_asia_registry": (EAST_ASIAN_REGIONS, True),
}

#: Illustrative calculator defaults (not data): a city of two million, one year.
DEFAULT_POPULATION = 2_000_000
DEFAULT_YEARS = 1
#: Largest population the calculator accepts (above the most populous country).
MAX_POPULATION = 2_000_000_000
MAX_YEARS = 30
#: The study whose rate the calculator starts from.
DEFAULT_STUDY = "sweden"


@cache
def incidence_rows() -> tuple[dict[str, Any], ...]:
    """The incidence table's rows (read once; treat as read-only)."""
    return records("incidence")


def references_used() -> list[str]:
    """Every source the lesson shows: the rows of ``incidence`` and ``age_pattern``.

    >>> set(references_used()) >= {r["source_id"] for r in records("incidence")}
    True
    """
    ids = [r["source_id"] for r in incidence_rows()] + [r["source_id"] for r in records("age_pattern")]
    return list(dict.fromkeys(ids))


def regions() -> list[str]:
    """The regions of the incidence table, in the table's order.

    >>> regions()[0] == incidence_rows()[0]["region"]
    True
    """
    return list(dict.fromkeys(r["region"] for r in incidence_rows()))


def filter_incidence(region: str = ALL_REGIONS) -> tuple[dict[str, Any], ...]:
    """The incidence rows of one region (every row for :data:`ALL_REGIONS`).

    >>> len(filter_incidence()) == len(incidence_rows())
    True
    >>> filter_incidence("Atlantis")
    Traceback (most recent call last):
    ...
    ValueError: unknown region 'Atlantis'; choose one of: all, Europe, ...
    """
    rows = incidence_rows()
    if region == ALL_REGIONS:
        return rows
    if region not in regions():
        raise ValueError(f"unknown region {region!r}; choose one of: {', '.join([ALL_REGIONS, *regions()])}")
    return tuple(r for r in rows if r["region"] == region)


def rate_of(population_id: str) -> float:
    """The published rate (per million per year) of one study population.

    >>> rate_of("sweden") == row("incidence", "sweden")["rate_per_million"]
    True
    """
    return float(row("incidence", population_id)["rate_per_million"])


def rate_range() -> tuple[float, float]:
    """The lowest and highest rate in the table (the rate slider's bounds)."""
    rates = [float(r["rate_per_million"]) for r in incidence_rows()]
    return min(rates), max(rates)


@dataclass(frozen=True)
class GroupRange:
    """Lowest and highest rate of a group of study populations, and which they are."""

    low: float
    high: float
    low_id: str
    high_id: str
    n: int


def group_range(regions_: tuple[str, ...], *, exclude_claims: bool = False) -> GroupRange:
    """Range of published rates over the study populations of some regions.

    >>> g = group_range(WESTERN_REGIONS)
    >>> g.low == rate_of(g.low_id) and g.high == rate_of(g.high_id)
    True
    >>> group_range(("Atlantis",))
    Traceback (most recent call last):
    ...
    ValueError: no study populations in regions ('Atlantis',)
    """
    rows = [r for r in incidence_rows() if r["region"] in regions_ and not (exclude_claims and r["method"] == CLAIMS)]
    if not rows:
        raise ValueError(f"no study populations in regions {regions_!r}")
    # The first row wins a tie, as pandas' idxmin/idxmax did.
    lo = min(rows, key=lambda r: r["rate_per_million"])
    hi = max(rows, key=lambda r: r["rate_per_million"])
    return GroupRange(float(lo["rate_per_million"]), float(hi["rate_per_million"]),
                      str(lo["population_id"]), str(hi["population_id"]), len(rows))


def compute_expected(*, rate_per_million: float, population: int, years: float) -> ExpectedCases:
    """Expected cases and 95% Poisson range (validated by :func:`hemaedu.expected_cases`).

    >>> compute_expected(rate_per_million=2.0, population=1, years=1).high
    0
    >>> compute_expected(rate_per_million=2.0, population=0, years=1)
    Traceback (most recent call last):
    ...
    ValueError: population must be a whole number >= 1, got 0
    """
    if isinstance(population, bool) or int(population) != population or population < 1:
        raise ValueError(f"population must be a whole number >= 1, got {population!r}")
    return expected_cases(rate_per_million=rate_per_million, population=int(population), years=years)


@dataclass(frozen=True)
class ExpectedView:
    """What the calculator shows: the inputs and the expected count with its Poisson range."""

    rate: float
    population: int
    years: float
    study: str
    result: ExpectedCases


def expected_view(*, population: int, study: str, rate: float, years: float) -> ExpectedView:
    """The calculator's view for its control values (``study`` is a population id or :data:`CUSTOM`)."""
    result = compute_expected(rate_per_million=rate, population=int(population), years=years)
    return ExpectedView(rate=float(rate), population=int(population), years=years, study=study, result=result)


@dataclass(frozen=True)
class ExplorerView:
    """What the explorer shows for one region: its rows, lowest and highest, how many have a CI."""

    region: str
    rows: tuple[dict[str, Any], ...]
    lowest: dict[str, Any]
    highest: dict[str, Any]
    n_with_ci: int


def explorer_view(region: str = ALL_REGIONS) -> ExplorerView:
    """The explorer's view of one region.

    >>> v = explorer_view("Europe")
    >>> v.lowest["rate_per_million"] == group_range(("Europe",)).low
    True
    """
    rows = filter_incidence(region)
    lowest = min(rows, key=lambda r: r["rate_per_million"])
    highest = max(rows, key=lambda r: r["rate_per_million"])
    return ExplorerView(region=region, rows=rows, lowest=lowest, highest=highest,
                        n_with_ci=sum(has_ci(r) for r in rows))


# --------------------------------------------------------------------------- age pattern


@dataclass(frozen=True)
class AgePattern:
    """How many series of the ``age_pattern`` table report which age peaks."""

    n: int
    older: int
    both: int
    neither: int


def age_pattern_counts() -> AgePattern:
    """Count the series reporting an older rise, both a younger and an older peak, or neither.

    >>> c = age_pattern_counts()
    >>> c.both <= c.older <= c.n and c.neither == c.n - c.older
    True
    """
    rows = records("age_pattern")
    older = sum(r["older_peak"] is not None for r in rows)
    both = sum(r["young_peak"] is not None and r["older_peak"] is not None for r in rows)
    young_only = sum(r["young_peak"] is not None and r["older_peak"] is None for r in rows)
    return AgePattern(n=len(rows), older=older, both=both, neither=len(rows) - older - young_only)


# --------------------------------------------------------------------------- hooks for the content


def _group(name: str) -> GroupRange:
    if name not in GROUPS:
        raise ValueError(f"unknown group {name!r}; groups: {', '.join(GROUPS)}")
    regions_, exclude = GROUPS[name]
    return group_range(regions_, exclude_claims=exclude)


def _city() -> ExpectedCases:
    return compute_expected(rate_per_million=rate_of(DEFAULT_STUDY), population=DEFAULT_POPULATION, years=1)


#: Named values the lesson's content quotes (``{{hook:name}}`` or ``{{hook:name:arg}}``).
HOOKS: dict[str, Callable[..., Any]] = {
    "group_n": lambda g: str(_group(g).n),
    "group_low": lambda g: format_number(_group(g).low),
    "group_high": lambda g: format_number(_group(g).high),
    "group_high_period": lambda g: "{period_start}-{period_end}".format(**row("incidence", _group(g).high_id)),
    "rate_basis_count": lambda basis: str(sum(r["rate_basis"] == basis for r in incidence_rows())),
    "n_rows": lambda: str(len(incidence_rows())),
    "age_series": lambda: str(age_pattern_counts().n),
    "age_older": lambda: str(age_pattern_counts().older),
    "age_both": lambda: str(age_pattern_counts().both),
    "age_neither": lambda: str(age_pattern_counts().neither),
    "city_population": lambda: format_number(DEFAULT_POPULATION),
    "city_mean": lambda: format_number(_city().mean, decimals=1),
    "city_low": lambda: str(_city().low),
    "city_high": lambda: str(_city().high),
    "poisson_level": lambda: format_percent(_city().level),
}
