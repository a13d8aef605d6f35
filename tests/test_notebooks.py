"""Every lesson follows the course's structure and takes its numbers from data/.

nbval (configured in pyproject.toml) executes each notebook top to bottom; these
tests check what a reviewer would: the disclaimer near the top, objectives and
time, guiding questions, self-checks, references at the end, no stored outputs,
and a lesson runtime without pandas or numpy (typed numbers: tests/test_content.py).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from hemaedu.lessons import LESSONS, Lesson

EXPECTED_OUTPUTS = Path(__file__).resolve().parent / "notebook_outputs"
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
#: The reading order comes from the one registry (hemaedu/lessons/registry.toml).
LESSON_NAMES = [lesson.name for lesson in LESSONS]
LITE_CELL = (
    "# In JupyterLite (Python running in the browser) install the course package first; "
    "elsewhere this does nothing.\n"
    "import sys\n"
    'if sys.platform == "emscripten":\n'
    "    import piplite\n"
    '    await piplite.install(["hemaedu"])'
)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_all_lessons_exist_in_reading_order():
    assert [p.stem for p in NOTEBOOKS] == LESSON_NAMES


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request) -> tuple[Path, list[dict]]:
    return request.param, _cells(request.param)


def test_committed_without_outputs(notebook):
    path, cells = notebook
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell.get("execution_count") is None, f"{path.name}: execution count stored"
            assert not cell["outputs"], f"{path.name}: outputs stored in {_source(cell)[:60]!r}"
    assert "widgets" not in json.loads(path.read_text(encoding="utf-8"))["metadata"], path.name


def test_every_pinned_cell_has_its_expected_output(notebook):
    """The pins nbval checks (given back by the repository's conftest.py) match the cells."""
    path, cells = notebook
    pinned = [_source(c) for c in cells if c["cell_type"] == "code" and _source(c).startswith("# NBVAL_CHECK_OUTPUT")]
    sidecar = EXPECTED_OUTPUTS / f"{path.stem}.json"
    saved = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else []
    assert [entry["source"] for entry in saved] == pinned, (
        f"{path.name}: pinned outputs are stale; run the lesson, check its numbers, then `make strip`"
    )
    assert all(entry["stdout"].strip() for entry in saved), f"{path.name}: a pinned cell has no expected output"


def test_opens_with_objectives_time_and_disclaimer(notebook):
    path, cells = notebook
    opening = "\n".join(_source(c) for c in cells[:3] if c["cell_type"] == "markdown")
    assert re.search(r"learning objectives", opening, re.I), path.name
    assert re.search(r"estimated time:\s*\d+\s*min", opening, re.I), path.name
    assert "**Teaching material, not a clinical tool.**" in opening, path.name


def test_first_code_cell_installs_the_package_only_in_jupyterlite(notebook):
    path, cells = notebook
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert _source(first_code).strip() == LITE_CELL, path.name


def test_ends_with_take_aways_and_references(notebook):
    path, cells = notebook
    text = [(_source(c), c["cell_type"]) for c in cells]
    take_aways = [i for i, (s, t) in enumerate(text) if t == "markdown" and re.search(r"key take-aways", s, re.I)]
    refs = [i for i, (s, t) in enumerate(text) if t == "code" and "references(" in s]
    assert take_aways and refs, path.name
    assert take_aways[-1] >= len(cells) - 4 and refs[-1] >= len(cells) - 3, path.name


def test_has_self_checks_and_guiding_questions(notebook):
    # No pinned "# NBVAL_CHECK_OUTPUT" cell is required any more: issue 16 item 3 keeps test
    # plumbing out of the learner's view, so each lesson's pytest module asserts those facts.
    path, cells = notebook
    sources = "\n".join(_source(c) for c in cells)
    assert "self_check" in sources.lower() or "SelfCheck" in sources, path.name
    assert re.search(r"^#+ .*try this|\*\*try this", sources, re.I | re.M), path.name


def test_code_cells_stay_short(notebook):
    path, cells = notebook
    for cell in cells:
        if cell["cell_type"] == "code":
            lines = [line for line in _source(cell).splitlines() if line.strip()]
            assert len(lines) <= 12, f"{path.name}: a {len(lines)}-line cell belongs in the package"


# The "no typed numbers" check lives in tests/test_content.py, per lesson and against only the
# tables that lesson uses (registry.toml `tables`).


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_lesson_runs_without_pandas_or_numpy(lesson: Lesson) -> None:
    """A fresh kernel runs the whole lesson and never imports pandas or numpy (issue 10).

    That keeps a classroom kernel small and lets the lessons run in a browser kernel offline;
    benchmarks/lesson_memory.py reports the memory the same run uses.
    """
    sys.path.insert(0, str(NOTEBOOK_DIR.parent / "benchmarks"))
    try:
        from lesson_memory import run_lesson
    finally:
        sys.path.pop(0)
    probe = run_lesson(NOTEBOOK_DIR / lesson.notebook)
    assert not probe["pandas"] and not probe["numpy"], f"{lesson.notebook} imported {probe}"
