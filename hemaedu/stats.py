"""Small statistics for the lessons: response-rate intervals and expected case counts.

Standard library only (``simulate_cohorts`` imports numpy when it is called),
so these run in the lightest kernel, including JupyterLite.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

from . import _validate as v

__all__ = ["ConfidenceInterval", "ExpectedCases", "expected_cases", "simulate_cohorts", "wilson_interval"]


class ConfidenceInterval(NamedTuple):
    """Lower and upper bound of a confidence interval; unpacks like ``(low, high)``."""

    low: float
    high: float


class ExpectedCases(NamedTuple):
    """Expected number of cases and the central Poisson interval around it.

    ``mean`` is the expected count; ``low`` and ``high`` are whole numbers of
    cases, the (1 - level)/2 and (1 + level)/2 quantiles of a Poisson count with
    that mean; ``level`` is the coverage asked for.
    """

    mean: float
    low: int
    high: int
    level: float


def _z(level: float) -> float:
    """Two-sided standard normal critical value, e.g. 1.96 for level 0.95."""
    return NormalDist().inv_cdf((1 + level) / 2)


def wilson_interval(successes: int, n: int, level: float = 0.95) -> ConfidenceInterval:
    """Wilson score confidence interval for a proportion ``successes / n``.

    Parameters
    ----------
    successes : int
        Number of events (e.g. responders), 0 <= successes <= n.
    n : int
        Number of trials (e.g. patients treated), n >= 1.
    level : float
        Confidence level strictly between 0 and 1 (default 0.95).

    Returns
    -------
    ConfidenceInterval
        ``(low, high)`` as proportions in [0, 1].

    Raises
    ------
    ValueError
        If the counts are not whole numbers, n < 1, successes is outside
        0..n, or level is outside (0, 1).

    Notes
    -----
    With p = successes/n and z the standard normal quantile at (1 + level)/2,
    the interval is

        (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n).

    Unlike the simple Wald interval p ± z·sqrt(p(1-p)/n) it never leaves
    [0, 1] and keeps close to its nominal coverage for small n and for
    proportions near 0 or 1.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical
    inference. J Am Stat Assoc 1927;22:209-212.
    doi:10.1080/01621459.1927.10502953

    Examples
    --------
    Horse ATG + cyclosporine, 41 responders of 60 at 6 months (Scheinberg 2011):

    >>> low, high = wilson_interval(41, 60)
    >>> print(f"{low:.3f} to {high:.3f}")
    0.558 to 0.787
    """
    n = v.integer("n", n, minimum=1)
    successes = v.integer("successes", successes, minimum=0)
    if successes > n:
        raise ValueError(f"successes must be <= n, got successes={successes} and n={n}; check which count is which.")
    level = v.level("level", level)

    z = _z(level)
    p = successes / n
    z2n = z * z / n
    center = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    # At 0/n and n/n the formula gives exactly 0 or 1 in exact arithmetic;
    # pin them so rounding cannot leave a bound at 1e-17 or 0.9999999999999999.
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return ConfidenceInterval(low, high)


# --------------------------------------------------------------------------- Poisson

# Below this mean a plain walk up from k = 0 is both exact and fast.
_SMALL_MEAN = 50.0
# Tail sums stop once a term adds less than this fraction of the running sum.
_TAIL_TOLERANCE = 1e-17


def _log_pmf(k: int, mu: float) -> float:
    return k * math.log(mu) - mu - math.lgamma(k + 1)


def _cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), mu > 0, summing the smaller tail only."""
    if k < 0:
        return 0.0
    if k < mu:
        # Lower tail: terms shrink going down (ratio j/mu < 1).
        term = math.exp(_log_pmf(k, mu))
        total = term
        j = k
        while j > 0:
            term *= j / mu
            j -= 1
            total += term
            if term < total * _TAIL_TOLERANCE:
                break
        return total
    # Upper tail: terms shrink going up (ratio mu/j < 1), then P(X <= k) = 1 - tail.
    j = k + 1
    term = math.exp(_log_pmf(j, mu))
    tail = term
    while True:
        j += 1
        term *= mu / j
        tail += term
        if term < tail * _TAIL_TOLERANCE or term == 0.0:
            break
    return 1.0 - tail


def _poisson_ppf(q: float, mu: float) -> int:
    """Smallest k with P(X <= k) >= q, the definition scipy.stats.poisson.ppf uses."""
    if mu == 0:
        return 0
    if mu <= _SMALL_MEAN:
        term = math.exp(-mu)
        total = term
        k = 0
        while total < q:
            k += 1
            term *= mu / k
            total += term
            if term == 0.0:  # q is within rounding of 1; nothing more to add
                break
        return k
    # Start from the normal approximation with the Cornish-Fisher skewness
    # correction (usually within a step or two), then walk with the exact pmf.
    z = NormalDist().inv_cdf(q)
    k = max(0, math.floor(mu + z * math.sqrt(mu) + (z * z - 1) / 6))
    cdf = _cdf(k, mu)
    if cdf >= q:
        while k > 0:
            below = cdf - math.exp(_log_pmf(k, mu))
            if below < q:
                break
            cdf = below
            k -= 1
        return k
    while cdf < q:
        k += 1
        cdf += math.exp(_log_pmf(k, mu))
    return k


def expected_cases(
    *,
    rate_per_million: float,
    population: float,
    years: float = 1.0,
    level: float = 0.95,
) -> ExpectedCases:
    """Expected number of new cases in a population, with a Poisson range.

    Parameters
    ----------
    rate_per_million : float
        Incidence per million people per year (>= 0), e.g. 2.35 (Sweden 2000-2011).
    population : float
        Number of people (>= 0).
    years : float
        Length of the period in years (>= 0, default 1).
    level : float
        Coverage of the central interval, strictly between 0 and 1.

    Returns
    -------
    ExpectedCases
        ``mean = rate_per_million * population / 10^6 * years`` and the whole
        numbers ``low``/``high`` between which a year's count falls with
        probability of at least ``level`` by chance alone.

    Raises
    ------
    ValueError
        For negative or non-finite inputs or level outside (0, 1).

    Notes
    -----
    ``low`` and ``high`` are the (1 - level)/2 and (1 + level)/2 quantiles of a
    Poisson distribution with the given mean (the smallest k whose cumulative
    probability reaches q), as ``scipy.stats.poisson.ppf`` computes them.
    They describe chance variation only, not uncertainty in the rate itself.

    Examples
    --------
    A city of 2 million with 2.3 cases per million per year:

    >>> expected_cases(rate_per_million=2.3, population=2_000_000)
    ExpectedCases(mean=4.6, low=1, high=9, level=0.95)
    """
    rate_per_million = v.non_negative("rate_per_million", rate_per_million)
    population = v.non_negative("population", population)
    years = v.non_negative("years", years)
    level = v.level("level", level)
    mean = rate_per_million * population / 1e6 * years
    if not math.isfinite(mean):
        raise ValueError(
            f"rate_per_million * population * years overflows ({rate_per_million!r} x {population!r} x {years!r}); "
            "pass realistic values."
        )
    low = _poisson_ppf((1 - level) / 2, mean)
    high = _poisson_ppf((1 + level) / 2, mean)
    return ExpectedCases(mean=mean, low=low, high=high, level=level)


# --------------------------------------------------------------------------- simulation


def simulate_cohorts(
    *,
    responders: int,
    n: int,
    cohort_size: int,
    n_cohorts: int = 1000,
    seed: int | None = 0,
) -> list[float]:
    """Observed response proportions in repeated simulated cohorts.

    Draws ``n_cohorts`` cohorts of ``cohort_size`` patients, each responding
    with the true probability ``responders / n``, and returns the proportion
    that responded in each cohort, to show how much small trials vary by
    chance. Imports numpy when called.

    Parameters
    ----------
    responders, n : int
        The source of the true response rate, 0 <= responders <= n, n >= 1.
    cohort_size : int
        Patients per simulated cohort (1 to 10^6).
    n_cohorts : int
        Number of simulated cohorts (1 to 10^6, default 1000).
    seed : int or None
        Seed (>= 0) for a reproducible draw; None gives a fresh draw.

    Returns
    -------
    list of float
        ``n_cohorts`` proportions, each a multiple of 1/cohort_size.

    Examples
    --------
    >>> props = simulate_cohorts(responders=41, n=60, cohort_size=30, n_cohorts=5, seed=1)
    >>> len(props), all(0 <= p <= 1 for p in props)
    (5, True)
    """
    n = v.integer("n", n, minimum=1)
    responders = v.integer("responders", responders, minimum=0)
    if responders > n:
        raise ValueError(f"responders must be <= n, got responders={responders} and n={n}.")
    cohort_size = v.integer("cohort_size", cohort_size, minimum=1)
    n_cohorts = v.integer("n_cohorts", n_cohorts, minimum=1)
    for name, value in (("cohort_size", cohort_size), ("n_cohorts", n_cohorts)):
        if value > 1_000_000:
            raise ValueError(f"{name} must be <= 1000000, got {value}; a lesson never needs more.")
    if seed is not None:
        seed = v.integer("seed", seed, minimum=0)

    import numpy as np  # lazy: keeps `import hemaedu.stats` free of numpy

    rng = np.random.default_rng(seed)
    counts = rng.binomial(cohort_size, responders / n, size=n_cohorts)
    return (counts / cohort_size).tolist()
