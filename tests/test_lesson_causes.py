"""Lesson 02: the causes explorer and the marrow-cellularity differential.

Expected values are read from the tables (and the BSH/Camitta cut-offs in the
thresholds table), never typed here: published numbers are pinned only in
tests/test_data_facts.py. Traces are found by name, texts through the content.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter

import pytest

from hemaedu import thresholds
from hemaedu.data import records
from hemaedu.figures.causes import CONSISTENT_STYLE, LESS_LIKELY_STYLE
from hemaedu.lessons import causes as lesson
from hemaedu.lessons.causes import model, render
from hemaedu.lessons.content import text

CAUSES = records("causes")
DIFFERENTIAL = records("differential")
SEVERE_CUT = thresholds.value("camitta_cellularity")
PARTIAL_CUT = thresholds.value("camitta_cellularity_partial")


def t(key: str, **fields) -> str:
    return text("causes", key, **fields)


def _clean(sentence: str) -> None:
    assert not re.search(r"\bnan\b|\binf\b|<NA>|None|\{|\}", sentence), sentence


def _finite(figure) -> None:
    for trace in figure.data:
        for key in ("x", "y", "base", "values"):
            for v in getattr(trace, key, None) or ():
                if isinstance(v, float):
                    assert math.isfinite(v), (trace.name, key, v)


def _affects(row) -> list[str]:
    return [a.strip() for a in row["affects"].split(";")]


# ----------------------------------------------------------------------------- the model


def test_immune_attack_is_the_largest_pathogenesis_class_of_aplastic_anemia():
    view = model.compute_causes("aplastic anemia")
    expected = Counter(r["pathogenesis"] for r in CAUSES if "aplastic anemia" in _affects(r))
    assert dict(view.counts) == dict(expected)
    assert view.counts[0][0] == "immune attack"


def test_inherited_causes_are_stem_cell_defects():
    view = model.compute_causes("aplastic anemia", ("pathogenesis", "stem-cell defect"))
    names = {r["cause"] for r in view.rows}
    assert "Fanconi anemia" in names and any("Dyskeratosis" in n for n in names)
    inherited = {r["cause"] for r in CAUSES if "aplastic anemia" in _affects(r) and r["origin"] == "inherited"}
    assert inherited <= names


def test_thrombocytopenia_destruction_includes_itp_heparin_and_dic():
    view = model.compute_causes("thrombocytopenia", ("mechanism_class", "increased destruction or consumption"))
    assert {"tp_itp", "tp_hit", "tp_dic"} <= {r["cause_id"] for r in view.rows}
    assert all(r["mechanism_class"] == "increased destruction or consumption" for r in view.rows)


def test_tree_is_a_consistent_sunburst():
    tree = render.sunburst_tree(model.compute_causes())
    ids = tree["ids"]
    assert len(set(ids)) == len(ids)
    assert {len(tree[k]) for k in ("labels", "parents", "values", "colors", "hovertext")} == {len(ids)}
    value = dict(zip(ids, tree["values"], strict=True))
    for node in ids:
        children = [i for i, p in zip(ids, tree["parents"], strict=True) if p == node]
        if children:  # branchvalues="total": a parent equals the sum of its children
            assert value[node] == sum(value[c] for c in children), node
    listings = sum(len(_affects(r)) for r in CAUSES)
    assert sum(v for v, p in zip(tree["values"], tree["parents"], strict=True) if p == "") == listings
    nodes = model.compute_causes().nodes
    assert sum(1 for n in nodes if n.cause is not None) == listings
    assert all(n.cause["source_id"] in h for n, h in zip(nodes, tree["hovertext"], strict=True) if n.cause)


def test_empty_filter_gives_a_clear_message_not_an_error():
    view = model.compute_causes("leukopenia", ("pathogenesis", "immune attack"))
    assert view.rows == () and view.pathogenesis_only
    assert render.sunburst_tree(view)["ids"] == ["root"]
    assert render.causes_summary(view) == t("causes.summary_empty_pathogenesis", what=render.what(view))


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
        model.compute_causes(*args)


def test_cause_counts_text_matches_the_table():
    block = lesson.cause_counts().split("thrombocytopenia:")[1]
    n = sum(1 for r in CAUSES if "thrombocytopenia" in _affects(r)
            and r["mechanism_class"] == "sequestration or redistribution")
    assert f"sequestration or redistribution: {n}" in block


def test_immune_evidence_quotes_the_randomized_trial_as_the_table_has_it():
    row = next(r for r in records("ist_response")
               if r["arm_id"] == "scheinberg2011_hatg" and r["response_type"] == "overall")
    shown = lesson.immune_evidence().data
    assert f"{row['responders']} of {row['n']} patients" in shown
    assert f"({round(100 * row['responders'] / row['n'])}%)" in shown
    assert f"by {row['timepoint_months']:g} months" in shown


def test_cutoffs_quote_the_thresholds_table():
    shown = lesson.cutoffs().data
    for cut in ("acute_leukemia_blasts", "camitta_cellularity", "camitta_cellularity_partial", "camitta_residual"):
        assert thresholds.format_value(cut) in shown, cut
    assert "{{" not in shown


# ----------------------------------------------------------------------------- the causes app


@pytest.fixture(scope="module")
def causes_app():
    return lesson.causes_explorer()


def test_choosing_a_cytopenia_updates_the_sunburst_in_place(causes_app):
    figure = causes_app.figure
    causes_app.controls["mechanism"].value = model.ANY
    causes_app.controls["affects"].value = "leukopenia"
    n = sum(1 for r in CAUSES if "leukopenia" in _affects(r))
    sunburst = causes_app.trace("causes")
    assert sunburst.ids[0] == "leukopenia" and sunburst.values[0] == n
    assert sum(1 for h in sunburst.hovertext if h.startswith("<b>")) == n
    assert figure.layout.title.text == t("causes.title_one", affects="leukopenia")
    assert t("causes.cause_count_other", n=n) in causes_app.summary_text()
    assert "leukopenia" in causes_app.summary_text()
    assert causes_app.details_html.value.count("<tr>") == n + 1  # header + one row per cause
    assert causes_app.figure is figure


def test_every_filter_combination_is_safe(causes_app):
    for _, affects in causes_app.controls["affects"].options:
        for _, mechanism in causes_app.controls["mechanism"].options:
            causes_app.controls["affects"].value = affects
            causes_app.controls["mechanism"].value = mechanism
            _finite(causes_app.figure)
            _clean(causes_app.summary_text())
            sunburst = causes_app.trace("causes")
            assert len(sunburst.ids) == len(sunburst.labels) == len(sunburst.hovertext)


# ----------------------------------------------------------------------------- the differential


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "markedly_hypocellular"),
        (SEVERE_CUT - 1, "markedly_hypocellular"),
        (SEVERE_CUT, "hypocellular"),
        (PARTIAL_CUT - 1, "hypocellular"),
        (PARTIAL_CUT, "not_hypocellular"),
        (100, "not_hypocellular"),
    ],
)
def test_cellularity_bands_follow_the_camitta_cut_offs(value, band):
    assert model.cellularity_band(value) == band


@pytest.mark.parametrize("bad", [-1, 101, float("nan"), "20", True])
def test_cellularity_out_of_range_raises(bad):
    with pytest.raises(ValueError, match="cellularity must be a percentage within 0-100"):
        model.cellularity_band(bad)


def test_hypocellular_marrow_keeps_aplastic_anemia_and_drops_b12_and_hypersplenism():
    empty = model.compute_differential(SEVERE_CUT - 5)
    assert "aplastic_anemia" in empty.fits
    assert {"b12_folate_deficiency", "hypersplenism"} <= set(empty.less_likely)
    cellular = model.compute_differential(PARTIAL_CUT + 10)
    assert "aplastic_anemia" in cellular.less_likely
    assert "mds" in cellular.fits
    # Conditions with a variable marrow never drop out.
    variable = {r["condition_id"] for r in DIFFERENTIAL if r["marrow_cellularity"] == "variable"}
    assert variable <= set(empty.fits) and variable <= set(cellular.fits)


@pytest.fixture(scope="module")
def diff_app():
    return lesson.differential_explorer()


def test_differential_axis_and_traces_come_from_content(diff_app):
    assert diff_app.main_control == "cellularity"
    assert diff_app.figure.layout.xaxis.title.text.replace("<br>", " ") == t("differential.x_title")
    assert diff_app.trace("bars").type == "bar" and diff_app.trace("bars").name == t("differential.bars_name")
    assert diff_app.trace("chosen").name == t("differential.line_name")


def test_slider_moves_the_line_and_restyles_the_bars(diff_app):
    figure = diff_app.figure
    conditions = [r["condition_id"] for r in DIFFERENTIAL]
    aa, b12 = conditions.index("aplastic_anemia"), conditions.index("b12_folate_deficiency")
    diff_app.controls["cellularity"].value = SEVERE_CUT - 5
    assert set(diff_app.trace("chosen").x) == {SEVERE_CUT - 5}
    bars = diff_app.trace("bars")
    assert bars.marker.color[aa] != bars.marker.color[b12]
    diff_app.controls["cellularity"].value = PARTIAL_CUT + 20
    bars = diff_app.trace("bars")
    assert bars.marker.color[b12] == CONSISTENT_STYLE[0] and bars.marker.pattern.shape[aa] == LESS_LIKELY_STYLE[1]
    assert t("differential.band.not_hypocellular") in diff_app.summary_text()
    assert "Vitamin B12 or folate deficiency" in diff_app.details_html.value
    assert diff_app.figure is figure


def test_slider_extremes_and_random_positions_never_show_nan(diff_app):
    slider = diff_app.controls["cellularity"]
    rng = random.Random(7)
    for value in [slider.min, slider.max] + [rng.uniform(-20, 120) for _ in range(200)]:
        slider.value = value
        assert 0 <= slider.value <= 100
        assert diff_app.view.band == model.cellularity_band(slider.value)
        _finite(diff_app.figure)
        _clean(diff_app.summary_text())


# ----------------------------------------------------------------------------- self-checks and sources


def test_self_checks_grade_the_answers():
    checks = lesson.self_checks()
    assert len(checks) >= 2
    for q in checks:
        assert q.feedback.value == ""
        right = next(o for o in q.options if o.correct)
        wrong = next(o for o in q.options if not o.correct)
        assert q.answer(wrong.text) is False and right.why not in q.feedback.value
        assert q.answer(right.text) is True and right.why in q.feedback.value
    blasts = next(q for q in checks if q.id == "hypocellular_leukemia")
    assert thresholds.format_value("acute_leukemia_blasts") in blasts.question


def test_lesson_sources_resolve():
    sources = set(model.source_ids())
    assert {r["source_id"] for r in CAUSES} <= sources and {r["source_id"] for r in DIFFERENTIAL} <= sources
    assert lesson.references().data.count("\n- ") + 1 == len(sources)
