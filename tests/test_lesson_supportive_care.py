"""Lesson 07 (supportive care, follow-up, living with aplastic anemia): its numbers follow the
``care_facts`` table, every situation shows sourced statements, and the learner sees authors and
years, never internal ids.

Published values are pinned once, in tests/test_data_facts.py; here everything is stated as a
relation to the table.
"""

from __future__ import annotations

import html
import re

import pytest

from hemaedu.data import records, row
from hemaedu.lessons import content
from hemaedu.lessons import supportive_care as lesson
from hemaedu.lessons.supportive_care import model, render
from hemaedu.lessons.supportive_care.apps import care_explorer, iron_balance

FACTS = {r["fact_id"]: r for r in records("care_facts")}
SOURCE_KEYS = {r["source_id"] for r in records("references")}


def visible(html_text: str) -> str:
    """What a learner reads: tags stripped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", html_text))


def ids_in(text: str, ids: set[str]) -> set[str]:
    """The internal ids (keys with an underscore or a digit, unlike plain words) that ``text`` shows."""
    keys = {i for i in ids if "_" in i or any(c.isdigit() for c in i)}
    return set(re.findall(r"[\w-]+", text)) & keys


# ----------------------------------------------------------------------------- iron balance


def test_iron_in_is_units_times_the_tables_iron_per_unit() -> None:
    per_unit_mg = FACTS["iron_per_unit"]["value"]
    for units in (0, 1, 17, 48, 100):
        assert model.compute_iron(units=units, months=12).iron_in_g == pytest.approx(units * per_unit_mg / 1000)


def test_iron_out_is_the_tables_daily_loss_over_the_months() -> None:
    daily_mg = FACTS["iron_excretion"]["value"]
    assert daily_mg == 1 and FACTS["iron_excretion"]["source_id"] == "lifeblood_iron_overload"
    view = model.compute_iron(units=10, months=24)
    assert view.iron_out_g == pytest.approx(24 * 365.25 / 12 * daily_mg / 1000, abs=1e-3)
    # A year of losses is less than two units' iron: the reason transfused iron accumulates.
    assert model.compute_iron(units=2, months=12).net_g > 0


def test_overload_risk_starts_just_above_the_tables_unit_count() -> None:
    risk = int(FACTS["iron_overload_risk"]["value"])
    assert not model.compute_iron(units=risk - 1, months=12).above_risk_level
    assert not model.compute_iron(units=risk, months=12).above_risk_level  # "after about 10 units"
    assert model.compute_iron(units=risk + 1, months=12).above_risk_level


def test_the_summary_names_the_risk_and_warns_against_iron_tablets_when_above_it() -> None:
    app = iron_balance(units=48, months=24)
    summary = app.summary_text()
    assert "48 red-cell units over 24 months" in summary and "12.0 g" in summary
    assert "iron overload is now a risk" in summary and "iron tablets" in summary
    app.main.value = 1
    assert app.summary_text().startswith("1 red-cell unit over 24 months")  # singular
    assert "overload is not expected yet" in app.summary_text()


def test_iron_app_plots_what_the_model_computes() -> None:
    app = iron_balance()
    app.main.value = 30
    view = model.compute_iron(units=30, months=app.controls["months"].value)
    assert list(app.trace("iron").x) == pytest.approx([view.iron_in_g, view.iron_out_g, view.net_g])


@pytest.mark.parametrize(("units", "months"), [(-1, 12), (10, 0)])
def test_iron_balance_refuses_impossible_input(units: int, months: float) -> None:
    with pytest.raises(ValueError, match="units must be >= 0 and months > 0"):
        model.compute_iron(units=units, months=months)


# ----------------------------------------------------------------------------- care explorer


def test_every_care_fact_is_shown_in_some_situation() -> None:
    shown = {f for ids in model.SITUATIONS.values() for f in ids}
    assert shown == set(FACTS), f"rows no situation shows: {set(FACTS) - shown}"


def test_situations_lead_with_the_most_urgent_row() -> None:
    assert model.compute_care("neutropenic_fever").fact_ids[0] == "neutropenic_fever"
    assert model.compute_care("atg_days").fact_ids[0] == "atg_steroid_cover"
    assert "irradiated_components" in model.compute_care("atg_days").fact_ids
    assert {"no_iron_supplements", "diet_iron"} <= set(model.compute_care("many_transfusions").fact_ids)
    assert "no_live_vaccines" in model.compute_care("vaccination").fact_ids


@pytest.mark.parametrize("situation", list(model.SITUATIONS))
def test_care_map_counts_each_row_under_its_topic(situation: str) -> None:
    view = model.compute_care(situation)
    assert sum(view.per_topic) == len(view.fact_ids)
    for topic, n in zip(model.TOPICS, view.per_topic, strict=True):
        assert n == sum(FACTS[f]["topic"] == topic for f in view.fact_ids)


def test_care_map_tells_the_sections_apart_by_more_than_colour_and_names_them_in_a_legend() -> None:
    # Before: three colours only, named in the notebook's prose (WCAG 1.4.1).
    figure = care_explorer().figure
    bars = next(t for t in figure.data if t.meta == "care_points")
    keys = [t for t in figure.data if str(t.meta).startswith("section:")]
    assert [k.name for k in keys] == [render.section_label(s) for s in model.sections()]
    assert figure.layout.legend.title.text == render.t("care.legend_title") and not bars.showlegend
    for topic, colour, pattern in zip(bars.y, bars.marker.color, bars.marker.pattern.shape, strict=True):
        key = keys[model.sections().index(model.topic_section(model.TOPICS[list(bars.y).index(topic)]))]
        assert (key.marker.color, key.marker.pattern.shape) == (colour, pattern)
    assert len({k.marker.pattern.shape for k in keys}) == len(keys)  # a pattern per section
    assert all(k.x == (0,) for k in keys)  # a legend key only: no length, so nothing drawn


@pytest.mark.parametrize("situation", list(model.SITUATIONS))
def test_each_situation_shows_its_statements_with_author_and_year_and_no_internal_id(situation: str) -> None:
    app = care_explorer(situation=situation)
    text = visible(app.details_html.value) + " " + app.summary_text() + " " + app.figure.layout.title.text
    for fact_id in model.SITUATIONS[situation]:
        fact = FACTS[fact_id]
        assert fact["statement"] in text
        assert content.cite(fact["source_id"]) in text
        if not fact["checked"]:
            assert render.t("care.unchecked") in text
    assert not ids_in(text, SOURCE_KEYS | set(FACTS) | set(model.SITUATIONS)), "internal ids shown to the learner"


def test_the_fever_situation_quotes_the_neutrophil_cut_off_from_data() -> None:
    label = render.situation_label("neutropenic_fever")
    value = row("thresholds", "camitta_anc")["value"]
    assert f"{value:g}" in label and FACTS["neutropenic_fever"]["value"] == value


def test_unknown_situation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown situation 'icu'"):
        model.compute_care("icu")


# ----------------------------------------------------------------------------- narrative, questions, references


@pytest.mark.parametrize("block", ["supportive_care", "iron_intro", "infection_and_drugs", "after_treatment",
                                   "living_with_aa"])
def test_narratives_cite_by_author_and_year_never_by_key(block: str) -> None:
    assert not ids_in(lesson.markdown(block).data, SOURCE_KEYS | set(FACTS)), block


def test_narrative_numbers_come_from_the_table() -> None:
    text = lesson.markdown("supportive_care").data
    assert f"about {FACTS['iron_per_unit']['value']:g} mg of iron" in text
    assert f"After about {FACTS['iron_overload_risk']['value']:g} units" in text
    days = round(FACTS["iron_per_unit"]["value"] / FACTS["iron_excretion"]["value"])
    assert f"about {days} days" in text


def test_the_misconception_check_says_a_transfused_patient_needs_no_iron_tablets() -> None:
    check = next(q for q in lesson.self_checks() if q.id == "iron_tablets")
    right = next(o for o in check.options if o.correct)
    assert "does not need them" in right.text
    assert f"{FACTS['iron_per_unit']['value']:g} mg" in right.why


def test_right_answers_do_not_sit_in_one_position() -> None:
    positions = [next(i for i, o in enumerate(q.options) if o.correct) for q in lesson.self_checks()]
    assert len(set(positions)) >= 3, positions
    for q in lesson.self_checks():
        assert len({o.why for o in q.options}) == len(q.options), q.id


def test_references_list_every_source_the_lesson_shows() -> None:
    refs = lesson.references().data
    for source in {f["source_id"] for f in FACTS.values()}:
        assert str(row("references", source)["citation"])[:40] in refs, source
