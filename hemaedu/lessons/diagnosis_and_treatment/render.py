"""Lesson 05's text, HTML and Markdown: words from the lesson's content, numbers from views and data.

Nothing here decides anything: the branch comes from :mod:`hemaedu.pathway`
through :mod:`.model`; this module only writes it down.
"""

from __future__ import annotations

import html
from typing import Any

from ... import data, thresholds
from ...figures import SEQUENCE, wrap_text
from .. import content
from ..content import cite, texts
from ..format import format_field, format_number, format_quantity
from ..tables import lesson_table
from . import model

#: Characters per line of an outcome bar's label (group and study): narrow enough for a phone.
OUTCOME_LABEL_WIDTH = 15

PACKAGE = "diagnosis_and_treatment"
t = texts(PACKAGE)  # a text of this lesson's content


def severity_label(severity: str) -> str:
    return str(content.get(PACKAGE, "severity")[str(severity)])


def situation_label(situation: model.Situation) -> str:
    """A row of the pathway map in words: "severe, sibling donor, transfusions"."""
    return t(
        "pathway.situation",
        severity=severity_label(situation.severity),
        donor=t("pathway.donor_yes" if situation.sibling_donor else "pathway.donor_no"),
        transfusions=t("pathway.transfusions_yes" if situation.transfusion_dependent else "pathway.transfusions_no"),
    )


def conditions(step: Any) -> str:
    """A branch's conditions in words, e.g. "severe or very severe; age up to 39 y; matched sibling donor"."""
    c = "pathway.conditions."
    parts = [t(c + "any_severity") if step.severities is None else
             t(c + "severity_joiner").join(severity_label(g) for g in model.SEVERITIES if g in step.severities)]
    low = None if step.age_min is None else format_number(step.age_min)
    high = None if step.age_max is None else format_number(step.age_max)
    if low is not None and high is not None:
        parts.append(t(c + "age_between", low=low, high=high))
    elif low is not None:
        parts.append(t(c + "age_from", low=low))
    elif high is not None:
        parts.append(t(c + "age_up_to", high=high))
    if step.sibling_donor is not None:
        parts.append(t(c + ("donor_yes" if step.sibling_donor else "donor_no")))
    if step.transfusion_dependent is not None:
        parts.append(t(c + ("transfused_yes" if step.transfusion_dependent else "transfused_no")))
    return t(c + "joiner").join(parts)


def map_runs() -> list[dict[str, Any]]:
    """The pathway map's bars: situation label, ages, treatment and hover text per run."""
    runs = []
    for r in model.pathway_map():
        label = situation_label(r.situation)
        runs.append(dict(
            situation=label, age_start=r.age_start, age_end=r.age_end, treatment=r.step.first_line,
            hovertext=t("pathway.run_hover", situation=html.escape(label), start=format_number(r.age_start),
                        end=format_number(r.age_end), treatment=html.escape(r.step.first_line)),
        ))
    return runs


def pathway_summary(view: model.PathwayView) -> str:
    """The live one-line summary of the pathway explorer."""
    return t("pathway.summary", age=format_number(view.age), situation=situation_label(view.situation),
             treatment=view.step.first_line)


def branch_html(view: model.PathwayView) -> str:
    """The chosen branch, its conditions, rationale, caveats and citation, as HTML."""
    step = view.step

    def para(key: str, body: str) -> str:
        return f"<p><strong>{html.escape(t(key))}</strong> {body}</p>"

    return (
        '<div class="hemaedu-branch" style="border-left:4px solid #0072B2;padding-left:0.8em">'
        + para("pathway.branch_applies", html.escape(step.first_line))
        + para("pathway.branch_conditions", html.escape(conditions(step)))
        + para("pathway.branch_why", html.escape(step.rationale))
        + (para("pathway.branch_caveats", html.escape(step.notes)) if step.notes else "")
        + para("pathway.branch_source", html.escape(cite(step.source_id)))
        + f"<p><em>{html.escape(t('pathway.branch_footer'))}</em></p></div>"
    )


def preset_label(name: str) -> str:
    return t(f"presets.{name}.label", age=format_number(model.VIGNETTES[name]["age"]))


# ----------------------------------------------------------------------------- outcomes


def when(years: float) -> str:
    """A timepoint in words: "at diagnosis", "at 6 months", "at 1 year", "at 5 years"."""
    if years == 0:
        return t("outcomes.time_diagnosis")
    if years < 1:
        return t("outcomes.time_months", months=format_number(round(12 * years)))
    return t("outcomes.time_years", years=format_quantity(years, "year"))


def chart_label(chart: model.OutcomeChart) -> str:
    """The chart's option label and title: "Survival by age: overall survival at 5 years"."""
    return t("outcomes.chart", topic=content.get(PACKAGE, "outcomes.topics")[chart.topic],
             measure=content.get(PACKAGE, "outcomes.measures")[chart.measure], when=when(chart.timepoint_years))


def chart_title(view: model.OutcomesView) -> str:
    """The figure's title; a single study is named in it (several studies are named on each bar)."""
    if view.several_sources:
        return chart_label(view.chart)
    return t("outcomes.title_one_study", chart=chart_label(view.chart), source=cite(view.studies[0]))


def x_title(view: model.OutcomesView) -> str:
    """The axis title names its one measure and timepoint."""
    title = t("outcomes.x_title", measure=content.get(PACKAGE, "outcomes.measures")[view.chart.measure],
             when=when(view.chart.timepoint_years))
    return title[:1].upper() + title[1:]


def bar_label(view: model.OutcomesView, r: dict[str, Any]) -> str:
    """A bar's label: the group, with its study when the chart holds several studies."""
    if view.several_sources:
        return t("outcomes.bar_label_source", group=r["group"], source=cite(r["source_id"]))
    return str(r["group"])


def outcome_bars(view: model.OutcomesView) -> dict[str, list[Any]]:
    """Labels, values, texts, hover texts and colours of the outcome bars of one view.

    One colour per study, so the bars of different studies never read as one series.
    """
    bars: dict[str, list[Any]] = dict(labels=[], values=[], texts=[], hover=[], colours=[])
    for r in view.rows:
        value = format_quantity(r["value_percent"], "%")
        size = "" if r["n"] is None else t("outcomes.size", n=format_number(r["n"]))
        label = bar_label(view, r)
        bars["labels"].append(wrap_text(label, OUTCOME_LABEL_WIDTH))  # wrapped, so a phone keeps a plot
        bars["values"].append(float(r["value_percent"]))
        bars["texts"].append(t("outcomes.bar_text", value=value, size=size))
        bars["hover"].append(t("outcomes.bar_hover", label=html.escape(label), value=value,
                               when=when(view.chart.timepoint_years), size=size,
                               source=html.escape(cite(r["source_id"]))))
        bars["colours"].append(SEQUENCE[view.studies.index(r["source_id"]) % len(SEQUENCE)])
    return bars


def outcomes_summary(view: model.OutcomesView) -> str:
    parts = "; ".join(t("outcomes.summary_part", group=bar_label(view, r),
                        value=format_quantity(r["value_percent"], "%")) for r in view.rows)
    return t("outcomes.summary", chart=chart_title(view), parts=parts)


def outcomes_notes(view: model.OutcomesView) -> str:
    """Under the chart: a warning when studies share the chart, then each row's notes with its study."""
    out = ""
    if view.several_sources:
        studies = t("outcomes.studies_joiner").join(cite(s) for s in view.studies)
        out += f"<p>{html.escape(t('outcomes.several_studies', n=len(view.studies), studies=studies))}</p>"
    items = "".join(
        f"<li>{html.escape(t('outcomes.note', group=r['group'], notes=r['notes'], source=cite(r['source_id'])))}</li>"
        for r in view.rows if r["notes"]
    )
    if items:
        out += f"<p><strong>{html.escape(t('outcomes.notes_heading'))}</strong></p><ul>{items}</ul>"
    return out


# ----------------------------------------------------------------------------- tables of the narrative


def transfusion_table() -> str:
    """HTML table of the AABB platelet-transfusion thresholds, from the thresholds table."""
    rows = []
    for tid in model.transfusion_threshold_ids():
        cut = thresholds.get(tid)
        rows.append((format_field(data.row("thresholds", tid)["notes"]),
                     f"{thresholds.COMPARISON_SYMBOLS[cut.comparator]} {thresholds.format_value(tid)}",
                     t("transfusion.source", scheme=cut.scheme, source=cite(cut.source_id))))
    return lesson_table(t("transfusion.caption"), content.get(PACKAGE, "transfusion.columns"), rows)


# ----------------------------------------------------------------------------- the work-up exercise


def workup_option_label(test_id: str) -> str:
    return str(next(r["test"] for r in model.workup() if r["test_id"] == test_id))


def workup_summary(view: model.WorkupView) -> str:
    """The live line: the question before a check; the verdict and the score after it."""
    score = t("workup_quiz.score", matched=len(view.matched), total=view.total)
    if view.chosen is None:
        return t("workup_quiz.summary_ask", number=view.number, total=view.total, question=view.asked["question"],
                 score=score)
    key = "workup_quiz.summary_right" if view.correct else "workup_quiz.summary_wrong"
    return t(key, test=view.chosen["test"], score=score)


def workup_details(view: model.WorkupView) -> str:
    """The question in large type, then (after a check) why, for whom and the source; then the checklist."""
    heading = t("workup_quiz.question_heading", number=view.number, total=view.total)
    out = (f'<p class="hemaedu-workup-question"><strong>{html.escape(heading)}</strong> '
           f'{html.escape(view.asked["question"])}</p>')
    if view.chosen is not None:
        asked = view.asked
        if not view.correct:
            out += "<p>" + html.escape(t("workup_quiz.chosen_answers", test=view.chosen["test"],
                                          question=view.chosen["question"])) + "</p>"
        out += ("<p>" + html.escape(t("workup_quiz.answer", test=asked["test"], when=asked["when"])) + "</p>"
                + "<p>" + html.escape(t("workup_quiz.why", notes=asked["notes"])) + "</p>"
                + "<p>" + html.escape(t("workup_quiz.source", source=cite(asked["source_id"]))) + "</p>")
    done = [r for r in model.workup() if r["test_id"] in view.matched]
    if done:
        items = "".join("<li>&#10003; " + html.escape(t("workup_quiz.checklist_item", test=r["test"],
                                                         question=r["question"])) + "</li>" for r in done)
        out += (f"<p><strong>{html.escape(t('workup_quiz.checklist_heading', matched=len(done), total=view.total))}"
                f"</strong></p><ul>{items}</ul>")
    return out


def workup_static(view: model.WorkupView) -> str:
    """Without a kernel: the first question and the tests to choose from."""
    options = "".join(f"<li>{html.escape(workup_option_label(i))}</li>" for i in model.workup_options())
    return (workup_details(view) + f"<ul>{options}</ul>"
            + f"<p><em>{html.escape(t('workup_quiz.open_to_play'))}</em></p>")


def workup_list() -> str:
    """HTML table of the whole work-up, from the workup table: test, question, who, source."""
    rows = [(r["test"], r["question"], r["when"], cite(r["source_id"])) for r in model.workup()]
    return lesson_table(t("workup_list.caption"), content.get(PACKAGE, "workup_list.columns"), rows)


# ----------------------------------------------------------------------------- acute/chronic vs Camitta


def classify_summary(view: model.ClassificationView) -> str:
    key = "classify.summary_agree" if view.agree else "classify.summary_disagree"
    return t(key, camitta=view.camitta_row["class_name"], chinese=view.chinese_row["class_name"])


def _met(flag: bool) -> str:
    return t("classify.met" if flag else "classify.not_met")


def classify_details(view: model.ClassificationView) -> str:
    """Both systems side by side: class, what decides it, criteria met, treatment focus, source; then why."""
    c, x = view.camitta_row, view.chinese_row
    rows = [
        (t("classify.row_class"), c["class_name"], x["class_name"]),
        (t("classify.row_onset"), t("classify.onset_ignored"), t(f"classify.onset_{view.onset}")),
        (t("classify.row_anc"), _met(view.camitta.anc), _met(view.chinese.anc)),
        (t("classify.row_platelets"), _met(view.camitta.platelets), _met(view.chinese.platelets)),
        (t("classify.row_reticulocytes"), _met(view.camitta.reticulocytes), _met(view.chinese.reticulocytes)),
        (t("classify.row_criteria", needed=view.chinese.needed),
         t("classify.criteria_line", met=view.camitta.count_of_blood_criteria),
         t("classify.criteria_line", met=view.chinese.criteria_met)),
        (t("classify.row_treatment"), c["treatment_focus"], x["treatment_focus"]),
        (t("classify.row_source"), cite(c["source_id"]), cite(x["source_id"])),
    ]
    columns = ["", *(_sentence(r["system"]) for r in (c, x))]
    out = lesson_table(t("classify.caption"), columns, rows, row_headers=True, table_class="hemaedu-classify",
                       table_style=None)
    reasons = []
    if not view.agree and view.reticulocytes_split:
        reasons.append(t("classify.why_reticulocytes",
                         chinese=format_quantity(x_cut("reticulocytes_below"), "10^9/L"),
                         camitta=thresholds.format_value("camitta_retic_automated")))
    if view.chinese.class_id == "cn_saa2":
        reasons.append(t("classify.why_onset"))
    if str(view.camitta.severity) == "very severe" and view.chinese.acute_picture:
        reasons.append(t("classify.why_very_severe"))
    if view.onset == "rapid" and not view.chinese.acute_picture:
        reasons.append(t("classify.why_rapid_not_acute"))
    out += "".join(f"<p>{html.escape(r)}</p>" for r in reasons)
    assumptions = t("classify.assumptions", cellularity=thresholds.format("camitta_cellularity"))
    out += f"<p><em>{html.escape(assumptions)}</em></p>"
    return out


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def x_cut(column: str) -> float:
    """A cut-off of the Chinese 1987 acute class, from its row of the aa_classification table."""
    row = next(r for r in model.classification_rows() if r["class_id"] == "cn_acute")
    return float(row[column])


def classification_table() -> str:
    """HTML table of every class of the aa_classification table and the Camitta grades it maps onto."""
    grades = content.get(PACKAGE, "severity")
    rows = [(r["system"], r["class_name"], r["onset"],
             t("classification_table.joiner").join(grades[g.strip()] for g in str(r["camitta_grades"]).split(";")),
             cite(r["source_id"])) for r in model.classification_rows()]
    return lesson_table(t("classification_table.caption"), content.get(PACKAGE, "classification_table.columns"), rows)
