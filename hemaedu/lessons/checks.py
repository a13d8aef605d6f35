"""Question sets: the self-check widget, a lesson's self-checks with a running score, and the
pre/post questions asked at the start and again at the end of a lesson.

A lesson's notebook shows them with ``lesson.pre_check()`` (near the top),
``lesson.self_checks()`` and ``lesson.post_check()`` (before the take-aways); each reads the
lesson's content (``questions.toml``, ``prepost.toml``). Scores are computed in the kernel and
shown on the page only: nothing is stored or sent anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle

from .._trust import guard_tree
from ..controls import Choice
from .content import Option, Question, questions, text  # noqa: F401 - Option: the doctests

__all__ = ["SelfCheck", "SelfChecks", "feedback_html", "post_check", "pre_check", "self_checks", "shared_part",
           "status_html"]


def status_html(sentence: str) -> str:
    """Wrap a summary sentence so screen readers announce its changes politely."""
    return f'<p class="hemaedu-summary" role="status" aria-live="polite">{html.escape(sentence)}</p>'

#: Inline style of the feedback box per state. Color is one of three cues: the icon and the
#: verdict's words say the same (WCAG 1.4.1); both colors reach 4.5:1 on white.
_FEEDBACK_STYLE = {
    "correct": {"border-left-color": "#1a7f37", "background": "#eef8f0", "color": "#14532d"},
    "incorrect": {"border-left-color": "#b3261e", "background": "#fdf0ef", "color": "#7f1d1d"},
    "noted": {"border-left-color": "#555", "background": "#f4f4f4", "color": "#222"},
}
_BOX_STYLE = {"border-left-style": "solid", "border-left-width": "4px",
              "display": "flex", "gap": "0.5em", "align-items": "baseline", "padding": "0.25em 0.6em",
              "margin": "0.25em 0"}


_SHARED: dict[str, w.Widget] = {}


def shared_part(kind: str) -> Any:
    """One Layout or Style widget per kernel, shared by every part that never restyles itself.

    ``kind``: ``"layout"`` (plain), ``"auto_width"``, ``"score_layout"`` (one line high), or the
    ``"button"`` and ``"html"`` styles. Used for the questions' parts and the apps' texts and
    preset buttons; a widget whose layout changes later (shown, hidden) needs its own.

    Each ipywidget otherwise opens its own Layout (and Style) model: a lesson's questions would
    cost about ten models each, and every model is a message and a front-end object to build
    before the page is ready (the browser kernel spends seconds on them). A closed one (after
    ``Widget.close_all()``) is replaced.
    """
    widget = _SHARED.get(kind)
    if widget is None or getattr(widget, "comm", None) is None:
        factory = {"layout": w.Layout, "button": w.ButtonStyle, "html": HTMLStyle,
                   "auto_width": lambda: w.Layout(width="auto"),
                   "score_layout": lambda: w.Layout(min_height="1.5em")}[kind]
        widget = _SHARED[kind] = factory()
    return widget


def _style(state: str) -> str:
    return ";".join(f"{k}:{v}" for k, v in {**_BOX_STYLE, **_FEEDBACK_STYLE[state]}.items())


def feedback_html(state: str, sentence: str) -> str:
    """A self-check's feedback: icon, color and words, the words announced as a status.

    ``state`` is ``"correct"``, ``"incorrect"`` or ``"noted"`` (a pre-check answer, kept without
    a verdict). The icon is hidden from screen readers, which read the verdict's words.
    """
    icon = html.escape(text("common", f"self_check_icon.{state}"))
    return (f'<div class="hemaedu-feedback hemaedu-feedback-{state}" style="{_style(state)}">'
            f'<span class="hemaedu-feedback-icon" aria-hidden="true">{icon}</span>'
            f"{status_html(sentence)}</div>")


class SelfCheck:
    """A self-check question with immediate feedback, from a :class:`~hemaedu.lessons.content.Question`.

    The feedback stays on the Python side until the learner presses "Check answer", so the
    answer cannot be read off the page beforehand; choosing another option clears it, so a
    verdict never stands beside an answer it was not given for.

    >>> q = SelfCheck(Question("demo", "Which lineage fights bacteria?", (
    ...     Option("Neutrophils", True, "They are the first line against bacteria."),
    ...     Option("Platelets", False, "Platelets stop bleeding."))))
    >>> q.feedback.value
    ''
    >>> q.answer("Platelets")
    False
    >>> "Not quite" in q.feedback.value, q.state
    (True, 'incorrect')
    >>> q.choices.value = "Neutrophils"
    >>> q.feedback.value, q.state
    ('', None)
    >>> q.first_result, q.answer("Neutrophils"), q.first_result
    (False, True, False)

    With ``reveal=False`` (a pre-check) an answer is noted without a verdict.
    """

    def __init__(self, question: Question, *, reveal: bool = True) -> None:
        if sum(o.correct for o in question.options) != 1:
            raise ValueError(f"question {question.id!r} needs exactly one correct option")
        self.id = question.id
        self.question = question.prompt
        self.options = list(question.options)
        self.reveal = reveal
        #: Whether the first checked answer was right (None until the learner checks one).
        self.first_result: bool | None = None
        #: Whether the last checked answer was right (None until the learner checks one).
        self.last_result: bool | None = None
        #: ``"correct"``, ``"incorrect"`` or ``"noted"`` while feedback is shown, else None.
        self.state: str | None = None
        self._listeners: list[Any] = []
        # The question is the radio group's legend, so a screen reader announces
        # it with every option; nothing is selected until the learner chooses.
        self.choices = Choice(
            options=[o.text for o in self.options], value=None, allow_none=True,
            description=text("common", "self_check_prefix", prompt=question.prompt), layout=shared_part("layout"),
        )
        self.check = w.Button(description=text("common", "check_answer"),
                              tooltip=text("common", "check_answer_tooltip"),
                              layout=shared_part("layout"), style=shared_part("button"))
        self.feedback = w.HTML(layout=shared_part("layout"), style=shared_part("html"))
        self.check.on_click(lambda _button: self._show_feedback())
        self.choices.observe(lambda _change: self._clear(), names="value")
        self.widget = guard_tree(w.VBox([self.choices, self.check, self.feedback], layout=shared_part("layout")))
        self.widget.add_class("hemaedu-self-check")

    def on_result(self, callback: Any) -> None:
        """Call ``callback(self)`` after every checked answer (a question set updates its score)."""
        self._listeners.append(callback)

    def _set_state(self, state: str | None) -> None:
        for old in ("correct", "incorrect", "noted"):
            self.widget.remove_class(f"hemaedu-self-check-{old}")
        if state:
            self.widget.add_class(f"hemaedu-self-check-{state}")
        self.state = state

    def _clear(self) -> None:
        self.feedback.value = ""
        self._set_state(None)

    def _show_feedback(self) -> bool | None:
        chosen = next((o for o in self.options if o.text == self.choices.value), None)
        if chosen is None:
            self.feedback.value = status_html(text("common", "choose_first"))
            self._set_state(None)
            return None
        if self.first_result is None:
            self.first_result = chosen.correct
        self.last_result = chosen.correct
        if self.reveal:
            state = "correct" if chosen.correct else "incorrect"
            verdict = text("common", "correct" if chosen.correct else "not_quite")
            self.feedback.value = feedback_html(state, f"{verdict} {chosen.why}")
        else:
            state = "noted"
            self.feedback.value = feedback_html(state, text("common", "pre_check_noted"))
        self._set_state(state)
        for callback in self._listeners:
            callback(self)
        return chosen.correct

    def answer(self, option_text: str) -> bool:
        """Select ``option_text`` and check it, as a learner would; returns whether it was right."""
        self.choices.value = option_text
        result = self._show_feedback()
        if result is None:
            raise ValueError(f"{option_text!r} is not an option of question {self.id!r}")
        return result

    def static_html(self) -> str:
        """The question and its options without a kernel (no answer, no feedback)."""
        items = "".join(f"<li>{html.escape(o.text)}</li>" for o in self.options)
        return (f"<p><strong>{html.escape(text('common', 'self_check_heading'))}</strong> "
                f"{html.escape(self.question)}</p><ul>{items}</ul>")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = (f"{self.static_html()}"
                               f"<p><em>{html.escape(text('common', 'open_to_answer'))}</em></p>")
        return bundle


class SelfChecks(list[SelfCheck]):
    """A lesson's question set, shown as one block: every question, then a running "x of y".

    It is a list of :class:`SelfCheck` (iterate over it, index it, count it) that displays
    itself. ``kind`` is ``"check"`` (the self-checks), ``"pre"`` (asked before the lesson,
    answers noted without a verdict) or ``"post"`` (the same questions at the end, with
    feedback, scored beside the pre-check of the same lesson run in this kernel).

    The score is kept in the kernel and shown on the page only; nothing is sent anywhere.
    A self-check or post-check counts the *first* answer checked for each question (a learner
    may retry after reading why, which does not raise the score); a pre-check counts the last.

    >>> qs = [Question(f"q{n}", f"Question {n}?", (Option("Yes", n == 1, "Why yes."),
    ...       Option("No", n != 1, "Why no."))) for n in (1, 2)]
    >>> checks = SelfChecks([SelfCheck(q) for q in qs])
    >>> len(checks), checks.score_text()
    (2, 'Your score: 0 of 2 right at the first try (0 of 2 answered).')
    >>> checks[0].answer("Yes"), checks[1].answer("Yes"), checks[1].answer("No")
    (True, False, True)
    >>> checks.right, checks.answered
    (1, 2)
    """

    def __init__(self, checks: Iterable[SelfCheck], *, kind: str = "check",
                 before: SelfChecks | None = None) -> None:
        super().__init__(checks)
        if kind not in ("check", "pre", "post"):
            raise ValueError(f"kind must be 'check', 'pre' or 'post', got {kind!r}")
        self.kind = kind
        self.before = before
        self.score = w.HTML(layout=shared_part("score_layout"), style=shared_part("html"))
        intro = text("common", f"question_set.{kind}.intro", n=len(self)) if kind != "check" else ""
        self.intro = w.HTML(f"<p>{html.escape(intro)}</p>" if intro else "", layout=shared_part("layout"),
                            style=shared_part("html"))
        for check in self:
            check.on_result(lambda _check: self._write_score())
        if before is not None:
            for check in before:
                check.on_result(lambda _check: self._write_score())
        self._write_score()
        self.widget = guard_tree(w.VBox([self.intro, *(c.widget for c in self), self.score],
                                        layout=shared_part("layout")))
        self.widget.add_class("hemaedu-self-checks")
        self.widget.add_class(f"hemaedu-question-set-{kind}")

    @property
    def right(self) -> int:
        """Questions answered right (the first answer; the last one in a pre-check)."""
        if self.kind == "pre":
            return sum(bool(c.last_result) for c in self)
        return sum(bool(c.first_result) for c in self)

    @property
    def answered(self) -> int:
        """Questions the learner has checked an answer for."""
        return sum(c.last_result is not None for c in self)

    def score_text(self) -> str:
        """The score line under the questions, in the learner's language."""
        total = len(self)
        if self.kind == "pre":
            return text("common", "question_set.pre.score", answered=self.answered, total=total)
        key = "question_set.post.now" if self.kind == "post" else "question_set.score"
        now = text("common", key, right=self.right, answered=self.answered, total=total)
        if self.kind == "post":
            if self.before is None or self.before.answered == 0:
                before = text("common", "question_set.post.no_before")
            else:
                before = text("common", "question_set.post.before", right=self.before.right, total=total)
            return f"{before} {now}"
        return now

    def _write_score(self) -> None:
        self.score.value = status_html(self.score_text())

    def static_html(self) -> str:
        """Every question without a kernel, and where to answer them."""
        intro = self.intro.value
        body = "".join(c.static_html() for c in self)
        return f"{intro}{body}<p><em>{html.escape(text('common', 'open_to_answer'))}</em></p>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = f"{type(self).__name__}({self.kind}, {len(self)} questions)"
        return bundle


def self_checks(package: str) -> SelfChecks:
    """The self-checks of a lesson, from its ``questions.toml``, with a running score."""
    return SelfChecks([SelfCheck(q) for q in questions(package)])


#: The latest pre-check shown for each lesson in this kernel, so that lesson's post-check can
#: show the score beside it. Kept in the kernel only: no score is stored or sent anywhere.
_PRE_CHECKS: dict[str, SelfChecks] = {}


def pre_check(package: str) -> SelfChecks:
    """The lesson's pre/post questions (``prepost.toml``) asked before it starts, without verdicts."""
    checks = SelfChecks([SelfCheck(q, reveal=False) for q in questions(package, "prepost.toml")], kind="pre")
    _PRE_CHECKS[package] = checks
    return checks


def post_check(package: str) -> SelfChecks:
    """The same questions at the end of the lesson, with feedback and the pre-check's score beside."""
    return SelfChecks([SelfCheck(q) for q in questions(package, "prepost.toml")], kind="post",
                      before=_PRE_CHECKS.get(package))
