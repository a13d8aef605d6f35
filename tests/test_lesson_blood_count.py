"""Lesson 00 and 01: the course map and the blood-count explorer.

The explorer is checked against the rules and the tables, never against numbers
typed here: a preset's grade comes from hemaedu.severity, a band's edge from the
thresholds table, a converted slider from hemaedu.convert.
"""

from __future__ import annotations

import math
import random
import re

import pytest

import hemaedu
from hemaedu import _thresholds
from hemaedu.figures.blood_count import MAX_POSITION, MIN_POSITION, TRACE_INDEX, relative_position
from hemaedu.widgets import blood_count as bc

# ----------------------------------------------------------------------------- presets

# What each illustrative vignette must show. Written as teaching expectations
# (which lineages fall, the grade); the test checks the rules agree.
EXPECTED = {
    "normal": (set(), False, None),
    "iron-deficiency-like anemia": ({"anemia"}, False, None),
    "isolated thrombocytopenia": ({"thrombocytopenia"}, False, None),
    "hypersplenism": ({"anemia", "leukopenia", "thrombocytopenia"}, True, None),
    "non-severe aplastic anemia": ({"anemia", "leukopenia", "neutropenia", "thrombocytopenia"}, True, "non-severe"),
    "severe aplastic anemia": ({"anemia", "leukopenia", "neutropenia", "thrombocytopenia"}, True, "severe"),
    "very severe aplastic anemia": ({"anemia", "leukopenia", "neutropenia", "thrombocytopenia"}, True,
                                    "very severe"),
}


def test_every_preset_has_an_expectation():
    assert set(bc.PRESETS) == set(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_preset_gives_the_expected_cytopenias_and_grade(name):
    values = bc.PRESETS[name]
    lineages, pancytopenia, grade = EXPECTED[name]
    result = bc.compute(**values)
    assert set(result.cytopenias) == lineages
    assert result.pancytopenia is pancytopenia
    # Same answer straight from the public rules.
    rule_kw = {k: values[k] for k in ("hb", "wbc", "anc", "platelets", "sex")}
    assert hemaedu.cytopenias(**rule_kw) == result.cytopenias
    assert hemaedu.is_pancytopenia(**rule_kw) is pancytopenia
    rule_grade = hemaedu.severity(anc=values["anc"], platelets=values["platelets"],
                                  reticulocytes=values["reticulocytes"], cellularity=values["cellularity"])
    assert result.grade == rule_grade
    if grade is None:  # not aplastic anemia: the marrow is full, grading does not apply
        assert not result.grade_applies
        assert result.grade_label.startswith("not applicable")
    else:
        assert result.grade_applies and result.grade_label == grade
    assert values["anc"] <= values["wbc"], "a preset must keep ANC <= WBC"


def test_presets_are_on_the_slider_grid():
    app = bc.BloodCountExplorer()
    for name, values in bc.PRESETS.items():
        app.apply_preset(name)
        for key, slider in app.sliders.items():
            assert slider.value == pytest.approx(values[key]), (name, key)


def test_preset_report_pins_the_very_severe_vignette():
    line = bc.preset_report("very severe aplastic anemia")
    assert line.endswith("grade = very severe")
    assert "pancytopenia = yes" in line and "blood criteria met = 3 of 3" in line


def test_unknown_preset_is_refused():
    app = bc.BloodCountExplorer()
    with pytest.raises(ValueError, match="unknown preset 'aplastic'"):
        app.apply_preset("aplastic")
    with pytest.raises(ValueError, match="unknown preset"):
        bc.blood_count_explorer("nope")


# ----------------------------------------------------------------------------- compute


def test_moderate_neutropenia_and_bleeding_bands_follow_the_thresholds_table():
    anc_mod = _thresholds.threshold("neutropenia_moderate_upper")
    plt_spont = _thresholds.threshold("platelets_bleeding_spontaneous")
    hb_severe = _thresholds.threshold("who_anemia_severe")
    base = dict(bc.PRESETS["severe aplastic anemia"])
    just_below = dict(base, anc=anc_mod - 0.05, wbc=2.0, platelets=plt_spont - 1, hb=hb_severe - 0.1)
    r = bc.compute(**just_below)
    assert r.neutropenia_band == "moderate neutropenia"
    assert r.bleeding_band.startswith("spontaneous bleeding possible by one source")
    assert r.anemia_band == "severe anemia"
    serious = _thresholds.threshold("platelets_bleeding_serious")
    life = _thresholds.threshold("platelets_bleeding_life_threatening")
    assert bc.compute(**dict(just_below, platelets=serious - 1)).bleeding_band == "spontaneous bleeding can occur"
    assert bc.compute(**dict(just_below, platelets=life - 1)).bleeding_band.startswith("risk of severe")
    at = dict(just_below, anc=anc_mod, platelets=plt_spont, hb=hb_severe)
    r = bc.compute(**at)
    assert r.neutropenia_band == "mild neutropenia"
    assert r.bleeding_band == "bleeding with injury or surgery"
    assert r.anemia_band == "moderate anemia"


def test_normal_count_has_no_bands():
    r = bc.compute(**bc.PRESETS["normal"])
    assert (r.anemia_band, r.neutropenia_band, r.bleeding_band) == (None, None, None)
    assert "no anemia" in r.details_html


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
        r = bc.compute(**values)
        for row in r.rows:
            if row.key in lineage:
                assert (row.status == "low") == (lineage[row.key] in r.cytopenias), (row, values)


def test_anc_above_wbc_shows_a_note_and_reads_anc_as_wbc():
    values = dict(bc.PRESETS["normal"], wbc=2.0, anc=3.0)
    r = bc.compute(**values)
    assert r.anc_capped and "cannot happen" in r.details_html
    same = bc.compute(**dict(values, anc=2.0))
    assert r.cytopenias == same.cytopenias and r.criteria == same.criteria
    assert not same.anc_capped and "cannot happen" not in same.details_html


def test_marrow_between_the_two_cellularity_cutoffs_explains_residual_cells():
    mid = (_thresholds.threshold("camitta_cellularity") + _thresholds.threshold("camitta_cellularity_partial")) / 2
    r = bc.compute(**dict(bc.PRESETS["very severe aplastic anemia"], cellularity=mid))
    assert not r.grade_applies
    assert "residual hematopoietic cells decide" in r.details_html


def test_details_render_the_camitta_cutoffs_in_the_chosen_unit():
    r = bc.compute(**bc.PRESETS["severe aplastic anemia"], count_unit="/uL", hb_unit="g/L")
    anc = hemaedu.convert(_thresholds.threshold("camitta_anc"), "10^9/L", "/uL")
    platelets = hemaedu.convert(_thresholds.threshold("camitta_platelets"), "10^9/L", "/uL")
    assert f"&lt; {anc:,.0f} /µL" in r.details_html
    assert f"&lt; {platelets:,.0f} /µL" in r.details_html
    assert "<th scope='col'>Criterion</th>" in r.details_html  # a table with headers
    hb_row = r.rows[0]
    assert hb_row.unit == "g/L"
    assert hb_row.low == pytest.approx(10 * _thresholds.threshold("anemia_hb_male"))


def test_reference_limits_of_other_sources_are_marked():
    # Where the tables give more than one limit for a measure, every extra one is drawn.
    table = hemaedu.load("reference_ranges")
    r = bc.compute(**bc.PRESETS["normal"])
    for row in r.rows:
        sub = table[(table.measure == row.key) & table.sex.isin(["any", "female"])]
        limits = {("lower", v) for v in sub.low.dropna()} | {("upper", v) for v in sub.high.dropna()}
        drawn = 1 + (row.high is not None) + len(row.other_limits)
        assert drawn == len(limits), row.key


def test_relative_position_edges():
    assert relative_position(0, 150) == MIN_POSITION
    assert relative_position(1e6, 150) == MAX_POSITION
    with pytest.raises(ValueError, match="lower limit > 0"):
        relative_position(10, 0)


# ----------------------------------------------------------------------------- the app


@pytest.fixture(scope="module")
def app():
    return bc.BloodCountExplorer()


def _point(app, key):
    """(trace name, x) of the value point of row ``key``."""
    n = len(bc.ROWS)
    y = float(n - 1 - bc.ROWS.index(key))
    for status in ("normal", "low", "high"):
        trace = app.figure.data[TRACE_INDEX[status]]
        for x, yy in zip(trace.x or (), trace.y or ()):
            if yy == y:
                return status, x
    raise AssertionError(f"no point for {key}")


def test_interface_for_browser_tests_and_benchmark(app):
    assert app.main_slider is app.sliders["platelets"]
    assert set(app.sliders) == set(bc.MEASURES)
    assert "hemaedu-app-blood-count" in app.container._dom_classes
    assert app.controls[0] is app.sex and app.main_slider in app.controls
    assert set(app.presets) == set(bc.PRESETS)
    layout = app.figure.layout
    assert layout.title.text and "%" in layout.xaxis.title.text


def test_moving_the_platelet_slider_moves_its_point_as_the_rules_predict(app):
    app.apply_preset("normal")
    low_limit = _thresholds.threshold("thrombocytopenia_platelets")
    app.main_slider.value = 30
    assert _point(app, "platelets") == ("low", pytest.approx(100 * 30 / low_limit))
    assert "thrombocytopenia" in app.result.cytopenias
    assert "thrombocytopenia" in app.summary_text() and "Platelets" in app.summary_text()
    app.main_slider.value = 300
    assert _point(app, "platelets") == ("normal", pytest.approx(100 * 300 / low_limit))
    assert "Low lineages: none" in app.summary_text()


def test_preset_click_updates_figure_and_text(app):
    app.preset_buttons["very severe aplastic anemia"].click()
    assert app.result.grade_label == "very severe"
    assert "very severe" in app.summary_text()
    status, x = _point(app, "anc")
    assert status == "low"
    assert x == pytest.approx(100 * bc.PRESETS["very severe aplastic anemia"]["anc"]
                              / _thresholds.threshold("neutropenia_anc"))
    app.preset_buttons["normal"].click()
    assert app.result.cytopenias == frozenset()


def test_sex_switch_moves_the_hemoglobin_band(app):
    app.apply_preset("normal")
    before = list(app.figure.data[TRACE_INDEX["band"]].x)
    app.sex.value = "male" if app.sex.value == "female" else "female"
    hb = app.result.rows[0]
    assert hb.low == pytest.approx(_thresholds.threshold(f"anemia_hb_{app.sex.value}"))
    # The Hb band's right edge (upper limit as % of the lower limit) is sex-specific in the table.
    assert list(app.figure.data[TRACE_INDEX["band"]].x) != before
    assert app.figure.data[TRACE_INDEX["band"]].x[1] == pytest.approx(hb.band_end)
    app.apply_preset("normal")


@pytest.mark.parametrize("count_unit,hb_unit", [("/uL", "g/L"), ("/uL", "g/dL"), ("10^9/L", "g/L")])
def test_unit_switch_keeps_the_setting_and_the_grid(count_unit, hb_unit):
    app = bc.BloodCountExplorer("severe aplastic anemia")
    before = app.values()
    summary = app.summary_text()
    app.count_unit.value = count_unit
    app.hb_unit.value = hb_unit
    after = app.values()
    for key in before:
        assert after[key] == pytest.approx(before[key]), key
    for key, slider in app.sliders.items():
        kind = bc.MEASURES[key][1]
        unit = {"hb": hb_unit, "count": count_unit, "percent": "%"}[kind]
        lo, hi, step, _fmt = bc._GRID[key]
        if kind != "percent":
            assert slider.max == pytest.approx(hemaedu.convert(hi, bc.CANONICAL[kind], unit))
            assert slider.step == pytest.approx(hemaedu.convert(step, bc.CANONICAL[kind], unit))
        k = (slider.value - slider.min) / slider.step
        assert abs(k - round(k)) < 1e-6, (key, slider.value)
    assert app.summary_text() == summary  # same count, same interpretation
    # and back again, with no drift
    app.count_unit.value = "10^9/L"
    app.hb_unit.value = "g/dL"
    back = app.values()
    for key in before:
        assert back[key] == pytest.approx(before[key]), key


def test_unit_switch_then_slider_move_uses_the_new_unit():
    app = bc.BloodCountExplorer("normal")
    app.count_unit.value = "/uL"
    assert app.main_slider.unit == "/µL"
    app.main_slider.value = 45_000
    assert app.values()["platelets"] == pytest.approx(45)
    assert "thrombocytopenia" in app.result.cytopenias
    assert any("/µL" in t for t in app.figure.data[TRACE_INDEX["text"]].text)
    assert "(/µL)" in app.figure.layout.yaxis.ticktext[3]


def _all_finite(app):
    for trace in app.figure.data:
        for prop in ("x", "y"):
            for v in trace[prop] or ():
                assert v is None or math.isfinite(v), (trace.name, prop, v)
    for text in (app.summary.value, app.extra.value):
        assert not re.search(r"\b(nan|inf)\b", text, re.I), text


def test_every_control_at_its_extremes_never_breaks():
    app = bc.BloodCountExplorer("normal")
    for unit in ("10^9/L", "/uL"):
        app.count_unit.value = unit
        for key, slider in app.sliders.items():
            for v in (slider.min, slider.max, slider.min):
                slider.value = v
                _all_finite(app)
        for name in bc.PRESETS:
            app.apply_preset(name)
            _all_finite(app)


def test_random_combinations_never_break():
    rng = random.Random(2024)
    app = bc.BloodCountExplorer("normal")
    for _ in range(200):
        if rng.random() < 0.1:
            app.count_unit.value = rng.choice(["10^9/L", "/uL"])
        if rng.random() < 0.1:
            app.hb_unit.value = rng.choice(["g/dL", "g/L"])
        if rng.random() < 0.2:
            app.sex.value = rng.choice(["female", "male"])
        key = rng.choice(list(app.sliders))
        slider = app.sliders[key]
        slider.value = rng.uniform(slider.min, slider.max)
        _all_finite(app)
        # The figure always shows what compute() says for the current setting.
        expected = bc.compute(**app.values(), hb_unit=app.hb_unit.value, count_unit=app.count_unit.value)
        assert app.summary_text() == expected.summary


# ----------------------------------------------------------------------------- narrative helpers


def test_camitta_markdown_renders_every_cutoff_from_the_table():
    text = bc.camitta_criteria_markdown()
    for threshold_id in ("camitta_cellularity", "camitta_cellularity_partial", "camitta_residual", "camitta_anc",
                         "camitta_platelets", "camitta_retic_automated", "camitta_retic_manual",
                         "camitta_anc_very_severe"):
        value = _thresholds.threshold(threshold_id)
        assert f"< {value:g}" in text, threshold_id


def test_cytopenia_definitions_render_from_the_table():
    text = bc.cytopenia_definitions_markdown()
    for threshold_id in ("anemia_hb_male", "anemia_hb_female", "leukopenia_wbc", "neutropenia_anc",
                         "thrombocytopenia_platelets"):
        assert f"< {_thresholds.threshold(threshold_id):g}" in text, threshold_id


@pytest.mark.parametrize("module", [bc])
def test_self_checks_have_one_right_answer_and_feedback_only_after_answering(module):
    checks = module.self_checks()
    assert len(checks) >= 2
    for check in checks:
        assert check.feedback.value == ""
        right = next(o for o in check.options if o.correct)
        wrong = next(o for o in check.options if not o.correct)
        assert check.answer(wrong.label) is False and "Not quite" in check.feedback.value
        assert check.answer(right.label) is True and "Correct" in check.feedback.value


def test_severe_vignette_self_check_agrees_with_the_rules():
    check = bc.self_checks()[2]
    right = next(o for o in check.options if o.correct)
    assert right.label.lower() == str(bc.compute(**bc.PRESETS["severe aplastic anemia"]).grade)


@pytest.mark.parametrize("name", list(bc.PRESETS))
def test_vignette_question_answer_is_the_rules_grade(name):
    check = bc._vignette_check(name)
    result = bc.compute(**bc.PRESETS[name])
    right = next(o for o in check.options if o.correct)
    if result.grade_applies:
        assert right.label.lower() == str(result.grade)
    else:
        assert right.label.startswith("Cannot be graded")
    values = bc.PRESETS[name]
    assert f"ANC {values['anc']:g} ×10⁹/L" in check.question

# Lesson 00's tests: tests/test_lesson_start_here.py (hemaedu.lessons.start_here, issue 10).
