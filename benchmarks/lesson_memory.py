"""Kernel memory after running each lesson, and whether the lesson imported pandas or numpy.

    python benchmarks/lesson_memory.py [00 03 ...]      # default: every lesson of the registry

Each lesson notebook runs top to bottom in a fresh kernel (nbclient, the same kernel as
``jupyter lab``), then one extra cell reports the kernel's resident memory and whether
``pandas`` / ``numpy`` are in ``sys.modules``. A classroom server runs one kernel per learner
and lesson, so this is the figure that decides how many learners a server holds.

``tests/test_notebooks.py`` uses :func:`run_lesson` to check that no lesson imports pandas or
numpy. To add the memory rows to ``benchmarks/run.py``: call :func:`bench_lesson_memory` there
and extend its rows (it returns plain dicts with the same keys as ``run.Row``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

_PROBE = """
import json as _json, sys as _sys
try:
    import psutil as _psutil
    _rss = _psutil.Process().memory_info().rss
except ImportError:  # pragma: no cover - psutil is in the test extra
    _rss = None
print("HEMAEDU_PROBE " + _json.dumps({"pandas": "pandas" in _sys.modules, "numpy": "numpy" in _sys.modules,
                                      "rss_bytes": _rss}))
"""


def run_lesson(notebook: Path, *, timeout_s: int = 600) -> dict[str, Any]:
    """Run ``notebook`` in a fresh kernel; return ``{"pandas": bool, "numpy": bool, "rss_bytes": int}``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE))
    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    for output in nb.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith("HEMAEDU_PROBE "):
                return json.loads(line.removeprefix("HEMAEDU_PROBE "))
    raise RuntimeError(f"{notebook.name}: the probe cell printed nothing")


def bench_lesson_memory(lessons: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per lesson: kernel RSS after running it (MiB) and the heavy modules it loaded."""
    from hemaedu.lessons import LESSONS, lesson

    chosen = [lesson(key) for key in lessons] if lessons else list(LESSONS)
    rows = []
    for item in chosen:
        probe = run_lesson(NOTEBOOKS / item.notebook)
        heavy = [m for m in ("pandas", "numpy") if probe[m]]
        mib = probe["rss_bytes"] / 2**20 if probe["rss_bytes"] else float("nan")
        rows.append({"measure": "kernel memory after running the lesson", "case": item.name, "value": round(mib, 1),
                     "p95": None, "unit": "MiB", "target": "no pandas/numpy", "ok": not heavy,
                     "note": f"imports {', '.join(heavy)}" if heavy else "neither pandas nor numpy"})
    return rows


def main(argv: list[str]) -> int:
    for row in bench_lesson_memory(argv or None):
        print(f"{row['case']:32s} {row['value']:7.1f} MiB  {row['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
