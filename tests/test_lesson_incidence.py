"""Lesson 03 (regional incidence): the model, the figures and both apps, as relations to the data.

Published numbers are pinned once, in tests/test_data_facts.py; here every expectation is read
from the incidence table ("Sweden's rate as the table has it"), so correcting one published
number fails only the data-facts test meant to catch it.
"""

from __future__ import annotations

import html
import math
import random

import pytest

from hemaedu import expected_cases
from hemaedu.data import records, row
from hemaedu.figures.incidence import MAP_TRACE, RANK_TRACE, has_ci, make_ranked_chart, map_arrays, ranked_arrays
from hemaedu.lessons import regional_incidence as lesson
from hemaedu.lessons.content import cite, text
from hemaedu.lessons.format import format_number
from hemaedu.lessons.regional_incidence import model, render
from hemaedu.lessons.regional_incidence.model import (
    ALL_REGIONS,
    CUSTOM,
    EAST_ASIAN_REGIONS,
    WESTERN_REGIONS,
    compute_expected,
    filter_incidence,
    group_range,
    rate_of,
)

INCIDENCE = records("incidence")
SWEDEN = row("incidence", "sweden")
WITH_CI = [r for r in INCIDENCE if has_ci(r)]


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


# --------------------------------------------------------------------------- model


def test_rate_and_ci_whiskers_follow_the_table() -> None:
    assert rate_of("sweden") == SWEDEN["rate_per_million"]
    a = ranked_arrays(INCIDENCE)
    assert sorted(a["with_ci"]["x"]) == sorted(r["rate_per_million"] for r in WITH_CI)
    i = a["with_ci"]["x"].index(SWEDEN["rate_per_million"])
    assert a["with_ci"]["minus"][i] == pytest.approx(SWEDEN["rate_per_million"] - SWEDEN["ci_low"])
    assert a["with_ci"]["plus"][i] == pytest.approx(SWEDEN["ci_high"] - SWEDEN["rate_per_million"])


def test_rows_without_ci_have_no_whiskers_and_open_markers() -> None:
    fig = make_ranked_chart(INCIDENCE, labels={"without_ci": "no CI"})
    no_ci = next(t for t in fig.data if t.meta == RANK_TRACE["without_ci"])
    assert no_ci.name == "no CI"  # names come from the caller (the lesson's content)
    assert no_ci.error_x.array is None
    assert len(no_ci.x) == len(INCIDENCE) - len(WITH_CI)
    assert all(s.endswith("-open") for s in no_ci.marker.symbol)


def test_ranked_order_is_lowest_to_highest_and_claims_are_tagged() -> None:
    a = ranked_arrays(INCIDENCE, label=render.ranked_label)
    labels, rates = a["with_ci"]["y"] + a["without_ci"]["y"], a["with_ci"]["x"] + a["without_ci"]["x"]
    rate_by_label = dict(zip(labels, rates, strict=True))
    ordered = [rate_by_label[c] for c in a["categories"]]
    assert ordered == sorted(ordered)
    assert len(set(a["categories"])) == len(INCIDENCE)
    top = max(INCIDENCE, key=lambda r: r["rate_per_million"])
    if top["method"] == model.CLAIMS:
        assert a["categories"][-1].endswith(text("regional_incidence", "claims_tag"))


def test_group_ranges_are_the_extremes_of_their_rows() -> None:
    for regions_, exclude in model.GROUPS.values():
        g = group_range(regions_, exclude_claims=exclude)
        rows = [r for r in INCIDENCE if r["region"] in regions_ and not (exclude and r["method"] == model.CLAIMS)]
        rates = [r["rate_per_million"] for r in rows]
        assert (g.low, g.high, g.n) == (min(rates), max(rates), len(rows))
        assert rate_of(g.low_id) == g.low and rate_of(g.high_id) == g.high
    # The lesson's claim: without claims data, every East Asian study lies above every European one.
    assert group_range(EAST_ASIAN_REGIONS, exclude_claims=True).low > group_range(("Europe",)).high
    with pytest.raises(ValueError, match="no study populations"):
        group_range(("Atlantis",))


def test_filter_and_unknown_inputs() -> None:
    assert len(filter_incidence(ALL_REGIONS)) == len(INCIDENCE)
    assert {r["region"] for r in filter_incidence("Europe")} == {"Europe"}
    with pytest.raises(ValueError, match="unknown region 'Mars'"):
        filter_incidence("Mars")
    with pytest.raises(ValueError, match="has no row with population_id 'narnia'"):
        rate_of("narnia")


def test_map_arrays_one_marker_per_population_and_shared_cities_nudged_apart() -> None:
    a = map_arrays(INCIDENCE, hover=render.hover)
    assert len(a["lat"]) == len(INCIDENCE)
    positions = list(zip(a["lat"], a["lon"], strict=True))
    assert len(set(positions)) == len(positions)  # e.g. the four Baltimore groups
    claims = [s for s, r in zip(a["symbol"], INCIDENCE, strict=True) if r["method"] == model.CLAIMS]
    assert claims and set(claims) == {"diamond"}
    # Hover carries area, period, rate, CI, n and the source (author-year, never the key).
    sweden = a["text"][a["ids"].index("sweden")]
    for part in (SWEDEN["area"], render.period(SWEDEN), f"{SWEDEN['rate_per_million']:g} per million",
                 f"{SWEDEN['ci_low']:g}-{SWEDEN['ci_high']:g}", f"{SWEDEN['cases']} cases", cite("vaht2017")):
        assert part in sweden, part
    assert "vaht2017" not in sweden


def test_compute_expected_matches_the_statistics() -> None:
    r = compute_expected(rate_per_million=rate_of("sweden"), population=2_000_000, years=5)
    assert r == expected_cases(rate_per_million=SWEDEN["rate_per_million"], population=2_000_000, years=5)
    assert r.mean == pytest.approx(SWEDEN["rate_per_million"] * 2 * 5)
    assert r.low < r.mean < r.high


@pytest.mark.parametrize("bad", [0, -5, 2.5, True])
def test_compute_expected_rejects_invalid_population(bad) -> None:
    with pytest.raises(ValueError, match="population must be a whole number >= 1"):
        compute_expected(rate_per_million=2.0, population=bad, years=1)


# --------------------------------------------------------------------------- calculator app


def test_calculator_starts_on_sweden_and_years_slider_changes_the_bar() -> None:
    app = lesson.expected_cases_calculator()
    years = app.controls[app.main_control]
    assert app.main_control == "years"
    assert app.controls["rate"].value == SWEDEN["rate_per_million"]
    bar = app.trace("expected")
    before = bar.x
    years.value = years.value + years.step  # what ArrowRight does
    assert app.trace("expected") is bar and bar.x != before
    r = expected_cases(rate_per_million=SWEDEN["rate_per_million"], population=2_000_000, years=2)
    assert bar.x == (pytest.approx(r.mean),)
    assert bar.error_x.array == (pytest.approx(r.high - r.mean),)
    assert bar.error_x.arrayminus == (pytest.approx(r.mean - r.low),)
    assert f"{r.low} to {r.high}" in app.summary_text()
    assert "hemaedu-app-regional_incidence" in app.container._dom_classes


def test_calculator_study_choice_and_custom_rate() -> None:
    app = lesson.expected_cases_calculator()
    app.controls["study"].value = "japan_nationwide"
    assert app.controls["rate"].value == rate_of("japan_nationwide")
    app.controls["rate"].value = 3.33
    assert app.controls["study"].value == CUSTOM
    assert text("regional_incidence", "calculator.custom_short") in app.summary_text()
    app.apply_preset("taiwan_nationwide")
    assert app.controls["rate"].value == rate_of("taiwan_nationwide")
    assert app.controls["study"].value == "taiwan_nationwide"
    with pytest.raises(ValueError, match="unknown preset"):
        app.apply_preset("nowhere")


def test_rate_slider_bounded_by_table_and_every_rate_reachable() -> None:
    s = lesson.expected_cases_calculator().controls["rate"]
    rates = [r["rate_per_million"] for r in INCIDENCE]
    assert (s.min, s.max) == (min(rates), max(rates))
    for rate in rates:
        assert s.snap(rate) == pytest.approx(rate)


def test_population_never_invalid() -> None:
    app = lesson.expected_cases_calculator()
    app.controls["population"].value = 0
    assert app.controls["population"].value == 1
    app.controls["population"].value = 10**12
    assert app.controls["population"].value == model.MAX_POPULATION


def test_calculator_extremes_and_random_combinations_never_nan() -> None:
    app = lesson.expected_cases_calculator()
    c = app.controls
    rng = random.Random(3)
    studies = [v for _, v in c["study"].options]
    combos = [(p, y, r) for p in (1, model.MAX_POPULATION) for y in (1, model.MAX_YEARS)
              for r in (c["rate"].min, c["rate"].max)]
    combos += [(rng.randint(1, model.MAX_POPULATION), rng.randint(1, model.MAX_YEARS),
                rng.uniform(c["rate"].min, c["rate"].max)) for _ in range(150)]
    for i, (p, y, r) in enumerate(combos):
        c["population"].value = p
        c["years"].value = y
        if i % 3 == 0:
            c["study"].value = rng.choice(studies)
        else:
            c["rate"].value = r
        assert _finite_everywhere(_trace_numbers(app.figure))
        summary = app.summary_text()
        assert "nan" not in summary.lower() and "inf" not in summary.lower()
        lo, hi = app.figure.layout.xaxis.range
        assert 0 == lo < hi and math.isfinite(hi)


# --------------------------------------------------------------------------- explorer app


def test_explorer_region_filter_updates_both_views_in_place() -> None:
    app = lesson.incidence_explorer()
    map_fig, rank_fig = app.figures["map"], app.figures["ranked"]
    outlines = app.trace(MAP_TRACE["outlines"]).lon
    assert len(app.trace(MAP_TRACE["markers"]).lat) == len(INCIDENCE)
    app.controls["region"].value = "Europe"
    europe = [r for r in INCIDENCE if r["region"] == "Europe"]
    assert app.figures["map"] is map_fig and app.figures["ranked"] is rank_fig
    assert sorted(app.trace(MAP_TRACE["markers"]).ids) == sorted(r["population_id"] for r in europe)
    shown = list(app.trace("with_ci").x) + list(app.trace("without_ci").x)
    assert sorted(shown) == sorted(r["rate_per_million"] for r in europe)
    assert app.trace("with_ci").x == tuple(r["rate_per_million"] for r in europe if has_ci(r))
    assert len(rank_fig.layout.yaxis.categoryarray) == len(europe)
    assert app.trace(MAP_TRACE["outlines"]).lon == outlines
    g = group_range(("Europe",))
    assert app.summary_text().startswith(f"Europe: {g.n} study populations, rates {g.low:g} to {g.high:g}")
    # A region without a published CI leaves the CI trace empty, not NaN.
    app.controls["region"].value = "East Asia"
    assert app.trace("with_ci").x == ()
    assert "0 with a published 95% CI" in app.summary_text()


def test_explorer_every_region_never_nan() -> None:
    app = lesson.incidence_explorer()
    for _, region in app.controls["region"].options:
        app.controls["region"].value = region
        for fig in app.figures.values():
            assert _finite_everywhere(_trace_numbers(fig))
        assert "nan" not in app.summary_text().lower()


# --------------------------------------------------------------------------- narrative


def test_narrative_numbers_come_from_the_tables() -> None:
    k02, k10 = row("incidence", "korea_claims_2002"), row("incidence", "korea_claims_2010")
    text_ = lesson.narrative("disagreement").data
    assert f"{k02['rate_per_million']:g} in {k02['period_start']}" in text_
    assert f"{k10['rate_per_million']:g} in {k10['period_start']}" in text_
    assert f"95% CI {SWEDEN['ci_low']:g}-{SWEDEN['ci_high']:g}" in text_
    ages = lesson.age_pattern().data
    assert ages.count("<tr>") == len(records("age_pattern")) + 1  # header row + one per pattern
    for pattern in records("age_pattern"):
        assert pattern["population"] in ages



def test_key_numbers_once_pinned_in_the_notebook() -> None:
    """The figures the notebook's "Key numbers" cell printed for nbval, asserted directly (issue 16 item 3)."""
    r = expected_cases(rate_per_million=SWEDEN["rate_per_million"], population=model.DEFAULT_POPULATION, years=5)
    assert r.mean == pytest.approx(SWEDEN["rate_per_million"] * model.DEFAULT_POPULATION / 1e6 * 5)
    assert r.low < r.mean < r.high
    app = lesson.expected_cases_calculator()
    app.controls["years"].value = 5
    assert f"{r.low} to {r.high}" in app.summary_text() and "2,000,000 people" in app.summary_text()
    west, east = group_range(WESTERN_REGIONS), group_range(EAST_ASIAN_REGIONS)
    east_registry = group_range(EAST_ASIAN_REGIONS, exclude_claims=True)
    western_rows = [x for x in INCIDENCE if x["region"] in WESTERN_REGIONS]
    assert (west.low, west.high) == (min(x["rate_per_million"] for x in western_rows),
                                     max(x["rate_per_million"] for x in western_rows))
    assert row("incidence", east.high_id)["method"] == model.CLAIMS  # the top East Asian figure is claims data
    assert row("incidence", east_registry.high_id)["method"] != model.CLAIMS
    assert east_registry.low > west.low and east_registry.high < east.high
    shown = lesson.narrative("east_west").data
    for value in (west.low, west.high, east.low, east.high, east_registry.low, east_registry.high):
        assert f"{value:g}" in shown
    assert west.low_id not in shown and west.high_id not in shown  # no internal ids on the page


def test_self_check_answers_follow_the_data() -> None:
    checks = {c.id: c for c in lesson.self_checks()}
    gap = checks["claims_gap"]
    assert f"{row('incidence', 'korea_claims_2002')['rate_per_million']:g}" in gap.question
    city = checks["one_bad_year"]
    r = expected_cases(rate_per_million=SWEDEN["rate_per_million"], population=model.DEFAULT_POPULATION, years=1)
    right = next(o for o in city.options if o.correct)
    assert f"sees {r.high}" in city.question and f"({r.low} to {r.high})" in right.why
    assert city.answer(right.text)
    ages = checks["age_pattern"]
    counts = model.age_pattern_counts()
    assert f"{counts.older} of the {counts.n} series" in next(o for o in ages.options if o.correct).why


def test_self_checks_teach_rather_than_reward_test_taking() -> None:
    """Issue 16 item 5: the answer's position varies, each option explains itself, no prompt gives it away."""
    from hemaedu.lessons.content import questions

    qs = questions("regional_incidence")
    assert len({[o.correct for o in q.options].index(True) for q in qs}) > 1
    for q in qs:
        assert len({o.why for o in q.options}) == len(q.options), q.id
        assert next(o for o in q.options if o.correct).text.lower() not in q.prompt.lower(), q.id


def test_references_all_exist() -> None:
    from hemaedu import format_references

    used = lesson.references_used()
    assert format_references(used).count("\n- ") == len(used) - 1
    assert {r["source_id"] for r in INCIDENCE} <= set(used)


# --------------------------------------------------------------------------- issue 13: what the data show


def test_age_narrative_counts_the_peaks_from_the_table() -> None:
    """Issue 13 item 8: no claim that "most series show two peaks" above a table where few do."""
    rows = records("age_pattern")
    both = sum(r["young_peak"] is not None and r["older_peak"] is not None for r in rows)
    older = sum(r["older_peak"] is not None for r in rows)
    shown = lesson.narrative("age").data
    assert f"Of its {len(rows)} series, {older} report" in shown and f"only {both} also report" in shown
    assert f"<em>{both} of {len(rows)} series" in lesson.age_pattern().data
    assert "most series" not in shown.lower()


def test_corrected_rows_are_described_as_the_data_has_them() -> None:
    shown = lesson.narrative("disagreement").data
    mexico, bangkok_early = row("incidence", "mexico_city_all"), row("incidence", "thailand_bangkok_1997")
    assert mexico["method"] != "population-based case ascertainment" and "one insurer" in shown
    assert f"Mexico City's {mexico['rate_per_million']:g}" in shown
    # The earlier Bangkok figure has only a start year; the text must not give it a period.
    assert bangkok_early["period_end"] is None and "its period is not stated" in shown
    assert f"began in Bangkok in {bangkok_early['period_start']}" in shown
    # The IAAAS row keeps its rate but no case count from another report.
    assert row("incidence", "iaaas_europe_israel")["cases"] is None
    iaaas_hover = render.hover(row("incidence", "iaaas_europe_israel"))
    assert iaaas_hover.count(text("regional_incidence", "hover.no_cases")) == 1
    assert "IMSS-insured people only" in render.population_label(mexico)


def test_no_source_key_or_row_id_in_the_learners_text() -> None:
    """Issue 16 item 3: sources by author and year, never by key; no internal ids on the page."""
    from hemaedu.lessons.content import questions

    texts = [lesson.narrative(n).data for n in ("east_west", "disagreement", "age")] + [lesson.age_pattern().data]
    texts += [q.prompt + " ".join(o.text + o.why for o in q.options) for q in questions("regional_incidence")]
    explorer, calculator = lesson.incidence_explorer(), lesson.expected_cases_calculator()
    texts += [explorer.summary_text(), calculator.summary_text()]
    texts += [label for label, _ in calculator.controls["study"].options]
    texts += [str(t.text) for f in explorer.figures.values() for t in f.data]
    shown = "\n".join(texts)
    ids = {r["source_id"] for r in records("references")} | {r["population_id"] for r in INCIDENCE}
    ids |= {r["pattern_id"] for r in records("age_pattern")}
    leaked = sorted(i for i in ids if ("_" in i or any(ch.isdigit() for ch in i)) and i in shown)
    assert not leaked
    for pattern in records("age_pattern"):
        assert cite(pattern["source_id"]) in lesson.age_pattern().data


def test_population_box_shows_grouped_digits_and_takes_them_typed_either_way() -> None:
    app = lesson.expected_cases_calculator()
    box = app.controls["population"]
    assert box.text.value == format_number(model.DEFAULT_POPULATION)  # as the summary writes it
    assert format_number(model.DEFAULT_POPULATION) in app.summary_text()
    assert box.text.description == text("regional_incidence", "calculator.population")
    assert box.text.tooltip == text("regional_incidence", "calculator.population_help")
    for typed in ("350000", "350,000"):
        box.text.value = typed
        assert app.controls["population"].value == 350_000 and box.text.value == "350,000"
        assert app.view.population == 350_000 and "350,000" in app.summary_text()


@pytest.mark.parametrize(("typed", "key"), [
    ("two million", "not_whole"), ("2.5", "not_whole"), ("0", "too_small"), ("-350", "too_small"),
    (f"{model.MAX_POPULATION + 1:,}", "too_large"),
])
def test_population_box_explains_bad_input_in_the_lessons_words_and_keeps_the_number(typed, key) -> None:
    app = lesson.expected_cases_calculator()
    before = (app.controls["population"].value, app.summary_text(), app.trace("expected").x)
    app.controls["population"].text.value = typed
    expected = text("regional_incidence", f"calculator.population_{key}", text=typed, min=format_number(1),
                    max=format_number(model.MAX_POPULATION), value=format_number(model.DEFAULT_POPULATION))
    assert html.escape(expected) in app.controls["population"].error.value
    assert format_number(model.DEFAULT_POPULATION) in expected  # the message says which number is still used
    assert (app.controls["population"].value, app.summary_text(), app.trace("expected").x) == before


def test_static_site_lists_the_population_as_the_box_shows_it() -> None:
    from hemaedu.lessons.static_site import controls_description

    label = text("regional_incidence", "calculator.population")
    listed = html.escape(text("navigation", "static_app.control", label=label,
                              value=format_number(model.DEFAULT_POPULATION)))
    assert listed in controls_description(lesson.expected_cases_calculator())
