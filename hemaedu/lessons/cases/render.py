"""Lesson 06's words and HTML: the model's views written out from the content templates.

Every learner-visible string comes from ``content/<lang>/lesson.toml`` or a case file; this
module only assembles them, formats numbers and wraps them in a little HTML structure.
"""

from __future__ import annotations

import html

from ...data import format_references, row
from ...thresholds import unit_symbol
from .. import lesson as registry_lesson
from ..content import text, texts
from ..format import format_number, format_threshold, measure_label
from ..pancytopenia.model import quantity
from ..tables import lesson_table
from . import generator as practice
from .case_types import Case, Count, Marrow, Review, Stage
from .model import CaseReport, CaseView

PACKAGE = "cases"
t = texts(PACKAGE)  # a text of this lesson's content
COUNT_UNITS = {"hb": "g/dL", "wbc": "10^9/L", "anc": "10^9/L", "platelets": "10^9/L", "reticulocytes": "10^9/L"}


def _e(value: str) -> str:
    return html.escape(value)


def _paragraphs(body: str) -> str:
    return "".join(f"<p>{_e(p.strip())}</p>" for p in body.split("\n\n") if p.strip())


def patient_line(case: Case) -> str:
    p = case.patient
    child = p.age < 18
    sex = t(f"case.{'girl' if child and p.sex == 'female' else 'boy' if child else p.sex}")
    return t("case.patient", age=format_number(p.age), sex=sex)


def onset_line(case: Case) -> str:
    if case.onset_class is None:
        return ""
    r = row("aa_classification", case.onset_class)
    return t("case.onset", system=r["system"], name=r["class_name"], onset=r["onset"])


def count_table(count: Count, caption: str | None = None) -> str:
    """A blood count as an accessible table (the chart's text alternative)."""
    rows = [(measure_label(key, short=False), quantity(getattr(count, key), unit)) for key, unit in COUNT_UNITS.items()]
    method = t("case.count_unit_note", method=t(f"case.method_{count.retic_method}"))
    table = lesson_table(caption or t("case.count_caption"), [t("case.col_measure"), t("case.col_value")], rows,
                         row_headers=True, table_style=None)
    return f"{table}<p><small>{_e(method)}</small></p>"


def marrow_text(marrow: Marrow) -> str:
    parts = [t("case.cellularity", value=quantity(marrow.cellularity, "%"))]
    if marrow.residual_hematopoietic is not None:
        parts.append(t("case.residual", value=quantity(marrow.residual_hematopoietic, "%")))
    return f"<p><strong>{_e(t('case.marrow_caption'))}:</strong> {_e('; '.join(parts))}</p>"


def stage_html(stage: Stage, case: Case) -> str:
    heading = t("stage.heading", kind=t(f"stage.{stage.kind}"), title=stage.title)
    body = _paragraphs(stage.text)
    if stage.count is not None:
        body += count_table(stage.count)
        if case.patient.age < 18:
            body += f"<p><em>{_e(t('case.child_note'))}</em></p>"
    if stage.marrow is not None:
        body += marrow_text(stage.marrow)
    return f"<section class='hemaedu-case-stage'><h3>{_e(heading)}</h3>{body}</section>"


def verdict(correct: bool) -> str:
    return text("common", "correct" if correct else "not_quite")


def answered_html(view: CaseView, number: int) -> str:
    a = view.answered[number]
    d, chosen = a.decision, a.decision.options[a.chosen]
    parts = [f"<p><strong>{_e(t('control.answer', number=number + 1, total=len(view.case.decisions), prompt=d.prompt))}"
             f"</strong></p>", f"<p>{_e(t('answer.your', text=chosen.text))} <strong>{_e(verdict(a.correct))}</strong> "
             f"{_e(chosen.why)}</p>"]
    if not a.correct:
        right = d.options[d.right]
        parts.append(f"<p>{_e(t('answer.right_was', text=right.text))} {_e(right.why)}</p>")
        if chosen.consequence:
            parts.append(f"<p><em>{_e(t('answer.consequence', text=chosen.consequence))}</em></p>")
    if d.rule_value is not None:
        parts.append(f"<p><small>{_e(t('answer.rules_note', rule=t(f'rule.{d.kind}')))}</small></p>")
    return f"<div class='hemaedu-case-answer'>{''.join(parts)}</div>"


def transcript(view: CaseView) -> str:
    """Every stage shown so far with the decisions answered in it, in order."""
    case = view.case
    out = [f"<p><strong>{_e(case.title)}</strong>: {_e(patient_line(case))}. {_e(case.summary)}</p>"]
    onset = onset_line(case)
    if onset:
        out.append(f"<p><small>{_e(onset)}</small></p>")
    numbers = {a.decision.id: i for i, a in enumerate(view.answered)}
    for stage in case.stages[: view.revealed]:
        out.append(stage_html(stage, case))
        out += [answered_html(view, numbers[d.id]) for d in stage.decisions if d.id in numbers]
    return "".join(out)


def review_link(review: Review) -> str:
    item = registry_lesson(review.lesson)
    anchor = review.section.replace(" ", "-")
    label = t("report.review_link", number=item.number, title=item.title, section=review.section)
    return f"<a href='{_e(item.notebook)}#{_e(anchor)}'>{_e(label)}</a>"


def report_html(view: CaseView, rep: CaseReport, done: int, total_cases: int) -> str:
    prompts = {d.id: d.prompt for d in view.case.decisions}
    right = "".join(f"<li>{_e(prompts[i])}</li>" for i in rep.right_ids)
    review = "".join(f"<li>{review_link(r)}</li>" for r in rep.review)
    refs = _e(format_references(list(rep.sources))).replace("\n", "<br>")
    return (
        f"<section class='hemaedu-case-report'><h3>{_e(t('report.heading'))}</h3>"
        f"<p>{_e(t('report.score', right=rep.right, total=rep.total))}</p>"
        f"<p><strong>{_e(t('report.got_right'))}</strong></p>"
        + (f"<ul>{right}</ul>" if right else f"<p>{_e(t('report.nothing_right'))}</p>")
        + f"<p><strong>{_e(t('report.review'))}</strong></p>"
        + (f"<ul>{review}</ul>" if review else f"<p>{_e(t('report.review_none'))}</p>")
        + f"<p><strong>{_e(t('report.sources'))}</strong></p><p>{refs}</p>"
        f"<p>{_e(t('report.session', done=done, total=total_cases))} {_e(t('report.session_note'))}</p></section>"
    )


def case_summary(view: CaseView, rep: CaseReport) -> str:
    """The live one-line status: the last verdict with its reason, and what comes next."""
    total = len(view.case.decisions)
    last = view.last
    if view.finished:
        if last is None:  # pragma: no cover - a case always has a decision
            return t("summary.finished_quiet", title=view.case.title, right=rep.right, total=total)
        chosen = last.decision.options[last.chosen]
        return t("summary.finished", verdict=verdict(last.correct), why=chosen.why, right=rep.right, total=total)
    assert view.current is not None
    number = len(view.answered) + 1
    if last is None:
        return t("summary.start", title=view.case.title, number=number, total=total, prompt=view.current.prompt)
    chosen = last.decision.options[last.chosen]
    return t("summary.after", verdict=verdict(last.correct), why=chosen.why, number=number, total=total,
             prompt=view.current.prompt)


# --------------------------------------------------------------------------- practice


def lineage_text(answer: str) -> str:
    names = [t(f"lineage.{x}") for x in answer.split(",") if x != "none"]
    return t("lineage.separator").join(names) if names else t("practice.none")


def answer_text(p: practice.PracticePatient, answer: str) -> str:
    return lineage_text(answer) if p.skill == "cytopenias" else t(f"grade.{answer}")


def _measure_name(measure: str) -> str:
    return t("measure.residual") if measure == "residual" else measure_label(measure, short=False)


def criterion_text(c: practice.Criterion) -> str:
    unit = "%" if c.measure in ("cellularity", "residual") else COUNT_UNITS[c.measure]
    return t("practice.criterion", measure=_measure_name(c.measure), value=quantity(c.value, unit),
             status=t("practice.met" if c.met else "practice.not_met"), rule=format_threshold(c.threshold_id))


def practice_intro(p: practice.PracticePatient) -> str:
    sex = t(f"case.{p.sex}")
    line = t("practice.patient", number=p.seed, age=p.age, sex=sex)
    if p.skill == "severity":
        cell = quantity(p.cellularity, "%")
        line += " " + (t("practice.marrow", cellularity=cell) if p.residual_hematopoietic is None else
                       t("practice.marrow_residual", cellularity=cell,
                         residual=quantity(p.residual_hematopoietic, "%")))
    return line


def practice_summary(p: practice.PracticePatient, checked: practice.PracticeCheck | None, right: int,
                     total: int) -> str:
    score = t("practice.score", right=right, total=total)
    if checked is None:
        ask = t(f"practice.ask_{p.skill}")
        return f"{t('practice.summary', number=p.seed, age=p.age, sex=t(f'case.{p.sex}'), ask=ask)} {score}"
    criteria = t("practice.criterion_separator").join(criterion_text(c) for c in checked.deciding)
    said = t("practice.verdict", verdict=verdict(checked.correct), expected=answer_text(p, checked.expected),
             criteria=criteria)
    return f"{said} {score}"


def unit_of(measure: str) -> str:
    return unit_symbol(COUNT_UNITS[measure])
