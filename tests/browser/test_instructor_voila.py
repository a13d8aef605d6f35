"""The instructor edition projected in Voila, and the question sets as a learner uses them.

One lesson's instructor edition (built by tools/instructor_edition.py into a scratch folder) is
served by Voila: the teacher sees the class plan and the answers; the pre-check notes an answer
without a verdict; the post-check gives feedback with an icon and words in a status region,
clears it when the learner picks another option, and shows the pre-check's score beside its own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from servers import voila_server

from hemaedu.lessons import lesson as registry
from hemaedu.lessons.content import text

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import instructor_edition as edition  # noqa: E402

WAIT_MS = 60_000


def _group(page: Any, prompt: str, nth: int) -> Any:
    return page.get_by_role("group", name=text("common", "self_check_prefix", prompt=prompt), exact=True).nth(nth)


def test_instructor_edition_in_voila(tmp_path: Path, browser_page: Any, output_errors: Any,
                                     blocked_requests: Any) -> None:
    lesson = registry("01")
    edition.build(tmp_path, [lesson])
    page = browser_page
    with voila_server(tmp_path, name="voila-instructor", home=tmp_path / "home") as voila:
        voila.open(page, lesson.notebook)
        notes = edition.notes(lesson)
        expect(page.get_by_text("Plan for a 50-minute class")).to_be_visible()
        expect(page.get_by_text(notes["try_this"][0]["answer"][:60])).to_be_visible()
        assert output_errors(page) == []

        pre = page.locator(".hemaedu-question-set-pre")
        post = page.locator(".hemaedu-question-set-post")
        question = edition.questions(lesson.package, "prepost.toml")[0]
        right = question.answer
        wrong = next(o for o in question.options if not o.correct)

        # Pre-check: noted, no verdict, no why.
        group = pre.locator(".hemaedu-self-check").nth(0)
        _group(page, question.prompt, 0).get_by_role("radio", name=wrong.text, exact=True).check()
        group.get_by_role("button", name=text("common", "check_answer")).click()
        expect(group.get_by_role("status")).to_have_text(text("common", "pre_check_noted"), timeout=WAIT_MS)
        expect(group).not_to_contain_text(wrong.why)

        # Post-check: verdict with icon and words; a new choice clears it; the right answer scores.
        group = post.locator(".hemaedu-self-check").nth(0)
        radios = _group(page, question.prompt, 1)
        radios.get_by_role("radio", name=wrong.text, exact=True).check()
        group.get_by_role("button", name=text("common", "check_answer")).click()
        status = group.get_by_role("status")
        expect(status).to_have_text(f"{text('common', 'not_quite')} {wrong.why}", timeout=WAIT_MS)
        expect(group.locator(".hemaedu-feedback-icon")).to_have_text(text("common", "self_check_icon.incorrect"))
        radios.get_by_role("radio", name=right.text, exact=True).check()
        expect(group.locator(".hemaedu-feedback")).to_have_count(0, timeout=WAIT_MS)
        group.get_by_role("button", name=text("common", "check_answer")).click()
        expect(group.get_by_role("status")).to_have_text(f"{text('common', 'correct')} {right.why}", timeout=WAIT_MS)
        n = len(edition.questions(lesson.package, "prepost.toml"))
        expect(post.locator(".hemaedu-summary").last).to_contain_text(
            f"Before the lesson: 0 of {n} right. Now: 0 of {n} right at the first try (1 of {n} answered).")
        assert output_errors(page) == []
        assert blocked_requests.unexpected() == []
