"""Lesson 03's text: labels, hover texts, summaries and tables, written from content templates.

Every sentence comes from ``content/<lang>/lesson.toml``; this module only fills in the numbers
(through :mod:`hemaedu.lessons.format`) and chooses between templates.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from ...data import records
from ..content import cite, get, markdown, texts
from ..format import format_number, format_percent, format_quantity, in_brackets
from ..tables import lesson_table
from . import model

PACKAGE = "regional_incidence"
_t = texts(PACKAGE)  # a text of this lesson's content

__all__ = [
    "age_pattern_html",
    "disagreement_markdown",
    "east_west_markdown",
    "expected_summary",
    "explorer_summary",
    "hover",
    "period",
    "population_label",
    "ranked_label",
    "study_options",
]


def period(row: Mapping[str, Any]) -> str:
    """A study's period: ``"2000-2011"``, one year, ``"from 2000"`` or "period not stated".

    >>> period({"period_start": 2000, "period_end": 2011}), period({"period_start": 2002, "period_end": 2002})
    ('2000-2011', '2002')
    """
    start, end = row.get("period_start"), row.get("period_end")
    if start is not None and end is not None:
        return f"{int(start)}" if int(start) == int(end) else f"{int(start)}-{int(end)}"
    if start is not None:
        return _t("period_since", start=int(start))
    return _t("period_unknown")


def population_label(row: Mapping[str, Any]) -> str:
    """Short axis label for one study population: country, area, period.

    >>> population_label({"country": "Sweden", "area": "Whole country",
    ...                   "period_start": 2000, "period_end": 2011})
    'Sweden: Whole country, 2000-2011'
    """
    area = str(row["area"])
    # Drop long parentheticals (kept in the hover text); keep short ones such
    # as "(earlier report)" that tell two rows of one city apart.
    area = re.sub(r" \(([^)]{21,})\)", "", area)
    when = period(row)
    area = area.removesuffix(f", {when}")  # "..., 2002" when the period is 2002
    for long, short in get(PACKAGE, "abbreviations"):
        area = area.replace(long, short)
    return _t("population_label", country=row["country"], area=area, period=when)


def ranked_label(row: Mapping[str, Any]) -> str:
    """The ranked chart's label: the population label, tagged for claims data and age adjustment."""
    label = population_label(row)
    if row["method"] == model.CLAIMS:
        label += _t("claims_tag")
    if row["rate_basis"] == "age-adjusted":
        label += _t("age_adjusted_tag")
    return label


def hover(row: Mapping[str, Any]) -> str:
    """A study population's hover text: area, period, rate, CI, cases, method and source."""
    ci = (_t("hover.ci", low=format_number(row["ci_low"]), high=format_number(row["ci_high"]))
          if row["ci_low"] is not None and row["ci_high"] is not None else _t("hover.no_ci"))
    cases = _t("hover.cases", n=format_number(row["cases"])) if row["cases"] is not None else _t("hover.no_cases")
    return _t("hover.row", country=row["country"], area=row["area"], period=period(row),
              rate=format_number(row["rate_per_million"]), rate_basis=row["rate_basis"], ci=ci, cases=cases,
              method=row["method"], age_group=row["age_group"], source=cite(row["source_id"]))


def study_options() -> list[tuple[str, str]]:
    """The calculator's "Rate from" options: custom first, then every study by region and rate."""
    rows = sorted(model.incidence_rows(), key=lambda r: (r["region"], r["rate_per_million"]))
    options = [(_t("calculator.study_option", label=population_label(r), rate=format_number(r["rate_per_million"])),
                str(r["population_id"])) for r in rows]
    return [(_t("calculator.custom"), model.CUSTOM), *options]


def region_options() -> list[tuple[str, str]]:
    """The explorer's region options: every region, then each region of the table."""
    return [(_t("explorer.all_regions"), model.ALL_REGIONS), *((r, r) for r in model.regions())]


def _mean(mean: float) -> str:
    if mean >= 0.1:
        return format_number(mean, decimals=1)
    if mean >= 0.005:
        return format_number(mean, decimals=2)
    return _t("calculator.mean_below", limit=format_number(0.01))


def expected_summary(view: model.ExpectedView) -> str:
    """The calculator's one-line summary."""
    study = (_t("calculator.custom_short") if view.study == model.CUSTOM
             else population_label(next(r for r in model.incidence_rows() if r["population_id"] == view.study)))
    r = view.result
    return _t("calculator.summary", rate=format_number(view.rate), study=in_brackets(study),
              people=format_quantity(view.population, "person"), years=format_quantity(view.years, "year"),
              mean=_mean(r.mean), low=r.low, high=r.high, level=format_percent(r.level))


def explorer_summary(view: model.ExplorerView) -> str:
    """One-line summary of what the map and ranked chart show for a region."""
    region = _t("explorer.all_regions") if view.region == model.ALL_REGIONS else view.region
    n = len(view.rows)
    populations = format_quantity(n, "study_population").split(" ", 1)[1]
    return _t("explorer.summary", region=region, n=n, populations=populations,
              low=format_number(view.lowest["rate_per_million"]), high=format_number(view.highest["rate_per_million"]),
              lowest=in_brackets(population_label(view.lowest)), highest=in_brackets(population_label(view.highest)),
              n_ci=view.n_with_ci)


def east_west_markdown() -> str:
    """The Western vs East Asian comparison, with numbers from the table."""
    return markdown(PACKAGE, "east_west")


def disagreement_markdown() -> str:
    """Why studies disagree, each reason illustrated by rows of the table."""
    return markdown(PACKAGE, "disagreement")


def age_pattern_html() -> str:
    """The age pattern table (rendered from ``age_pattern``) and how many series report both peaks."""
    missing = _t("age_pattern.not_reported")
    rows = [[r["population"], r["young_peak"] or missing, r["older_peak"] or missing, r["sex_notes"], r["notes"],
             cite(r["source_id"])] for r in records("age_pattern")]
    counts = model.age_pattern_counts()
    return (lesson_table(_t("age_pattern.caption"), get(PACKAGE, "age_pattern.header"), rows)
            + f"<p><em>{html.escape(_t('age_pattern.footer', bimodal=counts.both, n=counts.n))}</em></p>")

