"""Lesson 03 (regional incidence): compute functions, figures and both apps."""

from __future__ import annotations

import math
import random

import pytest

from hemaedu import expected_cases, load
from hemaedu.figures.incidence import MAP_TRACE, RANK_TRACE, make_ranked_chart, map_arrays, ranked_arrays
from hemaedu.widgets import incidence as lesson
from hemaedu.widgets.incidence import (
    ALL_REGIONS,
    CUSTOM,
    EAST_ASIAN_REGIONS,
    WESTERN_REGIONS,
    compute_expected,
    expected_cases_calculator,
    filter_incidence,
    group_range,
    incidence_explorer,
    rate_of,
)

INCIDENCE = load("incidence")


def _finite_everywhere(values) -> bool:
    for v in values:
        if isinstance(v, (tuple, list)):
            if not _finite_everywhere(v):
                return False
        elif isinstance(v, float) and not math.isfinite(v):
            return False
    return True


def _trace_numbers(fig) -> list:
    out = []
    for t in fig.data:
        for name in ("x", "y", "lat", "lon"):
            if hasattr(t, name) and getattr(t, name) is not None:
                out.append(tuple(v for v in getattr(t, name) if v is not None))
        if getattr(t, "error_x", None) is not None and t.error_x.array is not None:
            out += [tuple(t.error_x.array), tuple(t.error_x.arrayminus)]
        if t.type == "scattergeo" and t.marker.size is not None and not isinstance(t.marker.size, (int, float)):
            out += [tuple(t.marker.size), tuple(t.marker.color)]
    return out


# --------------------------------------------------------------------------- data-driven facts


def test_sweden_rate_and_published_ci() -> None:
    # Vaht et al. 2017: 2.35 (95% CI 2.06-2.64) per million per year.
    assert rate_of("sweden") == 2.35
    a = ranked_arrays(INCIDENCE)
    assert a["with_ci"]["x"] == [2.35]
    assert a["with_ci"]["minus"] == [pytest.approx(0.29)]
    assert a["with_ci"]["plus"] == [pytest.approx(0.29)]


def test_rows_without_ci_have_no_whiskers_and_are_labelled() -> None:
    fig = make_ranked_chart(INCIDENCE)
    no_ci = fig.data[RANK_TRACE["without_ci"]]
    assert "no CI published" in no_ci.name
    assert no_ci.error_x.array is None
    n_ci = int(INCIDENCE["ci_low"].notna().sum())
    assert len(no_ci.x) == len(INCIDENCE) - n_ci
    assert all(s.endswith("-open") for s in no_ci.marker.symbol)


def test_ranked_order_is_lowest_to_highest() -> None:
    a = ranked_arrays(INCIDENCE)
    rate_by_label = dict(zip(a["with_ci"]["y"] + a["without_ci"]["y"], a["with_ci"]["x"] + a["without_ci"]["x"]))
    ordered = [rate_by_label[c] for c in a["categories"]]
    assert ordered == sorted(ordered)
    assert len(set(a["categories"])) == len(INCIDENCE)
    assert a["categories"][-1].endswith("[claims]")  # Korea's claims estimate tops the chart


def test_east_asian_rates_exceed_western_without_claims_data() -> None:
    west = group_range(WESTERN_REGIONS)
    east = group_range(EAST_ASIAN_REGIONS, exclude_claims=True)
    europe = group_range(("Europe",))
    assert (west.low, west.low_id) == (1.5, "france")
    assert east.low > europe.high  # every East Asian study above every European one
    assert group_range(EAST_ASIAN_REGIONS).high_id == "korea_claims_2002"


def test_group_range_rejects_unknown_region() -> None:
    with pytest.raises(ValueError, match="no study populations"):
        group_range(("Atlantis",))


def test_filter_and_unknown_region() -> None:
    assert len(filter_incidence(ALL_REGIONS)) == len(INCIDENCE)
    assert set(filter_incidence("Europe")["country"]) >= {"Sweden", "France", "Spain"}
    with pytest.raises(ValueError, match="unknown region 'Mars'"):
        filter_incidence("Mars")
    with pytest.raises(ValueError, match="unknown population_id"):
        rate_of("narnia")


def test_map_arrays_one_marker_per_population_and_shared_cities_nudged_apart() -> None:
    a = map_arrays(INCIDENCE)
    assert len(a["lat"]) == len(INCIDENCE)
    positions = list(zip(a["lat"], a["lon"]))
    assert len(set(positions)) == len(positions)  # e.g. the four Baltimore groups
    korea = [s for s, pid in zip(a["symbol"], a["ids"]) if pid.startswith("korea")]
    assert korea == ["diamond", "diamond"]
    # Hover carries area, period, rate, CI, n and source.
    sweden = a["text"][a["ids"].index("sweden")]
    for part in ("Whole country", "2000-2011", "2.35 per million", "95% CI 2.06-2.64", "257 cases", "vaht2017"):
        assert part in sweden


# --------------------------------------------------------------------------- expected cases


def test_compute_expected_matches_the_statistics() -> None:
    r = compute_expected(rate_per_million=rate_of("sweden"), population=2_000_000, years=5)
    assert r == expected_cases(rate_per_million=2.35, population=2_000_000, years=5)
    assert r.mean == pytest.approx(23.5)
    assert (r.low, r.high) == (15, 33)  # scipy.stats.poisson.ppf([0.025, 0.975], 23.5)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True])
def test_compute_expected_rejects_invalid_population(bad) -> None:
    with pytest.raises(ValueError, match="population must be a whole number >= 1"):
        compute_expected(rate_per_million=2.0, population=bad, years=1)


# --------------------------------------------------------------------------- calculator app


def test_calculator_starts_on_sweden_and_years_slider_changes_the_bar() -> None:
    app = expected_cases_calculator()
    assert app.main_slider is app.sliders["years"]
    assert app.rate_slider.value == 2.35
    assert app.figure.data[0].x == (4.7,)
    before = app.figure.data[0].x
    app.main_slider.value = app.main_slider.value + app.main_slider.step  # what ArrowRight does
    assert app.figure.data[0].x != before
    r = expected_cases(rate_per_million=2.35, population=2_000_000, years=2)
    assert app.figure.data[0].x == (pytest.approx(r.mean),)
    assert app.figure.data[0].error_x.array == (pytest.approx(r.high - r.mean),)
    assert app.figure.data[0].error_x.arrayminus == (pytest.approx(r.mean - r.low),)
    assert f"{r.low} to {r.high}" in app.summary_text()
    assert "hemaedu-app-incidence" in app.container._dom_classes


def test_calculator_study_choice_and_custom_rate() -> None:
    app = expected_cases_calculator()
    app.study.value = "japan_nationwide"
    assert app.rate_slider.value == 8.2
    app.rate_slider.value = 3.33
    assert app.study.value == CUSTOM
    assert "custom rate" in app.summary_text()
    name = next(n for n, v in app.presets.items() if v["study"] == "taiwan_nationwide")
    app.apply_preset(name)
    assert app.rate_slider.value == 5.67
    with pytest.raises(ValueError, match="unknown preset"):
        app.apply_preset("nowhere")


def test_rate_slider_bounded_by_table_and_every_rate_reachable() -> None:
    app = expected_cases_calculator()
    s = app.rate_slider
    assert (s.min, s.max) == (INCIDENCE.rate_per_million.min(), INCIDENCE.rate_per_million.max())
    for rate in INCIDENCE.rate_per_million:
        assert s.snap(rate) == pytest.approx(rate)


def test_population_never_invalid() -> None:
    app = expected_cases_calculator()
    app.population.value = 0
    assert app.population.value == 1
    app.population.value = 10**12
    assert app.population.value == lesson.MAX_POPULATION
    assert "less than" not in app.summary_text()


def test_calculator_extremes_and_random_combinations_never_nan() -> None:
    app = expected_cases_calculator()
    rng = random.Random(3)
    studies = [v for _, v in app.study.options]
    combos = [(p, y, r) for p in (1, lesson.MAX_POPULATION) for y in (1, lesson.MAX_YEARS)
              for r in (app.rate_slider.min, app.rate_slider.max)]
    combos += [(rng.randint(1, lesson.MAX_POPULATION), rng.randint(1, lesson.MAX_YEARS),
                rng.uniform(app.rate_slider.min, app.rate_slider.max)) for _ in range(150)]
    for i, (p, y, r) in enumerate(combos):
        app.population.value = p
        app.years_slider.value = y
        if i % 3 == 0:
            app.study.value = rng.choice(studies)
        else:
            app.rate_slider.value = r
        assert _finite_everywhere(_trace_numbers(app.figure))
        text = app.summary_text()
        assert "nan" not in text.lower() and "inf" not in text.lower()
        lo, hi = app.figure.layout.xaxis.range
        assert 0 == lo < hi and math.isfinite(hi)


# --------------------------------------------------------------------------- explorer app


def test_explorer_region_filter_updates_both_views_in_place() -> None:
    app = incidence_explorer()
    map_fig, rank_fig = app.map_figure, app.figure
    outlines = map_fig.data[MAP_TRACE["outlines"]].lon
    assert len(map_fig.data[MAP_TRACE["markers"]].lat) == len(INCIDENCE)
    app.region.value = "Europe"
    europe = INCIDENCE[INCIDENCE.region == "Europe"]
    assert app.map_figure is map_fig and app.figure is rank_fig
    assert sorted(map_fig.data[MAP_TRACE["markers"]].ids) == sorted(europe.population_id)
    shown = list(rank_fig.data[0].x) + list(rank_fig.data[1].x)
    assert sorted(shown) == sorted(europe.rate_per_million)
    assert rank_fig.data[RANK_TRACE["with_ci"]].x == (2.35,)
    assert len(rank_fig.layout.yaxis.categoryarray) == len(europe)
    assert map_fig.data[MAP_TRACE["outlines"]].lon is outlines or map_fig.data[0].lon == outlines
    assert app.summary_text().startswith("Europe: 5 study populations, rates 1.5 to 2.83")
    # A region without a published CI leaves the CI trace empty, not NaN.
    app.region.value = "East Asia"
    assert rank_fig.data[RANK_TRACE["with_ci"]].x == ()
    assert "0 with a published 95% CI" in app.summary_text()


def test_explorer_every_region_never_nan() -> None:
    app = incidence_explorer()
    for region, _ in app.region.options:
        app.region.value = region
        assert _finite_everywhere(_trace_numbers(app.figure))
        assert _finite_everywhere(_trace_numbers(app.map_figure))
        assert "nan" not in app.summary_text().lower()


# --------------------------------------------------------------------------- narrative


def test_narrative_numbers_come_from_the_tables() -> None:
    text = lesson.disagreement_markdown()
    assert "35 in 2002" in text and "28 in 2010" in text  # Korea claims rows
    assert "95% CI 2.06-2.64" in text
    ages = lesson.age_pattern_markdown()
    assert "10-20 y" in ages and "70-80 y" in ages  # Japan's two peaks
    assert ages.count("\n| ") == len(load("age_pattern")) + 1 - 1  # header row + one per pattern
    check = lesson.check_numbers()
    assert "mean=23.50, 95% range 15-33" in check
    assert "East Asian without claims data: 5.67 to 8.2" in check


def test_self_checks_have_one_right_answer_each() -> None:
    checks = lesson.self_checks()
    assert len(checks) >= 2
    assert checks[0].answer("Claims data count billing records without reviewing each diagnosis")
    assert not checks[0].answer("Japan's study period was shorter")
    assert checks[1].answer("Chance is a plausible explanation; watch the next years")


def test_references_all_exist() -> None:
    from hemaedu import format_references

    used = lesson.references_used()
    text = format_references(used)
    assert text.count("\n- ") == len(used) - 1
    assert {"vaht2017", "korea_claims2017", "japan_wce2014"} <= set(used)
