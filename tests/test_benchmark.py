"""The benchmark is a benchmark, not a test: here we only check that it runs and reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_runs_on_a_tiny_setting(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--tiny", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "median" in result.stdout and "target" in result.stdout
    rows = json.loads(out.read_text())["rows"]
    measures = {row["measure"] for row in rows}
    assert "update in Python (set control -> figure updated)" in measures
    assert "import hemaedu (fresh process)" in measures
    lessons = {row["subject"] for row in rows if row["measure"].startswith("update in Python")}
    assert len(lessons) == 5
    # Real measurements, not placeholders: every update was timed and sent a payload.
    for row in rows:
        if row["measure"].startswith("update in Python"):
            assert 0 < row["median"] < 1000 and row["extra"]["payload_bytes_median"] > 0
