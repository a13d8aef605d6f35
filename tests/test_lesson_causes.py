"""Lesson 02: the causes explorer and the marrow-cellularity differential.

Expected values are read from the tables (and the BSH/Camitta cut-offs in the
thresholds table), never typed here: published numbers are pinned only in
tests/test_data_facts.py. Traces are found by name, texts through the content.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections import Counter
from importlib import resources

import pytest

from hemaedu import thresholds
from hemaedu.data import records
from hemaedu.figures.causes import (
    CAUSE_BOX_PX,
    CAUSES_LABEL_WIDTH,
    CONSISTENT_STYLE,
    EXTRA_LINE_PX,
    LESS_LIKELY_STYLE,
    MARGIN_BOTTOM_PX,
    MARGIN_TOP_PX,
    TALL_LABEL_LINE_PX,
    causes_height,
    label_px,
    with_root,
    wrap_label,
)
from hemaedu.lessons import causes as lesson
from hemaedu.lessons.causes import model, render
from hemaedu.lessons.content import cite, cited_sources, text

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
    # Hover names the source by author and year, never by its key (issue 16 item 3).
    for n, h in zip(nodes, tree["hovertext"], strict=True):
        if n.cause:
            assert html.escape(cite(n.cause["source_id"])) in h and n.cause["source_id"] not in h


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


def test_cause_counts_per_cytopenia_and_mechanism_match_the_table():
    """What the notebook's pinned cell printed, asserted directly (issue 16 item 3)."""
    counts = dict(model.cause_counts())
    assert list(counts) == list(dict.fromkeys(a for r in CAUSES for a in _affects(r)))
    for affects, by_mechanism in counts.items():
        expected = Counter(model.mechanism_of(r) for r in CAUSES if affects in _affects(r))
        assert dict(by_mechanism) == dict(expected), affects
        numbers = [n for _, n in by_mechanism]
        assert numbers == sorted(numbers, reverse=True), affects  # largest first
    # For aplastic anemia the pathogenesis class counts; for the others the broad class.
    assert {m for m, _ in counts["aplastic anemia"]} <= {r["pathogenesis"] for r in CAUSES}
    assert counts["aplastic anemia"][0][0] == "immune attack"


def test_tables_cite_sources_by_author_and_year_never_by_key(causes_app):
    causes_app.controls["affects"].value = model.ALL
    causes_app.controls["mechanism"].value = model.ANY
    differential = render.differential_table(model.compute_differential(0))
    for shown, rows in ((causes_app.details_html.value, CAUSES), (differential, DIFFERENTIAL)):
        for r in rows:
            if r in CAUSES or r["condition_id"] in model.compute_differential(0).fits:
                assert html.escape(cite(r["source_id"])) in shown
            assert not re.search(rf"\b{re.escape(r['source_id'])}\b", shown), r["source_id"]


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


def _drawn_when_zoomed(chart, zoomed):
    """The boxes plotly draws zoomed into ``zoomed``: it and those under it, down to maxdepth columns."""
    drawn, column = [], [zoomed]
    for _ in range(chart.maxdepth):
        drawn += column
        column = [node for node, parent in zip(chart.ids, chart.parents, strict=True) if parent in column]
    return drawn


def test_every_box_has_room_for_its_label_on_a_phone_whichever_box_is_zoomed(causes_app):
    """A phone shows four columns of about 85 px: twelve letters of 13 px text per line, and a
    box holds one line in 24 px plus 10 px per further line, 15 px a line for a tall label. Plotly
    hides a label that does not fit (uniformtext) and keeps the chart's height when a tap zooms in,
    so a longer word or a taller label left a box blank ("thrombocytopenia"; "bone marrow
    disorders" with one cause; a seven-line cause zoomed into "aplastic anemia"); the app gives
    the chart the zoomed view's height. The browser checks of the same are
    tests/browser/test_layout.py and tests/browser/test_causes_zoom.py."""
    causes_app.controls["mechanism"].value = model.ANY
    for _, affects in causes_app.controls["affects"].options:
        causes_app.controls["affects"].value = affects
        chart = causes_app.trace("causes")
        tree = with_root(render.sunburst_tree(causes_app.view), text("causes", "causes.affects_all"))
        assert causes_app.figure.layout.height == causes_height(tree)
        values = dict(zip(chart.ids, chart.values, strict=True))
        labels = dict(zip(chart.ids, chart.labels, strict=True))
        assert all(max(len(line) for line in label.split("<br>")) <= CAUSES_LABEL_WIDTH for label in chart.labels)
        tops = {node for node, parent in zip(chart.ids, chart.parents, strict=True) if not parent}
        zooms = {parent for parent in chart.parents if parent} | tops
        for zoomed in zooms:
            plot_px = causes_height(tree, None if zoomed in tops else zoomed) - MARGIN_TOP_PX - MARGIN_BOTTOM_PX
            for node in _drawn_when_zoomed(chart, zoomed):
                lines = labels[node].count("<br>") + 1
                needed = max(CAUSE_BOX_PX + EXTRA_LINE_PX * (lines - 1), TALL_LABEL_LINE_PX * lines)
                assert plot_px * values[node] / values[zoomed] >= needed, (affects, zoomed, labels[node])
    causes_app.controls["affects"].value = model.ALL


def test_label_room_follows_the_measured_rule():
    # The browser's thresholds (tests/browser/test_causes_zoom.py, zoomed on a phone): a six-line
    # label needed more than 81 px, a seven-line one more than 96 px.
    assert label_px("Alcohol") == CAUSE_BOX_PX
    assert label_px("Hypersple-nism") == CAUSE_BOX_PX + EXTRA_LINE_PX
    six = "Damaged marrow microenvironment (proposed mechanism)"
    seven = "Post-hepatitis (seronegative hepatitis) aplastic anemia"
    assert wrap_label(six).count("<br>") == 5 and label_px(six) > 81
    assert wrap_label(seven).count("<br>") == 6 and label_px(seven) > 96
    assert label_px(seven) > label_px(six) > label_px("bone marrow disorders")


def test_chart_height_is_that_of_the_view_zoomed_into():
    # One cytopenia of three causes, one of which has a seven-line name. Unzoomed, three columns
    # show and the causes are not drawn; zoomed into the origin, each cause gets a third of the
    # height, so the chart needs three seven-line boxes.
    seven = "Post-hepatitis (seronegative hepatitis) aplastic anemia"
    tree = {"ids": ["c", "c/o", "c/o/g", "c/o/g/x", "c/o/g/y", "c/o/g/z"],
            "parents": ["", "c", "c/o", "c/o/g", "c/o/g", "c/o/g"], "values": [3, 3, 3, 1, 1, 1],
            "labels": ["C", "O", "G", seven, "Y", "Z"]}
    assert causes_height(tree) == 460
    assert causes_height(tree, "c/o") == 3 * label_px(seven) + MARGIN_TOP_PX + MARGIN_BOTTOM_PX
    # Without the long name the chart keeps its minimum height.
    assert causes_height({**tree, "labels": ["C", "O", "G", "X", "Y", "Z"]}, "c/o") == 460


def test_a_zoom_gives_the_chart_the_zoomed_views_height(causes_app):
    causes_app.controls["affects"].value = model.ALL
    causes_app.controls["mechanism"].value = model.ANY
    tree = with_root(render.sunburst_tree(causes_app.view), text("causes", "causes.affects_all"))
    whole = causes_app.figure.layout.height
    causes_app.zoom("aplastic anemia")  # twenty causes, some of seven lines, share the chart
    assert causes_app.figure.layout.height == causes_height(tree, "aplastic anemia") > whole
    causes_app.zoom("aplastic anemia")  # back out
    assert causes_app.figure.layout.height == whole
    with pytest.raises(ValueError, match="no box 'nowhere'"):
        causes_height(tree, "nowhere")


def test_static_page_gets_the_same_zoom_heights_as_the_live_app(causes_app):
    # The static site has no kernel: the page itself sets each zoom's height, from a table
    # of the heights the live app would set (hemaedu/static/icicle_zoom_height.js).
    page = causes_app.static_html()
    heights = json.loads(re.search(r"const heights = (\{.*?\});", page).group(1))
    tree = causes_app.tree(causes_app.view)
    parents = set(tree["parents"]) - {""}
    assert set(heights) == parents and "aplastic anemia" in heights
    assert all(heights[node] == causes_height(tree, node) for node in parents)
    assert page.count("plotly_icicleclick") == 1  # on the causes chart, not the differential chart
    assert "plotly_icicleclick" not in lesson.differential_explorer().static_html()


def test_a_tap_on_a_box_narrows_summary_and_table_to_the_causes_under_it(causes_app):
    causes_app.controls["affects"].value = model.ALL
    causes_app.controls["mechanism"].value = model.ANY
    everything = len(causes_app.view.rows)
    causes_app.zoom("leukopenia")
    focused = causes_app.focused(causes_app.view)
    expected = {r["cause"] for r in CAUSES if r["affects"] == "leukopenia"}
    assert {r["cause"] for r in focused.rows} == expected and len(expected) < everything
    assert causes_app.summary_text() == render.causes_summary(focused)
    assert html.escape(render.causes_summary(focused)) in causes_app.status.value
    assert causes_app.details_html.value.count("<tr>") == len(expected) + 1
    causes_app.zoom("leukopenia/acquired")  # deeper
    assert {r["cause"] for r in causes_app.focused(causes_app.view).rows} == {
        r["cause"] for r in CAUSES if r["affects"] == "leukopenia" and r["origin"] == "acquired"}
    causes_app.zoom("leukopenia/acquired")  # the zoomed box again: back out to its parent
    assert causes_app.focus == "leukopenia"
    causes_app.zoom("leukopenia")
    causes_app.zoom("all")
    assert causes_app.focus == "" and len(causes_app.focused(causes_app.view).rows) == everything
    leaf = next(n for n in causes_app.trace("causes").ids if n not in set(causes_app.trace("causes").parents))
    causes_app.zoom(leaf)  # a cause has nothing under it: nothing changes
    assert causes_app.focus == ""
    with pytest.raises(ValueError, match="no box 'nowhere'"):
        causes_app.zoom("nowhere")
    causes_app.zoom("thrombocytopenia")
    causes_app.controls["affects"].value = "leukopenia"  # a filter change starts from the top again
    assert causes_app.focus == ""
    causes_app.controls["affects"].value = model.ALL


# ----------------------------------------------------------------------------- the differential


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "clearly_hypocellular"),
        (SEVERE_CUT - 1, "clearly_hypocellular"),
        (SEVERE_CUT, "residual_decides"),
        (PARTIAL_CUT - 1, "residual_decides"),
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


def test_between_the_cut_offs_the_residual_cells_decide_so_every_look_alike_stays():
    """Issue 13 item 8: 25-49% is hypocellular only with few residual blood-forming cells, never simply so."""
    for value in (SEVERE_CUT, (SEVERE_CUT + PARTIAL_CUT) / 2, PARTIAL_CUT - 1):
        view = model.compute_differential(value)
        assert view.band == "residual_decides" and view.less_likely == ()
        summary = render.differential_summary(view)
        assert f"fewer than {thresholds.format_value('camitta_residual')} of the remaining cells" in summary
        assert not re.search(r" is hypocellular \(", summary)  # never plainly "hypocellular" here
    rows = {r["marrow_cellularity"]: model.typical_range(r["marrow_cellularity"]) for r in DIFFERENTIAL}
    assert rows["hypocellular"] == (0, PARTIAL_CUT) and rows["normocellular or hypercellular"] == (SEVERE_CUT, 100)


def test_cutoffs_state_the_course_reading_with_placeholders_only():
    shown = lesson.cutoffs().data
    assert "clearly hypocellular" in shown
    assert (f"from {thresholds.format_value('camitta_cellularity')} up to below "
            f"{thresholds.format_value('camitta_cellularity_partial')}") in shown
    source = (resources.files("hemaedu.lessons.causes") / "content" / "en" / "cutoffs.md").read_text(encoding="utf-8")
    assert not re.search(r"\d+\s*%", source)  # every cut-off through a {{threshold...}} placeholder


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
        assert q.answer(wrong.text) is False and html.escape(right.why) not in q.feedback.value
        assert q.answer(right.text) is True and html.escape(right.why) in q.feedback.value
    blasts = next(q for q in checks if q.id == "hypocellular_leukemia")
    assert thresholds.format_value("acute_leukemia_blasts") in blasts.question


def test_lesson_sources_resolve():
    sources = set(model.source_ids())
    assert {r["source_id"] for r in CAUSES} <= sources and {r["source_id"] for r in DIFFERENTIAL} <= sources
    cited = set(cited_sources("causes"))  # sources the narratives cite by author and year
    assert lesson.references().data.count("\n- ") + 1 == len(sources | cited)


# ----------------------------------------------------------------------------- issue 13: differential gaps, PNH

NEW_LOOKALIKES = ("hlh", "t_lgl_leukemia", "gata2_deficiency", "drug_agranulocytosis")


def test_lookalikes_teach_the_four_missing_conditions_with_their_tests_and_sources():
    shown = lesson.lookalikes().data
    rows = {r["condition_id"]: r for r in DIFFERENTIAL}
    for condition in NEW_LOOKALIKES:
        row = rows[condition]
        assert row["key_tests"] in shown, condition
        assert cite(row["source_id"]) in shown and row["source_id"] not in shown, condition
    for drug in ("clozapine", "antithyroid", "metamizole"):
        assert drug in shown
        assert drug in rows["drug_agranulocytosis"]["distinguishing_clues"]
    # Every condition the narrative teaches is also a row of the explorer's table.
    table = render.differential_table(model.compute_differential(PARTIAL_CUT + 10))
    for condition in NEW_LOOKALIKES:
        assert rows[condition]["marrow_cellularity"] == "variable" or condition == "gata2_deficiency"
        assert html.escape(rows[condition]["condition"]) in (
            table + render.differential_table(model.compute_differential(0)))


def test_pnh_is_taught_as_a_finding_within_immune_failure_not_a_cause():
    assert not any("pnh" in r["cause_id"] or "PNH" in r["cause"] or "nocturnal" in r["cause"].lower() for r in CAUSES)
    assert "pnh" in {r["condition_id"] for r in DIFFERENTIAL}
    clone = next(r for r in records("outcomes") if r["outcome_id"] == "pnh_clone_at_diagnosis")
    shown = lesson.pnh_clones().data
    assert f"{clone['value_percent']:g}% of {clone['n']:,} patients" in shown
    assert cite(clone["source_id"]) in shown
    assert "not a cause" in shown and "{{" not in shown


def test_references_list_every_source_the_narratives_cite():
    refs = lesson.references().data
    for source in ("henter2007_hlh", "go2000_lgl", "ganapathi2015_gata2", "andersohn2007", "ibanez2005",
                   "scheinberg2010"):
        citation = records("references")
        first_author = next(r["citation"] for r in citation if r["source_id"] == source).split(",")[0]
        assert first_author in refs, source


def test_self_checks_teach_rather_than_reward_test_taking():
    """Issue 16 item 5: the answer's position varies, each option explains itself, no prompt gives it away."""
    from hemaedu.lessons.content import questions

    qs = questions("causes")
    assert len({[o.correct for o in q.options].index(True) for q in qs}) > 1
    for q in qs:
        assert len({o.why for o in q.options}) == len(q.options), q.id
        assert next(o for o in q.options if o.correct).text.lower() not in q.prompt.lower(), q.id
    residual = next(q for q in qs if q.id == "residual_cells")
    assert thresholds.format_value("camitta_residual") in residual.answer.text


def test_filter_options_are_in_sentence_case(causes_app):
    """Issue 16 item 7: option labels start with a capital; the values stay the table's own."""
    for name in ("affects", "mechanism"):
        labels = [label for label, _ in causes_app.controls[name].options]
        assert all(label[:1].isupper() for label in labels), labels
    assert ("Aplastic anemia", "aplastic anemia") in causes_app.controls["affects"].options


def test_no_source_key_or_row_id_in_the_learners_text(causes_app, diff_app):
    """Issue 16 item 3: no internal ids (source keys, cause or condition ids) in anything a learner reads."""
    from hemaedu.lessons.content import questions

    texts = [lesson.immune_evidence().data, lesson.cutoffs().data, lesson.lookalikes().data, lesson.pnh_clones().data]
    texts += [q.prompt + " ".join(o.text + o.why for o in q.options) for q in questions("causes")]
    for _, affects in causes_app.controls["affects"].options:
        causes_app.controls["mechanism"].value = model.ANY
        causes_app.controls["affects"].value = affects
        texts += [causes_app.summary_text(), causes_app.details_html.value, *causes_app.trace("causes").hovertext]
    for value in (0, (SEVERE_CUT + PARTIAL_CUT) / 2, 100):
        diff_app.controls["cellularity"].value = value
        texts += [diff_app.summary_text(), diff_app.details_html.value]
    shown = "\n".join(texts)
    ids = {r["source_id"] for r in records("references")} | {r["cause_id"] for r in CAUSES}
    ids |= {r["condition_id"] for r in DIFFERENTIAL}
    leaked = sorted(i for i in ids if ("_" in i or any(ch.isdigit() for ch in i))
                    and re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", shown))
    assert not leaked
