"""Every lesson of the registry in the serverless classroom (JupyterLite, Pyodide kernel), offline.

One site is built per session (``lite/build.py --offline``: the Pyodide runtime, every wheel
and the lessons in one folder, PyPI fallback disabled) and served from 127.0.0.1; every
request leaving 127.0.0.1 is aborted and fails the test (``browser_page`` fixture).

For each lesson: all cells run in the browser kernel without an error; the main app's
figure draws what ``hemaedu`` computes; arrow keys on the main control change the plotted
data to what the same app computes for the value the page shows; the first preset applies;
a self-check gives feedback. The storage test shows a student's edit surviving a reload
and the documented reset (delete the browser copy) bringing back the published lesson.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

# Shared helpers of the Voila lesson test (same page structure: the app's container,
# its plotly figure and its self-checks are the same widgets in JupyterLab).
from test_lessons_voila import answer_self_check, figure_index, trace_values

from hemaedu.lessons import LESSONS, Lesson
from hemaedu.lessons.navigation import NAV_CLASS, NEXT_CLASS

pytestmark = pytest.mark.browser

KERNEL_START_MS = 240_000  # the first start unpacks the runtime on a shared 2-core machine
RUN_ALL_MS = 240_000
WAIT_MS = 30_000
KEYS = ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"]  # net +2 steps


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser closed early
            pass


@pytest.fixture(scope="session")
def lite_url(lite_offline_site: Path) -> Iterator[str]:
    """The site served by ``python -m http.server``'s handler on 127.0.0.1 (a free port)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(lite_offline_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


KERNEL_IDLE_JS = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!(k && k.status === 'idle');
}"""

#: True once every code cell has an execution count and the kernel is idle again, or once a
#: cell raised (Run All stops there: the test then fails on the error, not on a timeout).
ALL_RAN_JS = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const k = w.sessionContext.session && w.sessionContext.session.kernel;
    if (!k || k.status !== 'idle') return false;
    const cells = [...w.content.model.cells].filter((c) => c.type === 'code');
    const raised = cells.some((c) => c.outputs.toJSON().some((o) => o.output_type === 'error'));
    return raised || cells.every((c) => c.executionCount !== null);
}"""

ERRORS_JS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],' +
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')].map((n) => n.innerText.trim())"""


#: Each code cell's errors ("ename: evalue") and whether it ran, read from the notebook model.
CELL_STATE_JS = """() => [...window.jupyterapp.shell.currentWidget.content.model.cells]
    .filter((c) => c.type === 'code')
    .map((c) => ({ran: c.executionCount !== null,
                  errors: c.outputs.toJSON().filter((o) => o.output_type === 'error')
                                   .map((o) => `${o.ename}: ${o.evalue}`)}))"""


def open_lesson(page: Any, url: str, lesson: Lesson, app: str = "lab") -> float:
    """Open the lesson in JupyterLab ("lab") or the one-document Notebook interface ("notebooks")."""
    started = time.monotonic()
    page.goto(f"{url}{app}/index.html?path={lesson.notebook}")
    page.wait_for_function(KERNEL_IDLE_JS, timeout=KERNEL_START_MS)
    return time.monotonic() - started


def run_all(page: Any) -> None:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(500)
    page.wait_for_function(ALL_RAN_JS, timeout=RUN_ALL_MS, polling=250)


def lesson_params() -> list[Any]:
    params = []
    for item in LESSONS:
        params.append(pytest.param(item, id=item.name))
    return params


@pytest.mark.parametrize("lesson", lesson_params())
def test_lesson_runs_offline_in_the_browser_kernel(lesson: Lesson, lite_url: str, browser_page: Any,
                                                    plotly: Any, blocked_requests: Any,
                                                    screenshot: Any, output_errors: Any) -> None:
    page = browser_page
    try:
        open_lesson(page, lite_url, lesson)
        run_all(page)
        cells = page.evaluate(CELL_STATE_JS)
        raised = [e for c in cells for e in c["errors"]]
        assert raised == [], f"cells raised in the browser kernel: {raised}"
        assert all(c["ran"] for c in cells), "Run All did not reach every cell"
        assert page.evaluate(ERRORS_JS) == [], "a cell wrote to stderr in the browser kernel"
        assert output_errors(page) == []

        app = lesson.app()
        control = app.main
        css = lesson.css_class
        container = page.locator(f".{css}").first
        container.wait_for(timeout=WAIT_MS)
        has_figure = getattr(app, "figure", None) is not None
        index = None
        if has_figure:
            index = figure_index(page, css)
            start = trace_values(app.figure.data)
            plotly.wait_until(page, lambda f: trace_values(f["data"]) == start, figure=index, timeout=WAIT_MS / 1000)

        # Keyboard on the main control; the value the page then shows decides what we expect.
        slider = container.get_by_role("slider", name=control.description, exact=True)
        slider.focus()
        for key in KEYS:
            page.keyboard.press(key)
        moved = float(slider.input_value())
        assert moved == pytest.approx(control.value + 2 * control.step)
        expected = lesson.app()
        expected.main.value = moved
        if has_figure:
            new = trace_values(expected.figure.data)
            assert new != start, "moving the main control should change the figure"
            plotly.wait_until(page, lambda f: trace_values(f["data"]) == new, figure=index, timeout=WAIT_MS / 1000)
        expect(container.locator(".hemaedu-summary")).to_have_text(expected.summary_text(), timeout=WAIT_MS)

        presets = getattr(app, "preset_buttons", {}) or {}
        if presets:
            preset_id, button = next(iter(presets.items()))
            reference = lesson.app()
            reference.apply_preset(preset_id)
            container.get_by_role("button", name=button.description, exact=True).click()
            if has_figure:
                target = trace_values(reference.figure.data)
                plotly.wait_until(page, lambda f: trace_values(f["data"]) == target, figure=index,
                                  timeout=WAIT_MS / 1000)
            expect(container.locator(".hemaedu-summary")).to_have_text(reference.summary_text(), timeout=WAIT_MS)

        checks = list(lesson.module().self_checks())
        if checks:
            answer_self_check(page, checks[0])
        assert page.evaluate(ERRORS_JS) == []
        assert blocked_requests == [], f"requests left 127.0.0.1: {blocked_requests}"
    finally:
        screenshot(page, f"lite_{lesson.name}", full_page=False)


def test_next_link_opens_the_next_lesson_offline(lite_url: str, browser_page: Any, blocked_requests: Any) -> None:
    """The navigation bar's relative link works in JupyterLite as in JupyterLab: a click opens
    the next lesson as the current document, from the site itself, offline."""
    page = browser_page
    first, second = LESSONS[0], LESSONS[1]
    open_lesson(page, lite_url, first)
    run_all(page)
    link = page.locator(f".jp-NotebookPanel:visible nav.{NAV_CLASS} a.{NEXT_CLASS}")
    link.wait_for(timeout=WAIT_MS)
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_function("(path) => window.jupyterapp.shell.currentWidget?.context?.path === path",
                           arg=second.notebook, timeout=WAIT_MS)
    assert "/lab/" in page.url
    assert blocked_requests == [], f"requests left 127.0.0.1: {blocked_requests}"


def test_student_edits_survive_a_reload_and_reset_restores_the_lesson(lite_url: str, browser_page: Any,
                                                                    blocked_requests: Any) -> None:
    """JupyterLite keeps a saved notebook in the browser (IndexedDB); deleting that copy
    (File Browser > Delete, the documented "reset this lesson") shows the published one."""
    page = browser_page
    lesson = LESSONS[0]
    note = "My answer: the marrow makes all three lineages."
    open_lesson(page, lite_url, lesson)
    page.evaluate(
        """async (note) => {
            const w = window.jupyterapp.shell.currentWidget;
            w.content.model.sharedModel.insertCell(0, {cell_type: 'markdown', source: note});
            await w.context.save();
        }""",
        note,
    )
    page.reload()
    page.wait_for_function(KERNEL_IDLE_JS, timeout=KERNEL_START_MS)
    first = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.get(0).sharedModel.source")
    assert first == note, "the saved edit was lost on reload"
    stored = page.evaluate(
        """async () => {
            const dbs = indexedDB.databases ? await indexedDB.databases() : [];
            return dbs.map((d) => d.name);
        }"""
    )
    assert any("JupyterLite" in name for name in stored), stored

    # Reset: delete the browser's copy; the published lesson shows again.
    page.evaluate(
        """async (path) => {
            await window.jupyterapp.commands.execute('application:close-all');
            await window.jupyterapp.serviceManager.contents.delete(path);
        }""",
        lesson.notebook,
    )
    page.goto(f"{lite_url}lab/index.html?path={lesson.notebook}")
    page.wait_for_function(KERNEL_IDLE_JS, timeout=KERNEL_START_MS)
    first = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.get(0).sharedModel.source")
    assert first != note and first.startswith("# "), first[:200]
    assert blocked_requests == []


def test_phone_sized_viewport_draws_a_lesson(lite_url: str, chromium: Any, screenshot: Any) -> None:
    """390x844 (a phone), in the one-document Notebook interface (JupyterLab's side panels leave a
    phone no room): lesson 01 runs, its figure draws and answers a key; a screenshot shows it."""
    lesson = next(item for item in LESSONS if item.number != "00")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(lite_url) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        open_lesson(page, lite_url, lesson, app="notebooks")
        run_all(page)
        assert page.evaluate(ERRORS_JS) == []
        assert all(c["ran"] and not c["errors"] for c in page.evaluate(CELL_STATE_JS))
        plot = page.locator(f".{lesson.css_class} .js-plotly-plot").first
        plot.wait_for(timeout=WAIT_MS)
        plot.scroll_into_view_if_needed()
        box = plot.bounding_box()
        assert box and box["width"] > 250, f"the figure is squeezed on a phone: {box}"
        screenshot(page, f"lite_phone_{lesson.name}", full_page=False)
        assert blocked == []
    finally:
        context.close()
