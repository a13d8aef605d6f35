"""Lesson 04 (response to immunosuppression): forest chart, cohort simulator, NIH response explorer.

Facts are stated as relations to the data tables, the rules and independent calculations
(scipy's binomial distribution), never as published numbers: those are pinned once, in
tests/test_data_facts.py. Traces are found by their id (``meta``) or name, never by position.
"""

from __future__ import annotations

import itertools
import math
import random
import re
import subprocess
import sys

import pytest
from scipy import stats

import hemaedu
from hemaedu import thresholds
from hemaedu.data import records
from hemaedu.lessons import ist_response as ist
from hemaedu.lessons import lesson
from hemaedu.lessons.content import get, text
from hemaedu.lessons.ist_response import model, simulation

TABLE = records("ist_response")
LESSON = lesson("ist_response")


def t(key: str, **fields) -> str:
    return text("ist_response", key, **fields)


def _finite_everywhere(figure) -> None:
    """No NaN or inf in any numeric value of any trace."""
    for trace in figure.data:
        for key in ("x", "y", "width"):
            values = getattr(trace, key, None)
            if values is None:
                continue
            for v in values if isinstance(values, (list, tuple)) else [values]:
                if isinstance(v, float):
                    assert math.isfinite(v), (trace.name, key, v)


def _no_nan_text(sentence: str) -> None:
    assert not re.search(r"\bnan\b|\binf\b|\{|\}", sentence, re.I), sentence


# --------------------------------------------------------------------------- arms and intervals


def test_every_table_row_becomes_an_arm_with_its_wilson_interval():
    arms = model.arms()
    assert len(arms) == len(TABLE)
    for arm, row in zip(arms, TABLE, strict=True):
        low, high = hemaedu.wilson_interval(row["responders"], row["n"])
        assert (arm.arm_id, arm.n, arm.responders) == (row["arm_id"], row["n"], row["responders"])
        assert arm.low == pytest.approx(100 * low) and arm.high == pytest.approx(100 * high)
        assert arm.low <= arm.percent <= arm.high
        assert arm.randomized is row["randomized"]


def test_wilson_intervals_land_near_the_published_intervals_the_notes_quote():
    # Where a row's notes quote the paper's 95% CI, the Wilson interval of the (derived)
    # count must land within a few points of it: a wrong count would not.
    quoted = 0
    for arm in model.arms():
        match = re.search(r"95% CI (\d+)-(\d+)", arm.notes)
        if match:
            quoted += 1
            assert abs(arm.low - int(match[1])) < 2.5 and abs(arm.high - int(match[2])) < 2.5, arm.arm_id
    assert quoted >= 2


def test_arm_interval_is_the_table_row_as_a_sentence():
    row = next(r for r in TABLE if r["randomized"] and r["response_type"] == "overall")
    sentence = ist.arm_interval(row["arm_id"], timepoint=row["timepoint_months"])
    assert f"{row['responders']}/{row['n']} = {round(100 * row['responders'] / row['n'])}%" in sentence


def test_a_missing_row_is_named():
    arm_id = TABLE[0]["arm_id"]
    with pytest.raises(ValueError, match=rf"arm '{arm_id}' has no complete response at 99 months"):
        ist.arm_interval(arm_id, timepoint=99, response_type="complete")


def test_every_row_of_a_chart_has_its_own_label():
    # The NIH cohorts share study, regimen and visit: their labels must still differ.
    app = ist.ist_forest()
    for response_type, months in itertools.product(("overall", "complete"), model.timepoints()):
        app.controls["response_type"].value, app.controls["timepoint"].value = response_type, months
        labels = [label for tid in ("randomized", "single_arm") for label in app.trace(tid).y]
        assert len(labels) == len(set(labels)) == len(app.view.rows)


# --------------------------------------------------------------------------- forest


def test_forest_rows_are_exactly_the_table_rows_for_the_choice():
    for response_type, months in itertools.product(("overall", "complete"), model.timepoints()):
        view = model.compute_forest(model.arms(), response_type=response_type, timepoint=months)
        expected = [r for r in TABLE if r["response_type"] == response_type and r["timepoint_months"] == months]
        assert sorted(r.arm.arm_id for r in view.rows) == sorted(r["arm_id"] for r in expected)
        assert view.n_randomized == sum(r["randomized"] for r in expected)


def test_randomized_and_single_arm_rows_use_different_shapes_and_legends():
    app = ist.ist_forest()
    squares, circles = app.trace("randomized"), app.trace("single_arm")
    assert squares.marker.symbol != circles.marker.symbol
    assert squares.name == t("forest.randomized_legend") and circles.name == t("forest.single_arm_legend")
    shown = [r for r in TABLE if r["timepoint_months"] == model.USUAL_VISIT and r["response_type"] == "overall"]
    assert len(squares.y) == sum(r["randomized"] for r in shown)
    assert len(circles.y) == sum(not r["randomized"] for r in shown)
    tag = f"[{t('evidence_tag.randomized')}]"
    assert all(tag in label for label in squares.y) and not any(tag in label for label in circles.y)
    assert app.figure.layout.xaxis.title.text == t("forest.x_title")


def test_each_point_and_interval_is_its_table_row():
    app = ist.ist_forest()
    squares, lines = app.trace("randomized"), app.trace("intervals")
    arms = [r.arm for r in app.view.rows if r.arm.randomized]  # the squares, in chart order
    for label, x, arm in zip(squares.y, squares.x, arms, strict=True):
        row = next(r for r in TABLE if (r["arm_id"], r["timepoint_months"], r["response_type"])
                   == (arm.arm_id, arm.timepoint, arm.response_type))
        assert f"n={row['n']}" in label
        assert x == pytest.approx(100 * row["responders"] / row["n"])
        low, high = hemaedu.wilson_interval(row["responders"], row["n"])
        j = list(lines.y).index(label)
        assert lines.x[j] == pytest.approx(100 * low) and lines.x[j + 1] == pytest.approx(100 * high)


def test_highlighting_marks_and_dims_rows_and_explains_the_comparison():
    app = ist.ist_forest()
    app.controls["highlight"].value = "horse_vs_rabbit"
    mark = t("arm.highlighted", label="")
    squares = app.trace("randomized")
    for label, opacity in zip(squares.y, squares.marker.opacity, strict=True):
        assert (opacity == 1.0) == label.startswith(mark)
    lit = [r.arm for r in app.view.rows if r.highlighted]
    assert lit and all("horse_vs_rabbit" in a.comparisons for a in lit)
    title = t("comparison.horse_vs_rabbit.title")
    assert t("forest.summary_highlight", title=title, rows=len(lit)) in app.summary_text()
    # The note gives each randomized pair's difference, computed from the table.
    pair = [a for a in lit if a.randomized]
    assert len(pair) == 2
    diff = round(pair[1].percent - pair[0].percent)
    assert f"{diff:+d} percentage points" in app.details_html.value
    assert t("comparison.horse_vs_rabbit.why").split(",")[0] in app.details_html.value
    assert '<th scope="col">' in app.details_html.value


def test_the_eltrombopag_note_puts_each_randomized_trial_beside_the_single_arm_cohorts():
    app = ist.ist_forest()
    app.controls["highlight"].value = "eltrombopag"
    note = app.details_html.value
    shown = [r.arm for r in app.view.rows if r.highlighted]
    for trial in {a.source_id for a in shown if a.randomized}:
        control, epag = sorted((a for a in shown if a.source_id == trial), key=lambda a: "eltrombopag" in a.regimen)
        assert f"{round(epag.percent - control.percent):+d} percentage points" in note
    single = [a.percent for a in shown if not a.randomized and "eltrombopag" in a.regimen]
    assert f"from {round(min(single))}% to {round(max(single))}%" in note
    # Rows of the comparison at other visits (e.g. the children's trial) are pointed to.
    other = sorted({a.timepoint for a in model.arms() if "eltrombopag" in a.comparisons
                    and a.response_type == "overall" and a.timepoint != model.USUAL_VISIT})
    assert other and all(re.search(rf"\b{m:g}\b[^<]* months", note.split(t("note.why", why="")[:10])[0])
                         for m in other)


def test_an_empty_selection_says_so():
    view = model.compute_forest([], response_type="complete", timepoint=12)
    assert view.rows == () and view.lowest is None
    app = ist.ist_forest()
    assert app.summary(view) == t("forest.summary_empty", response_type=t("response_type.complete"),
                                  when=t("forest.at_months", months="12"))


def test_every_forest_combination_is_finite_and_readable():
    app = ist.ist_forest()
    controls = app.controls
    for rt, tp, hl in itertools.product(*(controls[k].options for k in ("response_type", "timepoint", "highlight"))):
        controls["response_type"].value, controls["timepoint"].value, controls["highlight"].value = rt[1], tp[1], hl[1]
        _finite_everywhere(app.figure)
        _no_nan_text(app.summary_text())
        assert "nan" not in app.details_html.value.lower().split()


def test_unknown_comparison_is_refused():
    with pytest.raises(ValueError, match=r"unknown comparison 'x'"):
        model.compute_forest(model.arms(), highlight="x")


def test_a_row_added_to_the_table_appears_everywhere(monkeypatch):
    # Nothing in the lesson lists arm ids: a new arm joins the forest, its comparison
    # (by regimen) and the simulator's choices by itself.
    template = next(r for r in TABLE if r["regimen"] == "rabbit ATG + cyclosporine" and r["response_type"] == "overall")
    new = dict(template, arm_id="new_trial_ratg", study="New trial 2030 (Journal)", n=40, responders=20)
    monkeypatch.setattr(model, "records",
                        lambda name: (*records(name), new) if name == "ist_response" else records(name))
    model.arms.cache_clear()
    try:
        arm = model.find_arm("new_trial_ratg", timepoint=template["timepoint_months"])
        assert "horse_vs_rabbit" in arm.comparisons
        view = model.compute_forest(model.arms(), timepoint=template["timepoint_months"], highlight="horse_vs_rabbit")
        assert any(r.arm.arm_id == "new_trial_ratg" and r.highlighted for r in view.rows)
        assert "new_trial_ratg" in ist.cohort_simulator().arm_options
    finally:
        model.arms.cache_clear()


# --------------------------------------------------------------------------- simulator


def test_simulation_is_reproducible_and_seed_dependent():
    a = simulation.compute_simulation(responders=41, n=60, cohort_size=30, seed=3)
    assert a == simulation.compute_simulation(responders=41, n=60, cohort_size=30, seed=3)
    assert a.shares != simulation.compute_simulation(responders=41, n=60, cohort_size=30, seed=4).shares
    assert sum(a.shares) == pytest.approx(100)
    assert len(a.centres) <= 31  # binned: never more bars than possible outcomes


@pytest.mark.parametrize(("size", "p"), [(20, 22 / 60), (60, 0.9), (5, 0.05)])
def test_binomial_draws_follow_the_binomial_distribution(size, p):
    n_cohorts = 20_000
    counts = simulation.binomial_counts(size=size, p=p, n_cohorts=n_cohorts, seed=7)
    for k, count in enumerate(counts):
        expected = n_cohorts * stats.binom.pmf(k, size, p)
        assert abs(count - expected) <= 5 * math.sqrt(expected) + 2, (k, count, expected)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_certain_rates_give_one_bar(p):
    counts = simulation.binomial_counts(size=10, p=p, n_cohorts=50, seed=0)
    assert counts[int(10 * p)] == 50


@pytest.mark.parametrize("size", [10, 30, 120])
def test_middle_95_percent_agrees_with_binomial_quantiles(size):
    # 2000 draws estimate the 2.5th/97.5th percentiles to within a step or two.
    sim = simulation.compute_simulation(responders=41, n=60, cohort_size=size, seed=0)
    step = 100 / size
    assert abs(sim.middle[0] - 100 * stats.binom.ppf(0.025, size, 41 / 60) / size) <= 2 * step + 1e-9
    assert abs(sim.middle[1] - 100 * stats.binom.ppf(0.975, size, 41 / 60) / size) <= 2 * step + 1e-9


def test_four_times_the_patients_halves_the_spread():
    small = simulation.compute_simulation(responders=41, n=60, cohort_size=40, seed=0)
    large = simulation.compute_simulation(responders=41, n=60, cohort_size=160, seed=0)
    ratio = (large.middle[1] - large.middle[0]) / (small.middle[1] - small.middle[0])
    assert 0.35 < ratio < 0.65


def test_single_cohort_wilson_interval():
    sim = simulation.compute_simulation(responders=41, n=60, cohort_size=30, seed=0)
    low, high = hemaedu.wilson_interval(round(30 * 41 / 60), 30)
    assert sim.wilson == (pytest.approx(100 * low), pytest.approx(100 * high))


def test_simulator_slider_changes_the_histogram_in_place():
    app = ist.cohort_simulator()
    assert app.main_control == "cohort_size" and LESSON.main_app == "cohort_simulator"
    arm = app.arm_options[app.controls["arm"].value]
    bars = app.trace("cohorts")
    before = (tuple(bars.x), tuple(bars.y))
    slider = app.controls["cohort_size"]
    slider.value = slider.value + slider.step
    expected = simulation.compute_simulation(responders=arm.responders, n=arm.n, cohort_size=int(slider.value),
                                             seed=int(app.controls["seed"].value))
    assert app.trace("cohorts") is bars and (tuple(bars.x), tuple(bars.y)) != before
    assert tuple(bars.x) == pytest.approx(expected.centres) and tuple(bars.y) == pytest.approx(expected.shares)
    assert f"cohorts of {int(slider.value)} patients" in app.summary_text()


def test_simulator_arm_sets_the_true_rate():
    app = ist.cohort_simulator()
    for arm in list(app.arm_options.values())[:4]:
        app.controls["arm"].value = arm.arm_id
        assert app.trace("true_rate_marker").x[0] == pytest.approx(100 * arm.responders / arm.n)
        assert tuple(app.trace("true_rate").x) == pytest.approx((100 * arm.responders / arm.n,) * 2)
        assert f"{arm.responders}/{arm.n}" in app.summary_text()


def test_simulator_offers_one_overall_row_per_arm_nearest_the_usual_visit():
    app = ist.cohort_simulator()
    ids = {r["arm_id"] for r in TABLE if r["response_type"] == "overall"}
    assert set(app.arm_options) == ids
    for arm in app.arm_options.values():
        visits = [r["timepoint_months"] for r in TABLE if r["arm_id"] == arm.arm_id and r["response_type"] == "overall"]
        assert abs(arm.timepoint - model.USUAL_VISIT) == min(abs(v - model.USUAL_VISIT) for v in visits)


def test_simulator_extremes_and_random_combinations_are_finite():
    app = ist.cohort_simulator()
    size, seed = app.controls["cohort_size"], app.controls["seed"]
    rng = random.Random(0)
    settings = [(arm, s, d) for arm in app.arm_options for s in (size.min, size.max) for d in (seed.min, seed.max)]
    settings += [(rng.choice(list(app.arm_options)), rng.uniform(size.min, size.max), rng.uniform(seed.min, seed.max))
                 for _ in range(100)]
    for arm, s, d in settings:
        app.controls["arm"].value, size.value, seed.value = arm, s, d
        _finite_everywhere(app.figure)
        _no_nan_text(app.summary_text())
        assert len(app.trace("cohorts").x) <= int(size.value) + 1


# --------------------------------------------------------------------------- NIH response


@pytest.mark.parametrize("preset", ["example_a", "example_b", "example_c"])
def test_worked_examples_follow_the_rule(preset):
    app = ist.response_explorer()
    redraws = app.redraws
    app.apply_preset(preset)
    assert app.redraws == redraws + 1
    assert app.values() == pytest.approx(app.presets[preset])
    category = hemaedu.response(**app.presets[preset])
    assert app.view.category is category
    assert app.summary_text().startswith(t("response.summary", category=t(f"response.category.{category.value}"),
                                           reason=""))


def test_the_worked_examples_cover_every_category():
    categories = {hemaedu.response(**values) for values in ist.response_explorer().presets.values()}
    assert categories == set(hemaedu.Response)


def test_reason_names_the_deciding_cut_offs():
    app = ist.response_explorer()
    below = {k: 0.5 * thresholds.value(i) for k, i in model.SEVERE_IDS.items()}
    app.controls["hb"].value = app.controls["hb"].min
    for key, value in below.items():
        app.controls[key].value = value
    assert app.view.category is hemaedu.Response.NONE
    template = get("ist_response", "response.reason_none")
    still_severe = template.split("{missing}")[1].split("{criteria}")[0].format(met=len(below), total=len(below))
    assert still_severe in app.summary_text()  # all three severe-disease counts are met
    for threshold_id in (*model.SEVERE_IDS.values(), *model.COMPLETE_IDS.values()):
        assert thresholds.format_value(threshold_id) in app.summary_text()


def test_counts_exactly_at_the_complete_cut_offs_are_complete():
    at = {k: thresholds.value(i) for k, i in model.COMPLETE_IDS.items()}
    assert model.compute_response(**at, reticulocytes=0).category is hemaedu.Response.COMPLETE


def test_response_explorer_moves_the_bar_and_follows_the_rule():
    app = ist.response_explorer()
    rng = random.Random(1)
    for _ in range(100):
        for slider in app.controls.values():
            slider.value = rng.uniform(slider.min, slider.max)
        values = app.values()
        assert app.view.category is hemaedu.response(**values)
        assert app.trace("platelets").x[0] == pytest.approx(values["platelets"])
        _finite_everywhere(app.figure)
        _no_nan_text(app.summary_text())
    for slider in app.controls.values():  # every slider at both ends
        for end in (slider.min, slider.max):
            slider.value = end
            assert app.view.category is hemaedu.response(**app.values())


def test_cut_off_lines_sit_at_the_thresholds():
    app = ist.response_explorer()
    xs = sorted(shape.x0 for shape in app.figure.layout.shapes)
    expected = [thresholds.value(i) for i in (*model.COMPLETE_IDS.values(), *model.SEVERE_IDS.values())]
    assert xs == sorted(expected)


def _panel_px(layout, ref: str, value: float) -> float:
    """Pixels above the bottom of a panel for ``value`` given in ``ref`` ("y2" or "y2 domain")."""
    axis = layout["yaxis" + ref.split()[0][1:]]
    span_px = (axis.domain[1] - axis.domain[0]) * (layout.height - layout.margin.t - layout.margin.b)
    low, high = (0.0, 1.0) if ref.endswith("domain") else axis.range
    return (value - low) / (high - low) * span_px


@pytest.mark.parametrize("preset", ["example_a", "example_b", "example_c"])
def test_cut_off_lines_never_cross_a_value_label(preset):
    """On a laptop the complete-response line at 10 g/dL went through "8.5 (below complete level)"
    written right of the hemoglobin bar. Where the lines run is fixed but where a label ends depends
    on the count and the screen's width, so a label must sit at another height than every line of
    its panel: checked in pixels from the figure's own geometry (the chart's height is fixed)."""
    app = ist.response_explorer()
    app.apply_preset(preset)
    layout = app.figure.layout
    labels = []  # (y axis, bottom px, top px, text) of every text drawn in a panel
    for trace in app.figure.data:
        text = (trace.text or [None])[0] if trace.type in ("bar", "scatter") else None
        if not text or (trace.type == "bar" and trace.textposition == "none"):
            continue
        size = (trace.textfont.size if trace.textfont and trace.textfont.size else None) or layout.font.size or 12
        y = 0.0 if trace.type == "bar" else trace.y[0]  # a bar's text is centred on the bar
        centre = _panel_px(layout, trace.yaxis or "y", y)
        labels.append((trace.yaxis or "y", centre - 0.65 * size, centre + 0.65 * size, text))
    assert len(labels) == len(app.RANGES), labels
    for shape in layout.shapes:
        axis = shape.yref.split()[0]
        low, high = sorted(_panel_px(layout, shape.yref, v) for v in (shape.y0, shape.y1))
        for label_axis, bottom, top, text in labels:
            if label_axis == axis:
                assert high < bottom or low > top, (f"the line at x={shape.x0} runs from {low:.0f} to {high:.0f} px, "
                                                    f"through the label {text!r} ({bottom:.0f} to {top:.0f} px)")


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match=r"unknown preset 'normal'"):
        ist.response_explorer().apply_preset("normal")


# --------------------------------------------------------------------------- self-checks and narrative


def test_self_checks_give_feedback_and_the_vignette_follows_the_rule():
    checks = ist.self_checks()
    assert len(checks) >= 3
    for check in checks:
        right = next(o for o in check.options if o.correct)
        wrong = next(o for o in check.options if not o.correct)
        assert check.answer(right.text) is True and text("common", "correct") in check.feedback.value
        assert check.answer(wrong.text) is False and text("common", "not_quite") in check.feedback.value
    vignette = next(c for c in checks if c.id == "vignette_response")
    assert next(o for o in vignette.options if o.correct).value == hemaedu.response(**model.VIGNETTE).value


def test_the_first_question_quotes_the_best_single_arm_row():
    best = max((a for a in model.arms() if not a.randomized and a.response_type == "overall"), key=lambda a: a.percent)
    assert f"{best.name}: {best.responders}/{best.n}" in ist.self_checks()[0].question


def test_overview_counts_the_table():
    overview = ist.overview().data
    assert f"holds {len(TABLE)} rows from {len({r['source_id'] for r in TABLE})} studies" in overview
    assert f"from {min(r['n'] for r in TABLE)} patients" in overview


def test_criteria_quote_every_cut_off_from_the_thresholds_table():
    criteria = ist.markdown("criteria").data
    for threshold_id in (*model.COMPLETE_IDS.values(), *model.SEVERE_IDS.values()):
        assert thresholds.format_value(threshold_id) in criteria


def test_sources_cover_the_table_and_the_criteria():
    ids = model.lesson_sources()
    assert {r["source_id"] for r in TABLE} <= set(ids)
    assert {thresholds.get(i).source_id for i in model.COMPLETE_IDS.values()} <= set(ids)


def test_apps_carry_the_registry_css_classes():
    for name in LESSON.apps:
        app = LESSON.app(name)
        assert LESSON.app_css_class(name) in app.container._dom_classes
    assert LESSON.css_class in LESSON.app().container._dom_classes


def test_the_model_needs_neither_pandas_nor_numpy():
    code = ("import sys; from hemaedu.lessons.ist_response import model, simulation, render;"
            "v = model.compute_forest(model.arms(), highlight='eltrombopag'); render.forest_details(v);"
            "simulation.compute_simulation(responders=41, n=60, cohort_size=300, seed=1);"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- what the notebook no longer pins
# The notebook used to print these in a "# NBVAL_CHECK_OUTPUT" cell; they are asserted here instead
# (issue 16 item 3: no test plumbing in the learner's view).


def _overall_at_6(arm_id):
    return next(r for r in TABLE if r["arm_id"] == arm_id and r["response_type"] == "overall"
                and r["timepoint_months"] == 6)


def test_the_randomized_horse_and_rabbit_arms_are_listed_with_their_wilson_intervals():
    listed = ist.randomized_arms().data
    horse, rabbit = (_overall_at_6(a) for a in ist.HORSE_VS_RABBIT_ARMS)
    assert horse["randomized"] and rabbit["randomized"] and horse["source_id"] == rabbit["source_id"]
    intervals = {}
    for row in (horse, rabbit):
        low, high = hemaedu.wilson_interval(row["responders"], row["n"])
        intervals[row["arm_id"]] = (low, high)
        expected = (f"{row['responders']}/{row['n']} = {round(100 * row['responders'] / row['n'])}% "
                    f"(95% CI {round(100 * low)} to {round(100 * high)}%)")
        assert expected in listed, expected
    # What the notebook asks the learner to see: the two randomized intervals do not overlap.
    assert intervals[horse["arm_id"]][0] > intervals[rabbit["arm_id"]][1]
    assert "scheinberg2011" not in listed  # cited by author and year, never by key


def test_the_simulator_opens_on_the_randomized_horse_arm_and_reports_its_spread():
    app = ist.cohort_simulator()
    horse = _overall_at_6("scheinberg2011_hatg")
    arm = app.arm_options[app.controls["arm"].value]
    assert (arm.arm_id, arm.responders, arm.n) == (horse["arm_id"], horse["responders"], horse["n"])
    sim = simulation.compute_simulation(responders=arm.responders, n=arm.n,
                                        cohort_size=simulation.DEFAULT_COHORT_SIZE, seed=simulation.DEFAULT_SEED)
    opening = ist.opening_simulation()
    assert f"cohorts of {sim.cohort_size} patients" in opening and f"{arm.responders}/{arm.n}" in opening
    assert f"{sim.middle[0]:.1f}% to {sim.middle[1]:.1f}%" in opening
    assert f"{sim.far_share:.1f}% of cohorts were more than 10 percentage points off" in opening
    assert sim.middle[0] < 100 * arm.responders / arm.n < sim.middle[1]


# --------------------------------------------------------------------------- issue 13 item 4, issue 16 items 3 and 5


def test_criteria_say_which_trials_required_transfusion_independence():
    from hemaedu.lessons.content import cite

    criteria = ist.markdown("criteria").data
    assert f"{cite('townsley2017')} defined response by these blood counts alone" in criteria
    assert f"{cite('rosenfeld2003')}, also required the patient to be free of transfusions" in criteria
    # ... and the data say the same of each source.
    notes = {r["source_id"]: r["notes"] for r in TABLE}
    assert "no transfusion-independence requirement" in notes["townsley2017"]
    assert "transfusion independence" in notes["rosenfeld2003"]
    assert "The trials also required" not in criteria  # the old, wrong generalization


def test_the_vignette_explanations_still_describe_its_counts():
    # The whys of the vignette question say: no severe-disease count is met, and Hb and platelets
    # are below the complete-response levels. Check that against the thresholds table.
    v = model.VIGNETTE
    assert not thresholds.meets("camitta_anc", v["anc"])
    assert not thresholds.meets("camitta_platelets", v["platelets"])
    assert not thresholds.meets("camitta_retic_automated", v["reticulocytes"])
    assert not thresholds.meets("nih_complete_hb", v["hb"])
    assert not thresholds.meets("nih_complete_platelets", v["platelets"])
    assert thresholds.meets("nih_complete_anc", v["anc"])


def test_self_checks_vary_the_right_position_and_explain_every_option():
    checks = ist.self_checks()
    positions = [next(i for i, o in enumerate(c.options) if o.correct) for c in checks]
    assert len(set(positions)) == len(positions), positions
    for check in checks:
        assert len({o.why for o in check.options}) == len(check.options), check.id


def test_no_source_key_or_arm_id_reaches_the_learner():
    keys = {r["source_id"] for r in TABLE} | {r["arm_id"] for r in TABLE}
    texts = [ist.overview().data, ist.randomized_arms().data]
    texts += [ist.markdown(n).data for n in ("criteria", "why_immunosuppression", "try_forest")]
    forest = ist.ist_forest()
    for highlight in [v for _, v in forest.controls["highlight"].options]:
        forest.controls["highlight"].value = highlight
        texts += [forest.summary_text(), forest.details_html.value]
    for check in ist.self_checks():
        texts += [check.question] + [o.text + " " + o.why for o in check.options]
    shown = set(re.findall(r"[\w-]+", re.sub(r"<[^>]+>", " ", " ".join(texts))))
    assert not shown & keys, shown & keys
