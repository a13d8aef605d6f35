"""Strip every output from the lessons before committing, keeping nbval's pinned expectations aside.

    python tools/strip_notebooks.py [notebooks/*.ipynb]      # or: make strip

Notebooks are committed without outputs. A cell whose source starts with
``# NBVAL_CHECK_OUTPUT`` pins numbers the test suite must reproduce: when such
a cell has printed output (run the lesson, check the numbers, then strip), its
text is saved to ``tests/notebook_outputs/<lesson>.json`` before the notebook
is stripped. The repository's ``conftest.py`` gives those texts back to nbval,
which then fails if a re-run prints anything else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
PINNED = "# NBVAL_CHECK_OUTPUT"
EXPECTED_DIR = ROOT / "tests" / "notebook_outputs"


def expected_path(notebook: Path) -> Path:
    return EXPECTED_DIR / f"{notebook.stem}.json"


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def strip(path: Path) -> bool:
    """Strip one notebook in place, saving pinned outputs; return whether anything changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    sidecar = expected_path(path)
    old = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else []
    old_by_source = {entry["source"]: entry["stdout"] for entry in old}
    pins = []
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith(PINNED):
            # Freshly printed output wins; an already stripped cell keeps its pin.
            stdout = _stdout(cell) or old_by_source.get(cell.source, "")
            pins.append({"source": cell.source, "stdout": stdout})
        cell.execution_count = None
        cell.outputs = []
        cell.metadata.pop("execution", None)
        cell.metadata.pop("keep_output", None)
    after = nbformat.writes(nb) + "\n"
    changed = after != before
    if changed:
        path.write_text(after, encoding="utf-8")
    if pins != old:
        EXPECTED_DIR.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(json.dumps(pins, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed = True
    return changed


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for changed in [p for p in paths if strip(p)]:
        print(f"stripped {changed}")
