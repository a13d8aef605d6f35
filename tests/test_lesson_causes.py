"""Lesson 02: the causes explorer and the marrow-cellularity differential.

Expected values are read from the tables (and the BSH/Camitta cut-offs in the
thresholds table), never from the code under test.
"""

from __future__ import annotations

import math
import random
import re

import pytest

import hemaedu
from hemaedu.widgets import causes as lesson

CAUSES = hemaedu.load("causes")
DIFFERENTIAL = hemaedu.load("differential")
THRESHOLDS = hemaedu.load("thresholds").set_index("threshold_id")
SEVERE_CUT = float(THRESHOLDS.loc["camitta_cellularity", "value"])
PARTIAL_CUT = float(THRESHOLDS.loc["camitta_cellularity_partial", "value"])


def _clean(text: str) -> None:
    assert not re.search(r"\bnan\b|\binf\b|<NA>|None", text), text


def _finite(figure) -> None:
    for trace in figure.data:
        for key in ("x", "y", "base", "values"):
            for v in getattr(trace, key, None) or ():
                if isinstance(v, float):
                    assert math.isfinite(v), (trace.type, key, v)


# ----------------------------------------------------------------------------- compute_causes


def test_immune_attack_is_the_largest_pathogenesis_class_of_aplastic_anemia():
    view = lesson.compute_causes("aplastic anemia")
    aa = CAUSES[CAUSES.affects == "aplastic anemia"]
    expected = aa.pathogenesis.value_counts().to_dict()
    assert view.counts == expected
    assert max(view.counts, key=view.counts.get) == "immune attack"


def test_inherited_causes_are_stem_cell_defects():
    view = lesson.compute_causes("aplastic anemia", ("pathogenesis", "stem-cell defect"))
    names = {r["cause"] for r in view.rows}
    assert "Fanconi anemia" in names and any("Dyskeratosis" in n for n in names)
    inherited = set(CAUSES[(CAUSES.affects == "aplastic anemia") & (CAUSES.origin == "inherited")].cause)
    assert inherited <= names


def test_thrombocytopenia_destruction_includes_itp_heparin_and_dic():
    view = lesson.compute_causes("thrombocytopenia", ("mechanism_class", "increased destruction or consumption"))
    ids = {r["cause_id"] for r in view.rows}
    assert {"tp_itp", "tp_hit", "tp_dic"} <= ids
    assert all(r["mechanism_class"] == "increased destruction or consumption" for r in view.rows)


def test_tree_is_a_consistent_sunburst():
    view = lesson.compute_causes()
    tree = view.tree
    ids = tree["ids"]
    assert len(set(ids)) == len(ids)
    assert {len(tree[k]) for k in ("labels", "parents", "values", "colors", "hovertext")} == {len(ids)}
    value = dict(zip(ids, tree["values"]))
    for node in ids:
        children = [i for i, p in zip(ids, tree["parents"]) if p == node]
        if children:  # branchvalues="total": a parent equals the sum of its children
            assert value[node] == sum(value[c] for c in children), node
    assert sum(v for v, p in zip(tree["values"], tree["parents"]) if p == "") == len(CAUSES)
    leaves = [h for h, v in zip(tree["hovertext"], tree["values"]) if "examples:" in h]
    assert len(leaves) == len(CAUSES)


def test_empty_filter_gives_a_clear_message_not_an_error():
    view = lesson.compute_causes("leukopenia", ("pathogenesis", "immune attack"))
    assert view.rows == [] and view.tree["ids"] == ["root"]
    assert "aplastic anemia only" in view.summary


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("anemia",), "affects must be 'all' or one of"),
        (("all", "immune attack"), "mechanism must be 'any' or a"),
        (("all", ("origin", "inherited")), "mechanism must be 'any' or a"),
    ],
)
def test_invalid_filters_raise(args, message):
    with pytest.raises(ValueError, match=message):
        lesson.compute_causes(*args)


def test_cause_counts_text_matches_the_table():
    text = lesson.cause_counts()
    tp = CAUSES[CAUSES.affects == "thrombocytopenia"]
    n = int((tp.mechanism_class == "sequestration or redistribution").sum())
    block = text.split("thrombocytopenia:")[1]
    assert f"sequestration or redistribution: {n}" in block


def test_immune_evidence_renders_the_randomized_trial_from_the_table():
    ist = hemaedu.load("ist_response")
    row = ist[(ist.arm_id == "scheinberg2011_hatg") & (ist.response_type == "overall")].iloc[0]
    text = lesson.immune_evidence()
    assert f"{int(row.responders)} of {int(row.n)}" in text
    assert f"({round(100 * int(row.responders) / int(row.n))} %)" in text


# ----------------------------------------------------------------------------- CausesApp


@pytest.fixture(scope="module")
def causes_app():
    return lesson.causes_explorer()


def test_causes_app_interface(causes_app):
    assert causes_app.main_control is causes_app.affects
    assert causes_app.main_slider is None and causes_app.sliders == {}
    assert "hemaedu-app-causes" in causes_app.container._dom_classes
    assert causes_app.figure.data[0].type == "sunburst"


def test_choosing_a_cytopenia_updates_the_figure_in_place(causes_app):
    figure_id = id(causes_app.figure)
    causes_app.mechanism.value = lesson.ANY
    causes_app.affects.value = "leukopenia"
    n = int((CAUSES.affects == "leukopenia").sum())
    trace = causes_app.figure.data[0]
    assert trace.ids[0] == "leukopenia" and trace.values[0] == n
    assert sum(1 for h in trace.hovertext if "examples:" in h) == n
    assert "leukopenia" in causes_app.figure.layout.title.text
    assert f"Showing {n} causes of leukopenia" in causes_app.summary_text()
    assert causes_app.extra.value.count("<tr>") == n + 1  # header + one row per cause
    assert id(causes_app.figure) == figure_id


def test_every_filter_combination_is_safe(causes_app):
    for _, affects in causes_app.affects.options:
        for _, mechanism in causes_app.mechanism.options:
            causes_app.affects.value = affects
            causes_app.mechanism.value = mechanism
            _finite(causes_app.figure)
            _clean(causes_app.summary_text())
            assert len(causes_app.figure.data[0].ids) == len(causes_app.figure.data[0].labels)


# ----------------------------------------------------------------------------- differential


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "markedly hypocellular"),
        (SEVERE_CUT - 1, "markedly hypocellular"),
        (SEVERE_CUT, "hypocellular"),
        (PARTIAL_CUT - 1, "hypocellular"),
        (PARTIAL_CUT, "not hypocellular"),
        (100, "not hypocellular"),
    ],
)
def test_cellularity_bands_follow_the_camitta_cut_offs(value, band):
    assert lesson.cellularity_band(value) == band


@pytest.mark.parametrize("bad", [-1, 101, float("nan"), "20", True])
def test_cellularity_out_of_range_raises(bad):
    with pytest.raises(ValueError, match="cellularity must be a percentage within 0-100"):
        lesson.cellularity_band(bad)


def test_hypocellular_marrow_keeps_aplastic_anemia_and_drops_b12_and_hypersplenism():
    view = lesson.compute_differential(SEVERE_CUT - 5)
    assert "Aplastic anemia" in view.fits
    assert "Vitamin B12 or folate deficiency" in view.less_likely
    assert "Hypersplenism (for example cirrhosis)" in view.less_likely
    cellular = lesson.compute_differential(PARTIAL_CUT + 10)
    assert "Aplastic anemia" in cellular.less_likely
    assert "Myelodysplastic syndrome" in cellular.fits
    # Conditions with a variable marrow never drop out.
    variable = set(DIFFERENTIAL[DIFFERENTIAL.marrow_cellularity == "variable"].condition)
    assert variable <= set(view.fits) and variable <= set(cellular.fits)


@pytest.fixture(scope="module")
def diff_app():
    return lesson.differential_explorer()


def test_differential_app_interface(diff_app):
    assert diff_app.main_slider is diff_app.cellularity is diff_app.sliders["cellularity"]
    assert "hemaedu-app-differential" in diff_app.container._dom_classes
    assert diff_app.figure.layout.xaxis.title.text == "Marrow cellularity (% of marrow space)"


def test_slider_moves_the_line_and_restyles_the_bars(diff_app):
    figure_id = id(diff_app.figure)
    diff_app.cellularity.value = SEVERE_CUT - 5
    assert set(diff_app.figure.data[1].x) == {SEVERE_CUT - 5}
    colours = diff_app.figure.data[0].marker.color
    aa = list(DIFFERENTIAL.condition).index("Aplastic anemia")
    b12 = list(DIFFERENTIAL.condition).index("Vitamin B12 or folate deficiency")
    assert colours[aa] != colours[b12]
    diff_app.cellularity.value = PARTIAL_CUT + 20
    colours = diff_app.figure.data[0].marker.color
    patterns = diff_app.figure.data[0].marker.pattern.shape
    assert colours[b12] == lesson.CONSISTENT_STYLE[0] and patterns[aa] == lesson.LESS_LIKELY_STYLE[1]
    assert "not hypocellular" in diff_app.summary_text()
    assert "Vitamin B12 or folate deficiency" in diff_app.extra.value
    assert id(diff_app.figure) == figure_id


def test_slider_extremes_and_random_positions_never_show_nan(diff_app):
    rng = random.Random(7)
    positions = [diff_app.cellularity.min, diff_app.cellularity.max] + [rng.uniform(-20, 120) for _ in range(200)]
    for value in positions:
        diff_app.cellularity.value = value
        v = diff_app.cellularity.value
        assert 0 <= v <= 100
        assert diff_app.view.band == lesson.cellularity_band(v)
        _finite(diff_app.figure)
        _clean(diff_app.summary_text())


def test_blast_threshold_text_comes_from_the_table():
    text = lesson.blast_threshold_text()
    blasts = THRESHOLDS.loc["acute_leukemia_blasts"]
    assert f"≥ {blasts.value:g} %" in text
    assert f"< {SEVERE_CUT:g} %" in text and f"< {PARTIAL_CUT:g} %" in text


def test_self_checks_give_feedback_only_after_answering():
    checks = lesson.self_checks()
    assert len(checks) >= 2
    for q in checks:
        assert q.feedback.value == ""
        right = next(o for o in q.options if o.correct)
        wrong = next(o for o in q.options if not o.correct)
        assert q.answer(wrong.label) is False and "Not quite." in q.feedback.value
        assert q.answer(right.label) is True and "Correct." in q.feedback.value
    assert any("immune attack" in o.label for o in checks[0].options if o.correct)


def test_lesson_sources_resolve():
    sources = lesson.lesson_sources()
    assert set(CAUSES.source_id) <= set(sources) and set(DIFFERENTIAL.source_id) <= set(sources)
    hemaedu.format_references(sources)
