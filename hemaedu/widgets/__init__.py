"""ipywidgets apps that wire controls to figures, one module per lesson.

Shared pieces live here:

* :class:`LessonApp`: base class of every interactive view. It owns one figure
  (a ``FigureWidget`` created once and changed in place inside
  ``batch_update``), the controls, and a live one-line text summary of what the
  figure shows, for learners who cannot see it. When displayed it also offers a
  static HTML rendering of the figure, so a lesson exported to HTML without a
  kernel still shows its figures.
* :class:`SelfCheck`: a multiple-choice question with immediate feedback; the
  feedback (and so the answer) is only put on the page after the learner answers.
* :func:`references`: the sources a lesson used, rendered from the references table.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
from IPython.display import Markdown

from ..controls import Choice
from ..data import format_references

__all__ = ["LESSON_APPS", "LessonApp", "Option", "SelfCheck", "references", "status_html"]

#: Each lesson's main interactive app: its builder ("module:function") and the
#: CSS class its container carries on the page. The browser tests and the
#: benchmark drive the app's ``main_slider`` through these.
LESSON_APPS: dict[str, dict[str, str]] = {
    "01_pancytopenia": {"app": "hemaedu.lessons.pancytopenia.apps:blood_count_explorer",
                        "css": "hemaedu-app-pancytopenia"},
    "02_causes": {"app": "hemaedu.widgets.causes:differential_explorer",
                  "css": "hemaedu-app-differential"},
    # Converted to hemaedu.lessons (issue 10): the registry is the source; kept here for benchmarks/run.py.
    "03_regional_incidence": {"app": "hemaedu.lessons.regional_incidence.apps:expected_cases_calculator",
                              "css": "hemaedu-app-regional_incidence"},
    "04_ist_response": {"app": "hemaedu.widgets.ist:cohort_simulator", "css": "hemaedu-app-ist"},
    "05_diagnosis_and_treatment": {"app": "hemaedu.widgets.pathway:pathway_explorer",
                                   "css": "hemaedu-app-pathway"},
}


def status_html(text: str) -> str:
    """Wrap a summary sentence so screen readers announce its changes politely."""
    return f'<p class="hemaedu-summary" role="status" aria-live="polite">{html.escape(text)}</p>'


class LessonApp:
    """Base class: controls wired to one figure and a live text summary.

    Subclasses create ``self.figure`` (a ``go.FigureWidget``), ``self.controls``
    (a list of widgets) and implement :meth:`update`, which recomputes and
    changes the figure in place. ``self.summary`` is an HTML widget holding the
    one-line description of the current figure.
    """

    figure: Any
    controls: list[w.Widget]

    def __init__(self) -> None:
        self.summary = w.HTML(layout=w.Layout(min_height="1.5em"))
        self.extra = w.HTML()
        self._container: w.Box | None = None

    # -- subclasses -------------------------------------------------------
    def update(self, change: Any = None) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary_text(self) -> str:
        """The sentence currently shown under the figure."""
        return html.unescape(self.summary.value.split(">", 1)[1].rsplit("<", 1)[0])

    def _set_summary(self, text: str) -> None:
        self.summary.value = status_html(text)

    def _watch(self, *controls: w.Widget) -> None:
        for control in controls:
            control.observe(self.update, names="value")

    # -- display ------------------------------------------------------------
    def layout_children(self) -> list[w.Widget]:
        """Controls first, then the figure and its summary, then extra text."""
        return [w.VBox(self.controls), self.figure, self.summary, self.extra]

    @property
    def container(self) -> w.Box:
        if self._container is None:
            self._container = w.VBox(self.layout_children())
        return self._container

    def static_html(self) -> str:
        """The figure and summary as HTML that needs no kernel (plotly.js not included)."""
        figure_html = self.figure.to_html(full_html=False, include_plotlyjs=False)
        return f"{figure_html}\n{self.summary.value}\n{self.extra.value}"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.container._repr_mimebundle_(**kwargs)
        # Front ends with a widget manager show the live view; nbconvert's HTML
        # export (no kernel) falls back to the static rendering.
        bundle["text/html"] = self.static_html()
        return bundle


@dataclass(frozen=True)
class Option:
    """One answer of a self-check question, with why it is right or wrong."""

    label: str
    correct: bool
    why: str


class SelfCheck:
    """A self-check question with immediate feedback.

    The feedback text stays on the Python side until the learner presses
    "Check answer", so the answer cannot be read off the page beforehand.

    >>> q = SelfCheck("Which lineage protects against bacterial infection?", [
    ...     Option("Neutrophils", True, "Neutrophils are the first line against bacteria."),
    ...     Option("Platelets", False, "Platelets stop bleeding; they do not fight bacteria."),
    ... ])
    >>> q.feedback.value
    ''
    >>> q.answer("Platelets")
    False
    >>> "Not quite" in q.feedback.value
    True
    """

    def __init__(self, question: str, options: Sequence[Option]) -> None:
        if sum(o.correct for o in options) != 1:
            raise ValueError(f"question {question!r} needs exactly one correct option")
        self.question = question
        self.options = list(options)
        # The question is the radio group's legend, so a screen reader announces
        # it with every option; nothing is selected until the learner chooses.
        self.choices = Choice(
            options=[o.label for o in self.options],
            value=None,
            allow_none=True,
            description=f"Self-check: {question}",
        )
        self.check = w.Button(description="Check answer", tooltip="Check your answer")
        self.feedback = w.HTML()
        self.check.on_click(lambda _button: self._show_feedback())
        self.widget = w.VBox([self.choices, self.check, self.feedback])
        self.widget.add_class("hemaedu-self-check")

    def _show_feedback(self) -> bool | None:
        chosen = next((o for o in self.options if o.label == self.choices.value), None)
        if chosen is None:
            self.feedback.value = status_html("Choose an answer first.")
            return None
        verdict = "Correct." if chosen.correct else "Not quite."
        self.feedback.value = status_html(f"{verdict} {chosen.why}")
        return chosen.correct

    def answer(self, label: str) -> bool:
        """Select ``label`` and check it, as a learner would; returns whether it was right."""
        self.choices.value = label
        result = self._show_feedback()
        assert result is not None
        return result

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        items = "".join(f"<li>{html.escape(o.label)}</li>" for o in self.options)
        bundle["text/html"] = (
            f"<p><strong>Self-check:</strong> {html.escape(self.question)}</p><ul>{items}</ul>"
            "<p><em>Open the lesson in JupyterLab or Voila to answer.</em></p>"
        )
        return bundle


def references(source_ids: Sequence[str]) -> Markdown:
    """The lesson's references as Markdown, rendered from the ``references`` table."""
    return Markdown(format_references(source_ids))
