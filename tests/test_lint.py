"""ruff and mypy stay clean (configuration in pyproject.toml).

The lesson layer and its framework must be clean now. The whole tree is checked too; it still
has findings in modules other helpers were changing while issue 10 landed (hemaedu/widgets, which
goes away, and a few long lines in tests and the core), so that check is xfail(strict=True): the
lead removes the mark once they are fixed, and from then on any finding fails the suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The issue-10 framework and the converted lessons: clean now.
CLEAN_NOW = [
    "hemaedu/lessons", "hemaedu/thresholds.py", "hemaedu/figures/__init__.py", "hemaedu/figures/_widget.py",
    "hemaedu/figures/incidence.py", "tests/test_apps_contract.py", "tests/test_content.py",
    "tests/test_lesson_incidence.py", "tests/test_notebooks.py", "tests/test_figures_common.py", "tests/test_lint.py",
    "tests/browser/test_lessons_voila.py", "tests/browser/test_static_html.py", "tools", "benchmarks/lesson_memory.py",
]


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return [found]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_clean_in_the_lesson_layer() -> None:
    result = _run([*_tool("ruff"), "check", "--output-format", "concise", *CLEAN_NOW])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean_in_the_lesson_layer() -> None:
    result = _run([*_tool("mypy"), "hemaedu"])
    pending = ("hemaedu/widgets/", "hemaedu/figures/blood_count")  # lessons being converted by other branches
    outside = [line for line in result.stdout.splitlines()
               if line.startswith("hemaedu/") and not line.startswith(pending)]
    assert outside == [], "\n".join(outside)


@pytest.mark.xfail(strict=True, reason="findings remain in hemaedu/widgets, figures/blood_count, benchmarks/run.py, "
                                       "hemaedu/{data,_validate,pathway}.py and other helpers' tests (see the report)")
def test_ruff_and_mypy_clean_everywhere() -> None:
    ruff = _run([*_tool("ruff"), "check", "--output-format", "concise", "hemaedu", "tests", "tools", "benchmarks"])
    mypy = _run([*_tool("mypy"), "hemaedu"])
    assert ruff.returncode == 0 and mypy.returncode == 0, ruff.stdout + mypy.stdout
