"""Benchmark rows for the serverless classroom (JupyterLite, Pyodide kernel in the browser).

``lite_rows(site=None, lesson=None, presses=20) -> list[dict]`` returns rows in the shape of
benchmarks/run.py's table (``name``, ``value``, ``unit``, ``target``, ``ok``, ``note``); the lead
hooks it into run.py. Run alone::

    python benchmarks/lite.py [--site _site/lite-offline] [--lesson 01] [--presses 20]

What is measured, on the offline site served from 127.0.0.1 by ``python -m http.server``'s
handler (every request elsewhere is aborted), in Debian's Chromium with a fresh profile:

* bytes the server sent for a first visit (empty browser cache) and for a second visit
  (same profile, so the HTTP cache is warm): what a student's browser downloads;
* seconds from opening the lesson to its main figure answering a key, cold (first visit)
  and warm (second visit): kernel start, "Run all", first key press, plotted data changed;
* key press to plotted data changed (p95 over ``presses`` presses on the main control);
* the floor under the warm start: seconds from opening a notebook to the browser kernel
  answering ``1 + 1`` (warm cache, nothing of the lesson run). No lesson on this site can
  start faster than its kernel does.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import socketserver
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from servers import CHROMIUM, CHROMIUM_ARGS, build_lite_site  # noqa: E402 - same flags and build as the tests

WARM_START_TARGET_S = 10.0
KEY_TO_PLOT_TARGET_MS = 100.0

_KERNEL_IDLE_JS = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!(k && k.status === 'idle');
}"""
_ALL_RAN_JS = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const k = w.sessionContext.session && w.sessionContext.session.kernel;
    if (!k || k.status !== 'idle') return false;
    return [...w.content.model.cells].filter((c) => c.type === 'code').every((c) => c.executionCount !== null);
}"""
_SNAPSHOT_JS = """(sel) => {
    const gd = document.querySelector(sel);
    window.__hemaeduPlot = gd;
    window.__hemaeduSnap = () => JSON.stringify((gd.data || []).map((t) => [t.x, t.y, t.width, t.base]));
    window.__hemaeduBefore = window.__hemaeduSnap();
    window.__hemaeduKeyAt = performance.now();
}"""
_CHANGED_JS = "() => window.__hemaeduSnap() !== window.__hemaeduBefore"


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """``python -m http.server``'s handler, counting the body bytes it sends."""

    def log_message(self, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        self.server.sent_bytes += len(data)  # type: ignore[attr-defined]
        outputfile.write(data)

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


class RefusingProxy(socketserver.StreamRequestHandler):
    """Chromium's proxy for every non-loopback request: records it and refuses it.

    A proxy rather than Playwright routing: routing disables the browser's HTTP cache,
    and the second-visit figures are about that cache.
    """

    def handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1").strip()
        if line:
            self.server.seen.append(line)  # type: ignore[attr-defined]
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


#: Chromium's own background services still call home in headless mode (not the site's doing).
BROWSER_OWN = ("google.com", "googleapis.com", "gvt1.com")


def _visit(page: Any, url: str, notebook: str, css: str, description: str) -> float:
    """Open the lesson, run it, press a key on the main control: seconds until the plot changed."""
    started = time.monotonic()
    page.goto(f"{url}lab/index.html?path={notebook}")
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=300_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(200)
    page.wait_for_function(_ALL_RAN_JS, timeout=300_000, polling=100)
    page.locator(f".{css} .js-plotly-plot").first.wait_for(timeout=60_000)
    slider = page.locator(f".{css}").first.get_by_role("slider", name=description, exact=True)
    slider.focus()
    page.evaluate(_SNAPSHOT_JS, f".{css} .js-plotly-plot")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(_CHANGED_JS, timeout=60_000, polling="raf")
    return time.monotonic() - started


def _kernel_answers(page: Any, url: str, notebook: str) -> float:
    """Open ``notebook`` without running it: seconds until its kernel has answered ``1 + 1``."""
    started = time.monotonic()
    page.goto(f"{url}lab/index.html?path={notebook}")
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=300_000)
    answer = page.evaluate("""async () => {
        const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        let out = ''; const f = k.requestExecute({code: 'print(1 + 1)'});
        f.onIOPub = (m) => { if (m.header.msg_type === 'stream') out += m.content.text; };
        await f.done; return out.trim(); }""")
    if answer != "2":
        raise RuntimeError(f"the browser kernel answered {answer!r} to 1 + 1")
    return time.monotonic() - started


def _key_to_plot_ms(page: Any, css: str, presses: int) -> list[float]:
    times = []
    for i in range(presses):
        page.evaluate(_SNAPSHOT_JS, f".{css} .js-plotly-plot")
        page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
        page.wait_for_function(_CHANGED_JS, timeout=30_000, polling="raf")
        times.append(page.evaluate("() => performance.now() - window.__hemaeduKeyAt"))
        page.wait_for_timeout(150)  # let the kernel settle: one student, not a key burst
    return times


def lite_rows(site: Path | None = None, lesson: str | None = None, presses: int = 20) -> list[dict[str, Any]]:
    """Measure the Lite rows (see the module docstring); builds the offline site if ``site`` is None."""
    from playwright.sync_api import sync_playwright

    from hemaedu.lessons import LESSONS
    from hemaedu.lessons import lesson as lesson_by_key

    item = lesson_by_key(lesson) if lesson else next(x for x in LESSONS if x.number != "00")
    control = item.app().main
    with tempfile.TemporaryDirectory(prefix="hemaedu-lite-bench-") as tmp:
        site = site or build_lite_site(Path(tmp) / "site", "--offline")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(CountingHandler, directory=str(site)))
        server.sent_bytes = 0  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingProxy)
        proxy.daemon_threads = True
        proxy.seen = []  # type: ignore[attr-defined]
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as pw:
                context = pw.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path=str(CHROMIUM),
                    args=[*CHROMIUM_ARGS, f"--proxy-server=http://127.0.0.1:{proxy.server_address[1]}"],
                    viewport={"width": 1280, "height": 900},
                )
                try:
                    page = context.new_page()
                    cold_s = _visit(page, url, item.notebook, item.css_class, control.description)
                    first_bytes = server.sent_bytes  # type: ignore[attr-defined]
                    key_ms = _key_to_plot_ms(page, item.css_class, presses)
                    page.close()
                    server.sent_bytes = 0  # type: ignore[attr-defined]
                    page = context.new_page()
                    warm_s = _visit(page, url, item.notebook, item.css_class, control.description)
                    second_bytes = server.sent_bytes  # type: ignore[attr-defined]
                    page.close()
                    page = context.new_page()
                    floor_s = _kernel_answers(page, url, item.notebook)
                finally:
                    context.close()
        finally:
            server.shutdown()
            server.server_close()
            proxy.shutdown()
            proxy.server_close()
    blocked = [line for line in proxy.seen if not any(host in line for host in BROWSER_OWN)]  # type: ignore[attr-defined]
    if blocked:
        raise RuntimeError(f"the site asked for outside resources: {blocked[:5]}")
    p95 = statistics.quantiles(key_ms, n=20)[-1] if len(key_ms) >= 2 else key_ms[0]
    where = f"lesson {item.number}, offline site, Chromium"
    return [
        {"name": "lite: bytes downloaded, first visit", "value": round(first_bytes / 1e6, 1), "unit": "MB",
         "target": None, "ok": None, "note": where},
        {"name": "lite: bytes downloaded, second visit", "value": round(second_bytes / 1e6, 2), "unit": "MB",
         "target": None, "ok": None, "note": where + " (HTTP cache warm)"},
        {"name": "lite: open lesson -> figure answers a key, cold", "value": round(cold_s, 1), "unit": "s",
         "target": None, "ok": None, "note": where + " (empty cache; reported, no target)"},
        {"name": "lite: open lesson -> figure answers a key, warm", "value": round(warm_s, 1), "unit": "s",
         "target": WARM_START_TARGET_S, "ok": warm_s < WARM_START_TARGET_S, "note": where},
        {"name": "lite: open notebook -> kernel answers 1 + 1, warm (floor)", "value": round(floor_s, 1),
         "unit": "s", "target": None, "ok": None,
         "note": where + " (the runtime alone: Pyodide, the course's packages, IPython; nothing of the lesson run)"},
        {"name": "lite: key press -> plotted data changed, p95", "value": round(p95, 1), "unit": "ms",
         "target": KEY_TO_PLOT_TARGET_MS, "ok": p95 < KEY_TO_PLOT_TARGET_MS,
         "note": f"{where}, {len(key_ms)} presses, median {statistics.median(key_ms):.0f} ms"},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="JupyterLite benchmark rows")
    parser.add_argument("--site", type=Path, help="an offline site already built (default: build one)")
    parser.add_argument("--lesson", help="lesson number or slug (default: the first lesson after 00)")
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    rows = lite_rows(args.site, args.lesson, args.presses)
    for row in rows:
        flag = "" if row["ok"] is None else ("  ok" if row["ok"] else "  MISSED")
        target = "" if row["target"] is None else f" (target < {row['target']})"
        print(f"{row['name']:<50} {row['value']:>8} {row['unit']}{target}{flag}  [{row['note']}]")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
