"""Lesson 05 apps: the teaching treatment pathway and the long-term outcomes.

Teaching material, not a clinical tool: the pathway reproduces guideline
branches (``treatment_pathway`` table) so learners can see why age, severity
and a sibling donor steer the first-line choice. It is never advice for a
patient.

* :func:`pathway_explorer` returns a :class:`PathwayApp`: age slider (the main
  slider), severity, sibling donor and transfusion need; the rule in
  :mod:`hemaedu.pathway` picks exactly one branch, shown with its rationale and
  source, and a marker moves on a map of the whole pathway.
* :func:`outcomes_explorer` returns an :class:`OutcomesApp`: the published
  long-term outcomes of the ``outcomes`` table, one topic at a time.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .. import _thresholds
from ..controls import Choice, Slider
from ..data import load
from ..figures.pathway import make_outcomes_chart, make_pathway_map, outcome_bars
from ..pathway import (
    AGE_RANGE,
    SEVERITIES,
    PathwayStep,
    choose_step,
    pathway_runs,
    pathway_steps,
    situation_label,
)
from . import LessonApp, Option, SelfCheck

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PRESETS",
    "OutcomesApp",
    "PathwayApp",
    "PathwayResult",
    "compute_pathway",
    "lesson_sources",
    "outcomes_explorer",
    "pathway_explorer",
    "self_checks",
    "transfusion_thresholds",
    "vignette_branch",
    "workup_table",
]

#: Teaching vignettes (illustrative patients, not real ones): preset name -> control values.
PRESETS: dict[str, dict[str, Any]] = {
    "25 y, severe, sibling donor": dict(age=25, severity="severe", sibling_donor=True, transfusion_dependent=True),
    "30 y, very severe, no donor": dict(age=30, severity="very severe", sibling_donor=False, transfusion_dependent=True),
    "60 y, very severe, no donor": dict(age=60, severity="very severe", sibling_donor=False, transfusion_dependent=True),
    "45 y, non-severe, transfused": dict(age=45, severity="non-severe", sibling_donor=False, transfusion_dependent=True),
    "70 y, non-severe, no transfusions": dict(
        age=70, severity="non-severe", sibling_donor=False, transfusion_dependent=False
    ),
}
#: The illustrative starting point of the app.
DEFAULT_PRESET = "25 y, severe, sibling donor"

_YES_NO = [("Yes", True), ("No", False)]
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


@dataclass(frozen=True)
class PathwayResult:
    """The branch chosen for one situation, and what the app shows for it."""

    age: float
    severity: str
    sibling_donor: bool
    transfusion_dependent: bool
    step: PathwayStep
    situation: str
    summary: str


def compute_pathway(
    *, age: float, severity: str, sibling_donor: bool, transfusion_dependent: bool
) -> PathwayResult:
    """Choose the branch (via :func:`hemaedu.pathway.choose_step`) and describe it in one line.

    >>> r = compute_pathway(age=25, severity="severe", sibling_donor=True, transfusion_dependent=True)
    >>> r.step.step_id
    'severe_sibling_young'
    >>> r.situation
    'severe, sibling donor, transfusions'
    """
    step = choose_step(
        age=age, severity=severity, sibling_donor=sibling_donor, transfusion_dependent=transfusion_dependent
    )
    situation = situation_label(str(severity), sibling_donor, transfusion_dependent)
    summary = (
        f"Age {age:g} y, {situation}: branch '{step.step_id}' applies; "
        f"first-line choice in the teaching pathway: {step.first_line}."
    )
    return PathwayResult(float(age), str(severity), sibling_donor, transfusion_dependent, step, situation, summary)


def _citation_html(source_id: str) -> str:
    refs = load("references")
    row = refs[refs["source_id"] == source_id]
    if row.empty:
        return html.escape(source_id)
    r = row.iloc[0]
    text = html.escape(str(r["citation"]))
    doi = r["doi"]
    if isinstance(doi, str) and doi:
        text += f' <a href="https://doi.org/{html.escape(doi)}" target="_blank" rel="noopener">doi:{html.escape(doi)}</a>'
    return text


def branch_html(result: PathwayResult) -> str:
    """The chosen branch, its conditions, rationale, notes and citation, as HTML."""
    step = result.step
    notes = f"<p><strong>Caveats:</strong> {html.escape(step.notes)}</p>" if step.notes else ""
    return (
        '<div class="hemaedu-branch" style="border-left:4px solid #0072B2;padding-left:0.8em">'
        f"<p><strong>Branch that applies:</strong> {html.escape(step.first_line)} "
        f"<code>{html.escape(step.step_id)}</code></p>"
        f"<p><strong>Its conditions:</strong> {html.escape(step.conditions())}</p>"
        f"<p><strong>Why:</strong> {html.escape(step.rationale)}</p>"
        f"{notes}"
        f"<p><strong>Source:</strong> {_citation_html(step.source_id)}</p>"
        "<p><em>Every branch also includes supportive care: transfusions when needed, and infection and "
        "bleeding precautions. Teaching logic only, not advice for a patient.</em></p>"
        "</div>"
    )


class PathwayApp(LessonApp):
    """Age, severity, sibling donor and transfusion need -> one branch of the teaching pathway."""

    def __init__(self, preset: str = DEFAULT_PRESET) -> None:
        super().__init__()
        start = PRESETS[preset]
        self.age = Slider(
            value=start["age"], min=max(1, AGE_RANGE[0]), max=AGE_RANGE[1], step=1,
            description="Age", unit="years", readout_format="d",
            help="Age of the (imaginary) patient at diagnosis.",
        )
        self.severity = Choice(
            options=[(s, s) for s in SEVERITIES], value=start["severity"], description="Severity",
            help="Grade by the modified Camitta criteria (see lesson 01).",
        )
        self.sibling_donor = Choice(
            options=_YES_NO, value=start["sibling_donor"], description="Matched sibling donor available",
            help="An HLA-identical brother or sister who could donate stem cells.",
        )
        self.transfusion_dependent = Choice(
            options=_YES_NO, value=start["transfusion_dependent"], description="Transfusion dependent",
            help="Needs regular red-cell or platelet transfusions.",
        )
        self.controls = [self.age, self.severity, self.sibling_donor, self.transfusion_dependent]
        self.sliders = {"age": self.age}
        self.main_slider = self.age
        self.main_control = self.age
        self.presets = {name: dict(values) for name, values in PRESETS.items()}
        self.preset_buttons = []
        for name in self.presets:
            button = w.Button(description=name, tooltip=f"Set the controls to the vignette: {name}",
                              layout=w.Layout(width="auto"))
            button.on_click(lambda _b, name=name: self.apply_preset(name))
            self.preset_buttons.append(button)
        self._holding = False
        self.runs = pathway_runs()
        result = self.compute()
        self.figure = make_pathway_map(self.runs, age=result.age, situation=result.situation, widget=True)
        self._show(result)
        self._watch(*self.controls)
        self.container.add_class("hemaedu-app-pathway")

    def layout_children(self) -> list[w.Widget]:
        presets = w.HBox(
            [w.HTML("<strong>Vignettes:</strong>")] + self.preset_buttons,
            layout=w.Layout(flex_flow="row wrap"),
        )
        return [presets, w.VBox(self.controls), self.figure, self.summary, self.extra]

    def compute(self) -> PathwayResult:
        return compute_pathway(
            age=self.age.value, severity=self.severity.value,
            sibling_donor=self.sibling_donor.value, transfusion_dependent=self.transfusion_dependent.value,
        )

    def _show(self, result: PathwayResult) -> None:
        self.result = result
        self.extra.value = branch_html(result)
        self._set_summary(result.summary)

    def update(self, change: Any = None) -> None:
        if self._holding:
            return
        old = self.result
        result = self.compute()
        with self.figure.batch_update():
            marker = self.figure.data[-1]
            marker.x = [result.age]
            marker.text = [f"age {result.age:g}"]
            if result.situation != old.situation:
                marker.y = [result.situation]
        if result.step != old.step:
            self.extra.value = branch_html(result)
        self.result = result
        self._set_summary(result.summary)

    def apply_preset(self, name: str) -> None:
        """Set every control to a vignette, then redraw once."""
        if name not in self.presets:
            raise ValueError(f"unknown preset {name!r}; choose one of {list(self.presets)}")
        values = self.presets[name]
        self._holding = True
        try:
            self.age.value = values["age"]
            self.severity.value = values["severity"]
            self.sibling_donor.value = values["sibling_donor"]
            self.transfusion_dependent.value = values["transfusion_dependent"]
        finally:
            self._holding = False
        self.update()


def pathway_explorer(preset: str = DEFAULT_PRESET) -> PathwayApp:
    """The interactive treatment pathway of lesson 05."""
    return PathwayApp(preset)


def vignette_branch(name: str = "60 y, very severe, no donor") -> str:
    """The branch chosen for a preset vignette, as stable text (pinned in the notebook).

    >>> print(vignette_branch("25 y, severe, sibling donor"))  # doctest: +ELLIPSIS
    25 y, severe, sibling donor -> severe_sibling_young: Matched sibling donor HSCT
    """
    r = compute_pathway(**PRESETS[name])
    return f"{name} -> {r.step.step_id}: {r.step.first_line}"


# ----------------------------------------------------------------------------- outcomes


class OutcomesApp(LessonApp):
    """Published long-term outcomes, one topic of the ``outcomes`` table at a time."""

    def __init__(self, topic: str | None = None) -> None:
        super().__init__()
        self.outcomes = load("outcomes")
        topics = list(dict.fromkeys(str(t) for t in self.outcomes["topic"]))
        self.topic = Choice(
            options=[(t, t) for t in topics], value=topic or topics[0], description="Outcome",
            help="Which published outcome to show.",
        )
        self.controls = [self.topic]
        self.sliders: dict[str, Slider] = {}
        self.main_control = self.topic
        self.main_slider = None
        self.figure = make_outcomes_chart(self.outcomes, topic=self.topic.value, widget=True)
        self._show()
        self._watch(self.topic)
        self.container.add_class("hemaedu-app-outcomes")

    def rows(self) -> pd.DataFrame:
        return self.outcomes[self.outcomes["topic"] == self.topic.value]

    def _show(self) -> None:
        rows = self.rows()
        notes = "".join(
            f"<li>{html.escape(str(r.group))}: {html.escape(str(r.notes))} ({html.escape(str(r.source_id))})</li>"
            for r in rows.itertuples(index=False) if isinstance(r.notes, str) and r.notes
        )
        self.extra.value = f"<p><strong>Notes on these figures:</strong></p><ul>{notes}</ul>" if notes else ""
        parts = "; ".join(f"{r.group} {r.value_percent:g} %" for r in rows.itertuples(index=False))
        self._set_summary(f"{self.topic.value}: {parts}.")

    def update(self, change: Any = None) -> None:
        bars = outcome_bars(self.rows())
        with self.figure.batch_update():
            trace = self.figure.data[0]
            trace.y = bars["labels"]
            trace.x = bars["values"]
            trace.text = bars["texts"]
            trace.hovertext = bars["hover"]
            trace.marker.color = bars["colours"]
            self.figure.layout.title.text = f"Long-term outcomes: {self.topic.value}"
        self._show()


def outcomes_explorer(topic: str | None = None) -> OutcomesApp:
    """The long-term outcomes view of lesson 05."""
    return OutcomesApp(topic)


# ----------------------------------------------------------------------------- tables as Markdown


def transfusion_thresholds(thresholds: pd.DataFrame | None = None) -> Any:
    """Markdown table of the AABB 2015 platelet transfusion thresholds from the thresholds table."""
    from IPython.display import Markdown

    thresholds = load("thresholds") if thresholds is None else thresholds
    rows = thresholds[thresholds["scheme"].str.startswith("AABB")]
    lines = ["| Situation | Transfuse platelets when the count is | Source |", "|---|---|---|"]
    for r in rows.itertuples(index=False):
        lines.append(f"| {r.notes} | {_SYMBOLS[r.comparator]} {r.value:g} × 10⁹/L | {r.scheme} ({r.source_id}) |")
    return Markdown("\n".join(lines))


#: Tests that exclude the look-alikes, from the differential table (condition_id -> why it is tested).
_WORKUP = (
    ("hypoplastic_mds", "dysplasia or a clonal karyotype means hypoplastic MDS"),
    ("acute_leukemia", "an excess of blasts means leukemia"),
    ("pnh", "a PNH clone changes monitoring and treatment"),
    ("b12_folate_deficiency", "a deficiency is treatable and mimics marrow failure"),
    ("copper_deficiency", "reversible with replacement"),
    ("hiv", "viral causes of cytopenia"),
    ("hypersplenism", "cells pooled in a large spleen, marrow active"),
)
#: Inherited and viral causes tested from the causes table (cause_id -> test).
_INHERITED = (
    ("aa_fanconi", "chromosome breakage test (DEB or mitomycin C) on blood lymphocytes"),
    ("aa_telomere", "telomere length (flow-FISH) and gene panel"),
    ("aa_seronegative_hepatitis", "liver tests and hepatitis serology"),
    ("aa_viruses_other", "EBV, CMV and HIV serology or PCR"),
)


def workup_table() -> Any:
    """Markdown table: what each test in the work-up looks for, built from the tables."""
    from IPython.display import Markdown

    diff = load("differential").set_index("condition_id")
    causes = load("causes").set_index("cause_id")
    lines = ["| To exclude or find | Key tests | Why it matters | Source |", "|---|---|---|---|"]
    for cid, why in _WORKUP:
        if cid in diff.index:
            r = diff.loc[cid]
            lines.append(f"| {r['condition']} | {r['key_tests']} | {why} | {r['source_id']} |")
    for cid, test in _INHERITED:
        if cid in causes.index:
            r = causes.loc[cid]
            lines.append(f"| {r['cause']} | {test} | {r['mechanism']} | {r['source_id']} |")
    return Markdown("\n".join(lines))


# ----------------------------------------------------------------------------- self-checks


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions (answers appear only after answering)."""
    young = compute_pathway(**PRESETS["25 y, severe, sibling donor"]).step
    old = compute_pathway(**PRESETS["60 y, very severe, no donor"]).step
    aabb = _thresholds.get("aabb_prophylactic")
    return [
        SelfCheck(
            "A 25-year-old has severe aplastic anemia and an HLA-matched brother. In the teaching pathway, "
            "what is the first-line treatment?",
            [
                Option(young.first_line, True, young.rationale),
                Option(old.first_line, False,
                       "That is the branch for patients without a sibling donor or above the transplant age line; "
                       "for a young patient with a sibling donor a transplant can cure the disease."),
                Option("G-CSF alone", False,
                       "Growth factors can briefly raise neutrophils but cannot repair an empty marrow; "
                       "they are never the treatment of aplastic anemia on their own."),
            ],
        ),
        SelfCheck(
            "Why is G-CSF alone not a treatment for severe aplastic anemia?",
            [
                Option("It acts on too few remaining stem cells and does not stop the immune attack", True,
                       "G-CSF pushes the few surviving progenitors to make neutrophils; it neither restores "
                       "stem cells nor calms the T cells, so counts fall again when it stops."),
                Option("It lowers the platelet count", False, "That is not why; the point is that it cannot "
                       "restore the marrow."),
                Option("It is only given by transfusion", False, "G-CSF is an injection; the reason is its "
                       "limited effect on an empty marrow."),
            ],
        ),
        SelfCheck(
            "A patient on cyclosporine after ATG comes for follow-up. What must be monitored because of "
            "this drug?",
            [
                Option("Kidney function, blood pressure and the drug level", True,
                       "Cyclosporine can damage the kidneys and raise blood pressure, so creatinine, blood "
                       "pressure and trough levels are checked."),
                Option("Liver tests only", False, "Liver tests matter most with androgens such as danazol; "
                       "cyclosporine's main risk is the kidney."),
                Option("Nothing: it is a vitamin", False, "Cyclosporine is a strong immunosuppressant."),
            ],
        ),
        SelfCheck(
            f"A hospitalized adult with marrow failure has a platelet count just above {aabb.value:g} × 10⁹/L, "
            "no bleeding and no procedure planned. What does the AABB guideline suggest?",
            [
                Option("Transfuse platelets now", False,
                       f"The prophylactic threshold is {_SYMBOLS[aabb.comparator]} {aabb.value:g} × 10⁹/L "
                       "(hospitalized adults); above it, without bleeding or a procedure, no routine transfusion."),
                Option("No routine prophylactic transfusion; keep bleeding precautions", True,
                       "Transfusing above the threshold adds risks (alloimmunization, reactions) without "
                       "clear benefit."),
            ],
        ),
    ]


def lesson_sources() -> list[str]:
    """Every source the lesson shows: pathway, outcomes, transfusion thresholds and the work-up rows."""
    ids = [s.source_id for s in pathway_steps()] + list(load("outcomes")["source_id"])
    ids += [_thresholds.get("aabb_prophylactic").source_id]
    diff = load("differential").set_index("condition_id")
    causes = load("causes").set_index("cause_id")
    ids += [diff.loc[c, "source_id"] for c, _ in _WORKUP if c in diff.index]
    ids += [causes.loc[c, "source_id"] for c, _ in _INHERITED if c in causes.index]
    return list(dict.fromkeys(str(i) for i in ids))
