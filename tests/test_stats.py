"""Wilson intervals, Poisson expected cases and cohort simulation, against scipy."""

from __future__ import annotations

import math
import time

import pytest

from hemaedu.stats import ConfidenceInterval, ExpectedCases, expected_cases, simulate_cohorts, wilson_interval

scipy_stats = pytest.importorskip("scipy.stats")

# --------------------------------------------------------------------------- Wilson

WILSON_GRID = [
    (k, n, level)
    for n in (1, 2, 5, 10, 30, 60, 92, 1000)
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n} & set(range(n + 1)))
    for level in (0.8, 0.9, 0.95, 0.99)
]


@pytest.mark.parametrize(("k", "n", "level"), WILSON_GRID)
def test_wilson_matches_scipy(k, n, level):
    expected = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    got = wilson_interval(k, n, level)
    assert got.low == pytest.approx(float(expected.low), abs=1e-12)
    assert got.high == pytest.approx(float(expected.high), abs=1e-12)


def test_wilson_scheinberg_2011_horse_atg_arm():
    # Scheinberg et al., NEJM 2011;365:430: 41 of 60 responded to horse ATG +
    # cyclosporine at 6 months. Wilson 95 %: 55.8 % to 78.7 %.
    low, high = wilson_interval(41, 60)
    assert (round(low, 4), round(high, 4)) == (0.5577, 0.7869)
    # The paper's "68 % (56-80)" is close to the normal-approximation (Wald)
    # interval on 68 %: 0.68 +- 1.96 sqrt(0.68 x 0.32 / 60) = 0.562-0.798.
    # Wilson is pulled towards 50 % and is narrower at the top.
    wald_high = 41 / 60 + 1.96 * math.sqrt(41 / 60 * 19 / 60 / 60)
    assert high < wald_high


def test_wilson_rabbit_atg_arm():
    # Same trial, rabbit ATG arm: 22 of 60 (37 %).
    low, high = wilson_interval(22, 60)
    assert (round(low, 4), round(high, 4)) == (0.2562, 0.4932)


def test_wilson_edges_are_exact():
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert wilson_interval(10, 10).high == 1.0
    assert wilson_interval(0, 1).low == 0.0


def test_wilson_returns_a_named_interval():
    ci = wilson_interval(5, 20)
    assert isinstance(ci, ConfidenceInterval)
    low, high = ci
    assert (low, high) == (ci.low, ci.high)
    assert ci.low < 5 / 20 < ci.high


def test_wilson_is_narrower_at_lower_level_and_larger_n():
    assert wilson_interval(30, 60, 0.9).high < wilson_interval(30, 60, 0.95).high
    wide = wilson_interval(5, 10)
    narrow = wilson_interval(500, 1000)
    assert narrow.high - narrow.low < wide.high - wide.low


def test_wilson_accepts_counts_from_a_table():
    # A float column or numpy integers hold whole numbers; they are accepted.
    np = pytest.importorskip("numpy")
    assert wilson_interval(41.0, 60.0) == wilson_interval(41, 60)
    assert wilson_interval(np.int64(41), np.int64(60)) == wilson_interval(41, 60)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((5, 0), r"n must be >= 1, got 0"),
        ((0, -3), r"n must be >= 1, got -3"),
        ((11, 10), r"successes must be <= n, got successes=11 and n=10"),
        ((-1, 10), r"successes must be >= 0, got -1"),
        ((4.5, 10), r"successes must be a whole number \(a count\), got 4\.5"),
        ((math.nan, 10), r"successes must be a whole number \(a count\), got nan"),
        (("4", 10), r"successes must be a whole number, got '4' \(str\)"),
        ((True, 10), r"successes must be a whole number, got True \(bool\)"),
        ((4, None), r"n must be a whole number, got None"),
        ((4, 10, 1.0), r"level must lie strictly between 0 and 1, got 1\.0"),
        ((4, 10, 0), r"level must lie strictly between 0 and 1, got 0"),
        ((4, 10, 95), r"level must lie strictly between 0 and 1, got 95; use 0\.95"),
        ((4, 10, math.nan), r"level must be a finite number, got nan"),
    ],
)
def test_wilson_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        wilson_interval(*args)


# --------------------------------------------------------------------------- expected cases

MEANS = [1e-6, 0.01, 0.1, 0.5, 1.0, 2.3, 4.6, 9.99, 25.0, 49.9, 50.0, 50.1, 77.7, 100.0, 333.3, 1000.0, 4321.5,
         1e4, 98_765.4, 1e5, 5e5, 1e6]
LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]


@pytest.mark.parametrize("mean", MEANS)
@pytest.mark.parametrize("level", LEVELS)
def test_expected_cases_match_scipy_poisson_quantiles(mean, level):
    result = expected_cases(rate_per_million=mean, population=1_000_000, level=level)
    assert result.mean == pytest.approx(mean, rel=1e-12)
    assert result.low == int(scipy_stats.poisson.ppf((1 - level) / 2, mean))
    assert result.high == int(scipy_stats.poisson.ppf((1 + level) / 2, mean))


def test_expected_cases_vignette_sweden():
    # Sweden, 2.35 per million per year (Vaht 2017), about 10.4 million people:
    # about 24 new cases a year, and 15-35 by chance alone in 95 % of years.
    result = expected_cases(rate_per_million=2.35, population=10_400_000)
    assert result.mean == pytest.approx(24.44)
    assert (result.low, result.high) == (15, 35)
    assert isinstance(result, ExpectedCases)
    assert result.level == 0.95


def test_expected_cases_scales_with_years():
    one = expected_cases(rate_per_million=2.0, population=5_000_000)
    five = expected_cases(rate_per_million=2.0, population=5_000_000, years=5)
    assert five.mean == pytest.approx(5 * one.mean)
    assert (five.low, five.high) == (
        int(scipy_stats.poisson.ppf(0.025, 50.0)),
        int(scipy_stats.poisson.ppf(0.975, 50.0)),
    )


@pytest.mark.parametrize("kwargs", [dict(rate_per_million=0, population=1e6), dict(rate_per_million=3, population=0),
                                    dict(rate_per_million=3, population=1e6, years=0)])
def test_zero_mean_gives_zero_cases(kwargs):
    assert expected_cases(**kwargs)[:3] == (0.0, 0, 0)


def test_expected_cases_bounds_are_integers():
    result = expected_cases(rate_per_million=7.4, population=1_400_000_000)
    assert type(result.low) is int and type(result.high) is int
    assert result.low < result.mean < result.high


def test_expected_cases_is_fast_for_large_means():
    # The widgets recompute on every slider move; a million expected cases must stay cheap.
    expected_cases(rate_per_million=1.0, population=1e12)  # warm up
    start = time.perf_counter()
    for mean in (4.6, 2_000.0, 1e6):
        expected_cases(rate_per_million=mean, population=1e6)
    elapsed = time.perf_counter() - start
    # About 3 ms on a laptop; the margin absorbs a busy CI machine.
    assert elapsed < 0.25


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(rate_per_million=-1, population=1e6), r"rate_per_million must be >= 0, got -1"),
        (dict(rate_per_million=math.nan, population=1e6), r"rate_per_million must be a finite number, got nan"),
        (dict(rate_per_million=2, population=-5), r"population must be >= 0, got -5"),
        (dict(rate_per_million=2, population="1e6"), r"population must be a real number, got '1e6' \(str\)"),
        (dict(rate_per_million=2, population=1e6, years=-1), r"years must be >= 0, got -1"),
        (dict(rate_per_million=2, population=1e6, level=1.5), r"level must lie strictly between 0 and 1, got 1\.5"),
        (dict(rate_per_million=1e300, population=1e300), r"overflows"),
    ],
)
def test_expected_cases_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        expected_cases(**kwargs)


def test_expected_cases_is_keyword_only():
    with pytest.raises(TypeError):
        expected_cases(2.0, 1e6)  # type: ignore[misc]


# --------------------------------------------------------------------------- simulation


def test_simulate_cohorts_is_reproducible_and_in_range():
    first = simulate_cohorts(responders=41, n=60, cohort_size=30, n_cohorts=500, seed=7)
    again = simulate_cohorts(responders=41, n=60, cohort_size=30, n_cohorts=500, seed=7)
    other = simulate_cohorts(responders=41, n=60, cohort_size=30, n_cohorts=500, seed=8)
    assert first == again
    assert first != other
    assert len(first) == 500
    assert all(0 <= p <= 1 and math.isclose(p * 30, round(p * 30)) for p in first)


def test_simulate_cohorts_centres_on_the_true_rate():
    props = simulate_cohorts(responders=41, n=60, cohort_size=60, n_cohorts=20_000, seed=0)
    mean = sum(props) / len(props)
    sd = math.sqrt(sum((p - mean) ** 2 for p in props) / (len(props) - 1))
    true = 41 / 60
    assert mean == pytest.approx(true, abs=0.003)
    assert sd == pytest.approx(math.sqrt(true * (1 - true) / 60), rel=0.03)
    # About 95 % of simulated trials of 60 fall within 1.96 standard errors of the true rate.
    low, high = true - 1.96 * math.sqrt(true * (1 - true) / 60), true + 1.96 * math.sqrt(true * (1 - true) / 60)
    inside = sum(low <= p <= high for p in props) / len(props)
    assert 0.92 < inside < 0.98


def test_simulate_cohorts_extreme_rates():
    assert set(simulate_cohorts(responders=0, n=10, cohort_size=20, n_cohorts=50)) == {0.0}
    assert set(simulate_cohorts(responders=10, n=10, cohort_size=20, n_cohorts=50)) == {1.0}


def test_simulate_cohorts_without_seed_varies():
    a = simulate_cohorts(responders=1, n=2, cohort_size=100, n_cohorts=50, seed=None)
    b = simulate_cohorts(responders=1, n=2, cohort_size=100, n_cohorts=50, seed=None)
    assert a != b


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(responders=5, n=0, cohort_size=10), r"n must be >= 1, got 0"),
        (dict(responders=11, n=10, cohort_size=10), r"responders must be <= n, got responders=11 and n=10"),
        (dict(responders=-1, n=10, cohort_size=10), r"responders must be >= 0, got -1"),
        (dict(responders=5, n=10, cohort_size=0), r"cohort_size must be >= 1, got 0"),
        (dict(responders=5, n=10, cohort_size=2.5), r"cohort_size must be a whole number \(a count\), got 2\.5"),
        (dict(responders=5, n=10, cohort_size=10, n_cohorts=0), r"n_cohorts must be >= 1, got 0"),
        (dict(responders=5, n=10, cohort_size=10, n_cohorts=10**7), r"n_cohorts must be <= 1000000, got 10000000"),
        (dict(responders=5, n=10, cohort_size=10, seed=-1), r"seed must be >= 0, got -1"),
        (dict(responders=5, n=10, cohort_size=10, seed="a"), r"seed must be a whole number, got 'a'"),
    ],
)
def test_simulate_cohorts_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_cohorts(**kwargs)


# Means beyond the old test range: exact up to 1e7, Cornish-Fisher (within one case) above.
@pytest.mark.parametrize("mean", [2.5e6, 4.4e6, 1e7])
@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.99, 0.999])
def test_large_means_match_scipy_exactly_up_to_1e7(mean, level):
    result = expected_cases(rate_per_million=mean, population=1_000_000, level=level)
    assert result.low == int(scipy_stats.poisson.ppf((1 - level) / 2, mean))
    assert result.high == int(scipy_stats.poisson.ppf((1 + level) / 2, mean))


@pytest.mark.parametrize("mean", [1.5e7, 1e8, 1e9, 7.7e10, 1e12, 3e13])
@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.99])
def test_means_above_1e7_are_within_one_case_of_scipy(mean, level):
    result = expected_cases(rate_per_million=mean, population=1_000_000, level=level)
    for got, q in ((result.low, (1 - level) / 2), (result.high, (1 + level) / 2)):
        expected = scipy_stats.poisson.ppf(q, mean)
        if math.isfinite(expected):  # scipy itself gives NaN for some very large means
            assert abs(got - expected) <= 1


def test_extreme_quantiles_use_the_accurate_tail():
    # At q = 1 - 1e-6 and mean 1e7, scipy's own survival function is about 4 % low
    # (9.65e-7 where the Edgeworth and Wilson-Hilferty approximations both give
    # 1.0012e-6), so its ppf is one case lower; the exact tail sum is checked here.
    from hemaedu.stats import _upper_tail

    result = expected_cases(rate_per_million=1e7, population=1_000_000, level=1 - 2e-6)
    assert _upper_tail(result.high, 1e7) <= 1e-6 < _upper_tail(result.high - 1, 1e7)
    assert abs(result.high - scipy_stats.poisson.ppf(1 - 1e-6, 1e7)) <= 1


def test_astronomically_large_means_are_refused():
    # Before: population=1e300 never returned (summation loop) and 1e18 took seconds.
    with pytest.raises(ValueError, match=r"= 2\.3e\+294 is above 1e\+15 cases.*check population"):
        expected_cases(rate_per_million=2.3, population=1e300)
    with pytest.raises(ValueError, match=r"is above 1e\+15 cases"):
        expected_cases(rate_per_million=2.3, population=1e18, years=1000)
