"""Self-checks that teach (issue 16 item 5) and the pre/post questions (issue 15 item 4).

The widget side: feedback cleared when the selection changes, a visible state that is not color
alone (icon, color, words announced as a status), a running "x of y" score; the content side:
over every lesson, the right option does not sit in the same position in every question, and no
two options of a question share a ``why``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from hemaedu.lessons import LESSONS, Lesson
from hemaedu.lessons.checks import SelfCheck, SelfChecks, post_check, pre_check
from hemaedu.lessons.content import Option, Question, questions, text
from hemaedu.lessons.parts import LessonParts

QUESTION_FILES = ("questions.toml", "prepost.toml")
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _question(qid: str, right: int = 0, n: int = 3) -> Question:
    return Question(qid, f"Prompt {qid}?", tuple(
        Option(f"Option {k}", k == right, f"Why option {k} of {qid} is {'right' if k == right else 'wrong'}.")
        for k in range(n)))


def _plain(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", value))


# --------------------------------------------------------------------------- the widget


def test_feedback_shows_icon_color_and_words_and_clears_when_the_selection_changes() -> None:
    check = SelfCheck(_question("q", right=1))
    assert check.feedback.value == "" and check.state is None

    assert check.answer("Option 0") is False
    wrong = check.feedback.value
    assert check.state == "incorrect" and "hemaedu-self-check-incorrect" in check.widget._dom_classes
    assert 'role="status"' in wrong and 'aria-live="polite"' in wrong
    assert text("common", "self_check_icon.incorrect") in wrong and 'aria-hidden="true"' in wrong
    assert "#b3261e" in wrong  # the color is one cue of three
    assert f"{text('common', 'not_quite')} Why option 0 of q is wrong." in _plain(wrong)

    check.choices.value = "Option 1"  # the learner picks another option: the old verdict goes
    assert check.feedback.value == "" and check.state is None
    assert not any(c.startswith("hemaedu-self-check-") for c in check.widget._dom_classes)

    check.check.click()
    right = check.feedback.value
    assert check.state == "correct" and "hemaedu-self-check-correct" in check.widget._dom_classes
    assert text("common", "self_check_icon.correct") in right and "#1a7f37" in right
    assert f"{text('common', 'correct')} Why option 1 of q is right." in _plain(right)


def test_checking_without_a_choice_asks_for_one() -> None:
    check = SelfCheck(_question("q"))
    check.check.click()
    assert text("common", "choose_first") in check.feedback.value and check.first_result is None


def test_score_counts_the_first_answer_and_iterating_still_works() -> None:
    checks = SelfChecks([SelfCheck(_question(f"q{n}", right=n % 3)) for n in range(4)])
    assert [c.id for c in checks] == ["q0", "q1", "q2", "q3"] and len(checks) == 4 and checks[2].id == "q2"
    assert "0 of 4 right" in checks.score.value and "0 of 4 answered" in checks.score.value
    checks[0].answer("Option 0")          # right at once
    checks[1].answer("Option 0")          # wrong ...
    checks[1].answer("Option 1")          # ... then right: still counts as wrong at the first try
    checks[2].answer("Option 2")          # right
    assert (checks.right, checks.answered) == (2, 3)
    assert "2 of 4 right at the first try (3 of 4 answered)" in _plain(checks.score.value)
    assert 'role="status"' in checks.score.value
    # The whole set displays as one block: every question, then the score.
    children = checks.widget.children
    assert children[-1] is checks.score and all(c.widget in children for c in checks)
    assert "hemaedu-self-checks" in checks.widget._dom_classes
    assert "hemaedu-self-check" not in checks.widget._dom_classes  # a test locator finds one question
    bundle = checks._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert all(html.escape(c.question) in bundle["text/html"] for c in checks)
    assert "Why option" not in bundle["text/html"], "the static view gives no answer away"


def test_pre_check_notes_answers_without_a_verdict_and_post_check_shows_both_scores() -> None:
    lesson = LESSONS[1]
    pre = pre_check(lesson.package)
    assert pre.kind == "pre" and len(pre) >= 3
    right = [next(o for o in c.options if o.correct) for c in pre]
    wrong = [next(o for o in c.options if not o.correct) for c in pre]
    pre[0].answer(right[0].text)
    for check, option in zip(pre[1:], wrong[1:], strict=True):
        check.answer(option.text)
    for check, option in zip(pre, right, strict=True):
        shown = _plain(check.feedback.value)
        assert option.why not in shown and text("common", "correct") not in shown, "a pre-check reveals nothing"
        assert check.state == "noted"
    total = len(pre)
    assert f"{total} of {total} answered" in _plain(pre.score.value)

    post = post_check(lesson.package)
    assert [c.question for c in post] == [c.question for c in pre]
    assert f"Before the lesson: 1 of {total} right." in _plain(post.score.value)
    for check, option in zip(post, right, strict=True):
        assert check.answer(option.text) is True and option.why in html.unescape(check.feedback.value)
    assert f"Before the lesson: 1 of {total} right. Now: {total} of {total} right" in _plain(post.score.value)


def test_post_check_without_a_pre_check_says_so() -> None:
    post = SelfChecks([SelfCheck(_question("q"))], kind="post", before=None)
    assert text("common", "question_set.post.no_before") in _plain(post.score.value)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_every_lesson_package_offers_the_question_sets(lesson: Lesson) -> None:
    module = lesson.module()
    checks = module.self_checks()
    assert isinstance(checks, SelfChecks) and checks and all(isinstance(c, SelfCheck) for c in checks)
    pre, post = module.pre_check(), module.post_check()
    assert pre.kind == "pre" and post.kind == "post" and post.before is pre
    assert 3 <= len(pre) <= 4, f"{lesson.name}: prepost.toml should hold 3 or 4 questions"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_every_lesson_package_binds_each_shared_part_to_its_own_name(lesson: Lesson) -> None:
    """A lesson's ``__init__`` unpacks ``lesson_parts(...)`` in one line: swapping two names there
    (a post-check shown where the pre-check belongs) must fail here."""
    module = lesson.module()
    for name in LessonParts._fields:
        assert getattr(module, name).__name__ == name, f"{lesson.name}: lesson.{name} is another part"
        assert name in module.__all__, f"{lesson.name}: add {name!r} to __all__"


# --------------------------------------------------------------------------- the content


def _cases() -> list[tuple[Lesson, str]]:
    return [(lesson, name) for lesson in LESSONS for name in QUESTION_FILES]


@pytest.mark.parametrize(("lesson", "name"), _cases(), ids=lambda x: x if isinstance(x, str) else x.name)
def test_the_right_option_moves_between_a_lessons_questions(lesson: Lesson, name: str) -> None:
    """Issue 16 item 5: the answer's position must not be learnable (00 was 1,1,1; 02-04 2,2,2)."""
    qs = questions(lesson.package, name)
    positions = [next(i for i, o in enumerate(q.options) if o.correct) + 1 for q in qs]
    assert len(qs) < 2 or len(set(positions)) > 1, (
        f"{lesson.name} {name}: the right option is number {positions[0]} in every question {positions}; "
        "reorder the options of one question"
    )


@pytest.mark.parametrize(("lesson", "name"), _cases(), ids=lambda x: x if isinstance(x, str) else x.name)
def test_every_option_explains_itself(lesson: Lesson, name: str) -> None:
    """No two options of one question share a why: each says why THAT option is right or wrong."""
    shared = {}
    for q in questions(lesson.package, name):
        whys = [o.why.strip() for o in q.options]
        if len(set(whys)) != len(whys):
            shared[q.id] = [o.text for o in q.options if whys.count(o.why.strip()) > 1]
    assert not shared, f"{lesson.name} {name}: options sharing one why: {shared}"


# --------------------------------------------------------------------------- the notebook cells


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_notebook_asks_pre_check_first_and_post_check_before_the_take_aways(lesson: Lesson) -> None:
    """S3 contract 1 (tools/question_cells.py adds these cells to a new lesson's notebook)."""
    cells = json.loads((NOTEBOOKS / lesson.notebook).read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    pre = [i for i in code if sources[i].strip().endswith("lesson.pre_check()")]
    checks = [i for i in code if sources[i].strip() == "lesson.self_checks()"]
    post = [i for i in code if sources[i].strip() == "lesson.post_check()"]
    assert len(pre) == len(checks) == len(post) == 1, (
        f"{lesson.notebook}: run `python tools/question_cells.py notebooks/{lesson.notebook}`")
    assert pre[0] == code[1] or pre[0] == code[2], "the pre-check comes right after the JupyterLite cell"
    headings = [i for i, s in enumerate(sources) if cells[i]["cell_type"] == "markdown" and s.startswith("## ")]
    assert pre[0] < headings[0] + 2, "the pre-check comes before the lesson's first section"
    take_aways = next(i for i, s in enumerate(sources) if re.search(r"^## Key take-aways", s, re.M))
    assert checks[0] < post[0] == take_aways - 1
