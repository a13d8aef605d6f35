"""Lesson 05: the treatment-pathway rule, its app and the outcomes view.

The rule is checked against the table itself (every situation maps to exactly
one row, read independently of the rule's own parser) and against teaching
vignettes whose answer follows from the guideline, not from the code.
"""

from __future__ import annotations

import html
import itertools
import math
import random
import re

import pytest

import hemaedu
from hemaedu import pathway, thresholds
from hemaedu.data import records
from hemaedu.lessons import diagnosis_and_treatment as lesson
from hemaedu.lessons.content import cite, text
from hemaedu.lessons.diagnosis_and_treatment import model, render
from hemaedu.pathway import PathwayStep, check_partition, choose_step, pathway_runs

TABLE = hemaedu.load("treatment_pathway")
OUTCOMES = hemaedu.load("outcomes")


def _rows_covering(age: int, severity: str, donor: bool, transfused: bool) -> list[str]:
    """Independent reading of the table: which rows cover a situation (inclusive ages, 'any' wildcards)."""
    yes_no = {True: "yes", False: "no"}
    hits = []
    for r in TABLE.itertuples(index=False):
        if r.severity not in (severity, "any"):
            continue
        if not r.age_min <= age <= r.age_max:
            continue
        if r.sibling_donor not in (yes_no[donor], "any") or r.transfusion_dependent not in (yes_no[transfused], "any"):
            continue
        hits.append(r.step_id)
    return hits


@pytest.mark.parametrize("age", range(0, 101))
def test_every_situation_maps_to_exactly_one_row(age):
    for severity, donor, transfused in itertools.product(pathway.SEVERITIES, (True, False), (True, False)):
        expected = _rows_covering(age, severity, donor, transfused)
        assert len(expected) == 1, (age, severity, donor, transfused, expected)
        step = choose_step(age=age, severity=severity, sibling_donor=donor, transfusion_dependent=transfused)
        assert step.step_id == expected[0]


def test_check_partition_counts_every_combination():
    assert check_partition() == 101 * 3 * 2 * 2


@pytest.mark.parametrize(
    ("age", "severity", "donor", "transfused", "keyword"),
    [
        (25, "severe", True, True, "HSCT"),          # young, sibling donor: transplant
        (25, "very severe", True, False, "HSCT"),
        (12, "severe", True, True, "HSCT"),
        (60, "very severe", False, True, "ATG"),     # older, no donor: immunosuppression
        (60, "very severe", True, True, "ATG"),      # older: IST even with a donor
        (30, "severe", False, True, "ATG"),          # young without a donor: IST
        (45, "non-severe", False, True, "ATG"),      # transfusion-dependent non-severe: IST
        (70, "non-severe", True, False, "Observation"),
    ],
)
def test_vignettes_get_the_guideline_branch(age, severity, donor, transfused, keyword):
    step = choose_step(age=age, severity=severity, sibling_donor=donor, transfusion_dependent=transfused)
    assert keyword in step.first_line


def test_transplant_age_line_is_inclusive_at_age_max():
    line = int(TABLE.loc[TABLE.step_id == "severe_sibling_young", "age_max"].item())
    at = choose_step(age=line, severity="severe", sibling_donor=True, transfusion_dependent=True)
    above = choose_step(age=line + 1, severity="severe", sibling_donor=True, transfusion_dependent=True)
    assert "HSCT" in at.first_line and "HSCT" not in above.first_line
    # Fractional ages count in whole years: the day before the next birthday is still `line`.
    assert choose_step(age=line + 0.9, severity="severe", sibling_donor=True, transfusion_dependent=True) == at


def test_severity_enum_is_accepted():
    step = choose_step(age=30, severity=hemaedu.Severity.VERY_SEVERE, sibling_donor=True, transfusion_dependent=False)
    assert step.step_id == "very_severe_sibling_young"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(age=-1), "age must lie within"),
        (dict(age=101), "age must lie within"),
        (dict(age=float("nan")), "finite number of years"),
        (dict(age="30"), "finite number of years"),
        (dict(severity="moderate"), "severity must be one of"),
        (dict(sibling_donor="yes"), "sibling_donor must be True or False"),
        (dict(transfusion_dependent=None), "transfusion_dependent must be True or False"),
    ],
)
def test_invalid_inputs_raise(kwargs, message):
    args = dict(age=30, severity="severe", sibling_donor=True, transfusion_dependent=True) | kwargs
    with pytest.raises(ValueError, match=message):
        choose_step(**args)


def _step(step_id, severity, lo, hi, donor="any", transfused="any"):
    return dict(step_id=step_id, severity=severity, age_min=lo, age_max=hi, sibling_donor=donor,
                transfusion_dependent=transfused, first_line=step_id, rationale="r", source_id="s", notes=None)


def test_gap_and_overlap_are_reported_not_hidden():
    gap = pathway.pathway_steps([_step("a", "any", 0, 39), _step("b", "any", 41, 120)])
    with pytest.raises(ValueError, match="no treatment_pathway branch covers age 40"):
        check_partition(gap)
    overlap = pathway.pathway_steps([_step("a", "any", 0, 40), _step("b", "any", 40, 120)])
    with pytest.raises(ValueError, match=r"several .* \['a', 'b'\]; the table overlaps"):
        check_partition(overlap)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_step("x", "mild", 0, 10), "unknown grade"),
        (_step("x", "severe", 10, 5), "age_min 10 is above age_max 5"),
        (_step("x", "severe", 0, 10, donor="maybe"), "expected true, false or empty"),
        (_step("x", "severe", -3, 10), "age must be a finite number >= 0"),
    ],
)
def test_corrupt_rows_raise(row, message):
    with pytest.raises(ValueError, match=message):
        PathwayStep.from_row(row)


def test_runs_tile_every_situation_and_agree_with_the_rule():
    runs = pathway_runs()
    rng = random.Random(5)
    for run in runs:
        age = rng.randint(run.age_start, run.age_end)
        severity, donor, transfused = _parse_situation(run.situation)
        assert choose_step(age=age, severity=severity, sibling_donor=donor,
                           transfusion_dependent=transfused) == run.step
    per_situation = {}
    for run in runs:
        per_situation[run.situation] = per_situation.get(run.situation, 0) + run.age_end - run.age_start + 1
    assert len(per_situation) == 12 and set(per_situation.values()) == {101}


def _parse_situation(label: str) -> tuple[str, bool, bool]:
    severity, donor, transfused = label.split(", ")
    return severity, donor == "sibling donor", transfused == "transfusions"


# ----------------------------------------------------------------------------- the app


def t(key: str, **fields) -> str:
    return text("diagnosis_and_treatment", key, **fields)


def _finite(figure) -> None:
    for trace in figure.data:
        for key in ("x", "y", "base"):
            values = getattr(trace, key, None) or ()
            for v in values:
                if isinstance(v, float):
                    assert math.isfinite(v), (trace.name, key, v)


def _clean(sentence: str) -> None:
    assert not re.search(r"\bnan\b|\binf\b|<NA>|None|\{|\}", sentence), sentence


@pytest.fixture(scope="module")
def app():
    return lesson.pathway_explorer()


def _marker(app):
    return app.trace("case")


def test_app_interface(app):
    assert app.main_control == "age"
    assert list(app.controls) == ["age", "severity", "sibling_donor", "transfusion_dependent"]
    assert app.figure.layout.xaxis.title.text == t("pathway.x_title")


def test_every_branch_of_the_table_is_in_the_legend(app):
    # Branches come from the table through the rule: a new row shows up without a code change.
    legend = {trace.name.replace("<br>", " ") for trace in app.figure.data if trace.meta != "case"}
    reachable = {r.step.first_line for r in pathway_runs(model.steps())}
    assert legend == reachable
    assert {r["first_line"] for r in records("treatment_pathway")} >= legend


def test_age_slider_moves_the_marker_and_changes_the_branch(app):
    app.apply_preset("young_sibling")
    line = int(TABLE.loc[TABLE.step_id == "severe_sibling_young", "age_max"].item())
    figure = app.figure
    app.controls["age"].value = line
    assert _marker(app).x == (line + 0.5,)
    assert app.view.step.step_id == "severe_sibling_young"
    assert app.view.step.first_line in app.details_html.value
    app.controls["age"].value = line + 1
    assert _marker(app).x == (line + 1.5,)
    assert app.view.step.step_id == "severe_older"
    assert app.view.step.first_line in app.summary_text() and "severe_older" not in app.summary_text()
    assert cite(app.view.step.source_id) in html.unescape(app.details_html.value)  # author and year, not the key
    assert app.figure is figure  # updated in place, never re-created


def test_choices_move_the_marker_between_rows(app):
    app.apply_preset("older_no_donor")
    assert _marker(app).y == (render.situation_label(model.Situation("very severe", False, True)),)
    assert "ATG" in app.view.step.first_line
    app.controls["severity"].value = "non-severe"
    app.controls["transfusion_dependent"].value = False
    assert _marker(app).y == (render.situation_label(model.Situation("non-severe", False, False)),)
    assert app.view.step.step_id == "non_severe_not_transfusion_dependent"


@pytest.mark.parametrize("name", list(model.VIGNETTES))
def test_presets_set_the_controls_and_the_branch_with_one_redraw(app, name):
    before = app.redraws
    app.apply_preset(name)
    assert app.redraws == before + 1
    values = model.VIGNETTES[name]
    assert app.values() == values
    expected = _rows_covering(values["age"], values["severity"], values["sibling_donor"],
                              values["transfusion_dependent"])
    assert [app.view.step.step_id] == expected


def test_unknown_preset_raises(app):
    with pytest.raises(ValueError, match="unknown preset"):
        app.apply_preset("nobody")


def test_extremes_and_random_combinations_never_raise_or_show_nan(app):
    age = app.controls["age"]
    rng = random.Random(2024)
    combos = [(a, s, d, tr) for a in (age.min, age.max) for s in pathway.SEVERITIES
              for d in (True, False) for tr in (True, False)]
    combos += [(rng.randint(int(age.min), int(age.max)), rng.choice(pathway.SEVERITIES),
                rng.random() < 0.5, rng.random() < 0.5) for _ in range(200)]
    for a, severity, donor, transfused in combos:
        app.controls["age"].value = a
        app.controls["severity"].value = severity
        app.controls["sibling_donor"].value = donor
        app.controls["transfusion_dependent"].value = transfused
        assert [app.view.step.step_id] == _rows_covering(int(a), severity, donor, transfused)
        assert _marker(app).x == (float(a) + 0.5,)
        _finite(app.figure)
        _clean(app.summary_text())


#: What the notebook once printed in a pinned nbval cell, now asserted here (issue 16: no test plumbing
#: in the learner's view): each teaching vignette's branch and first-line choice, and the partition size.
VIGNETTE_BRANCHES = {
    "young_sibling": ("severe_sibling_young", "Matched sibling donor HSCT"),
    "young_no_donor": ("very_severe_no_sibling_young", "Horse ATG + cyclosporine + eltrombopag"),
    "child_no_donor": ("very_severe_no_sibling_child",
                       "Horse ATG + cyclosporine, or matched unrelated donor HSCT where available"),
    "older_no_donor": ("very_severe_older", "Horse ATG + cyclosporine + eltrombopag"),
    "non_severe_transfused": ("non_severe_transfusion_dependent",
                              "Immunosuppression: horse ATG + cyclosporine (cyclosporine alone if ATG unsuitable)"),
    "non_severe_stable": ("non_severe_not_transfusion_dependent", "Observation with supportive care"),
}


def test_vignettes_get_the_branches_the_notebook_once_pinned():
    assert set(VIGNETTE_BRANCHES) == set(model.VIGNETTES)
    for name, (step_id, first_line) in VIGNETTE_BRANCHES.items():
        step = choose_step(**model.VIGNETTES[name])
        assert (step.step_id, step.first_line) == (step_id, first_line), name
        assert [step_id] == _rows_covering(**{k: v for k, v in zip(
            ("age", "severity", "donor", "transfused"), model.VIGNETTES[name].values(), strict=True)})
    assert lesson.check_partition() == 1212  # 101 ages x 3 grades x donor x transfusions


def test_no_internal_id_reaches_the_page():
    # Branch ids, source keys and preset ids are for code; learners read words and "Author et al. year".
    app = lesson.pathway_explorer()
    step_ids = {s.step_id for s in model.steps()}
    source_keys = set(model.source_ids())
    hidden = step_ids | source_keys | set(model.VIGNETTES)
    hovers = [h for trace in app.figure.data if trace.meta != "case" for h in trace.hovertext]
    for name in model.VIGNETTES:
        app.apply_preset(name)
        page = app.summary_text() + app.details_html.value
        assert not {i for i in hidden if re.search(rf"\b{re.escape(i)}\b", page)}, name
    assert not {i for i in hidden for h in hovers if re.search(rf"\b{re.escape(i)}\b", h)}
    shown = lesson.transfusion_thresholds().data + lesson.workup_list().data + lesson.classification_table().data
    assert not {i for i in source_keys if re.search(rf"\b{re.escape(i)}\b", shown)}


def test_conditions_in_words_agree_with_the_core_wording():
    # English content must say what the rule's own description says.
    for step in model.steps():
        assert render.conditions(step) == step.conditions()


def test_lesson_check_partition_reads_the_table_without_pandas():
    assert lesson.check_partition() == check_partition()


# ----------------------------------------------------------------------------- outcomes and tables


def _chart_rows(chart) -> list[dict]:
    return [r for r in records("outcomes") if (r["topic"], r["measure"], float(r["timepoint_years"]))
            == (chart.topic, chart.measure, chart.timepoint_years)]


def test_outcomes_app_shows_every_row_of_the_table_once():
    app = lesson.outcomes_explorer()
    shown = []
    for chart in model.charts():
        app.controls["chart"].value = chart
        bars = app.trace("outcomes")
        rows = _chart_rows(chart)
        assert sorted(bars.x) == sorted(float(r["value_percent"]) for r in rows)
        shown += [r["outcome_id"] for r in app.view.rows]
        assert all(0 <= v <= 100 for v in bars.x)
        assert app.figure.layout.title.text == render.chart_title(app.view)
        _finite(app.figure)
        _clean(app.summary_text())
    assert sorted(shown) == sorted(OUTCOMES.outcome_id)


def test_no_chart_puts_two_outcome_kinds_on_one_axis():
    # Issue 13: 6-month response and 5-year survival once shared an axis.
    app = lesson.outcomes_explorer()
    for chart in model.charts():
        app.controls["chart"].value = chart
        kinds = {(r["measure"], float(r["timepoint_years"])) for r in app.view.rows}
        assert len(kinds) == 1, (chart, kinds)
        axis = app.figure.layout.xaxis.title.text.replace("<br>", " ")  # wrapped to fit a phone
        assert axis == render.x_title(app.view)
        assert render.when(chart.timepoint_years) in axis
    # The response predictors are two charts now: response at 6 months, survival at 5 years.
    predictors = [c for c in model.charts() if c.topic == "response predictors"]
    assert {(c.measure, c.timepoint_years) for c in predictors} == {("response", 0.5), ("overall survival", 5.0)}
    assert render.when(0.5) == "at 6 months" and render.when(5) == "at 5 years" and render.when(1) == "at 1 year"


def test_each_bar_names_its_study_and_studies_never_share_a_colour():
    app = lesson.outcomes_explorer()
    for chart in model.charts():
        app.controls["chart"].value = chart
        bars = app.trace("outcomes")
        studies = app.view.studies
        labels = [y.replace("<br>", " ") for y in bars.y]  # wrapped to fit a phone
        for row, label, hover, colour in zip(app.view.rows, labels, bars.hovertext, bars.marker.color, strict=True):
            study = cite(row["source_id"])
            assert study in hover
            assert study in (label if len(studies) > 1 else app.figure.layout.title.text), (chart, label)
            assert row["source_id"] not in label + hover + app.figure.layout.title.text  # never the raw key
            first = [r["source_id"] for r in app.view.rows].index(row["source_id"])
            assert colour == bars.marker.color[first]  # one colour per study
        by_study = {r["source_id"]: c for r, c in zip(app.view.rows, bars.marker.color, strict=True)}
        assert len(set(by_study.values())) == len(studies)


def test_overlapping_age_groups_of_two_studies_are_told_apart():
    app = lesson.outcomes_explorer()
    survival = next(c for c in model.charts() if c.topic == "survival by age")
    app.controls["chart"].value = survival
    sixty = [y.replace("<br>", " ") for y in app.trace("outcomes").y if "60 y and over" in y.replace("<br>", " ")]
    sweden = OUTCOMES.loc[OUTCOMES.outcome_id == "sweden_os_60plus"].iloc[0]
    spain = OUTCOMES.loc[OUTCOMES.outcome_id == "imas_os_60plus"].iloc[0]
    assert sixty == [f"{sweden.group} · {cite(sweden.source_id)}", f"{spain.group} · {cite(spain.source_id)}"]
    assert f"{sweden.value_percent:g}%" in app.summary_text() and f"{spain.value_percent:g}%" in app.summary_text()
    assert "compare groups within one study" in app.details_html.value
    # A study's bars stay together: Sweden's four, then Spain's two.
    assert [r["source_id"] for r in app.view.rows] == ["vaht2017"] * 4 + ["vallejo2024"] * 2


def test_outcomes_reject_an_unknown_chart():
    with pytest.raises(ValueError, match="no outcome rows for"):
        model.compute_outcomes(model.OutcomeChart("cure", "overall survival", 5.0))
    with pytest.raises(ValueError, match="chart must be an OutcomeChart"):
        model.compute_outcomes("survival by age")


def test_transfusion_table_lists_the_aabb_thresholds():
    shown = lesson.transfusion_thresholds().data
    aabb = [r for r in records("thresholds") if r["scheme"].startswith("AABB")]
    assert len(aabb) >= 2
    for r in aabb:
        cutoff = f"{thresholds.COMPARISON_SYMBOLS[r['comparator']]} {thresholds.format_value(r['threshold_id'])}"
        assert f"<td>{html.escape(cutoff)}</td>" in shown


def test_self_checks_follow_the_pathway():
    checks = lesson.self_checks()
    first = next(q for q in checks if q.id == "young_sibling_first_line")
    young = choose_step(**model.VIGNETTES["young_sibling"])
    right = next(o for o in first.options if o.correct)
    assert right.text == young.first_line and right.why == young.rationale
    assert first.answer(right.text) is True and young.rationale in first.feedback.value
    platelets = next(q for q in checks if q.id == "prophylactic_platelets")
    assert thresholds.format_value("aabb_prophylactic") in platelets.question


def test_lesson_sources_resolve():
    sources = set(model.source_ids())
    assert {s.source_id for s in model.steps()} <= sources
    assert set(OUTCOMES.source_id) <= sources
    assert lesson.references().data.count("\n- ") + 1 == len(sources)


def test_rule_module_stays_light():
    import subprocess
    import sys

    code = "import hemaedu.pathway, sys; print(any(m in sys.modules for m in ('plotly', 'ipywidgets')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ----------------------------------------------------------------------------- the work-up exercise

WORKUP = records("workup")


def test_every_question_has_its_test_and_every_other_test_is_wrong():
    quiz = lesson.workup_quiz()
    for number, asked in enumerate(WORKUP, start=1):
        quiz.controls["question"].value = number
        assert asked["question"] in quiz.summary_text()
        wrong = next(r for r in WORKUP if r["test_id"] != asked["test_id"])
        assert quiz.answer(wrong["test_id"]) is False
        page = html.unescape(quiz.details_html.value)
        assert wrong["question"] in page  # says what the wrongly chosen test answers instead
        assert asked["test"] in page and cite(asked["source_id"]) in page
        assert asked["source_id"] not in page + quiz.summary_text()  # cited by author and year, never by key
        assert quiz.answer(asked["test_id"]) is True
        assert asked["test"] in quiz.summary_text()
    assert f"{len(WORKUP)} of {len(WORKUP)}" in quiz.summary_text()


def test_answers_are_not_found_by_position():
    choice = lesson.workup_quiz().controls["test"]
    options = list(model.workup_options())
    assert list(choice._labels) == [render.workup_option_label(i) for i in options] and len(options) == len(WORKUP)
    same_place = sum(row["test_id"] == option for row, option in zip(WORKUP, options, strict=True))
    assert same_place <= len(WORKUP) // 5, same_place


def test_feedback_is_cleared_when_the_question_or_the_choice_changes():
    quiz = lesson.workup_quiz()
    assert quiz._submit() is None and "Pick a test first" in quiz.status.value
    quiz.answer("b12_folate")
    assert "Not this one" in quiz.summary_text()
    quiz.controls["test"].value = "fbc_reticulocytes"  # a new choice, not yet checked
    assert "Not this one" not in quiz.summary_text() and "Right" not in quiz.summary_text()
    assert quiz._submit() is True
    quiz.next_question()
    assert quiz.controls["question"].value == 2 and quiz.controls["test"].value is None
    assert WORKUP[1]["question"] in quiz.summary_text()
    assert "&#10003;" in quiz.details_html.value and WORKUP[0]["test"] in quiz.details_html.value  # the checklist
    quiz.controls["question"].value = len(WORKUP)
    quiz.next_question()
    assert quiz.controls["question"].value == 1  # wraps round


def test_workup_model_rejects_bad_input():
    with pytest.raises(ValueError, match="question number must be a whole number from 1 to"):
        model.compute_workup(0)
    with pytest.raises(ValueError, match="checked must be a test_id of the workup table"):
        model.compute_workup(1, "x_ray")


def test_workup_list_shows_every_test_with_its_question():
    shown = lesson.workup_list().data
    for r in WORKUP:
        assert f"<td>{html.escape(r['test'])}</td><td>{html.escape(r['question'])}</td>" in shown


# ----------------------------------------------------------------------------- acute/chronic beside Camitta

CLASSES = {r["class_id"]: r for r in records("aa_classification")}


@pytest.mark.parametrize(
    ("preset", "camitta", "chinese", "agree"),
    [
        ("rapid_severe", "camitta_severe", "cn_acute", True),
        ("slow_severe", "camitta_severe", "cn_saa2", True),
        ("retic_between", "camitta_severe", "cn_chronic", False),
        ("slow_mild", "camitta_non_severe", "cn_chronic", True),
        ("very_severe", "camitta_very_severe", "cn_acute", True),
    ],
)
def test_classification_presets_show_both_systems_side_by_side(preset, camitta, chinese, agree):
    app = lesson.classification_explorer()
    app.apply_preset(preset)
    page = html.unescape(app.details_html.value)
    summary = app.summary_text()
    assert CLASSES[camitta]["class_name"] in summary and CLASSES[chinese]["class_name"] in summary
    assert ("systems agree here" in summary) is agree and ("disagree here" in summary) is not agree
    for r in (CLASSES[camitta], CLASSES[chinese]):
        assert r["treatment_focus"] in page and cite(r["source_id"]) in page and r["source_id"] not in page
    # The Chinese class maps onto the Camitta grade exactly when the app says they agree.
    grades = {g.strip() for g in CLASSES[chinese]["camitta_grades"].split(";")}
    assert (str(app.view.camitta.severity) in grades) is agree


def test_classification_says_where_the_systems_disagree():
    app = lesson.classification_explorer()
    app.apply_preset("retic_between")
    page = html.unescape(app.details_html.value)
    assert "Why they disagree" in page
    assert thresholds.format_value("camitta_retic_automated") in page
    app.apply_preset("slow_severe")
    assert "severe type II" in html.unescape(app.details_html.value)
    app.controls["onset"].value = "rapid"  # the same counts after a rapid onset: acute, and the grade does not move
    assert app.view.chinese.class_id == "cn_acute" and str(app.view.camitta.severity) == "severe"


def test_classification_table_maps_every_class_onto_camitta_grades():
    shown = lesson.classification_table().data
    for r in CLASSES.values():
        assert html.escape(r["class_name"]) in shown and html.escape(cite(r["source_id"])) in shown


def test_child_preset_gets_the_childrens_branch_with_the_trials_evidence():
    app = lesson.pathway_explorer()
    app.apply_preset("child_no_donor")
    step = app.view.step
    assert app.values()["age"] < 18 and "eltrombopag" not in step.first_line.lower()
    assert "unrelated donor" in step.first_line
    overall = {r["arm_id"]: round(100 * r["responders"] / r["n"]) for r in records("ist_response")
               if r["source_id"] == "children_eltrombopag_rct2023" and r["response_type"] == "overall"}
    with_epag, without = overall["children2023_hatg_csa_epag"], overall["children2023_hatg_csa"]
    assert with_epag > without  # more responses with eltrombopag, but the branch explains why it is still left out
    assert f"{with_epag}% vs {without}%" in html.unescape(app.details_html.value)
    assert "raised complete but not overall response" in html.unescape(app.details_html.value)


def test_sibling_transplant_largely_avoids_late_risks_and_says_at_what_price():
    app = lesson.pathway_explorer()
    app.apply_preset("young_sibling")
    shown = html.unescape(app.details_html.value)
    assert "largely avoids the relapse and clonal evolution" in shown
    assert all(word in shown for word in ("graft failure", "graft-versus-host disease", "late effects"))
    import json
    from pathlib import Path

    notebook = Path(__file__).parents[1] / "notebooks" / "05_diagnosis_and_treatment.ipynb"
    prose = "".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    assert "largely avoids" in prose and "removes the" not in prose


def test_self_checks_teach_rather_than_give_the_answer_away():
    checks = lesson.self_checks()
    positions = [next(i for i, o in enumerate(q.options) if o.correct) for q in checks]
    assert len(set(positions)) > 1, positions  # the right option is not always in the same place
    for q in checks:
        whys = [o.why for o in q.options]
        assert len(set(whys)) == len(whys), q.id  # each option says why *it* is right or wrong
        right = next(o for o in q.options if o.correct)
        assert right.text.lower() not in q.question.lower(), q.id  # the prompt never names its answer
    child = next(q for q in checks if q.id == "child_no_donor_first_line")
    step = choose_step(**model.VIGNETTES["child_no_donor"])
    assert next(o for o in child.options if o.correct).text == step.first_line
    assert not any("eltrombopag" in o.text and o.correct for o in child.options)
