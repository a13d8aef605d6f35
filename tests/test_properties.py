"""Property-based tests (hypothesis): invariants the rules must keep for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hemaedu._validate import plausible_range
from hemaedu.clinical import Severity, cytopenias, severity
from hemaedu.stats import expected_cases, wilson_interval
from hemaedu.units import COUNT_UNITS, HEMOGLOBIN_UNITS, convert


def _below(measure: str) -> st.SearchStrategy[float]:
    """Values from 0 up to (not including) the measure's plausibility limit in data/."""
    high = plausible_range(measure).high
    return st.floats(min_value=0, max_value=high, exclude_max=True, allow_nan=False, allow_infinity=False)


# Values kept within the plausibility guards, with the cut-off regions well covered.
counts = _below("platelets")
retics = _below("reticulocytes")
small_counts = st.one_of(st.floats(min_value=0, max_value=2, allow_nan=False), _below("anc"))
percents = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)
hemoglobins = _below("hb")
methods = st.sampled_from(["automated", "manual"])
sexes = st.sampled_from(["female", "male"])
fractions = st.floats(min_value=0, max_value=1, allow_nan=False)

SEVERITY_FIELDS = ["anc", "platelets", "reticulocytes", "cellularity", "residual_hematopoietic"]


@st.composite
def severity_inputs(draw):
    return dict(
        anc=draw(small_counts),
        platelets=draw(counts),
        reticulocytes=draw(retics),
        cellularity=draw(percents),
        residual_hematopoietic=draw(st.one_of(st.none(), percents)),
        retic_method=draw(methods),
    )


@settings(max_examples=400)
@given(severity_inputs(), st.sampled_from(SEVERITY_FIELDS), fractions)
def test_lowering_any_value_never_makes_severity_milder(inputs, field, factor):
    before = severity(**inputs)
    lowered = dict(inputs)
    if lowered[field] is None:
        # Learning the residual percentage can only add a met criterion.
        lowered[field] = 100 * factor
    else:
        lowered[field] = lowered[field] * factor
    after = severity(**lowered)
    assert after.rank >= before.rank, (inputs, field, lowered[field], before, after)


@given(severity_inputs())
def test_manual_retic_cutoff_is_never_more_severe_than_automated(inputs):
    # The manual cut-off (20) is below the automated one (60), so it is met less often.
    manual = severity(**{**inputs, "retic_method": "manual"})
    automated = severity(**{**inputs, "retic_method": "automated"})
    assert manual.rank <= automated.rank


@given(severity_inputs())
def test_very_severe_implies_the_severe_conditions(inputs):
    grade = severity(**inputs)
    assert grade in set(Severity)
    if grade is Severity.VERY_SEVERE:
        assert inputs["anc"] < 0.2 and inputs["cellularity"] < 50


@st.composite
def blood_counts(draw):
    wbc = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=20, allow_nan=False), _below("wbc")))
    # Neutrophils are white cells: with a WBC the ANC is a share of it.
    anc = draw(small_counts) if wbc is None else min(wbc * draw(fractions), draw(_below("anc")))
    return dict(hb=draw(hemoglobins), platelets=draw(counts), sex=draw(sexes), wbc=wbc, anc=anc)


@settings(max_examples=400)
@given(blood_counts(), st.sampled_from(["hb", "platelets", "wbc", "anc"]), fractions)
def test_cytopenias_are_monotone(inputs, field, factor):
    assume(inputs[field] is not None)
    before = cytopenias(**inputs)
    lowered = {**inputs, field: inputs[field] * factor}
    if field == "wbc":
        # Lowering the WBC lowers the neutrophils in it too (ANC <= WBC).
        lowered["anc"] = min(inputs["anc"], lowered["wbc"])
    after = cytopenias(**lowered)
    assert before <= after


@given(blood_counts())
def test_men_have_anemia_whenever_women_do(inputs):
    # The male hemoglobin cut-off (13) is above the female one (12).
    female = cytopenias(**{**inputs, "sex": "female"})
    male = cytopenias(**{**inputs, "sex": "male"})
    assert ("anemia" in female) <= ("anemia" in male)


positive_values = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(positive_values, st.sampled_from(HEMOGLOBIN_UNITS), st.sampled_from(HEMOGLOBIN_UNITS))
def test_hemoglobin_conversion_round_trips(value, a, b):
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-12, abs=1e-300)


@given(positive_values, st.sampled_from(COUNT_UNITS), st.sampled_from(COUNT_UNITS))
def test_count_conversion_round_trips(value, a, b):
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-12, abs=1e-300)


@given(positive_values, st.sampled_from(COUNT_UNITS), st.sampled_from(COUNT_UNITS), st.sampled_from(COUNT_UNITS))
def test_count_conversion_composes(value, a, b, c):
    assert convert(convert(value, a, b), b, c) == pytest.approx(convert(value, a, c), rel=1e-12, abs=1e-300)


@st.composite
def trials(draw):
    n = draw(st.integers(min_value=1, max_value=100_000))
    k = draw(st.integers(min_value=0, max_value=n))
    level = draw(st.floats(min_value=0.01, max_value=0.999))
    return k, n, level


@settings(max_examples=400)
@given(trials())
def test_wilson_contains_the_estimate_and_stays_in_unit_interval(trial):
    k, n, level = trial
    low, high = wilson_interval(k, n, level)
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(trials(), st.floats(min_value=0.01, max_value=0.999))
def test_wilson_widens_with_level(trial, other_level):
    k, n, level = trial
    lo_level, hi_level = sorted((level, other_level))
    narrow = wilson_interval(k, n, lo_level)
    wide = wilson_interval(k, n, hi_level)
    assert wide.low <= narrow.low + 1e-12 and narrow.high <= wide.high + 1e-12


@given(
    st.floats(min_value=0, max_value=50, allow_nan=False),
    st.floats(min_value=0, max_value=2e8, allow_nan=False),
    st.floats(min_value=0.05, max_value=0.99),
)
def test_expected_cases_interval_brackets_the_mean(rate, population, level):
    result = expected_cases(rate_per_million=rate, population=population, level=level)
    assert 0 <= result.low <= result.high
    # At level >= 0.05 the interval contains the median, and a Poisson median
    # lies within [mean - ln 2, mean + 1/3] (Choi 1994).
    assert result.low <= result.mean + 1 / 3 + 1e-9
    assert result.high >= result.mean - math.log(2) - 1e-9
