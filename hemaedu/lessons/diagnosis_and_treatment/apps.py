"""Lesson 05's apps: the teaching treatment pathway (main app) and the long-term outcomes.

Thin :class:`~hemaedu.lessons._app.App` subclasses: controls, a pure compute
(:mod:`.model`), the figure built once and patched by trace name, and the texts
(:mod:`.render`, from the lesson's content). The branches, the map's rows and the
legend all come from :mod:`hemaedu.pathway`, so a new branch of the table shows
up here without a code change.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ... import pathway
from ...controls import Choice, Slider
from ...figures.pathway import make_outcomes_chart, make_pathway_map
from .._app import App, status_html
from ..format import format_number, measure_label, unit_symbol
from . import model, render
from .render import t

__all__ = [
    "ClassificationApp", "OutcomesApp", "PathwayApp", "WorkupQuiz", "classification_explorer", "outcomes_explorer",
    "pathway_explorer", "workup_quiz",
]

#: The vignette the pathway app starts from.
DEFAULT_PRESET = "young_sibling"


class PathwayApp(App):
    """Age, severity, sibling donor and transfusion need -> one branch of the teaching pathway."""

    package = "diagnosis_and_treatment"
    app_id = "pathway_explorer"
    main_control = "age"
    presets = model.VIGNETTES

    def make_controls(self) -> dict[str, Any]:
        start = model.VIGNETTES[DEFAULT_PRESET]
        yes_no = [(t("pathway.yes"), True), (t("pathway.no"), False)]
        return {
            "age": Slider(value=start["age"], min=max(1, model.AGE_RANGE[0]), max=model.AGE_RANGE[1], step=1,
                          description=t("pathway.age_label"), unit=t("pathway.age_unit"),
                          unit_one=t("pathway.age_unit_one"), readout_format="d",
                          help=t("pathway.age_help")),
            "severity": Choice(options=[(render.severity_label(s), s) for s in model.SEVERITIES],
                               value=start["severity"], description=t("pathway.severity_label"),
                               help=t("pathway.severity_help")),
            "sibling_donor": Choice(options=yes_no, value=start["sibling_donor"],
                                    description=t("pathway.donor_label"), help=t("pathway.donor_help")),
            "transfusion_dependent": Choice(options=yes_no, value=start["transfusion_dependent"],
                                            description=t("pathway.transfused_label"),
                                            help=t("pathway.transfused_help")),
        }

    def preset_label(self, preset_id: str) -> str:
        return render.preset_label(preset_id)

    def compute(self, **values: Any) -> model.PathwayView:
        return model.compute_pathway(**values)

    def make_figure(self, view: model.PathwayView) -> Any:
        return make_pathway_map(
            [render.situation_label(s) for s in model.situations()], render.map_runs(),
            age=view.age, situation=render.situation_label(view.situation),
            marker_name=t("pathway.marker_name"), marker_text=t("pathway.marker_text", age=format_number(view.age)),
            marker_hover=t("pathway.marker_hover"), title=t("pathway.title"), x_title=t("pathway.x_title"),
            y_title=t("pathway.y_title"), legend_title=t("pathway.legend_title"), age_range=model.AGE_RANGE,
            widget=True,
        )

    def patch(self, view: model.PathwayView) -> dict[str, dict[str, Any]]:
        return {"case": {
            "x": [view.age + 0.5],
            "y": [render.situation_label(view.situation)],
            "text": [t("pathway.marker_text", age=format_number(view.age))],
        }}

    summary = staticmethod(render.pathway_summary)
    details = staticmethod(render.branch_html)


class OutcomesApp(App):
    """Published long-term outcomes: one chart (topic, measure, timepoint) of the ``outcomes`` table at a time."""

    package = "diagnosis_and_treatment"
    app_id = "outcomes_explorer"
    main_control = "chart"

    def make_controls(self) -> dict[str, Any]:
        charts = model.charts()
        return {"chart": Choice(options=[(render.chart_label(c), c) for c in charts], value=charts[0],
                                description=t("outcomes.chart_label"), help=t("outcomes.chart_help"))}

    def compute(self, **values: Any) -> model.OutcomesView:
        return model.compute_outcomes(values["chart"])

    def make_figure(self, view: model.OutcomesView) -> Any:
        return make_outcomes_chart(render.outcome_bars(view), name=t("outcomes.trace_name"),
                                   title=render.chart_title(view), x_title=render.x_title(view),
                                   y_title=t("outcomes.y_title"), widget=True)

    def patch(self, view: model.OutcomesView) -> dict[str, dict[str, Any]]:
        bars = render.outcome_bars(view)
        return {
            "outcomes": {"y": bars["labels"], "x": bars["values"], "text": bars["texts"],
                         "hovertext": bars["hover"], "marker.color": bars["colours"]},
            "layout": {"title.text": render.chart_title(view), "xaxis.title.text": render.x_title(view)},
        }

    summary = staticmethod(render.outcomes_summary)
    details = staticmethod(render.outcomes_notes)


class WorkupQuiz(App):
    """Which test answers which question: the learner picks the test of the work-up for each question.

    Beyond the controls it keeps the test last checked for the current question and the set of
    questions already matched (the checklist). Nothing leaves the page.
    """

    package = "diagnosis_and_treatment"
    app_id = "workup_quiz"
    main_control = "question"
    show_preset_buttons = False

    def __init__(self, **values: Any) -> None:
        self.checked: str | None = None
        self.matched: set[str] = set()
        super().__init__(**values)
        self.check = w.Button(description=t("workup_quiz.check"), tooltip=t("workup_quiz.check_tooltip"))
        self.check.on_click(lambda _b: self._submit())
        self.next = w.Button(description=t("workup_quiz.next"), tooltip=t("workup_quiz.next_tooltip"))
        self.next.on_click(lambda _b: self.next_question())

    def make_controls(self) -> dict[str, Any]:
        total = len(model.workup())
        return {
            "question": Slider(value=1, min=1, max=total, step=1, readout_format="d",
                               description=t("workup_quiz.question_label"), help=t("workup_quiz.question_help")),
            "test": Choice(options=[(render.workup_option_label(i), i) for i in model.workup_options()], value=None,
                           allow_none=True, description=t("workup_quiz.test_label"), help=t("workup_quiz.test_help")),
        }

    def compute(self, **values: Any) -> model.WorkupView:
        return model.compute_workup(int(values["question"]), self.checked, frozenset(self.matched))

    def make_figures(self, view: model.WorkupView) -> dict[str, Any]:
        return {}  # a question-and-answer exercise: text, no chart

    def patch(self, view: model.WorkupView) -> dict[str, dict[str, Any]]:
        return {}

    summary = staticmethod(render.workup_summary)
    details = staticmethod(render.workup_details)

    def react(self, changed: str, values: Any) -> dict[str, Any]:
        self.checked = None  # a new question or a new choice: the old verdict no longer applies
        return {"test": None} if changed == "question" else {}

    def _submit(self) -> bool | None:
        chosen = self.controls["test"].value
        if chosen is None:
            self.status.value = status_html(t("workup_quiz.choose_first"))
            return None
        return self.answer(chosen)

    def answer(self, test_id: str) -> bool:
        """Choose ``test_id`` for the current question and check it, as a learner would; returns whether right."""
        self._set_values({"test": test_id})
        self.checked = test_id
        view = model.compute_workup(int(self.controls["question"].value), test_id)
        if view.correct:
            self.matched.add(view.asked["test_id"])
        self.redraw()
        return bool(view.correct)

    def next_question(self) -> None:
        slider = self.controls["question"]
        slider.value = slider.value + 1 if slider.value < slider.max else slider.min

    def layout_children(self) -> list[w.Widget]:
        c = self.controls
        return [c["question"], self.details_html, c["test"], w.HBox([self.check, self.next]), self.status]

    def static_html(self) -> str:
        return render.workup_static(model.compute_workup(1))


class ClassificationApp(App):
    """One presentation (onset and counts) under both systems: modified Camitta and the Chinese 1987 classes."""

    package = "diagnosis_and_treatment"
    app_id = "classification_explorer"
    main_control = "onset"
    presets = model.CLASSIFY_PRESETS

    def make_controls(self) -> dict[str, Any]:
        start = model.CLASSIFY_PRESETS["rapid_severe"]

        def count(key: str, high: float, step: float) -> Slider:
            return Slider(value=start[key], min=0, max=high, step=step, description=measure_label(key, short=False),
                          unit=unit_symbol("10^9/L"), readout_format=".2f" if step < 1 else "d",
                          help=t(f"classify.{key}_help"))

        return {
            "onset": Choice(options=[(t(f"classify.onset_{o}"), o) for o in pathway.ONSETS], value=start["onset"],
                            description=t("classify.onset_label"), help=t("classify.onset_help")),
            "anc": count("anc", 2.0, 0.05),
            "platelets": count("platelets", 100, 1),
            "reticulocytes": count("reticulocytes", 100, 1),
        }

    def compute(self, **values: Any) -> model.ClassificationView:
        return model.compute_classification(**values)

    def make_figures(self, view: model.ClassificationView) -> dict[str, Any]:
        return {}  # the comparison is a table of two columns, shown in the details

    def patch(self, view: model.ClassificationView) -> dict[str, dict[str, Any]]:
        return {}

    summary = staticmethod(render.classify_summary)
    details = staticmethod(render.classify_details)

    def static_html(self) -> str:
        return f"{self.status.value}\n{self.details_html.value}"


def pathway_explorer(**values: Any) -> PathwayApp:
    """The interactive treatment pathway of lesson 05 (main control: age)."""
    return PathwayApp(**values)


def outcomes_explorer(**values: Any) -> OutcomesApp:
    """The long-term outcomes view of lesson 05 (main control: the chart, one measure and timepoint each)."""
    return OutcomesApp(**values)


def workup_quiz(question: int = 1) -> WorkupQuiz:
    """The work-up exercise of lesson 05 (main control: the question number)."""
    return WorkupQuiz(question=question)


def classification_explorer(**values: Any) -> ClassificationApp:
    """Acute/chronic (Chinese 1987) beside the modified Camitta grades (main control: the onset)."""
    return ClassificationApp(**values)
