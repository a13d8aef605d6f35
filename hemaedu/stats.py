"""Small statistics for the lessons: response-rate intervals and expected case counts.

Standard library only (``simulate_cohorts`` imports numpy when it is called),
so these run in the lightest kernel, including JupyterLite.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

from . import _validate as v

__all__ = ["MAX_MEAN", "ConfidenceInterval", "ExpectedCases", "expected_cases", "simulate_cohorts", "wilson_interval"]


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
# Up to this mean the quantiles are exact (a few tail sums over about 10 standard
# deviations each, about 10^5 terms in all: at most tens of milliseconds). Above it the
# Cornish-Fisher expansion is used without refinement: its error is far below
# one case there, so it can differ from the exact quantile by one case at most,
# and only when the quantile lies within that error of a whole number.
_EXACT_MEAN = 1e7
#: Largest expected count :func:`expected_cases` accepts (10^15 cases). Beyond
#: it a float cannot hold every whole number near the mean, so no quantile could
#: be exact; no real population comes near (8 billion people for 100 years at a
#: rate of a million per million is 8 x 10^11).
MAX_MEAN = 1e15
# Tail sums stop once a term adds less than this fraction of the running sum.
_TAIL_TOLERANCE = 1e-17
# The Cornish-Fisher start is within a step or two of the exact quantile; the
# refinement never needs more, and the bound keeps every call finite.
_MAX_REFINE_STEPS = 64


def _log_pmf(k: int, mu: float) -> float:
    return k * math.log(mu) - mu - math.lgamma(k + 1)


def _lower_tail(k: int, mu: float) -> float:
    """P(X <= k) for 0 <= k < mu, summing down from k (terms shrink: ratio j/mu < 1)."""
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


def _upper_tail(k: int, mu: float) -> float:
    """P(X > k) for k >= mu, summing up from k + 1 (terms shrink: ratio mu/j < 1)."""
    j = k + 1
    term = math.exp(_log_pmf(j, mu))
    tail = term
    while term >= tail * _TAIL_TOLERANCE and term > 0.0:
        j += 1
        term *= mu / j
        tail += term
    return tail


def _reaches(k: int, q: float, mu: float) -> bool:
    """Whether P(X <= k) >= q, from the smaller tail so that q near 0 or 1 stays exact."""
    if k < 0:
        return False
    if k < mu:
        return _lower_tail(k, mu) >= q
    # P(X <= k) >= q  <=>  P(X > k) <= 1 - q, without rounding 1 - tail.
    return _upper_tail(k, mu) <= 1.0 - q


def _cornish_fisher(q: float, mu: float) -> int:
    """Poisson quantile from the Cornish-Fisher expansion with continuity correction.

    Every cumulant of a Poisson count equals mu, so its skewness is mu^-1/2 and
    its excess kurtosis 1/mu; the expansion to that order gives the standardized
    quantile w, and P(X <= k) ~ G(k + 1/2) gives k = ceil(mu + w sqrt(mu) - 1/2).
    """
    z = NormalDist().inv_cdf(q)
    g1 = 1 / math.sqrt(mu)
    w = z + (z * z - 1) * g1 / 6 + (z**3 - 3 * z) * g1 * g1 / 24 - (2 * z**3 - 5 * z) * g1 * g1 / 36
    return max(0, math.ceil(mu + w * math.sqrt(mu) - 0.5))


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
    k = _cornish_fisher(q, mu)
    if mu > _EXACT_MEAN:
        return k
    # Refine with exact tail sums: a bounded walk to the smallest k that reaches q.
    if _reaches(k, q, mu):
        for _ in range(_MAX_REFINE_STEPS):
            if k == 0 or not _reaches(k - 1, q, mu):
                break
            k -= 1
    else:
        for _ in range(_MAX_REFINE_STEPS):
            k += 1
            if _reaches(k, q, mu):
                break
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

    The expected count ``rate_per_million * population / 10^6 * years`` must
    be at most 10^15 cases (:data:`MAX_MEAN`).

    Returns
    -------
    ExpectedCases
        ``mean = rate_per_million * population / 10^6 * years`` and the whole
        numbers ``low``/``high`` between which a year's count falls with
        probability of at least ``level`` by chance alone.

    Raises
    ------
    ValueError
        For negative, non-finite or overflowing inputs, level outside (0, 1),
        or an expected count above 10^15.

    Notes
    -----
    ``low`` and ``high`` are the (1 - level)/2 and (1 + level)/2 quantiles of a
    Poisson distribution with the given mean (the smallest k whose cumulative
    probability reaches q), as ``scipy.stats.poisson.ppf`` computes them.
    They describe chance variation only, not uncertainty in the rate itself.

    Every call does bounded work (at most tens of milliseconds). Up to a
    mean of 10^7 the quantiles are exact: a direct sum below a mean of 50,
    otherwise the Cornish-Fisher expansion refined by sums of the smaller
    Poisson tail. Above 10^7 the Cornish-Fisher expansion with continuity
    correction is used alone; it can differ from the exact quantile by one
    case (a relative error below 10^-7).

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
    if mean > MAX_MEAN:
        raise ValueError(
            f"the expected count rate_per_million * population / 10^6 * years = {mean:.3g} is above "
            f"{MAX_MEAN:.0e} cases, the largest this function accepts (no real population comes near it); "
            f"check population (a number of people, e.g. 10_400_000) and years."
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
