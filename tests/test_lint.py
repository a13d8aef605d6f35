"""ruff and mypy stay clean over the whole tree (configuration in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return [found]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_clean() -> None:
    result = _run([*_tool("ruff"), "check", "--output-format", "concise", "hemaedu", "tests", "tools", "benchmarks"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean() -> None:
    # The tools and the benchmark too: tests and CI run them (6 errors had crept in there).
    result = _run(_tool("mypy"))  # the files pyproject.toml names
    assert result.returncode == 0, result.stdout + result.stderr
