"""Benchmark: do the lessons feel instant, start fast and stay small?

    python benchmarks/run.py            # full run (about 10-15 minutes on 2 cores)
    python benchmarks/run.py --tiny     # a smoke run, as the test suite does

Prints one table (measure, lesson, median, p95, target, pass/fail) and writes it
as JSON (benchmarks/results/latest.json unless --json is given). It is a
benchmark, not a test: a failing target is reported, never raised, and the exit
code is 0 whenever the measurements themselves ran. See benchmarks/README.md for
how to read it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))


@dataclass
class Row:
    measure: str
    subject: str
    median: float | None
    p95: float | None
    unit: str
    target: str
    passed: bool | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summarize(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


# ---------------------------------------------------------------------------
# 1. Control-to-figure update in Python, against the naive approach
# ---------------------------------------------------------------------------

class _SerializingComm:
    """Stands in for the kernel's comm: JSON-encodes each message as a kernel would."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.comm_id = kwargs.get("comm_id") or os.urandom(8).hex()
        self.bytes_sent = 0
        self.kernel = object()  # ipywidgets sends only when its comm has a kernel

    def _send(self, data: Any = None, metadata: Any = None, buffers: Any = None) -> None:
        self.bytes_sent += len(json.dumps(data, default=str))
        self.bytes_sent += sum(len(memoryview(b).cast("B")) for b in (buffers or []))

    send = open = _send

    def close(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_msg(self, callback: Any) -> None:
        pass

    def on_close(self, callback: Any) -> None:
        pass


@contextlib.contextmanager
def serializing_comms() -> Iterator[list[_SerializingComm]]:
    """Make every widget created inside the block use a serializing comm."""
    import comm

    made: list[_SerializingComm] = []
    original = comm.create_comm

    def create(*args: Any, **kwargs: Any) -> _SerializingComm:
        made.append(_SerializingComm(*args, **kwargs))
        return made[-1]

    comm.create_comm = create
    try:
        yield made
    finally:
        comm.create_comm = original


def _load_app(spec: str) -> Any:
    module_name, _, builder = spec.partition(":")
    return getattr(importlib.import_module(module_name), builder)()


def _slider_values(slider: Any, count: int) -> list[float]:
    """A walk a learner's arrow keys would make: step by step up, then back down."""
    values, value = [], slider.value
    direction = 1 if value + slider.step <= slider.max else -1
    for _ in range(count):
        if not slider.min <= value + direction * slider.step <= slider.max:
            direction = -direction
        value = round(value + direction * slider.step, 10)
        values.append(value)
    return values


def naive_update(app: Any, value: float) -> None:
    """What a learner would otherwise write: interact() + a new plotly-express figure each time.

    The figure is rebuilt from the app's own computed data (so both approaches
    show the same numbers) and serialized whole, as displaying a new figure does.
    """
    import plotly.express as px

    app.main_slider.value = value  # compute, as interact would call the function
    trace = app.figure.data[0]
    x = list(trace.x) if trace.x is not None else list(range(len(trace.y or [])))
    y = list(trace.y) if trace.y is not None else [0] * len(x)
    if len(x) != len(y):
        y = [0] * len(x)
    fig = px.scatter(x=x, y=y, title=app.figure.layout.title.text)
    fig.to_json()


def bench_python_updates(lessons: dict[str, Any], repeats: int) -> list[Row]:
    rows = []
    for lesson, spec in lessons.items():
        with serializing_comms() as comms:
            app = _load_app(spec["app"])
        slider = app.main_slider
        values = _slider_values(slider, repeats)
        fast, sent = [], []
        for value in values:
            before = sum(c.bytes_sent for c in comms)
            start = time.perf_counter()
            slider.value = value
            fast.append((time.perf_counter() - start) * 1000)
            sent.append(sum(c.bytes_sent for c in comms) - before)
        naive = []
        naive_repeats = max(5, repeats // 10)
        for value in values[:naive_repeats]:
            start = time.perf_counter()
            naive_update(app, value)
            naive.append((time.perf_counter() - start) * 1000)
        median, p95 = summarize(fast)
        naive_median = statistics.median(naive)
        speedup = naive_median / median if median else float("inf")
        rows.append(Row("update in Python (set control -> figure updated)", lesson, median, p95, "ms",
                        "median < 2 ms", median < 2.0,
                        note=f"payload {statistics.median(sent) / 1024:.1f} KiB/update",
                        extra={"payload_bytes_median": statistics.median(sent)}))
        rows.append(Row("speed-up vs interact + plotly express", lesson, speedup, None, "x",
                        ">= 20x", speedup >= 20,
                        note=f"naive median {naive_median:.1f} ms"))
    return rows


# ---------------------------------------------------------------------------
# 3a. Start-up: import time and nbval
# ---------------------------------------------------------------------------

def bench_import(repeats: int) -> list[Row]:
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c",
             "import time; t = time.perf_counter(); import hemaedu; print(time.perf_counter() - t)"],
            capture_output=True, text=True, check=True, cwd=tempfile.gettempdir(),
        )
        times.append(float(out.stdout) * 1000)
    median, p95 = summarize(times)
    return [Row("import hemaedu (fresh process)", "package", median, p95, "ms", "median < 300 ms",
                median < 300)]


def bench_nbval() -> list[Row]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", "-o", "addopts=",
         str(ROOT / "notebooks")],
        capture_output=True, text=True, cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    lessons = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    ok = result.returncode == 0
    return [Row("run every notebook with nbval", f"{lessons} lessons", seconds, None, "s",
                f"< {30 * lessons} s (30 s each)", ok and seconds < 30 * lessons,
                note="" if ok else "nbval failed: " + result.stdout[-200:])]


# ---------------------------------------------------------------------------
# 2, 3b, 5. In the browser: Voila with Chromium
# ---------------------------------------------------------------------------

_MEASURE_KEY_TO_PLOT = """
async ([appClass, timeoutMs]) => {
  const app = document.querySelector('.' + appClass);
  const plot = app.querySelector('.js-plotly-plot');
  // The slider _press_and_time marked (the app's main_slider), else the app's first.
  const slider = app.querySelector('input[data-hemaedu-bench]') || app.querySelector('input[type=range]');
  const before = JSON.stringify(plot.data.map(t => [t.x, t.y]));
  slider.focus();
  return await new Promise((resolve) => {
    let pressed = 0;
    const check = () => {
      const now = JSON.stringify(plot.data.map(t => [t.x, t.y]));
      if (now !== before) { resolve(performance.now() - pressed); return; }
      if (performance.now() - pressed > timeoutMs) { resolve(null); return; }
      requestAnimationFrame(check);
    };
    slider.addEventListener('keydown', () => { pressed = performance.now(); requestAnimationFrame(check); },
                            {once: true});
    window.__hemaeduReady = true;
  });
}
"""


def _arm(page: Any, app_class: str, slider_label: str | None, timeout_ms: int = 5000) -> Any:
    """Start watching the app's plot for the next key press on its main slider; return the slider.

    ``slider_label`` (the accessible name of the app's ``main_slider``) picks the
    slider; without it the app's first slider is pressed, which need not move the
    plot (lesson 03's first slider moves the rate by 0.01, below the plot's rounding).
    """
    sliders = page.locator(f".{app_class}")
    slider = (sliders.get_by_role("slider", name=slider_label, exact=True) if slider_label
              else sliders.locator("input[type=range]")).first
    slider.evaluate("el => { document.querySelectorAll('[data-hemaedu-bench]')"
                    ".forEach(o => delete o.dataset.hemaeduBench); el.dataset.hemaeduBench = 'main'; }")
    handle = page.evaluate_handle(
        "([c, t]) => { window.__hemaeduReady = false; window.__hemaeduResult = (%s)([c, t]); }"
        % _MEASURE_KEY_TO_PLOT.strip(), [app_class, timeout_ms])
    handle.dispose()
    page.wait_for_function("window.__hemaeduReady === true")
    return slider


def _result(page: Any) -> float | None:
    """The armed measurement's latency in ms (None if the plot did not change in time)."""
    return page.evaluate("window.__hemaeduResult")


def _press_and_time(page: Any, app_class: str, key: str, slider_label: str | None = None) -> float | None:
    """Time from a key press on the app's slider to its plotted data changing (ms)."""
    _arm(page, app_class, slider_label).press(key)
    return _result(page)


def _wait_interactive(page: Any, app_class: str, timeout_ms: int = 60000) -> None:
    """Wait until the app's slider and figure are shown and Voila has run every cell.

    Until the last cell has run the kernel is busy, so a key press would wait
    behind the remaining cells: the app only looks interactive.
    """
    import servers

    servers.wait_for_voila(page, timeout=timeout_ms)
    page.wait_for_selector(f".{app_class} input[type=range]", timeout=timeout_ms)
    page.wait_for_function(
        "c => { const p = document.querySelector('.' + c + ' .js-plotly-plot');"
        " return p && p.data && p.data.length > 0; }", arg=app_class, timeout=timeout_ms)


def _kernel_memory_mb(server_pid: int) -> dict[int, float]:
    """Resident memory (MiB) of each kernel the server started, by process id."""
    import psutil

    server = psutil.Process(server_pid)
    return {child.pid: child.memory_info().rss / 2**20 for child in server.children(recursive=True)
            if "ipykernel" in " ".join(child.cmdline())}


def _failed(measure: str, subject: str, unit: str, target: str, error: Exception) -> Row:
    """A measurement that could not be taken is a failed row, not a crashed benchmark."""
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return Row(measure, subject, None, None, unit, target, False, note=f"not measured: {first_line[:120]}")


def _lesson_rows(browser: Any, voila: Any, lesson: str, css: str, label: str, presses: int) -> list[Row]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(voila.lesson_url(lesson), wait_until="commit")
        _wait_interactive(page, css)
        tti = time.perf_counter() - start
        rows = [Row("time to interactive in Voila", lesson, tti, None, "s", "< 8 s", tti < 8)]
        latencies = [latency for i in range(presses)
                     if (latency := _press_and_time(page, css, "ArrowRight" if i % 2 == 0 else "ArrowLeft",
                                                    slider_label=label)) is not None]
        median, p95 = summarize(latencies) if latencies else (None, None)
        rows.append(Row("key press -> plotted data changed (browser)", lesson, median, p95, "ms",
                        "p95 < 100 ms", p95 is not None and p95 < 100,
                        note=f"{len(latencies)}/{presses} presses changed the plot"))
        return rows
    finally:
        context.close()


def _capacity_row(browser: Any, voila: Any, lesson: str, css: str, label: str, n: int, rounds: int) -> Row:
    """N students on one server: they join one after another, then all press keys at once, round after round."""
    # Voila 0.5 cannot shut a kernel down when its page closes, so count only the
    # kernels started for this level's students.
    earlier_kernels = set(_kernel_memory_mb(voila.pid))
    contexts = []
    try:
        pages, joins = [], []
        for _ in range(n):
            contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
            page = contexts[-1].new_page()
            start = time.perf_counter()
            page.goto(voila.lesson_url(lesson), wait_until="commit")
            _wait_interactive(page, css, timeout_ms=120_000)
            joins.append(time.perf_counter() - start)
            pages.append(page)
        latencies, missed = [], 0
        for round_ in range(rounds):
            key = "ArrowRight" if round_ % 2 == 0 else "ArrowLeft"
            sliders = [_arm(page, css, label) for page in pages]
            for slider in sliders:  # every student presses at (nearly) the same moment
                slider.press(key)
            for page in pages:
                latency = _result(page)
                if latency is None:
                    missed += 1
                else:
                    latencies.append(latency)
        memory = [mib for pid, mib in _kernel_memory_mb(voila.pid).items() if pid not in earlier_kernels]
        median, p95 = summarize(latencies) if latencies else (None, None)
        per_kernel = statistics.median(memory) if memory else float("nan")
        return Row(f"capacity: {n} concurrent students", lesson, median, p95, "ms", "p95 < 100 ms",
                   p95 is not None and p95 < 100 and missed == 0,
                   note=(f"{len(memory)} kernels, {per_kernel:.0f} MiB each; join median "
                         f"{statistics.median(joins):.1f} s; {missed} presses not shown within 5 s"),
                   extra={"kernel_rss_mib": memory, "join_seconds": joins, "missed_presses": missed})
    finally:
        for context in contexts:
            context.close()


def bench_browser(lessons: dict[str, Any], presses: int, capacity_levels: list[int]) -> list[Row]:
    import servers  # tests/browser/servers.py: start Voila and Chromium as the browser tests do

    rows: list[Row] = []
    with servers.voila_server() as voila, servers.chromium() as browser:
        # The accessible name of each app's main slider, the control the presses move.
        labels = {lesson: _load_app(spec["app"]).main_slider.description for lesson, spec in lessons.items()}
        for lesson, spec in lessons.items():
            try:
                rows.extend(_lesson_rows(browser, voila, lesson, spec["css"], labels[lesson], presses))
            except Exception as error:  # noqa: BLE001 - reported in the table, never raised
                rows.append(_failed("time to interactive in Voila", lesson, "s", "< 8 s", error))

        lesson, spec = next(iter(lessons.items()))
        for n in capacity_levels:
            try:
                rows.append(_capacity_row(browser, voila, lesson, spec["css"], labels[lesson], n,
                                          rounds=max(3, presses // 4)))
            except Exception as error:  # noqa: BLE001
                rows.append(_failed(f"capacity: {n} concurrent students", lesson, "ms", "p95 < 100 ms", error))
                break  # a larger class will not fit either
    return rows


# ---------------------------------------------------------------------------
# 4. Footprint
# ---------------------------------------------------------------------------

def _dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def bench_footprint(build_venv: bool) -> list[Row]:
    rows = []
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    total_kb = sum(p.stat().st_size for p in notebooks) / 1024
    rows.append(Row("notebooks' stored size (no outputs)", f"{len(notebooks)} lessons", total_kb, None, "KiB",
                    "< 300 KiB", total_kb < 300))
    if build_venv:
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)],
                           check=True)
            size = _dir_size_mb(venv)
        rows.append(Row("fresh venv with runtime dependencies", "pip install .", size, None, "MiB",
                        "< 550 MB", size < 550 * 1e6 / 2**20))
    return rows


# ---------------------------------------------------------------------------

def print_table(rows: list[Row]) -> None:
    def fmt(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value:.3g}" if value < 100 else f"{value:.0f}"

    header = ("measure", "subject", "median", "p95", "unit", "target", "result", "note")
    lines = [header] + [
        (r.measure, r.subject, fmt(r.median), fmt(r.p95), r.unit, r.target,
         "n/a" if r.passed is None else ("PASS" if r.passed else "FAIL"), r.note)
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hemaedu performance benchmark")
    parser.add_argument("--tiny", action="store_true", help="a quick smoke run (few repeats, no browser)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Voila/Chromium measurements")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    args = parser.parse_args(argv)

    from hemaedu.widgets import LESSON_APPS

    lessons = {name: spec for name, spec in LESSON_APPS.items()}
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("python updates", lambda: bench_python_updates(lessons, 20 if args.tiny else 300)),
        ("import", lambda: bench_import(2 if args.tiny else 10)),
        ("footprint", lambda: bench_footprint(build_venv=not args.tiny)),
    ]
    if not args.tiny:
        steps.append(("nbval", bench_nbval))
    if not (args.tiny or args.no_browser):
        if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
            steps.append(("browser", lambda: bench_browser(lessons, presses=40, capacity_levels=[1, 5, 10, 20])))
        else:
            print("Chromium not found: browser measurements skipped (apt-get install chromium)")
    for name, step in steps:
        print(f"... {name}", file=sys.stderr, flush=True)
        rows.extend(step())

    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "tiny": args.tiny,
        "rows": [asdict(r) for r in rows],
    }, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
