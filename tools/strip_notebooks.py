"""Strip outputs from the lessons before committing, keeping nbval's pinned expectations.

    python tools/strip_notebooks.py [notebooks/*.ipynb]

Like nbstripout, but a cell whose source starts with ``# NBVAL_CHECK_OUTPUT``
keeps its printed output and gets execution count 1: nbval compares against
that output and refuses a cell with outputs but no count. Everything else loses
outputs and counts, and the notebook loses saved widget state.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
PINNED = "# NBVAL_CHECK_OUTPUT"


def strip(path: Path) -> bool:
    """Strip one notebook in place; return whether it changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith(PINNED):
            cell.metadata["keep_output"] = True
            cell.execution_count = 1
            cell.outputs = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"]
        else:
            cell.execution_count = None
            cell.outputs = []
        cell.metadata.pop("execution", None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for changed in [p for p in paths if strip(p)]:
        print(f"stripped {changed}")
