"""Lesson 06's apps: the case player and the practice drill, thin :class:`~hemaedu.lessons._app.App` s.

Both draw lesson 01's blood-count chart (:func:`hemaedu.figures.blood_count.make_blood_count_figure`
with lesson 01's rows, labels and model), so a count reads the same in every lesson.

Beyond the protocol, both apps keep a little session state the controls cannot hold: the
player the learner's answers per case (:class:`~.model.CaseState`), the drill the last checked
answer and the score. Nothing leaves the page.

>>> player = case_player("edta_pseudothrombocytopenia")
>>> player.answer(player.view.case_view.current.right)
True
>>> drill = practice()
>>> drill.controls["patient"].value = 12
>>> drill.answer(drill.view.expected)
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from ...controls import Choice, Slider
from ...figures import AXIS_TITLE_WIDTH, make_figure, wrap_text
from ...figures.blood_count import TRACES, axis_labels, make_blood_count_figure, trace_data
from .._app import App, status_html
from ..pancytopenia import model as blood
from ..pancytopenia import render as blood_render
from . import generator as drill
from . import model, render
from .case_types import Count
from .casefile import case_ids, load_case
from .render import t

__all__ = ["CasePlayer", "Practice", "case_player", "practice"]

#: Lesson 01's model needs a cellularity; the chart's rows do not show it, so any valid value does.
_CHART_CELLULARITY = 50.0


def _chart_view(count: Count | dict[str, float], sex: str, cellularity: float = _CHART_CELLULARITY) -> Any:
    values = count if isinstance(count, dict) else {k: getattr(count, k) for k in render.COUNT_UNITS}
    return blood.compute(**values, cellularity=cellularity, sex=sex)


def _chart_patch(bc: Any) -> dict[str, dict[str, Any]]:
    rows = blood_render.figure_rows(bc)
    data = trace_data(rows)
    return {**{key: data[key] for key in TRACES}, "layout": {"yaxis.ticktext": axis_labels(rows)}}


class AnswerChoice(Choice):
    """A :class:`~hemaedu.controls.Choice` whose options change with the question (nothing selected)."""

    def set_options(self, options: list[tuple[str, Any]], description: str, *, disabled: bool = False) -> None:
        self.index = -1
        self._values = [v for _, v in options]
        self._labels = [label for label, _ in options]
        self.description, self.disabled = description, disabled


@dataclass(frozen=True)
class PlayerView:
    case_view: model.CaseView
    report: model.CaseReport
    chart: Any


class CasePlayer(App):
    """A patient revealed stage by stage; a question at each decision point, feedback after each answer."""

    package = "cases"
    app_id = "case_player"
    main_control = "case"
    show_preset_buttons = False

    def __init__(self, **values: Any) -> None:
        self.states: dict[str, model.CaseState] = {}
        self.completed: dict[str, model.CaseReport] = {}
        super().__init__(**values)
        self.check = w.Button(description=t("control.check"), tooltip=t("control.check_tooltip"))
        self.check.on_click(lambda _b: self._submit())
        self.restart = w.Button(description=t("control.restart"), tooltip=t("control.restart_tooltip"))
        self.restart.on_click(lambda _b: self.restart_case())
        self.figure_box = w.Box([self.figure])
        self._sync_question()

    def state(self, case_id: str | None = None) -> model.CaseState:
        case_id = case_id or self.controls["case"].value
        return self.states.setdefault(case_id, model.start(case_id))

    def make_controls(self) -> dict[str, w.Widget]:
        ids = case_ids()
        case = Choice(options=[(load_case(i).title, i) for i in ids], value=ids[0],
                      description=t("control.case"), help=t("control.case_help"))
        answer = AnswerChoice(options=[("-", 0)], value=None, allow_none=True, description=t("control.answer_done"))
        return {"case": case, "answer": answer}

    def compute(self, **values: Any) -> PlayerView:
        state = self.state(values["case"])
        case_view = model.view(state)
        return PlayerView(case_view, model.report(state), _chart_view(case_view.count, case_view.case.patient.sex))

    def make_figure(self, view: PlayerView) -> Any:
        return make_blood_count_figure(blood_render.figure_rows(view.chart), labels=blood_render.figure_labels(),
                                       widget=True)

    def patch(self, view: PlayerView) -> dict[str, dict[str, Any]]:
        return _chart_patch(view.chart)

    def summary(self, view: PlayerView) -> str:
        return render.case_summary(view.case_view, view.report)

    def details(self, view: PlayerView) -> str:
        out = render.transcript(view.case_view)
        if view.case_view.finished:
            out += render.report_html(view.case_view, view.report, len(self.completed), len(case_ids()))
        return out

    def react(self, changed: str, values: Any) -> dict[str, Any]:
        if changed == "case" and hasattr(self, "figure_box"):
            self._sync_question()
        return {}

    # -- playing -------------------------------------------------------------------
    def _sync_question(self) -> None:
        """Show the current decision's options (or none when the case is finished) and the chart if taken."""
        view = model.view(self.state())
        was, self._holding = self._holding, True
        try:
            control: AnswerChoice = self.controls["answer"]
            if view.current is None:
                control.set_options([(t("control.answer_done_option"), -1)], t("control.answer_done"), disabled=True)
            else:
                total = len(view.case.decisions)
                prompt = t("control.answer", number=len(view.answered) + 1, total=total, prompt=view.current.prompt)
                control.set_options([(o.text, i) for i, o in enumerate(view.current.options)], prompt)
        finally:
            self._holding = was
        self.figure_box.layout.display = None if view.count_shown else "none"
        self.check.disabled = view.finished

    def _submit(self) -> bool | None:
        choice = self.controls["answer"].value
        if choice is None or choice == -1:
            self.status.value = status_html(t("practice.choose_first"))
            return None
        return self.answer(choice)

    def answer(self, option: int) -> bool:
        """Answer the current decision with option index ``option``, as the learner would; returns whether right."""
        state = self.state()
        decision = state.current
        if decision is None:
            raise ValueError(f"case {state.case_id!r} is finished; restart it to play again")
        new = state.choose(option)
        self.states[state.case_id] = new
        if new.finished:
            self.completed[state.case_id] = model.report(new)
        self._sync_question()
        self.redraw()
        return option == decision.right

    def restart_case(self) -> None:
        self.states[self.controls["case"].value] = model.start(self.controls["case"].value)
        self._sync_question()
        self.redraw()

    def layout_children(self) -> list[w.Widget]:
        c = self.controls
        return [c["case"], self.restart, self.figure_box, self.details_html, c["answer"], self.check, self.status]

    def static_html(self) -> str:
        """The case's opening as HTML that needs no kernel: title, patient, the stages up to the first question."""
        view = model.view(model.start(self.controls["case"].value))
        case, first = view.case, view.current
        options = "".join(f"<li>{html.escape(o.text)}</li>" for o in first.options) if first else ""
        question = f"<p><strong>{html.escape(first.prompt)}</strong></p><ul>{options}</ul>" if first else ""
        return (f"<p><strong>{html.escape(case.title)}</strong>: {html.escape(render.patient_line(case))}. "
                f"{html.escape(case.summary)}</p>"
                + "".join(render.stage_html(stage, case) for stage in case.stages[: view.revealed])
                + f"{question}"
                f"<p><em>{html.escape(t('static.open_to_play'))}</em></p>")


def case_player(case: str | None = None) -> CasePlayer:
    """Build the case player, starting on ``case`` (default: the first case)."""
    return CasePlayer(**({"case": case} if case else {}))


# --------------------------------------------------------------------------- practice


@dataclass(frozen=True)
class PracticeView:
    patient: drill.PracticePatient
    expected: str
    checked: drill.PracticeCheck | None
    chart: Any

    @property
    def withheld(self) -> bool:
        """Before the learner checks an answer the chart shows values only (no ranges, no cut-offs)."""
        return self.checked is None


#: Traces whose legend entry the withheld chart hides (their data is empty then).
_LEGEND_TRACES = ("band", "low", "high", "cutoff", "other_limit")


def _withheld_patch(bc: Any) -> dict[str, dict[str, Any]]:
    """Lesson 01's chart with the answer taken out: every value as one neutral marker and its
    number, without the normal band, the shortfall stems, the low/high markers or the cut-offs,
    which together would name the cytopenias (and the grade) before the learner answers."""
    rows = blood_render.figure_rows(bc)
    data = trace_data(rows)
    # Each row keeps its measure's name (as in lesson 01): the name gives nothing away, and without
    # it "2.8 ×10⁹/L" could be any of four counts.
    values = [t("practice.value_only", label=row.label, value=blood.quantity(r.value, r.unit))
              for row, r in zip(rows, bc.rows, strict=True)]
    ys = list(data["text"]["y"])
    empty = {"x": [], "y": [], "showlegend": False}
    return {
        "band": empty, "stem": {"x": [], "y": []},
        "normal": {"x": [r.position for r in rows], "y": ys, "customdata": values, "name": t("practice.values_name")},
        "low": {**empty, "customdata": []}, "high": {**empty, "customdata": []},
        "cutoff": {**empty, "customdata": []}, "other_limit": {**empty, "customdata": []},
        "text": {"x": list(data["text"]["x"]), "y": ys, "text": values},
        "layout": {"yaxis.ticktext": axis_labels(rows), "xaxis.showticklabels": False,
                   "xaxis.title.text": wrap_text(t("practice.withheld_axis"), AXIS_TITLE_WIDTH)},
    }


class Practice(App):
    """Endless practice patients: name the cytopenias or grade the severity, checked by the rules."""

    package = "cases"
    app_id = "practice"
    main_control = "patient"
    show_preset_buttons = False

    def __init__(self, **values: Any) -> None:
        self.checked: drill.PracticeCheck | None = None
        self.right = self.total = 0
        self.lineages = {x: w.Checkbox(value=False, description=t(f"lineage.{x}"), indent=False)
                         for x in drill.LINEAGES}
        self.grade = Choice(options=[(t(f"grade.{g}"), g) for g in drill.GRADES], value=None, allow_none=True,
                            description=t("control.grade_legend"))
        super().__init__(**values)
        self.check = w.Button(description=t("control.check"), tooltip=t("control.check_tooltip"))
        self.check.on_click(lambda _b: self._submit())
        self.next = w.Button(description=t("control.next_patient"), tooltip=t("control.next_patient_tooltip"))
        self.next.on_click(lambda _b: self.next_patient())
        self.lineage_box = w.VBox([w.HTML(f"<p>{html.escape(t('control.lineages_legend'))}</p>"),
                                   *self.lineages.values()])
        self._show_answer_widgets()

    def make_controls(self) -> dict[str, w.Widget]:
        patient = Slider(value=1, min=1, max=1000, step=1, readout_format="d", description=t("control.patient"),
                         help=t("control.patient_help"))
        skill = Choice(options=[(t(f"control.skill_{s}"), s) for s in drill.SKILLS], value=drill.SKILLS[0],
                       description=t("control.skill"))
        return {"patient": patient, "skill": skill}

    def compute(self, **values: Any) -> PracticeView:
        p = drill.generate(int(values["patient"]), values["skill"])
        checked = self.checked if self.checked is not None else None
        return PracticeView(p, drill.expected(p), checked, _chart_view(p.count(), p.sex, p.cellularity))

    def make_figure(self, view: PracticeView) -> Any:
        rows, labels = blood_render.figure_rows(view.chart), blood_render.figure_labels()
        if not view.withheld:
            return make_blood_count_figure(rows, labels=labels, widget=True)
        # The chart a learner first sees must not answer the question. The withheld state is built
        # into the widget's initial state: updates sent before the page shows a widget are lost.
        figure = make_blood_count_figure(rows, labels=labels, widget=False)
        for target, props in _withheld_patch(view.chart).items():
            if target == "layout":
                figure.update_layout({k.replace(".", "_"): v for k, v in props.items()})
            else:
                next(tr for tr in figure.data if tr.meta == target).update(props)
        return make_figure(list(figure.data), figure.layout.to_plotly_json(), widget=True)

    def patch(self, view: PracticeView) -> dict[str, dict[str, Any]]:
        if view.withheld:
            return _withheld_patch(view.chart)
        full = _chart_patch(view.chart)
        full["normal"] = {**full["normal"], "name": blood_render.figure_labels()["normal"]}
        for key in _LEGEND_TRACES:
            full[key] = {**full[key], "showlegend": True}
        full["layout"] = {**full["layout"], "xaxis.title.text": blood_render.figure_labels()["x_title"],
                          "xaxis.showticklabels": True}
        return full

    def summary(self, view: PracticeView) -> str:
        return render.practice_summary(view.patient, view.checked, self.right, self.total)

    def details(self, view: PracticeView) -> str:
        hint = f" <em>{html.escape(t('practice.chart_after_answer'))}</em>" if view.withheld else ""
        return f"<p>{html.escape(render.practice_intro(view.patient))}{hint}</p>"

    def react(self, changed: str, values: Any) -> dict[str, Any]:
        self.checked = None  # a new patient or skill: the old verdict no longer applies
        if hasattr(self, "lineage_box"):
            for box in self.lineages.values():
                box.value = False
            self.grade.value = None
            self._show_answer_widgets()
        return {}

    def _show_answer_widgets(self) -> None:
        skill = self.controls["skill"].value
        self.lineage_box.layout.display = None if skill == "cytopenias" else "none"
        self.grade.layout.display = None if skill == "severity" else "none"

    def _submit(self) -> bool | None:
        if self.controls["skill"].value == "cytopenias":
            given: Any = frozenset(x for x, box in self.lineages.items() if box.value)
        else:
            given = self.grade.value
            if given is None:
                self.status.value = status_html(t("practice.choose_first"))
                return None
        return self.answer(given)

    def answer(self, given: Any) -> bool:
        """Check ``given`` (a set of lineages, or a grade) for the current patient; returns whether right."""
        self.checked = drill.check(self.view.patient, given)
        self.right += self.checked.correct
        self.total += 1
        self.redraw()
        return self.checked.correct

    def next_patient(self) -> None:
        slider = self.controls["patient"]
        slider.value = slider.value + 1 if slider.value < slider.max else slider.min

    def layout_children(self) -> list[w.Widget]:
        c = self.controls
        return [c["patient"], c["skill"], self.figure, self.details_html, self.lineage_box, self.grade,
                self.check, self.next, self.status]


def practice(patient: int = 1, skill: str = "cytopenias") -> Practice:
    """Build the practice drill at patient number ``patient`` of ``skill``."""
    return Practice(patient=patient, skill=skill)
