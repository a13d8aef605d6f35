"""Benchmark: do the lessons feel instant, start fast and stay small?

    python benchmarks/run.py            # full run (about 30 minutes on 2 cores, classroom rows included)
    python benchmarks/run.py --classroom-only   # the protocol-level class (benchmarks/classroom.py)
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
sys.path.insert(0, str(ROOT / "benchmarks"))


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


def _lite_row(row: dict[str, Any]) -> Row:
    """A row of benchmarks/lite.py in this table's shape."""
    target = row["target"]
    return Row(row["name"], "JupyterLite site", row["value"], None, row["unit"],
               "" if target is None else f"< {target:g} {row['unit']}", row["ok"], row["note"])


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

    comm.create_comm = create  # type: ignore[assignment]  # a stand-in with the methods used, not a BaseComm
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

    app.main.value = value  # compute, as interact would call the function
    trace = app.figure.data[0]
    x = list(trace.x) if trace.x is not None else list(range(len(trace.y or [])))
    y = list(trace.y) if trace.y is not None else [0] * len(x)
    if len(x) != len(y):
        y = [0] * len(x)
    # Multi-category axes hold [level, label] pairs; plotly express wants one value per point,
    # and reads a list of strings as column names: number the points instead.
    x = [v if isinstance(v, int | float) else i for i, v in enumerate(x)]
    y = [v if isinstance(v, int | float) else i for i, v in enumerate(y)]
    x, y = (x, y) if x else ([0], [0])  # a trace that is empty until the learner acts
    fig = px.scatter(x=x, y=y, title=app.figure.layout.title.text)
    fig.to_json()


def bench_python_updates(lessons: dict[str, Any], repeats: int) -> list[Row]:
    rows = []
    for lesson, spec in lessons.items():
        with serializing_comms() as comms:
            app = _load_app(spec["app"])
        slider = app.main
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
  // The slider _press_and_time marked (the app's main control), else the app's first.
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

    ``slider_label`` (the accessible name of the app's main control (``app.main``)) picks the
    slider; without it the app's first slider is pressed, which need not move the
    plot (lesson 03's first slider moves the rate by 0.01, below the plot's rounding).
    """
    sliders = page.locator(f".{app_class}")
    slider = (sliders.get_by_role("slider", name=slider_label, exact=True) if slider_label
              else sliders.locator("input[type=range]")).first
    slider.evaluate("el => { document.querySelectorAll('[data-hemaedu-bench]')"
                    ".forEach(o => delete o.dataset.hemaeduBench); el.dataset.hemaeduBench = 'main'; }")
    handle = page.evaluate_handle(
        "([c, t]) => { window.__hemaeduReady = false; window.__hemaeduResult = ("
        + _MEASURE_KEY_TO_PLOT.strip() + ")([c, t]); }", [app_class, timeout_ms])
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
        labels = {lesson: _load_app(spec["app"]).main.description for lesson, spec in lessons.items()}
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
# 6. A class on one server: protocol-level students (benchmarks/classroom.py)
# ---------------------------------------------------------------------------

MACHINE_CORES, MACHINE_MEMORY_GIB = 2, 24  # the machine a school would rent, as this one
RESERVED_GIB = 2.0  # operating system, the hub or Voila server, headroom
CPU_UTILISATION = 0.7  # keep the cores at most 70 % busy: queues (and latency) grow fast beyond


@dataclass
class ClassroomPlan:
    sizes: list[int]
    arrival_s: float
    pressing_s: float
    bursts: int
    floor_presses: int
    floor_lessons: int  # how many lessons to compare with the baseline (all: a large number)
    budget_s: float
    warm_joins: int
    pool_size: int | None  # None: deploy/classroom/voila.json's own
    floor: bool = True  # the floor comparison and the warm start


def _pcts(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    return statistics.median(values), percentile(values, 0.95), percentile(values, 0.99)


def _class_row(result: Any) -> Row:
    presses = result.steady_ms + result.burst_ms
    p50, p95, p99 = _pcts(presses)
    burst_p95 = _pcts(result.burst_ms)[1]
    join50, join95, _ = _pcts(result.join_seconds)
    kernel = statistics.median(result.kernel_rss_mib) if result.kernel_rss_mib else float("nan")
    ok = p95 is not None and p95 < 100 and not result.errors and result.joined == result.size
    note = (f"p99 {p99 or float('nan'):.0f} ms, burst p95 {burst_p95 or float('nan'):.0f} ms; "
            f"join {join50 or float('nan'):.1f}/{join95 or float('nan'):.1f} s (p50/p95); "
            f"{kernel:.0f} MiB/kernel; {result.cpu_ms_per_press:.1f} CPU-ms/press; "
            f"{len(result.errors)} errors, {result.joined}/{result.size} joined")
    return Row(f"classroom: {result.size} students (protocol)", result.lesson, p50, p95, "ms",
               "p95 < 100 ms", ok, note=note,
               extra={"p99": p99, "burst_p95": burst_p95, "join_seconds": result.join_seconds,
                      "kernel_rss_mib": result.kernel_rss_mib, "server_rss_mib": result.server_rss_mib,
                      "server_cores": result.server_cores, "idle_cores": result.idle_cores,
                      "cpu_ms_per_press": result.cpu_ms_per_press, "join_cpu_seconds": result.join_cpu_seconds,
                      "machine_cpu_percent": result.machine_cpu_percent, "errors": result.errors[:20],
                      "presses": len(presses), "seconds": result.seconds})


def capacity_estimate(results: list[Any]) -> dict[str, Any]:
    """The largest class one 2-core, 24 GiB machine serves at p95 < 100 ms, and what limits it.

    Measured: the largest class size whose p95 stayed under 100 ms with no errors.
    Memory: how many kernels fit in 24 GiB (less 2 GiB reserved) at the measured
    resident size. CPU: how many students keep 2 cores under 70 % busy at the
    measured CPU per pressing student. If every measured size passed, the answer
    is the smaller of the two bounds (an extrapolation, flagged as such).
    """
    passed = [r for r in results if r.joined == r.size and not r.errors
              and (p := _pcts(r.steady_ms + r.burst_ms)[1]) is not None and p < 100]
    largest_measured = max((r.size for r in passed), default=0)
    failed_sizes = sorted(r.size for r in results if r not in passed)
    kernels = [m for r in results for m in r.kernel_rss_mib]
    kernel_mib = statistics.median(kernels) if kernels else float("nan")
    memory_bound = int((MACHINE_MEMORY_GIB - RESERVED_GIB) * 1024 // kernel_mib) if kernels else 0
    busiest = max(results, key=lambda r: r.size) if results else None
    per_student_cores = busiest.server_cores / busiest.joined if busiest and busiest.joined else float("nan")
    cpu_bound = int(MACHINE_CORES * CPU_UTILISATION / per_student_cores) if per_student_cores > 0 else 0
    # "Everyone answers now": N presses arrive together and share the cores, so the
    # last waits about N x (CPU per press) / cores on top of one press's latency.
    cpu_ms_per_press = statistics.median([r.cpu_ms_per_press for r in results if r.joined])
    alone_ms = min((_pcts(r.steady_ms)[0] or float("inf")) for r in results)
    burst_bound = (int(MACHINE_CORES * (100 - alone_ms) / cpu_ms_per_press)
                   if cpu_ms_per_press > 0 and alone_ms < 100 else 0)
    cpu_bound = min(cpu_bound, burst_bound)
    join_cpu = [r.join_cpu_seconds / r.joined for r in results if r.joined]
    if failed_sizes and failed_sizes[0] > largest_measured:
        # The measured classes bracket the answer: the largest that passed and the
        # smallest that failed. Inside that bracket, use the CPU/memory estimate.
        bound = min(cpu_bound, memory_bound) if kernels else largest_measured
        largest = min(failed_sizes[0] - 1, max(largest_measured, bound))
        limit = ("memory" if memory_bound <= cpu_bound else "CPU") + f" (p95 crossed 100 ms at {failed_sizes[0]})"
        extrapolated = largest > largest_measured
    else:
        largest = min(memory_bound, cpu_bound) if kernels else largest_measured
        limit = "memory" if memory_bound <= cpu_bound else "CPU"
        extrapolated = largest > largest_measured
    return {"largest_class": largest, "limited_by": limit, "extrapolated": extrapolated,
            "largest_measured_passing": largest_measured, "memory_bound": memory_bound,
            "cpu_bound": cpu_bound, "burst_bound": burst_bound, "cpu_ms_per_press": cpu_ms_per_press,
            "kernel_mib": kernel_mib, "cores_per_pressing_student": per_student_cores,
            "join_cpu_seconds_per_student": statistics.median(join_cpu) if join_cpu else None}


def _floor_and_warm_rows(plan: ClassroomPlan, classroom: Any, root: Path, lessons: list[Any],
                         target: Any) -> list[Row]:
    """Each lesson's latency against the baseline app, one student per app taking turns; the warm start."""
    rows: list[Row] = []
    with classroom.voila(root, name="voila-floor") as server:
        floor: dict[str, Any] = classroom.run(classroom.interleaved_students(
            server.base_url, [classroom.baseline_target(), *lessons[:plan.floor_lessons]], plan.floor_presses))
    base = floor[classroom.BASELINE]
    base_median = statistics.median(base.steady_ms) if base.steady_ms else None
    for name, result in floor.items():
        median, p95 = summarize(result.steady_ms) if result.steady_ms else (None, None)
        ratio = median / base_median if median and base_median else None
        is_base = name == classroom.BASELINE
        rows.append(Row("key press -> figure update (protocol, 1 student)", name, median, p95, "ms",
                        "floor" if is_base else "<= 1.2x baseline",
                        None if is_base else (ratio is not None and ratio <= 1.2),
                        note=("the floor: one slider, one FigureWidget bar" if is_base else
                              f"{ratio:.2f}x baseline" if ratio else "not measured")
                        + (f"; {len(result.errors)} errors" if result.errors else ""),
                        extra={"ratio": ratio, "join_seconds": result.join_seconds, "errors": result.errors}))

    # Warm start: deploy/classroom/voila.json's preheated pool.
    try:
        with classroom.voila(root, classroom_config=True, pool_size=plan.pool_size,
                             name="voila-preheated") as server:
            fill_s = classroom.pool_filled(server)
            warm = []
            for _ in range(plan.warm_joins):
                result = classroom.run(classroom.single_student(server.base_url, target, 1))
                warm.extend(result.join_seconds)
                time.sleep(0.5)
        median, p95 = summarize(warm)
        pool = plan.pool_size or classroom.classroom_pool_size()
        rows.append(Row("time to interactive, warm pool (protocol)", target.name, median, p95, "s",
                        "< 3 s", p95 < 3, note=f"pool of {pool} filled in {fill_s:.0f} s",
                        extra={"join_seconds": warm, "pool_size": pool, "fill_seconds": fill_s}))
    except Exception as error:  # noqa: BLE001 - reported in the table
        rows.append(_failed("time to interactive, warm pool (protocol)", target.name, "s", "< 3 s", error))
    return rows


def bench_classroom(plan: ClassroomPlan) -> list[Row]:
    import classroom

    rows: list[Row] = []
    lessons = classroom.lesson_targets()
    target = lessons[0]
    results: list[Any] = []
    with classroom.served_notebooks() as root:
        # Latency against the floor: each lesson's main app and the baseline app,
        # one student at a time, on one server, in this run.
        if plan.floor:
            rows.extend(_floor_and_warm_rows(plan, classroom, root, lessons, target))
        # The class: fresh server per size (Voila 0.5 cannot free a closed page's kernel).
        started = time.perf_counter()
        previous: Any = None
        for size in plan.sizes:
            elapsed = time.perf_counter() - started
            if previous is not None:
                expected = previous.seconds * size / previous.size
                if elapsed + expected > plan.budget_s:
                    rows.append(Row(f"classroom: {size} students (protocol)", target.name, None, None, "ms",
                                    "p95 < 100 ms", None,
                                    note=f"not run: time budget ({plan.budget_s / 60:.0f} min) would be exceeded"))
                    break
                import psutil

                kernel = statistics.median(previous.kernel_rss_mib) if previous.kernel_rss_mib else 200.0
                need_gib = size * kernel / 1024 + 3
                if psutil.virtual_memory().available / 2**30 < need_gib:
                    rows.append(Row(f"classroom: {size} students (protocol)", target.name, None, None, "ms",
                                    "p95 < 100 ms", None,
                                    note=f"not run: this shared machine has under {need_gib:.0f} GiB free"))
                    break
            print(f"... classroom of {size}", file=sys.stderr, flush=True)
            with classroom.voila(root, name=f"voila-class-{size}") as server:
                result = classroom.run(classroom.run_class(
                    server.base_url, server.pid, target, size, arrival_s=plan.arrival_s,
                    pressing_s=plan.pressing_s, bursts=plan.bursts))
            results.append(result)
            rows.append(_class_row(result))
            previous = result
            p95 = _pcts(result.steady_ms + result.burst_ms)[1]
            if result.joined < size * 0.95 or p95 is None or p95 > 1000:
                break  # broken: a larger class will not do better

    if results:
        estimate = capacity_estimate(results)
        join_cpu = estimate["join_cpu_seconds_per_student"] or float("nan")
        rows.append(Row(f"largest class at p95 < 100 ms ({MACHINE_CORES} cores, {MACHINE_MEMORY_GIB} GiB)",
                        target.name, estimate["largest_class"], None, "students", ">= 30",
                        estimate["largest_class"] >= 30,
                        note=(f"limited by {estimate['limited_by']}"
                              + (" (estimated from the CPU and memory per student; largest class measured "
                                 f"under 100 ms: {estimate['largest_measured_passing'] or 'none'})"
                                 if estimate["extrapolated"] else "")
                              + f"; memory allows {estimate['memory_bound']}"
                              f" at {estimate['kernel_mib']:.0f} MiB/kernel,"
                              f" CPU {estimate['cpu_bound']} ({estimate['cpu_ms_per_press']:.1f} CPU-ms per press,"
                              f" all pressing at once); a join costs {join_cpu:.1f} CPU-s"),
                        extra=estimate))
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
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hemaedu performance benchmark")
    parser.add_argument("--tiny", action="store_true", help="a quick smoke run (few repeats, no browser)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Voila/Chromium measurements")
    parser.add_argument("--classroom-only", action="store_true",
                        help="only the protocol-level class rows (with --tiny: a smoke run of them)")
    parser.add_argument("--no-classroom", action="store_true", help="skip the protocol-level class rows")
    parser.add_argument("--classroom-minutes", type=float, default=15,
                        help="time budget for the class sizes, after the floor and warm-start rows (default 15)")
    parser.add_argument("--class-sizes", type=lambda text: [int(n) for n in text.split(",")],
                        default=[10, 25, 50, 100, 150, 200],
                        help="class sizes to try, in order, until one breaks or the budget ends")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor comparison and the warm start (class sizes only)")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    args = parser.parse_args(argv)

    from lesson_memory import bench_lesson_memory

    from hemaedu.lessons import LESSONS
    from lite import lite_rows

    # Lessons whose main app draws a figure (lesson 00's is a one-slider demo with a text answer).
    lessons = {lesson.name: {"app": f"hemaedu.lessons.{lesson.package}.apps:{lesson.main_app}",
                             "css": lesson.css_class} for lesson in LESSONS if lesson.app().figure is not None}
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("python updates", lambda: bench_python_updates(lessons, 20 if args.tiny else 300)),
        ("import", lambda: bench_import(2 if args.tiny else 10)),
        ("footprint", lambda: bench_footprint(build_venv=not args.tiny)),
    ]
    if not args.tiny:
        steps.append(("nbval", bench_nbval))
        steps.append(("lesson memory", lambda: [Row(**r) for r in bench_lesson_memory()]))
    if not (args.tiny or args.no_browser):
        if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
            steps.append(("browser", lambda: bench_browser(lessons, presses=40, capacity_levels=[1, 5, 10, 20])))
            steps.append(("jupyterlite", lambda: [_lite_row(r) for r in lite_rows()]))
        else:
            print("Chromium not found: browser measurements skipped (apt-get install chromium)")
    if args.classroom_only:
        steps = []
    if args.classroom_only or not (args.tiny or args.no_classroom):
        plan = (ClassroomPlan(sizes=[2], arrival_s=1, pressing_s=3, bursts=1, floor_presses=3, floor_lessons=1,
                              budget_s=120, warm_joins=1, pool_size=1) if args.tiny else
                ClassroomPlan(sizes=args.class_sizes, arrival_s=60, pressing_s=20, bursts=3,
                              floor_presses=60, floor_lessons=99, budget_s=args.classroom_minutes * 60, warm_joins=5,
                              pool_size=None, floor=not args.no_floor))
        steps.append(("classroom", lambda: bench_classroom(plan)))
    for name, step in steps:
        print(f"... {name}", file=sys.stderr, flush=True)
        rows.extend(step())

    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "tiny": args.tiny,
        "load_average_1min_at_end": os.getloadavg()[0],
        "rows": [asdict(r) for r in rows],
    }, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
