"""Give nbval the pinned outputs of the lessons, which live beside the tests, not in the notebooks.

The notebooks are committed without any output. A cell that starts with
``# NBVAL_CHECK_OUTPUT`` pins key numbers: its expected printed text is kept in
``tests/notebook_outputs/<lesson>.json`` (written by ``tools/strip_notebooks.py``)
and put back on the cell here, before nbval runs it, so a re-run that prints a
different number fails the suite. A pinned cell whose source no longer matches
its saved expectation is left without one; ``tests/test_notebooks.py`` fails
on that, telling the author to re-run the lesson and strip it again.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

EXPECTED_DIR = Path(__file__).resolve().parent / "tests" / "notebook_outputs"
PINNED = "# NBVAL_CHECK_OUTPUT"


def _expected(notebook: Path) -> dict[str, str]:
    path = EXPECTED_DIR / f"{notebook.stem}.json"
    if not path.exists():
        return {}
    return {entry["source"]: entry["stdout"] for entry in json.loads(path.read_text(encoding="utf-8"))}


def pytest_collection_modifyitems(items: list) -> None:
    cache: dict[Path, dict[str, str]] = {}
    for item in items:
        cell = getattr(item, "cell", None)  # nbval's IPyNbCell
        if cell is None or not cell.source.startswith(PINNED):
            continue
        notebook = Path(str(item.path))
        expected = cache.setdefault(notebook, _expected(notebook)).get(cell.source)
        if expected:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=expected)]
            cell.execution_count = 1  # nbval compares only cells that "ran"
