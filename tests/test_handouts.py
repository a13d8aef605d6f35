"""The printable handouts (``make handouts``, tools/handouts.py): one PDF per lesson and paper.

Every handout of the registry is printed once, from one Chromium, into a temporary folder; the
tests then read the PDFs back with pypdf: each exists, has the paper's page size and a handout's
number of pages, and its text holds the lesson's title, safety statement and every self-check
question with its options, but no option's ``why`` and no instructor note.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from hemaedu.lessons import LESSONS, Lesson, content
from hemaedu.lessons.content import content_files, questions
from hemaedu.lessons.handout import DASHES, PATTERNS, SYMBOLS, for_print

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import handouts  # noqa: E402

#: Page size in PostScript points (Chromium writes A4 as 595.92 x 842.88).
PAGE_POINTS = {"a4": (595, 842), "letter": (612, 792)}
#: A handout is at least a title page and a page of questions, and at most 16 pages (8 sheets printed
#: on both sides; today's longest, lesson 07 with its long narratives, takes 9 on US Letter).
MIN_PAGES, MAX_PAGES = 2, 16
#: A sentence of an answer or a note this long is too specific to appear on a handout by chance.
MIN_WORDS = 6


def _normal(text: str) -> str:
    """Compatibility-normalised text with single spaces: PDF line breaks and ligatures do not count."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, playwright_driver: Any) -> dict[tuple[str, str], Any]:
    """Every handout, printed once: (lesson name, paper) -> (pages, [(width, height)], text)."""
    if not handouts.CHROMIUM.exists():
        message = f"{handouts.CHROMIUM} not found: install Debian's Chromium (`apt-get install chromium`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    start = time.perf_counter()
    build = handouts.build(LESSONS, tmp_path_factory.mktemp("handouts"), playwright=playwright_driver)
    total = time.perf_counter() - start
    print(f"\nhandouts: {len(build.pdfs)} PDFs in {total:.1f} s (pages {build.render_seconds:.1f} s, "
          f"one Chromium {build.print_seconds:.1f} s)")
    out = {}
    for key, path in build.pdfs.items():
        assert path.read_bytes().startswith(b"%PDF-"), path
        reader = PdfReader(path)
        sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
        out[key] = (len(reader.pages), sizes, _normal(" ".join(p.extract_text() for p in reader.pages)))
    return out


CASES = [(lesson, paper) for lesson in LESSONS for paper in handouts.PAPERS]
IDS = [f"{lesson.name}-{paper}" for lesson, paper in CASES]


def test_every_lesson_has_a_handout_on_every_paper(printed: dict) -> None:
    assert set(printed) == {(lesson.name, paper) for lesson, paper in CASES}


@pytest.mark.parametrize(("lesson", "paper"), CASES, ids=IDS)
def test_page_size_and_count(printed: dict, lesson: Lesson, paper: str) -> None:
    pages, sizes, _ = printed[(lesson.name, paper)]
    width, height = PAGE_POINTS[paper]
    assert all(abs(w - width) < 1.5 and abs(h - height) < 1.5 for w, h in sizes), (paper, sizes[:1])
    assert MIN_PAGES <= pages <= MAX_PAGES, f"{lesson.name} on {paper}: {pages} pages"


def test_letter_and_a4_differ_by_at_most_two_pages(printed: dict) -> None:
    counts = {lesson.name: (printed[(lesson.name, "a4")][0], printed[(lesson.name, "letter")][0]) for lesson in LESSONS}
    assert all(abs(a4 - letter) <= 2 for a4, letter in counts.values()), counts


def _safety(lesson: Lesson) -> str:
    return _normal(re.sub(r"[*_]", "", handouts.safety_statement(lesson)))


@pytest.mark.parametrize(("lesson", "paper"), CASES, ids=IDS)
def test_title_safety_statement_and_every_question(printed: dict, lesson: Lesson, paper: str) -> None:
    text = printed[(lesson.name, paper)][2]
    assert _normal(lesson.title) in text
    assert "Teaching material, not a clinical tool." in text
    assert _safety(lesson) in text
    missing = [q.id for q in questions(lesson.package) if _normal(q.prompt) not in text]
    assert not missing, f"{lesson.name}: prompts not on the handout: {missing}"
    missing = [(q.id, o.text) for q in questions(lesson.package) for o in q.options if _normal(o.text) not in text]
    assert not missing, f"{lesson.name}: options not on the handout: {missing}"


def _sentences(text: str) -> list[str]:
    """``text`` whole, and each of its sentences of MIN_WORDS words or more, normalised."""
    whole = _normal(text)
    parts = [s for s in re.split(r"(?<=[.;:?!])\s+", whole) if len(s.split()) >= MIN_WORDS]
    return [whole, *parts] if len(whole.split()) >= MIN_WORDS else parts


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _plain(text: str) -> str:
    """Normalised text without Markdown emphasis or code marks."""
    return _normal(re.sub(r"[*_`]", "", text))


def _student_texts(lesson: Lesson) -> list[str]:
    """What a student reads in the lesson anyway: question prompts and options, lesson.toml, Markdown blocks."""
    asked = questions(lesson.package)
    shown = [q.prompt for q in asked] + [o.text for q in asked for o in q.options]
    for path in content_files(lesson.package):
        if path.name == "lesson.toml":
            shown += _strings(tomllib.loads(path.read_text(encoding="utf-8")))
        elif path.name.endswith(".md"):
            shown += [path.read_text(encoding="utf-8"), content.markdown(lesson.package, path.name)]
    return [_plain(s) for s in shown]


def forbidden_texts(lesson: Lesson) -> list[str]:
    """What a handout must never show: every option's ``why`` and, where such files exist, every
    instructor note and pre/post ``why`` (sentences a student also reads in the lesson excepted)."""
    out = [s for q in questions(lesson.package) for o in q.options for s in _sentences(o.why)]
    student = _student_texts(lesson)
    for path in content_files(lesson.package):
        if path.name in ("instructor.toml", "prepost.toml"):
            raw: Any = tomllib.loads(path.read_text(encoding="utf-8"))
            if path.name == "prepost.toml":
                raw = [o.get("why", "") for q in raw.get("question", []) for o in q.get("option", [])]
            texts = [content.render(string, where=path.name, package=lesson.package) for string in _strings(raw)]
            out += [s for string in texts for s in _sentences(string)
                    if not any(_plain(s) in shown for shown in student)]
    return out


def answers_shown(text: str, lesson: Lesson) -> list[str]:
    return [s for s in forbidden_texts(lesson) if s in text]


@pytest.mark.parametrize(("lesson", "paper"), CASES, ids=IDS)
def test_no_answer_and_no_instructor_note(printed: dict, lesson: Lesson, paper: str) -> None:
    assert answers_shown(printed[(lesson.name, paper)][2], lesson) == []


def test_the_answer_check_would_catch_a_why_on_the_page(printed: dict) -> None:
    lesson = next(lesson for lesson in LESSONS if questions(lesson.package))
    text = printed[(lesson.name, "a4")][2]
    why = max((o.why for q in questions(lesson.package) for o in q.options), key=len)
    assert answers_shown(f"{text} {_normal(why)}", lesson), "the check did not see a why placed on the handout"


def test_print_styles_tell_series_apart_without_colour() -> None:
    import plotly.graph_objects as go

    fig = go.Figure([go.Scatter(y=[1, 2], mode="lines", name="a"), go.Scatter(y=[2, 1], mode="lines", name="b"),
                     go.Scatter(y=[1, 1], mode="lines", line_dash="dot", name="c"),
                     go.Scatter(y=[0, 1], mode="markers", name="d"), go.Scatter(y=[1, 0], mode="markers", name="e")])
    fig.update_layout(title_text="A <b>title</b>", height=2000)
    title, spec = for_print(fig)
    data = json.loads(spec)["data"]
    assert title == "A title"
    assert [t["line"].get("dash") for t in data[:3]] == [DASHES[0], DASHES[1], "dot"]  # an explicit dash is kept
    assert [t["marker"]["symbol"] for t in data[3:]] == list(SYMBOLS[:2])
    assert json.loads(spec)["layout"]["height"] < 2000  # squeezed to fit a page


def test_patterns_only_where_bars_share_a_plot() -> None:
    import plotly.graph_objects as go

    together = go.Figure([go.Bar(y=[1], name="fits"), go.Bar(y=[2], name="less likely")])
    apart = go.Figure([go.Bar(y=[1], name="ANC"), go.Bar(y=[2], name="platelets", xaxis="x2", yaxis="y2")])
    shapes = [[t.get("marker", {}).get("pattern", {}).get("shape") for t in json.loads(for_print(f)[1])["data"]]
              for f in (together, apart)]
    assert shapes == [[PATTERNS[0], PATTERNS[1]], [None, None]]
