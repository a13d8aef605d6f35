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
    from hemaedu.lessons import LESSONS

    assert lessons == {lesson.name for lesson in LESSONS if lesson.app().figure is not None}
    # Real measurements, not placeholders: every update was timed and sent a payload.
    for row in rows:
        if row["measure"].startswith("update in Python"):
            assert 0 < row["median"] < 1000 and row["extra"]["payload_bytes_median"] > 0


@pytest.mark.slow
def test_classroom_benchmark_runs_on_a_tiny_setting(tmp_path):
    """Two protocol-level students on a real Voila, the floor comparison and a warm pool of one kernel."""
    out = tmp_path / "classroom.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--tiny", "--classroom-only", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {(row["measure"], row["subject"]): row for row in json.loads(out.read_text())["rows"]}
    floor = rows[("key press -> figure update (protocol, 1 student)", "baseline_slider_bar")]
    lesson = rows[("key press -> figure update (protocol, 1 student)", "01_pancytopenia")]
    # Every press reached the figure: real round trips through a kernel, no errors.
    for row in (floor, lesson):
        assert row["median"] is not None and 0 < row["median"] < 5000 and not row["extra"]["errors"], row
    assert lesson["extra"]["ratio"] == pytest.approx(lesson["median"] / floor["median"])
    warm = rows[("time to interactive, warm pool (protocol)", "01_pancytopenia")]
    assert warm["median"] is not None and warm["extra"]["pool_size"] == 1
    klass = rows[("classroom: 2 students (protocol)", "01_pancytopenia")]
    assert klass["extra"]["presses"] >= 2 and not klass["extra"]["errors"], klass
    assert len(klass["extra"]["kernel_rss_mib"]) == 2 and all(m > 50 for m in klass["extra"]["kernel_rss_mib"])
    summary = [row for (measure, _), row in rows.items() if measure.startswith("largest class")]
    assert len(summary) == 1 and summary[0]["extra"]["limited_by"]
