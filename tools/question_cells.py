"""Give a lesson notebook the question-set cells of the course's notebook layout (S3 contract 1).

    python tools/question_cells.py notebooks/07_supportive_care.ipynb [...]

* ``lesson.pre_check()`` right after the JupyterLite install cell (after the cell importing
  ``lesson`` when that comes next; otherwise the new cell imports it itself);
* the self-check cell (``for question in lesson.self_checks(): display(question)``) becomes
  ``lesson.self_checks()``, which shows every question and the running score;
* ``lesson.post_check()`` just before the ``## Key take-aways`` cell.

Idempotent: the cells carry fixed ids (``hemaedu-pre-check``, ``hemaedu-post-check``) and a
notebook that has them is left as it is. Outputs are stripped, as committed notebooks must be.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

LITE_CELL_START = "# In JupyterLite"
PRE_ID, POST_ID = "hemaedu-pre-check", "hemaedu-post-check"


def _source(cell: nbformat.NotebookNode) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def add_cells(path: Path) -> bool:
    """Add the missing question-set cells to the notebook at ``path``; returns whether it changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    cells = nb.cells
    found = re.search(r"from hemaedu\.lessons import (\w+) as lesson", "\n".join(_source(c) for c in cells))
    if not found:
        raise ValueError(f"{path}: no cell imports the lesson (from hemaedu.lessons import <package> as lesson)")
    package = found.group(1)
    for cell in cells:
        if cell.cell_type == "code" and "lesson.self_checks()" in _source(cell):
            cell.source = "lesson.self_checks()"
    ids = {c.get("id") for c in cells}
    if PRE_ID not in ids:
        lite = next(i for i, c in enumerate(cells) if c.cell_type == "code" and _source(c).startswith(LITE_CELL_START))
        following = cells[lite + 1] if lite + 1 < len(cells) else None
        imports_only = following is not None and following.cell_type == "code" and all(
            line.startswith(("from ", "import ")) or not line.strip() for line in _source(following).splitlines())
        if imports_only and following is not None and f"import {package} as lesson" in _source(following):
            at, source = lite + 2, "lesson.pre_check()"
        else:
            at, source = lite + 1, f"from hemaedu.lessons import {package} as lesson\n\nlesson.pre_check()"
        cell = nbformat.v4.new_code_cell(source)
        cell.id = PRE_ID
        cells.insert(at, cell)
    if POST_ID not in ids:
        take_aways = [i for i, c in enumerate(cells)
                      if c.cell_type == "markdown" and re.search(r"^## Key take-aways", _source(c), re.M | re.I)]
        if not take_aways:
            raise ValueError(f"{path}: no '## Key take-aways' cell to put lesson.post_check() before")
        cell = nbformat.v4.new_code_cell("lesson.post_check()")
        cell.id = POST_ID
        cells.insert(take_aways[-1], cell)
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: {'cells added' if add_cells(Path(arg)) else 'already in place'}")
