"""Lesson 03: regional incidence of acquired aplastic anemia, and an expected-cases calculator.

Two apps, each with a pure, tested compute function:

* :class:`IncidenceExplorer` (:func:`incidence_explorer`): a region filter
  (accessible radio group) driving two live views updated in place, a world map
  (``.map_figure``) and a ranked chart with confidence intervals (``.figure``).
* :class:`CasesCalculator` (:func:`expected_cases_calculator`): population,
  years and a rate (from a chosen study or a rate slider bounded by the
  table's lowest and highest rates) give the expected count and its Poisson
  range from :func:`hemaedu.expected_cases`. **This is the lesson's main app**:
  its ``.main_slider`` is the years slider, and every arrow-key step changes the
  plotted bar (the expected count is proportional to the years).

Every rate shown is read from the ``incidence`` table; the narrative helpers
(:func:`east_west_markdown`, :func:`disagreement_markdown`,
:func:`age_pattern_markdown`) render their numbers from the tables so the
notebook never types a clinical figure.

Teaching material, not a clinical tool.

>>> r = compute_expected(rate_per_million=rate_of("sweden"), population=2_000_000, years=1)
>>> r.mean, r.low, r.high
(4.7, 1, 9)
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from ..controls import Choice, Slider
from ..data import load
from ..figures.incidence import (
    MAP_TRACE,
    RANK_TRACE,
    _has_ci,
    _ranked_height,
    expected_cases_arrays,
    expected_x_range,
    make_expected_cases_chart,
    make_incidence_map,
    make_ranked_chart,
    map_arrays,
    population_label,
    ranked_arrays,
)
from ..stats import ExpectedCases, expected_cases
from . import LessonApp, Option, SelfCheck

__all__ = [
    "ALL_REGIONS",
    "DEFAULT_POPULATION",
    "DEFAULT_YEARS",
    "EAST_ASIAN_REGIONS",
    "WESTERN_REGIONS",
    "CasesCalculator",
    "IncidenceExplorer",
    "age_pattern_markdown",
    "check_numbers",
    "compute_expected",
    "disagreement_markdown",
    "east_west_markdown",
    "expected_cases_calculator",
    "filter_incidence",
    "group_range",
    "incidence_explorer",
    "rate_of",
    "references_used",
    "self_checks",
]

ALL_REGIONS = "All regions"
#: Regions counted as "Western" in the lesson's comparison (the table's ``region`` column).
WESTERN_REGIONS: tuple[str, ...] = ("Europe", "North America")
#: Regions counted as "East Asian".
EAST_ASIAN_REGIONS: tuple[str, ...] = ("East Asia",)

#: Illustrative calculator defaults (not data): a city of two million, one year.
DEFAULT_POPULATION = 2_000_000
DEFAULT_YEARS = 1
#: Largest population the calculator accepts (above the most populous country).
MAX_POPULATION = 2_000_000_000
MAX_YEARS = 30
#: The study whose rate the calculator starts from.
DEFAULT_STUDY = "sweden"
CUSTOM = "custom"


def references_used() -> list[str]:
    """Every source the lesson shows: the rows of ``incidence`` and ``age_pattern``.

    Derived from the tables, so a row added or removed there is cited (or not) here too.

    >>> "vaht2017" in references_used()
    True
    """
    ids = load("incidence")["source_id"].tolist() + load("age_pattern")["source_id"].tolist()
    return list(dict.fromkeys(ids))


def _fmt(x: float) -> str:
    return f"{x:g}"


# --------------------------------------------------------------------------- pure helpers


def regions() -> list[str]:
    """The regions of the incidence table, in the table's order.

    >>> regions()[:2]
    ['Europe', 'North America']
    """
    return list(dict.fromkeys(load("incidence")["region"].tolist()))


def filter_incidence(region: str = ALL_REGIONS) -> Any:
    """The incidence rows of one region (all rows for :data:`ALL_REGIONS`).

    >>> sorted(filter_incidence("East Asia")["country"].unique())
    ['China', 'Japan', 'South Korea', 'Taiwan']
    >>> filter_incidence("Atlantis")
    Traceback (most recent call last):
    ...
    ValueError: unknown region 'Atlantis'; choose one of: All regions, Europe, ...
    """
    df = load("incidence")
    if region == ALL_REGIONS:
        return df
    if region not in set(df["region"]):
        raise ValueError(f"unknown region {region!r}; choose one of: {', '.join([ALL_REGIONS, *regions()])}")
    return df[df["region"] == region]


def rate_of(population_id: str) -> float:
    """The published rate (per million per year) of one study population.

    >>> rate_of("sweden")
    2.35
    """
    df = load("incidence")
    match = df.loc[df["population_id"] == population_id, "rate_per_million"]
    if match.empty:
        raise ValueError(f"unknown population_id {population_id!r}; see load('incidence').population_id")
    return float(match.iloc[0])


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
    >>> g.low_id, g.high_id
    ('france', 'baltimore_nonwhite_female')
    """
    df = load("incidence")
    df = df[df["region"].isin(regions_)]
    if exclude_claims:
        df = df[df["method"] != "insurance claims"]
    if df.empty:
        raise ValueError(f"no study populations in regions {regions_!r}")
    lo = df.loc[df["rate_per_million"].idxmin()]
    hi = df.loc[df["rate_per_million"].idxmax()]
    return GroupRange(float(lo.rate_per_million), float(hi.rate_per_million),
                      str(lo.population_id), str(hi.population_id), len(df))


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
    return expected_cases(rate_per_million=rate_per_million, population=population, years=years)


def expected_text(result: ExpectedCases, *, rate: float, population: int, years: float, study: str) -> str:
    """The calculator's one-line summary.

    >>> r = compute_expected(rate_per_million=2.0, population=1_000_000, years=1)
    >>> expected_text(r, rate=2.0, population=1_000_000, years=1, study="custom rate")
    'At 2 per million per year (custom rate), 1,000,000 people over 1 year: expected 2.0 new cases; by chance alone, 0 to 5 (95% Poisson range).'
    """
    y = "year" if years == 1 else "years"
    if result.mean >= 0.1:
        mean = f"{result.mean:.1f}"
    elif result.mean >= 0.005:
        mean = f"{result.mean:.2f}"
    else:
        mean = "less than 0.01"
    people = "person" if population == 1 else "people"
    return (
        f"At {_fmt(rate)} per million per year ({study}), {population:,} {people} over {_fmt(years)} {y}: "
        f"expected {mean} new cases; by chance alone, {result.low} to {result.high} "
        f"({result.level:.0%} Poisson range)."
    )


def explorer_text(region: str) -> str:
    """One-line summary of what the map and ranked chart show for a region.

    >>> explorer_text("Europe")  # doctest: +ELLIPSIS
    'Europe: 5 study populations, rates 1.5 to 2.83 per million per year (lowest France..., highest Spain...); 1 with a published 95% CI.'
    """
    df = filter_incidence(region)
    lo = df.loc[df["rate_per_million"].idxmin()]
    hi = df.loc[df["rate_per_million"].idxmax()]
    n_ci = sum(_has_ci(r) for r in df.astype(object).where(df.notna(), None).to_dict("records"))
    return (
        f"{region}: {len(df)} study populations, rates {_fmt(lo.rate_per_million)} to "
        f"{_fmt(hi.rate_per_million)} per million per year (lowest {population_label(lo)}, "
        f"highest {population_label(hi)}); {n_ci} with a published 95% CI."
    )


# --------------------------------------------------------------------------- explorer app


class IncidenceExplorer(LessonApp):
    """Region filter -> world map (``.map_figure``) and ranked chart (``.figure``).

    Both figures are built once; a new region only replaces the marker arrays
    and the category list (never the country outlines, the heaviest data).
    The region control is a radio group (arrow keys move it); ``.main_slider``
    is ``None`` because this app has no slider: the lesson's slider-driven
    app is :class:`CasesCalculator`.
    """

    def __init__(self, region: str = ALL_REGIONS) -> None:
        super().__init__()
        self._full = load("incidence")
        options = [ALL_REGIONS, *regions()]
        self.region = Choice(
            options=options, value=region, description="Region",
            help="Show only the study populations of one region on the map and in the ranked chart.",
        )
        self.controls = [self.region]
        self.sliders: dict[str, Slider] = {}
        self.main_slider = None
        self.main_control = self.region
        df = filter_incidence(region)
        self.map_figure = make_incidence_map(df, full=self._full, widget=True)
        self.figure = make_ranked_chart(df, full=self._full, widget=True)
        self._watch(self.region)
        self.update()
        self.container.add_class("hemaedu-app-incidence-explorer")

    def layout_children(self) -> list[w.Widget]:
        return [w.VBox(self.controls), self.map_figure, self.figure, self.summary, self.extra]

    def update(self, change: Any = None) -> None:
        region = self.region.value
        df = filter_incidence(region)
        m = map_arrays(df)
        with self.map_figure.batch_update():
            t = self.map_figure.data[MAP_TRACE["markers"]]
            t.lat, t.lon, t.ids, t.text = m["lat"], m["lon"], m["ids"], m["text"]
            t.marker.size, t.marker.color, t.marker.symbol = m["size"], m["color"], m["symbol"]
        r = ranked_arrays(df)
        with self.figure.batch_update():
            for key in ("with_ci", "without_ci"):
                t = self.figure.data[RANK_TRACE[key]]
                t.x, t.y, t.text = r[key]["x"], r[key]["y"], r[key]["text"]
                t.marker.symbol = r[key]["symbol"]
                if key == "with_ci":
                    t.error_x.array, t.error_x.arrayminus = r[key]["plus"], r[key]["minus"]
            self.figure.layout.yaxis.categoryarray = r["categories"]
            self.figure.layout.height = _ranked_height(len(r["categories"]))
        self._set_summary(explorer_text(region))

    def static_html(self) -> str:
        # Both views for a kernel-less HTML export.
        return (self.map_figure.to_html(full_html=False, include_plotlyjs=False)
                + "\n" + super().static_html())


def incidence_explorer(region: str = ALL_REGIONS) -> IncidenceExplorer:
    """The region-filtered world map and ranked chart.

    >>> app = incidence_explorer()
    >>> app.region.value = "East Asia"
    >>> sorted(app.figure.data[1].x)[-1]  # highest East Asian rate: Korean claims data
    35.0
    """
    return IncidenceExplorer(region)


# --------------------------------------------------------------------------- calculator app


def _study_options() -> list[tuple[str, str]]:
    df = load("incidence").sort_values(["region", "rate_per_million"])
    opts = [(f"{population_label(r)}: {_fmt(r['rate_per_million'])}", str(r["population_id"]))
            for r in df.to_dict("records")]
    return [("Custom rate (use the rate slider)", CUSTOM), *opts]


class CasesCalculator(LessonApp):
    """Population, years and a rate -> expected cases with a Poisson range.

    Controls: ``population`` (bounded whole number, >= 1), ``study`` (which
    study's rate; "custom" frees the rate slider), ``sliders["rate"]`` (bounded
    by the table's lowest and highest rate, step 0.01 so every published rate
    is a position), ``sliders["years"]`` (the main slider). Choosing a study moves
    the rate slider to its rate; moving the rate slider away from it switches
    the study choice to "custom".
    """

    def __init__(self, *, population: int = DEFAULT_POPULATION, years: int = DEFAULT_YEARS,
                 study: str = DEFAULT_STUDY) -> None:
        super().__init__()
        df = load("incidence")
        self._rates: dict[str, float] = dict(zip(df["population_id"], df["rate_per_million"].astype(float), strict=True))
        self._labels = dict((v, k) for k, v in _study_options())
        lo, hi = float(df["rate_per_million"].min()), float(df["rate_per_million"].max())
        self.population = w.BoundedIntText(
            value=population, min=1, max=MAX_POPULATION, step=1000,
            description="Population",
            description_allow_html=False,
            tooltip="Number of people in the area (a whole number, at least 1)",
            style={"description_width": "initial"},
        )
        self.study = w.Dropdown(
            options=_study_options(), value=study, description="Rate from",
            style={"description_width": "initial"}, layout=w.Layout(width="max-content"),
        )
        start_rate = self._rates.get(study, lo)
        self.rate_slider = Slider(
            value=start_rate, min=lo, max=hi, step=0.01, description="Incidence rate",
            unit="per million per year", readout_format=".2f",
            help="Bounded by the lowest and highest rate in the incidence table.",
        )
        self.years_slider = Slider(
            value=years, min=1, max=MAX_YEARS, step=1, description="Period", unit="years",
            readout_format="d", help="How many years of new cases to count.",
        )
        self.sliders = {"years": self.years_slider, "rate": self.rate_slider}
        self.main_slider = self.years_slider
        self.controls = [self.population, self.study, self.rate_slider, self.years_slider]
        self.presets: dict[str, dict[str, Any]] = {
            self._labels[pid]: {"study": pid} for pid in self._rates
        }
        self._syncing = False
        result = self.result()
        self.figure = make_expected_cases_chart(result, label="Expected new cases in your population", widget=True)
        self.study.observe(self._on_study, names="value")
        self.rate_slider.observe(self._on_rate, names="value")
        self._watch(self.population, self.years_slider)
        self.update()
        self.container.add_class("hemaedu-app-incidence")

    # -- wiring -----------------------------------------------------------
    def _on_study(self, change: Any) -> None:
        if self._syncing:
            return
        pid = change["new"]
        if pid != CUSTOM:
            self._syncing = True
            try:
                self.rate_slider.value = self._rates[pid]
            finally:
                self._syncing = False
        self.update()

    def _on_rate(self, change: Any) -> None:
        if not self._syncing and self.study.value != CUSTOM and self.rate_slider.value != self._rates[self.study.value]:
            self._syncing = True
            try:
                self.study.value = CUSTOM
            finally:
                self._syncing = False
        self.update()

    def apply_preset(self, name: str) -> None:
        """Use the rate of the study named ``name`` (a key of ``.presets``)."""
        if name not in self.presets:
            raise ValueError(f"unknown preset {name!r}; see .presets")
        self.study.value = self.presets[name]["study"]

    def result(self) -> ExpectedCases:
        return compute_expected(rate_per_million=self.rate_slider.value,
                                population=int(self.population.value), years=self.years_slider.value)

    def update(self, change: Any = None) -> None:
        result = self.result()
        a = expected_cases_arrays(result)
        # One combined restyle + relayout message: a third cheaper than setting
        # the four properties one by one inside batch_update (benchmarks/run.py).
        self.figure.plotly_update(
            restyle_data={"x": [a["x"]], "error_x.array": [a["plus"]], "error_x.arrayminus": [a["minus"]]},
            relayout_data={"xaxis.range": expected_x_range(result)},
            trace_indexes=[0],
        )
        study = "custom rate" if self.study.value == CUSTOM else self._labels[self.study.value].rsplit(":", 1)[0]
        self._set_summary(expected_text(result, rate=self.rate_slider.value, population=int(self.population.value),
                                        years=self.years_slider.value, study=study))


def expected_cases_calculator(**kwargs: Any) -> CasesCalculator:
    """The expected-cases calculator (the lesson's main app).

    >>> app = expected_cases_calculator()
    >>> app.main_slider.value = 2
    >>> app.figure.data[0].x
    (9.4,)
    """
    return CasesCalculator(**kwargs)


# --------------------------------------------------------------------------- narrative


def _row(pid: str) -> Any:
    df = load("incidence")
    return df.loc[df["population_id"] == pid].iloc[0]


def east_west_markdown() -> str:
    """The Western vs East Asian comparison, with numbers from the table."""
    west = group_range(WESTERN_REGIONS)
    east = group_range(EAST_ASIAN_REGIONS)
    east_nc = group_range(EAST_ASIAN_REGIONS, exclude_claims=True)
    se = group_range(("Southeast Asia",))
    europe = group_range(("Europe",))
    return "\n".join([
        f"- **Europe** ({europe.n} study populations): {_fmt(europe.low)} to {_fmt(europe.high)} per million per year.",
        f"- **Western studies** (Europe and North America, {west.n} populations): {_fmt(west.low)} to "
        f"{_fmt(west.high)}; the top of that range is the old age-adjusted Baltimore study "
        f"({_row(west.high_id).period_start}-{_row(west.high_id).period_end}).",
        f"- **Southeast Asia** (Thailand, {se.n} populations): {_fmt(se.low)} to {_fmt(se.high)}.",
        f"- **East Asia** ({east.n} populations): {_fmt(east.low)} to {_fmt(east.high)}; without the "
        f"insurance-claims estimates, {_fmt(east_nc.low)} to {_fmt(east_nc.high)}.",
    ])


def disagreement_markdown() -> str:
    """Why studies disagree, each reason illustrated by rows of the table."""
    k02, k10 = _row("korea_claims_2002"), _row("korea_claims_2010")
    jp, tw, sw = _row("japan_nationwide"), _row("taiwan_nationwide"), _row("sweden")
    bkk97, bkk99 = _row("thailand_bangkok_1997"), _row("thailand_bangkok")
    fr, imas = _row("france"), _row("spain_imas")
    return "\n".join([
        f"- **How cases were found.** Korea's insurance-claims estimates ({_fmt(k02.rate_per_million)} in "
        f"{k02.period_start}, {_fmt(k10.rate_per_million)} in {k10.period_start}) are several times any "
        f"registry figure in the region (Japan {_fmt(jp.rate_per_million)}, Taiwan {_fmt(tw.rate_per_million)}). "
        "A claims record is a billing code, not a reviewed diagnosis, so look-alike conditions and repeated "
        "codes can inflate the count; the authors say as much.",
        f"- **Who checked the diagnosis.** Sweden's {_fmt(sw.rate_per_million)} "
        f"(95% CI {_fmt(sw.ci_low)}-{_fmt(sw.ci_high)}) comes from registry cases re-checked against written "
        "criteria; studies that accept a hospital diagnosis without a marrow review can count more.",
        f"- **When.** The same city measured twice can differ: Bangkok {_fmt(bkk97.rate_per_million)} in an "
        f"earlier report and {_fmt(bkk99.rate_per_million)} later; France {_fmt(fr.rate_per_million)} in the "
        f"{fr.period_start}-{fr.period_end} and Spain {_fmt(imas.rate_per_million)} in {imas.period_start}-{imas.period_end}.",
        "- **Crude or age-adjusted.** A crude rate depends on how old the population is; an age-adjusted "
        "rate is re-weighted to a standard population. Most rows here do not say which "
        f"({(load('incidence').rate_basis == 'not stated').sum()} of {len(load('incidence'))} are 'not stated').",
        "- **Chance.** Without a confidence interval a point estimate hides how few cases it rests on.",
    ])


def age_pattern_markdown() -> str:
    """The age pattern table as Markdown (rendered from ``age_pattern``)."""
    df = load("age_pattern")
    head = "| Population | Younger peak | Older peak | Sex | Notes |\n|---|---|---|---|---|"
    lines = [head]
    for r in df.astype(object).where(df.notna(), "").itertuples():
        cells = [r.population, r.young_peak or "not reported here", r.older_peak or "not reported here", r.sex_notes, r.notes]
        lines.append("| " + " | ".join(html.escape(str(c)).replace("|", "/") for c in cells) + " |")
    bimodal = int((df["young_peak"].notna() & df["older_peak"].notna()).sum())
    lines.append("")
    lines.append(f"*{bimodal} of {len(df)} series in the table report both a younger and an older peak.*")
    return "\n".join(lines)


def check_numbers(population: int = DEFAULT_POPULATION, years: int = 5) -> str:
    """Key numbers of the lesson as stable text (pinned by the notebook's NBVAL_CHECK_OUTPUT cell).

    >>> print(check_numbers())  # doctest: +ELLIPSIS
    Sweden rate: 2.35 per million per year
    ...
    """
    sweden = rate_of("sweden")
    r = expected_cases(rate_per_million=sweden, population=population, years=years)
    west = group_range(WESTERN_REGIONS)
    east = group_range(EAST_ASIAN_REGIONS)
    east_nc = group_range(EAST_ASIAN_REGIONS, exclude_claims=True)
    return "\n".join([
        f"Sweden rate: {_fmt(sweden)} per million per year",
        f"expected_cases(rate_per_million={_fmt(sweden)}, population={population}, years={years}): "
        f"mean={r.mean:.2f}, 95% range {r.low}-{r.high}",
        f"Western (Europe, North America): {_fmt(west.low)} to {_fmt(west.high)} ({west.low_id} / {west.high_id})",
        f"East Asian: {_fmt(east.low)} to {_fmt(east.high)} ({east.low_id} / {east.high_id})",
        f"East Asian without claims data: {_fmt(east_nc.low)} to {_fmt(east_nc.high)}",
    ])


# --------------------------------------------------------------------------- self-checks


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions (numbers rendered from the table)."""
    k02 = _row("korea_claims_2002")
    jp = _row("japan_nationwide")
    sw = _row("sweden")
    pop = DEFAULT_POPULATION
    r = expected_cases(rate_per_million=float(sw.rate_per_million), population=pop, years=1)
    return [
        SelfCheck(
            f"Korean insurance-claims data give {_fmt(k02.rate_per_million)} per million per year, Japan's registry "
            f"{_fmt(jp.rate_per_million)}. What is the most likely main reason for the gap?",
            [
                Option("Koreans are several times more susceptible than Japanese people", False,
                       "Neighbouring populations with similar exposures rarely differ this much; the method is the "
                       "bigger suspect."),
                Option("Claims data count billing records without reviewing each diagnosis", True,
                       "Right: codes for suspected or look-alike conditions and repeat records inflate claims-based "
                       "counts, which the Korean authors themselves point out."),
                Option("Japan's study period was shorter", False,
                       "A rate is already per year, so the length of the study does not scale it."),
            ],
        ),
        SelfCheck(
            f"A city of {pop:,} people at Sweden's rate ({_fmt(sw.rate_per_million)} per million per year) expects "
            f"{r.mean:.1f} new cases a year. One year it sees {r.high}. What should you conclude first?",
            [
                Option("An outbreak: investigate a toxic exposure at once", False,
                       f"With so few expected cases, a count of {r.high} turns up by chance alone from time to "
                       "time; one year is not enough to call it a cluster."),
                Option("Chance is a plausible explanation; watch the next years", True,
                       f"Right: {r.high} lies inside the 95% Poisson range ({r.low} to {r.high}), so it is "
                       "compatible with the usual rate."),
                Option("The Swedish rate must be wrong", False,
                       "One small-area count cannot overturn a national estimate with a narrow confidence interval."),
            ],
        ),
        SelfCheck(
            "Why do most series show two age peaks?",
            [
                Option("Two different diseases share the name", False,
                       "Both peaks are acquired aplastic anemia, diagnosed with the same criteria."),
                Option("Young adults and older people each have their own rise in incidence", True,
                       "Right: incidence rises in adolescents and young adults and again in older age; the reasons "
                       "(exposures, immune changes, more marrow biopsies in the old) are debated."),
                Option("It is an artefact of crude rates", False,
                       "Age-specific rates, which do not depend on the age mix of the population, show it too."),
            ],
        ),
    ]
