"""Lesson 00: the course map, a tiny widget demo and how to cite the data.

Everything the start-here notebook shows is built here, so the notebook stays a
few short cells: the lesson list with reading times (:func:`lesson_table`), the
citation text rendered from ``data/datapackage.json`` and the references table
(:func:`how_to_cite`), a one-slider demo of how the controls work
(:func:`widget_demo`) and the self-checks (:func:`self_checks`).

>>> print(lesson_table().splitlines()[0])
| # | Lesson | What you will do | Time |
>>> sum(lesson.minutes for lesson in LESSONS) == total_minutes()
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from .. import __version__
from ..controls import Slider
from ..data import _datapackage, load
from ..units import convert
from . import Option, SelfCheck, status_html

__all__ = ["LESSONS", "Lesson", "WidgetDemo", "how_to_cite", "lesson_table", "self_checks", "total_minutes",
           "widget_demo"]


@dataclass(frozen=True)
class Lesson:
    """One notebook of the course, in reading order."""

    number: str
    slug: str
    title: str
    minutes: int
    what: str

    @property
    def path(self) -> str:
        return f"{self.number}_{self.slug}.ipynb"


#: The lessons in reading order, with the time a student should set aside.
LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "start_here", "Start here", 10,
           "Learn how the lessons work, try a slider, and see how to cite the data."),
    Lesson("01", "pancytopenia", "Pancytopenia", 30,
           "Move a blood count with sliders, see which lineages fall, and grade aplastic anemia."),
    Lesson("02", "causes", "Causes", 25,
           "Explore why the marrow fails, what else lowers white cells and platelets, and the look-alikes."),
    Lesson("03", "regional_incidence", "Regional incidence", 25,
           "Compare how common aplastic anemia is around the world and estimate cases for a city."),
    Lesson("04", "ist_response", "Immunosuppressive therapy", 30,
           "Read response rates with their uncertainty and simulate how much small cohorts vary."),
    Lesson("05", "diagnosis_and_treatment", "Diagnosis and treatment", 30,
           "Follow the path from a low count to a diagnosis, and from a grade to a treatment."),
)


def total_minutes() -> int:
    """The whole course's estimated time, in minutes."""
    return sum(lesson.minutes for lesson in LESSONS)


def lesson_table() -> str:
    """The lessons as a Markdown table with links, what each does and its time."""
    lines = ["| # | Lesson | What you will do | Time |", "|---|---|---|---|"]
    for lesson in LESSONS:
        lines.append(f"| {lesson.number} | [{lesson.title}]({lesson.path}) | {lesson.what} | {lesson.minutes} min |")
    lines.append(f"| | **Whole course** | | **{total_minutes()} min** |")
    return "\n".join(lines)


def how_to_cite() -> str:
    """How to cite the course data, as Markdown, from the data package and the references table.

    >>> text = how_to_cite()
    >>> "CC-BY-4.0" in text and "references" in text
    True
    """
    package = _datapackage()["package"]
    refs = load("references")
    licences = ", ".join(
        f"[{lic.get('title', lic['name'])}]({lic['path']}) ({lic['name']})" if lic.get("path") else lic["name"]
        for lic in package.get("licenses", [])
    )
    n_refs = len(refs)
    with_id = int((refs["doi"].notna() | refs["pmid"].notna()).sum())
    tables = ", ".join(f"`{r['name']}`" for r in package["resources"])
    return "\n".join([
        f"**Data:** *{package['title']}*, data package `{package['name']}` version {package['version']}, "
        f"shipped with hemaedu {__version__}. Licence: {licences}.",
        "",
        f"The data package holds the tables {tables}. Every row names its source in the `references` table, "
        f"which lists {n_refs} publications and reference works ({with_id} of them with a DOI or PMID).",
        "",
        "**How to cite:** cite the original publication behind each number you use (look up its `source_id` "
        "in `hemaedu.load(\"references\")`; every lesson ends with the list of sources it used), and cite "
        "this course as:",
        "",
        f"> hemaedu developers. *hemaedu: interactive lessons on bone-marrow failure*, version {__version__}. "
        f"Data: {package['title']} ({', '.join(lic['name'] for lic in package.get('licenses', []))}).",
    ])


class WidgetDemo:
    """One slider and its readout: how every control in the course behaves.

    The readout re-expresses the hemoglobin in the other units the course uses,
    so moving the slider shows the readout following it.

    >>> demo = WidgetDemo()
    >>> demo.slider.value = 9.5
    >>> demo.text()
    'You chose 9.5 g/dL, which is 95 g/L or 5.9 mmol/L.'
    """

    def __init__(self) -> None:
        self.slider = Slider(
            value=12.0, min=2.0, max=20.0, step=0.1, description="Practice slider: hemoglobin", unit="g/dL",
            help="Click the slider, then press the arrow keys (Home and End jump to the ends).",
        )
        self.readout = w.HTML()
        self.slider.observe(self._update, names="value")
        self._update()
        self.widget = w.VBox([self.slider, self.readout])
        self.widget.add_class("hemaedu-app-widget-demo")

    def text(self) -> str:
        """The sentence under the slider."""
        value = self.slider.value
        g_l = convert(value, "g/dL", "g/L")
        mmol = convert(value, "g/dL", "mmol/L")
        return f"You chose {value:.1f} g/dL, which is {g_l:.0f} g/L or {mmol:.1f} mmol/L."

    def _update(self, change: Any = None) -> None:
        self.readout.value = status_html(self.text())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = (
            f"<p><strong>{html.escape(self.slider.description)}</strong>: {html.escape(self.slider.readout)}</p>"
            f"{self.readout.value}<p><em>Open the lesson in JupyterLab or Voila to move the slider.</em></p>"
        )
        return bundle


def widget_demo() -> WidgetDemo:
    """Build the one-slider demo of lesson 00."""
    return WidgetDemo()


def self_checks() -> list[SelfCheck]:
    """Self-checks about how to use the course."""
    return [
        SelfCheck(
            "You are using only the keyboard. How do you move a slider in these lessons?",
            [
                Option("Press Tab until the slider is focused, then use the arrow keys", True,
                       "Every control can be reached with Tab; arrows move one step, Home and End jump to the ends."),
                Option("You cannot: sliders need a mouse", False,
                       "The course's sliders are native range inputs, so the keyboard works everywhere."),
                Option("Type the number into the notebook's code cell", False,
                       "You may, but there is no need: the slider itself responds to the arrow keys."),
            ],
        ),
        SelfCheck(
            "A friend shows you their own blood count and asks which grade the explorer gives it. What do you do?",
            [
                Option("Explain that the course teaches the rules but is not a tool for a real person's results", True,
                       "The lessons are teaching material; a real result needs a clinician who knows the patient."),
                Option("Enter the numbers and tell them the grade", False,
                       "The explorer simplifies on purpose (e.g. it ignores age and the marrow biopsy details); "
                       "it must not be used to judge a real patient."),
            ],
        ),
        SelfCheck(
            "Where do the numbers in the lessons (cut-offs, rates, response percentages) come from?",
            [
                Option("From the data tables, each row linked to a published source", True,
                       "The lessons render every clinical number from data/ and list the sources at the end."),
                Option("They are typed into the notebooks by the authors", False,
                       "Typed numbers drift from their sources; a test fails if a lesson types one."),
            ],
        ),
    ]
