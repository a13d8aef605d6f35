"""The teacher's edition (issue 15 items 1 and 4): instructor notes for every lesson, built into an
instructor edition by ``make instructor``, and never present in the student edition.

The leak check is tested on itself: a copy of a student notebook with one instructor note pasted
in (and a copy of a content file) must be reported, so a passing check means something.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from hemaedu.lessons import LESSONS, Lesson
from hemaedu.lessons.content import questions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import instructor_edition as edition  # noqa: E402

CLASS_MINUTES = 50


@pytest.fixture(params=LESSONS, ids=lambda lesson: lesson.name)
def lesson(request: pytest.FixtureRequest) -> Lesson:
    return request.param


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    out = tmp_path_factory.mktemp("instructor")
    paths = edition.build(out)
    return {p.name: nbformat.read(p, as_version=4) for p in paths}


def _instructor_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if edition.TAG in c.metadata.get("tags", [])]


# --------------------------------------------------------------------------- the notes


def test_every_lesson_has_a_50_minute_plan_whose_sections_exist(lesson: Lesson) -> None:
    notes = edition.notes(lesson)
    cells = nbformat.read(ROOT / "notebooks" / lesson.notebook, as_version=4).cells
    sections = notes["section"]
    assert sum(edition.minutes(s) for s in sections) == CLASS_MINUTES, (
        f"{lesson.name}: the class plan adds up to {sum(edition.minutes(s) for s in sections)} min")
    for s in sections:
        assert s["plan"].strip()
        if s["heading"]:
            assert edition._heading_cell(cells, s["heading"], lesson) is not None, (
                f"{lesson.name}: no heading matches the plan's section {s['heading']!r}")


def test_every_try_this_item_has_an_instructor_answer(lesson: Lesson) -> None:
    notes = edition.notes(lesson)
    items = edition.try_items(lesson)
    assert items, f"{lesson.name} has no Try-this items"
    found, missing = edition.match_answers(lesson, notes, items)
    assert not missing, f"{lesson.name}: Try-this items without an instructor answer: {missing}"
    for answer in found.values():
        assert answer["answer"].strip() and answer["discussion"].strip()


def test_two_or_three_misconceptions_each_with_what_exposes_it(lesson: Lesson) -> None:
    notes = edition.notes(lesson)
    cells = nbformat.read(ROOT / "notebooks" / lesson.notebook, as_version=4).cells
    misconceptions = notes["misconception"]
    assert 2 <= len(misconceptions) <= 3, f"{lesson.name}: {len(misconceptions)} misconceptions"
    for m in misconceptions:
        assert m["belief"] and m["correction"] and m["exposed_by"], m
        assert edition._heading_cell(cells, m["section"], lesson) is not None, m["section"]


def test_try_this_items_are_found_in_notebooks_and_in_content_files_they_show() -> None:
    items = edition.try_items(LESSONS[4])  # lesson 04 shows one Try-this block from try_forest.md
    texts = " ".join(i.text for i in items)
    assert "Horse vs rabbit ATG" in texts and "Worked example B" in texts and "Change only the seed" in texts
    assert edition._list_items("### Try this\n\n1. First\n   continued.\n2. Second\n\n## Next\n- not an item") == [
        "First continued.", "Second"]


# --------------------------------------------------------------------------- the edition


def test_instructor_edition_is_the_student_notebook_plus_tagged_callouts(lesson: Lesson, built) -> None:
    student = nbformat.read(ROOT / "notebooks" / lesson.notebook, as_version=4)
    teacher = built[lesson.notebook]
    nbformat.validate(teacher)
    plain = [c for c in teacher.cells if edition.TAG not in c.metadata.get("tags", [])]
    # Same cells, same order, same code: the edition runs wherever the student lesson runs.
    assert [(c.cell_type, edition._source(c)) for c in plain] == [
        (c.cell_type, edition._source(c)) for c in student.cells]
    callouts = _instructor_cells(teacher)
    assert all(c.cell_type == "markdown" for c in callouts)
    shown = "\n".join(edition._source(c) for c in callouts)
    notes = edition.notes(lesson)
    found, _missing = edition.match_answers(lesson, notes, edition.try_items(lesson))
    assert found
    for answer in found.values():
        assert answer["answer"] in shown and answer["discussion"] in shown
    for m in notes["misconception"]:
        assert m["exposed_by"] in shown
    for s in notes["section"]:
        assert s["plan"] in shown
    # Answer keys for the self-checks and the pre/post questions, from the options' whys.
    for file in ("questions.toml", "prepost.toml"):
        for q in questions(lesson.package, file):
            assert q.answer.text in shown and q.answer.why in shown
            assert all(o.why in shown for o in q.options)
    # The callouts sit after the cells they explain: the class plan after the opening cell, the
    # pre/post advice after lesson.pre_check().
    first = teacher.cells.index(callouts[0])
    assert first == 1 and "Plan for a 50-minute class" in edition._source(callouts[0])
    pre = next(i for i, c in enumerate(teacher.cells) if "lesson.pre_check()" in edition._source(c))
    assert edition.shared()["advice"]["prepost"] in edition._source(teacher.cells[pre + 1])


def test_make_instructor_writes_one_notebook_per_lesson(tmp_path: Path) -> None:
    assert edition.main(["--output-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == sorted(x.notebook for x in LESSONS)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ninstructor:\n\t$(PYTHON) tools/instructor_edition.py --output-dir _site/instructor" in makefile


# --------------------------------------------------------------------------- the student edition


def test_the_student_edition_holds_no_instructor_text() -> None:
    files = edition.student_files()
    assert {ROOT / "notebooks" / x.notebook for x in LESSONS} <= set(files)
    assert not any(p.name == "instructor.toml" for p in files)
    assert len(edition.instructor_fragments()) > 1000, "the check must have notes to look for"
    assert edition.leaks(files) == {}


def test_the_leak_check_would_catch_a_note_in_a_student_notebook(tmp_path: Path) -> None:
    lesson = LESSONS[1]
    copy = tmp_path / lesson.notebook
    shutil.copy(ROOT / "notebooks" / lesson.notebook, copy)
    assert edition.leaks([copy]) == {}
    note = edition.notes(lesson)["try_this"][0]["answer"]
    nb = json.loads(copy.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and "Try this" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]) + "\n\n*Answer:* " + note.replace(" ", "\n", 3)  # rewrapped
    copy.write_text(json.dumps(nb), encoding="utf-8")
    found = edition.leaks([copy])
    assert list(found) == [str(copy)] and found[str(copy)]


def test_the_leak_check_would_catch_a_callout_or_a_note_in_content(tmp_path: Path, built) -> None:
    teacher = built[LESSONS[2].notebook]
    student = nbformat.read(ROOT / "notebooks" / LESSONS[2].notebook, as_version=4)
    student.cells.insert(3, _instructor_cells(teacher)[0])  # a callout copied into the student file
    path = tmp_path / LESSONS[2].notebook
    nbformat.write(student, path)
    assert edition.TAG in edition.leaks([path])[str(path)]

    lesson_dir = tmp_path / "hemaedu" / "lessons" / LESSONS[3].package / "content" / "en"
    lesson_dir.mkdir(parents=True)
    misconception = edition.notes(LESSONS[3])["misconception"][0]["correction"]
    (lesson_dir / "lesson.toml").write_text(f'note = "{misconception}"\n', encoding="utf-8")
    assert edition.leaks([lesson_dir / "lesson.toml"])


def test_student_facing_code_never_reads_instructor_notes() -> None:
    """No module of the package names the instructor files (docstrings and error messages aside)."""
    from count_prose import string_literals

    readers = [(str(path.relative_to(ROOT)), line) for path in sorted((ROOT / "hemaedu").rglob("*.py"))
               for line, literal in string_literals(path.read_text(encoding="utf-8"))
               if "instructor" in literal.lower()]
    assert readers == []
