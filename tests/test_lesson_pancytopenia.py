"""Lesson 01: the blood-count explorer, checked against the rules and the tables.

Never against numbers typed here: a preset's grade comes from hemaedu.severity, a
band's edge from the thresholds table, a converted slider from hemaedu.convert.
Traces are found by their id (``meta``), never by position.
"""

from __future__ import annotations

import math
import random
import re

import pytest

import hemaedu
from hemaedu import thresholds
from hemaedu.data import records
from hemaedu.figures.blood_count import MAX_POSITION, MIN_POSITION, relative_position
from hemaedu.lessons import pancytopenia as lesson
from hemaedu.lessons.pancytopenia import model, pitfalls, render

PRESETS = model.PRESETS

# What each illustrative vignette must show. Written as teaching expectations
# (which lineages fall, the grade, how many of the three Camitta blood criteria
# are met, which pitfall notes appear); the tests check the rules agree.
ALL_FOUR = {"anemia", "leukopenia", "neutropenia", "thrombocytopenia"}
EXPECTED = {
    "normal": (set(), False, None),
    "iron_deficiency_like_anemia": ({"anemia"}, False, None),
    "isolated_thrombocytopenia": ({"thrombocytopenia"}, False, None),
    "edta_clumping": ({"thrombocytopenia"}, False, None),
    "duffy_null_anc": ({"neutropenia"}, False, None),
    "hypersplenism": ({"anemia", "leukopenia", "thrombocytopenia"}, True, None),
    "non_severe_aplastic_anemia": (ALL_FOUR, True, "non-severe"),
    "severe_aplastic_anemia": (ALL_FOUR, True, "severe"),
    "very_severe_aplastic_anemia": (ALL_FOUR, True, "very severe"),
}
BLOOD_CRITERIA_MET = {
    "normal": 0, "iron_deficiency_like_anemia": 1, "isolated_thrombocytopenia": 1, "edta_clumping": 0,
    "duffy_null_anc": 0, "hypersplenism": 0, "non_severe_aplastic_anemia": 1, "severe_aplastic_anemia": 3,
    "very_severe_aplastic_anemia": 3,
}
PITFALLS = {"isolated_thrombocytopenia": ("edta_pseudothrombocytopenia",),
            "edta_clumping": ("edta_pseudothrombocytopenia",), "duffy_null_anc": ("duffy_null_anc",)}


def value(threshold_id):
    return thresholds.value(threshold_id)


# ----------------------------------------------------------------------------- presets (model)


def test_every_preset_has_an_expectation_and_content():
    assert set(PRESETS) == set(EXPECTED)
    for preset_id in PRESETS:
        assert render.t(f"presets.{preset_id}.label") and render.t(f"presets.{preset_id}.hint")


@pytest.mark.parametrize("name", list(EXPECTED))
def test_preset_gives_the_expected_cytopenias_and_grade(name):
    values = PRESETS[name]
    lineages, pancytopenia, grade = EXPECTED[name]
    view = model.compute(**values)
    assert set(view.cytopenias) == lineages
    assert view.pancytopenia is pancytopenia
    rule_kw = {k: values[k] for k in ("hb", "wbc", "anc", "platelets", "sex")}
    assert hemaedu.cytopenias(**rule_kw) == view.cytopenias
    assert hemaedu.is_pancytopenia(**rule_kw) is pancytopenia
    rule_grade = hemaedu.severity(anc=values["anc"], platelets=values["platelets"],
                                  reticulocytes=values["reticulocytes"], cellularity=values["cellularity"])
    assert view.grade == rule_grade
    if grade is None:  # not aplastic anemia: the marrow is full, grading does not apply
        assert not view.grade_applies
        assert render.grade_label(view) == render.t("grade.not_applicable")
    else:
        assert view.grade_applies and str(view.grade) == grade
    assert values["anc"] <= values["wbc"], "a preset must keep ANC <= WBC"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_preset_meets_its_blood_criteria_and_shows_its_pitfalls(name):
    # What the notebook's former pinned report printed, asserted directly: the count of blood
    # criteria met, the grade line of the summary, and the pitfall notes each vignette raises.
    view = model.compute(**PRESETS[name])
    assert view.criteria.count_of_blood_criteria == BLOOD_CRITERIA_MET[name]
    assert f"Modified Camitta grade: {render.grade_label(view)}." in render.summary(view)
    assert view.pitfalls == PITFALLS.get(name, ())
    for pitfall_id in pitfalls.PITFALLS:
        note = render.t(f"pitfall.{pitfall_id}.summary").split("{")[0]
        assert (note in render.summary(view)) is (pitfall_id in view.pitfalls), (name, pitfall_id)


def test_unknown_preset_is_refused():
    app = lesson.blood_count_explorer()
    with pytest.raises(ValueError, match="unknown preset 'aplastic'"):
        app.apply_preset("aplastic")
    with pytest.raises(ValueError, match="unknown preset"):
        lesson.blood_count_explorer("nope")


# ----------------------------------------------------------------------------- compute (model)


def test_neutropenia_anemia_and_bleeding_bands_follow_the_thresholds_table():
    base = dict(PRESETS["severe_aplastic_anemia"])
    just_below = dict(base, anc=value("neutropenia_moderate_upper") - 0.05, wbc=2.0,
                      platelets=value("platelets_bleeding_spontaneous") - 1, hb=value("who_anemia_severe") - 0.1)
    v = model.compute(**just_below)
    assert (v.neutropenia_band, v.bleeding_band, v.anemia_band) == (
        "neutropenia_moderate_upper", "platelets_bleeding_spontaneous", "who_anemia_severe")
    assert model.compute(**dict(just_below, platelets=value("platelets_bleeding_serious") - 1)).bleeding_band == \
        "platelets_bleeding_serious"
    assert model.compute(**dict(just_below, platelets=value("platelets_bleeding_life_threatening") - 1)
                         ).bleeding_band == "platelets_bleeding_life_threatening"
    at = dict(just_below, anc=value("neutropenia_moderate_upper"), platelets=value("platelets_bleeding_spontaneous"),
              hb=value("who_anemia_severe"))
    v = model.compute(**at)
    assert (v.neutropenia_band, v.bleeding_band, v.anemia_band) == (
        "neutropenia_anc", "platelets_bleeding_trauma", "who_anemia_moderate_upper")
    # Every band id has its words in the content.
    for band in (*model.ANEMIA_BANDS, model.ANEMIA_MILD, *model.NEUTROPENIA_BANDS, *model.BLEEDING_BANDS):
        assert render.t(f"band.{band}")


def test_normal_count_has_no_bands():
    v = model.compute(**PRESETS["normal"])
    assert (v.anemia_band, v.neutropenia_band, v.bleeding_band) == (None, None, None)
    assert render.t("details.red_none") in render.details(v)


@pytest.mark.parametrize("seed", range(5))
def test_below_the_band_means_a_cytopenia_by_the_rules(seed):
    # The shaded band's lower limit is the rules' cut-off, so the chart and the text agree.
    rng = random.Random(seed)
    lineage = {"hb": "anemia", "wbc": "leukopenia", "anc": "neutropenia", "platelets": "thrombocytopenia"}
    for _ in range(40):
        values = dict(sex=rng.choice(["female", "male"]), hb=rng.uniform(2, 20), wbc=rng.uniform(0, 30),
                      platelets=rng.uniform(0, 600), reticulocytes=rng.uniform(0, 200),
                      cellularity=rng.uniform(0, 100))
        values["anc"] = rng.uniform(0, values["wbc"])
        v = model.compute(**values)
        for row in v.rows:
            if row.key in lineage:
                assert (row.status == "low") == (lineage[row.key] in v.cytopenias), (row, values)


def test_anc_above_wbc_shows_a_note_and_reads_anc_as_wbc():
    values = dict(PRESETS["normal"], wbc=2.0, anc=3.0)
    v = model.compute(**values)
    note = render.t("details.anc_capped")
    assert v.anc_capped and note in render.details(v)
    same = model.compute(**dict(values, anc=2.0))
    assert v.cytopenias == same.cytopenias and v.criteria == same.criteria
    assert not same.anc_capped and note not in render.details(same)


def test_marrow_between_the_two_cellularity_cutoffs_reads_one_way_everywhere():
    # Issue 13 item 8: below the full cut-off the marrow is hypocellular; from it up to the partial
    # cut-off it is hypocellular only if the residual blood-forming cells are below theirs, which
    # the explorer does not know, so summary and details both say "cannot be graded yet", never
    # "not hypocellular"; at or above the partial cut-off it is not hypocellular.
    base = PRESETS["very_severe_aplastic_anemia"]
    full, partial = value("camitta_cellularity"), value("camitta_cellularity_partial")
    not_yet, not_hypo = render.t("grade.not_applicable_partial"), render.t("grade.not_applicable")
    for cellularity in (full, (full + partial) / 2, partial - 1):
        v = model.compute(**dict(base, cellularity=cellularity))
        assert not v.grade_applies and v.marrow_partial, cellularity
        summary, details = render.summary(v), render.details(v)
        assert f"Modified Camitta grade: {not_yet}." in summary and not_hypo not in summary
        assert not_yet in details and "not hypocellular" not in details
        assert f"fewer than {render.percent_of('camitta_residual')} of the remaining cells" in details
    for cellularity in (partial, 100):
        v = model.compute(**dict(base, cellularity=cellularity))
        assert not v.marrow_partial
        assert f"Modified Camitta grade: {not_hypo}." in render.summary(v) and not_yet not in render.summary(v)
    v = model.compute(**dict(base, cellularity=full - 1))
    assert v.grade_applies and str(v.grade) == "very severe"


def test_details_render_the_camitta_cutoffs_in_the_chosen_unit():
    v = model.compute(**PRESETS["severe_aplastic_anemia"], count_unit="/uL", hb_unit="g/L")
    details = render.details(v)
    for threshold_id in ("camitta_anc", "camitta_platelets"):
        per_ul = hemaedu.convert(value(threshold_id), "10^9/L", "/uL")
        assert f"&lt; {per_ul:,.0f} /µL" in details, threshold_id
    assert '<th scope="col">' in details  # a table with headers
    hb_row = v.rows[0]
    assert hb_row.unit == "g/L"
    assert hb_row.low == pytest.approx(hemaedu.convert(value("anemia_hb_male"), "g/dL", "g/L"))


def test_reference_limits_of_other_sources_are_marked():
    # Where the tables give more than one limit for a measure, every extra one is drawn.
    v = model.compute(**PRESETS["normal"])
    for row in v.rows:
        sub = [r for r in records("reference_ranges") if r["measure"] == row.key and r["sex"] in ("any", "female")]
        limits = {("lower", r["low"]) for r in sub if r["low"] is not None}
        limits |= {("upper", r["high"]) for r in sub if r["high"] is not None}
        drawn = 1 + (row.high is not None) + len(row.other_limits)
        assert drawn == len(limits), row.key


def test_relative_position_edges():
    assert relative_position(0, 150) == MIN_POSITION
    assert relative_position(1e6, 150) == MAX_POSITION
    with pytest.raises(ValueError, match="lower limit > 0"):
        relative_position(10, 0)


# ----------------------------------------------------------------------------- pitfalls (issue 13, "Add" 4)


def test_duffy_null_preset_sits_inside_the_tables_interval_and_the_summary_warns():
    duffy = pitfalls.interval("duffy_null_anc")
    anc = PRESETS["duffy_null_anc"]["anc"]
    assert duffy.unit == "10^9/L" and duffy.low <= anc <= duffy.high
    assert thresholds.meets("neutropenia_anc", anc), "the fixed cut-off calls it neutropenia"
    app = lesson.blood_count_explorer("duffy_null_anc")
    summary = app.summary_text()
    assert "neutropenia" in app.view.cytopenias
    interval = render.t("figure.range_closed", low=model.quantity(duffy.low, "10^9/L").split()[0],
                        high=model.quantity(duffy.high, "10^9/L"))
    assert "healthy Duffy-null adults" in summary and interval in summary and "mislabel" in summary
    assert hemaedu.lessons.content.cite(duffy.source_id) in app.details_html.value
    # In cells per µL the interval follows the unit.
    app.controls["count_unit"].value = "/uL"
    low, high = (hemaedu.convert(x, "10^9/L", "/uL") for x in (duffy.low, duffy.high))
    assert f"{low:,.0f}–{high:,.0f} /µL" in app.summary_text()


def test_duffy_note_only_for_an_otherwise_normal_count_inside_the_interval():
    duffy = pitfalls.interval("duffy_null_anc")
    base = PRESETS["duffy_null_anc"]
    below_interval = model.compute(**dict(base, anc=duffy.low - 0.05))
    assert "neutropenia" in below_interval.cytopenias and "duffy_null_anc" not in below_interval.pitfalls
    at_low = model.compute(**dict(base, anc=duffy.low))
    assert "duffy_null_anc" in at_low.pitfalls
    not_neutropenic = model.compute(**dict(base, anc=value("neutropenia_anc")))
    assert "duffy_null_anc" not in not_neutropenic.pitfalls
    with_anemia = model.compute(**dict(base, hb=value("anemia_hb_male") - 1))
    assert "duffy_null_anc" not in with_anemia.pitfalls


def test_edta_preset_has_low_platelets_and_tells_to_check_the_film_and_citrate():
    app = lesson.blood_count_explorer("edta_clumping")
    assert app.view.cytopenias == frozenset({"thrombocytopenia"})
    assert PRESETS["edta_clumping"]["platelets"] < value("thrombocytopenia_platelets")
    summary = app.summary_text()
    assert "blood film" in summary and "citrate" in summary and "EDTA" in summary
    assert hemaedu.lessons.content.cite(pitfalls.source_id("edta_pseudothrombocytopenia")) in app.details_html.value
    # Once another lineage falls too, the count is no longer an isolated low platelet count.
    app.controls["hb"].value = value("anemia_hb_female") - 1
    assert "edta_pseudothrombocytopenia" not in app.view.pitfalls and "citrate" not in app.summary_text()


def test_age_control_moves_the_expected_cellularity_and_the_age_note():
    app = lesson.blood_count_explorer("non_severe_aplastic_anemia")
    cellularity = PRESETS["non_severe_aplastic_anemia"]["cellularity"]
    assert thresholds.meets("camitta_cellularity", cellularity)
    age = app.controls["age_years"]
    # Rough rule: normal is about 100 minus age; the note appears once the marrow is at or above it.
    age.value = pitfalls.AGE_RULE_INTERCEPT_PERCENT - cellularity - 1
    assert app.view.expected_cellularity == pytest.approx(cellularity + 1)
    assert "cellularity_falls_with_age" not in app.view.pitfalls and "Check the age" not in app.summary_text()
    age.value = pitfalls.AGE_RULE_INTERCEPT_PERCENT - cellularity
    assert "cellularity_falls_with_age" in app.view.pitfalls
    assert "Check the age" in app.summary_text() and f"age {age.value:.0f}" in app.summary_text()
    adult = pitfalls.interval("cellularity_falls_with_age")
    details = app.details_html.value
    assert render.t("figure.range_closed", low=f"{adult.low:.0f}", high=f"{adult.high:.0f}%") in details
    assert hemaedu.lessons.content.cite(adult.source_id) in details
    # The grade itself does not change with age: the Camitta cut-offs are fixed.
    assert str(app.view.grade) == "non-severe" and app.view.grade_applies


def test_age_slider_covers_adults_only_and_the_rule_matches_the_table():
    app = lesson.blood_count_explorer()
    age = app.controls["age_years"]
    assert (age.min, age.max, age.step) == (model.AGE_YEARS_GRID["min"], model.AGE_YEARS_GRID["max"], 1)
    row = hemaedu.data.row("pitfalls", "cellularity_falls_with_age")
    assert f"{pitfalls.AGE_RULE_INTERCEPT_PERCENT} minus age" in row["pitfall"]
    assert f"{age.min:.0f}-{age.max:.0f} y" in row["population"]
    assert pitfalls.expected_cellularity(40) == pitfalls.AGE_RULE_INTERCEPT_PERCENT - 40
    with pytest.raises(ValueError, match="age_years must be between 0 and 120"):
        pitfalls.expected_cellularity(-1)


def test_pitfall_sources_are_in_the_lessons_references():
    ids = model.source_ids()
    for pitfall_id in pitfalls.PITFALLS:
        assert pitfalls.source_id(pitfall_id) in ids


# ----------------------------------------------------------------------------- the app


@pytest.fixture(scope="module")
def app():
    return lesson.blood_count_explorer()


def _point(app, key):
    """(status, x) of the value point of row ``key``, found through the traces' ids."""
    y = float(len(model.ROWS) - 1 - model.ROWS.index(key))
    for status in ("normal", "low", "high"):
        trace = app.trace(status)
        for x, yy in zip(trace.x or (), trace.y or (), strict=True):
            if yy == y:
                return status, x
    raise AssertionError(f"no point for {key}")


def test_interface_for_browser_tests_and_benchmark(app):
    assert app.main_control == "platelets"
    assert set(model.MEASURES) <= set(app.controls)
    assert hemaedu.lessons.lesson("01").css_class in app.container._dom_classes
    assert set(app.presets) == set(PRESETS)
    assert app.figure.layout.title.text == render.t("figure.title")


def test_moving_the_platelet_slider_moves_its_point_as_the_rules_predict(app):
    app.apply_preset("normal")
    low_limit = value("thrombocytopenia_platelets")
    slider = app.controls[app.main_control]
    figure = app.figure
    slider.value = 30
    assert app.figure is figure  # updated in place
    assert _point(app, "platelets") == ("low", pytest.approx(100 * 30 / low_limit))
    assert "thrombocytopenia" in app.view.cytopenias
    assert render.t("lineage.thrombocytopenia") in app.summary_text()
    assert render.label("platelets") in app.summary_text()
    slider.value = 300
    assert _point(app, "platelets") == ("normal", pytest.approx(100 * 300 / low_limit))
    assert app.view.cytopenias == frozenset()


def test_preset_click_updates_figure_and_text_with_one_redraw(app):
    before = app.redraws
    app.preset_buttons["very_severe_aplastic_anemia"].click()
    assert app.redraws == before + 1
    assert str(app.view.grade) == "very severe" and app.view.grade_applies
    assert render.t("grade.very severe") in app.summary_text()
    status, x = _point(app, "anc")
    assert status == "low"
    assert x == pytest.approx(100 * PRESETS["very_severe_aplastic_anemia"]["anc"] / value("neutropenia_anc"))
    app.preset_buttons["normal"].click()
    assert app.view.cytopenias == frozenset()


def test_sex_switch_moves_the_hemoglobin_band(app):
    app.apply_preset("normal")
    band = app.trace("band")
    before = list(band.x)
    sex = app.controls["sex"]
    sex.value = "male" if sex.value == "female" else "female"
    hb = app.view.rows[0]
    assert hb.low == pytest.approx(value(f"anemia_hb_{sex.value}"))
    assert list(band.x) != before
    end = MAX_POSITION if hb.high is None else relative_position(hb.high, hb.low)
    assert band.x[1] == pytest.approx(end)
    app.apply_preset("normal")


@pytest.mark.parametrize("count_unit,hb_unit", [("/uL", "g/L"), ("/uL", "g/dL"), ("10^9/L", "g/L")])
def test_unit_switch_keeps_the_setting_and_the_grid(count_unit, hb_unit):
    app = lesson.blood_count_explorer("severe_aplastic_anemia")
    before = app.canonical_values()
    summary = app.summary_text()
    app.controls["count_unit"].value = count_unit
    app.controls["hb_unit"].value = hb_unit
    after = app.canonical_values()
    for key in before:
        assert after[key] == pytest.approx(before[key]), key
    for key in model.MEASURES:
        slider, m = app.controls[key], hemaedu.lessons.measure(key)
        unit = app.unit_of(key)
        assert unit == model.display_unit(key, hb_unit, count_unit)
        assert (slider.min, slider.max, slider.step) == pytest.approx(
            (m.grid(unit).min, m.grid(unit).max, m.grid(unit).step))
        k = (slider.value - slider.min) / slider.step
        assert abs(k - round(k)) < 1e-6, (key, slider.value)
    assert app.summary_text() == summary  # same count, same interpretation
    app.controls["count_unit"].value = "10^9/L"
    app.controls["hb_unit"].value = "g/dL"
    back = app.canonical_values()
    for key in before:
        assert back[key] == pytest.approx(before[key]), key


def test_a_preset_after_a_unit_switch_lands_in_the_new_unit():
    app = lesson.blood_count_explorer()
    app.controls["count_unit"].value = "/uL"
    app.apply_preset("severe_aplastic_anemia")
    assert app.controls["platelets"].value == pytest.approx(
        hemaedu.convert(PRESETS["severe_aplastic_anemia"]["platelets"], "10^9/L", "/uL"))
    assert str(app.view.grade) == "severe"


def test_values_given_at_construction_are_read_in_the_units_given():
    per_ul = hemaedu.convert(30, "10^9/L", "/uL")
    app = lesson.BloodCountExplorer(platelets=per_ul, count_unit="/uL")
    assert app.controls["platelets"].value == pytest.approx(per_ul)
    assert app.canonical_values()["platelets"] == pytest.approx(30)


def test_unit_switch_then_slider_move_uses_the_new_unit():
    app = lesson.blood_count_explorer("normal")
    app.controls["count_unit"].value = "/uL"
    slider = app.controls[app.main_control]
    assert slider.unit == thresholds.unit_symbol("/uL")
    slider.value = 45_000
    assert app.canonical_values()["platelets"] == pytest.approx(hemaedu.convert(45_000, "/uL", "10^9/L"))
    assert "thrombocytopenia" in app.view.cytopenias
    assert any("/µL" in t for t in app.trace("text").text)
    assert "(/µL)" in app.figure.layout.yaxis.ticktext[model.ROWS.index("platelets")]


def _all_finite(app):
    for trace in app.figure.data:
        for prop in ("x", "y"):
            for v in trace[prop] or ():
                assert v is None or math.isfinite(v), (trace.name, prop, v)
    for text in (app.status.value, app.details_html.value):
        assert not re.search(r"\b(nan|inf)\b", text, re.I), text


def test_every_control_at_its_extremes_never_breaks():
    app = lesson.blood_count_explorer("normal")
    for unit in ("10^9/L", "/uL"):
        app.controls["count_unit"].value = unit
        for key in model.MEASURES:
            slider = app.controls[key]
            for v in (slider.min, slider.max, slider.min):
                slider.value = v
                _all_finite(app)
        for name in PRESETS:
            app.apply_preset(name)
            _all_finite(app)


def test_random_combinations_never_break():
    rng = random.Random(2024)
    app = lesson.blood_count_explorer("normal")
    for _ in range(200):
        if rng.random() < 0.1:
            app.controls["count_unit"].value = rng.choice(["10^9/L", "/uL"])
        if rng.random() < 0.1:
            app.controls["hb_unit"].value = rng.choice(["g/dL", "g/L"])
        if rng.random() < 0.2:
            app.controls["sex"].value = rng.choice(["female", "male"])
        slider = app.controls[rng.choice(list(model.MEASURES))]
        slider.value = rng.uniform(slider.min, slider.max)
        _all_finite(app)
        # The text always says what the model gives for the current setting.
        expected = model.compute(**app.canonical_values(), hb_unit=app.controls["hb_unit"].value,
                                 count_unit=app.controls["count_unit"].value)
        assert app.summary_text() == render.summary(expected)


# ----------------------------------------------------------------------------- narrative and self-checks


def test_camitta_markdown_renders_every_cutoff_from_the_table():
    text = lesson.camitta_criteria().data
    for threshold_id in ("camitta_cellularity", "camitta_cellularity_partial", "camitta_residual", "camitta_anc",
                         "camitta_platelets", "camitta_retic_automated", "camitta_retic_manual",
                         "camitta_anc_very_severe", "camitta1976_retic_corrected"):
        assert thresholds.format_value(threshold_id) in text, threshold_id


def test_camitta_text_credits_the_manual_reticulocyte_limit_to_the_modified_criteria():
    # Issue 13 item 2: the manual-count limit is the modified criteria's (Bacigalupo 1988, restated by
    # BSH 2016); Camitta 1976 used a corrected reticulocyte percentage.
    from hemaedu.lessons.content import cite

    text = lesson.camitta_criteria().data
    manual, original = thresholds.get("camitta_retic_manual"), thresholds.get("camitta1976_retic_corrected")
    assert (manual.source_id, original.source_id, original.unit) == ("killick2016", "camitta1976", "%")
    sentence = next(line for line in text.splitlines() if cite("camitta1976") in line)
    assert f"manual-count limit comes from {cite('bacigalupo1988')}" in sentence
    assert f"{cite('camitta1976')} used a reticulocyte percentage" in sentence
    assert thresholds.format_value("camitta1976_retic_corrected") in sentence
    assert f"by manual count in the original paper by {cite('camitta1976')}" not in text
    for source_id in ("camitta1976", "bacigalupo1988", "killick2016"):
        assert source_id in model.source_ids() and source_id not in text  # cited by author and year only


def test_cytopenia_definitions_render_from_the_table():
    text = lesson.cytopenia_definitions().data
    for threshold_id in ("anemia_hb_male", "anemia_hb_female", "leukopenia_wbc", "neutropenia_anc",
                         "thrombocytopenia_platelets"):
        assert thresholds.format_value(threshold_id) in text, threshold_id


def test_self_checks_have_one_right_answer_and_feedback_only_after_answering():
    checks = lesson.self_checks()
    assert len(checks) >= 2
    for check in checks:
        assert check.feedback.value == ""
        right = next(o for o in check.options if o.correct)
        wrong = next(o for o in check.options if not o.correct)
        assert check.answer(wrong.text) is False and right.why not in check.feedback.value
        assert check.answer(right.text) is True and right.why in check.feedback.value


@pytest.mark.parametrize("question_id,preset", [("nonsevere_vignette", "non_severe_aplastic_anemia"),
                                                ("severe_preset", "severe_aplastic_anemia")])
def test_graded_questions_take_their_answer_from_the_rules(question_id, preset):
    check = next(c for c in lesson.self_checks() if c.id == question_id)
    view = model.compute(**PRESETS[preset])
    right = next(o for o in check.options if o.correct)
    assert right.value == (str(view.grade) if view.grade_applies else "not applicable")


def test_self_checks_vary_the_right_position_and_explain_every_option():
    # Issue 16 item 5: the right option is not always in one place, and each option has its own why.
    checks = lesson.self_checks()
    positions = [next(i for i, o in enumerate(c.options) if o.correct) for c in checks]
    assert len(set(positions)) >= 3, positions
    for check in checks:
        whys = [o.why for o in check.options]
        assert all(whys) and len(set(whys)) == len(whys), check.id
        right = next(o for o in check.options if o.correct)
        if len(right.text.split()) > 1:  # a one-word grade ("Severe") may appear as "severe cut-off"
            assert right.text.lower() not in check.question.lower(), f"{check.id}: the prompt names its answer"


def test_nonsevere_vignette_why_names_the_one_criterion_met():
    # The right option's why says only the reticulocytes meet their cut-off: the rules must agree.
    c = model.compute(**PRESETS["non_severe_aplastic_anemia"]).criteria
    assert (c.anc, c.platelets, c.reticulocytes) == (False, False, True)


def test_duffy_question_quotes_the_preset_and_the_tables_interval():
    check = next(c for c in lesson.self_checks() if c.id == "duffy_null_anc")
    assert model.quantity(PRESETS["duffy_null_anc"]["anc"], "10^9/L") in check.question
    right = next(o for o in check.options if o.correct)
    duffy = pitfalls.interval("duffy_null_anc")
    assert f"{duffy.low:g}–{duffy.high:g}" in right.why
    assert hemaedu.lessons.content.cite(duffy.source_id) in right.why


def test_vignette_question_quotes_the_preset():
    check = next(c for c in lesson.self_checks() if c.id == "nonsevere_vignette")
    values = PRESETS["non_severe_aplastic_anemia"]
    assert f"ANC {model.quantity(values['anc'], '10^9/L')}" in check.question
    assert f"Hb {model.quantity(values['hb'], 'g/dL')}" in check.question


def test_sources_cover_every_threshold_shown():
    ids = model.source_ids()
    for threshold_id in model.lesson_threshold_ids():
        assert thresholds.get(threshold_id).source_id in ids
