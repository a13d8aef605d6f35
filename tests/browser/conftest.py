"""Fixtures that drive the real front ends (Voila, JupyterLab) in Debian's Chromium.

Use them in a test module under ``tests/browser/``::

    import pytest

    pytestmark = pytest.mark.browser

    def test_lesson_in_voila(voila, browser_page, run_axe, screenshot, output_errors,
                             blocked_requests):
        page = browser_page
        voila.open(page, "01_pancytopenia.ipynb")        # waits until every cell ran
        assert output_errors(page) == []
        ...                                              # keyboard, plotted data
        assert run_axe(page) == []
        screenshot(page, "01_pancytopenia_voila")
        assert blocked_requests.unexpected() == []

See test_controls_demo.py for a complete example.

Fixtures (all servers and the browser are started once per test session):

``voila``            Voila serving the repo's ``notebooks/`` directory.
``voila_fixtures``   Voila serving ``tests/browser/fixtures/``.
``lab``              JupyterLab on a scratch copy of ``notebooks/`` plus the fixture
                     notebooks (so autosave never writes outputs into the repo).
``chromium``         the Playwright ``Browser``.
``browser_page``     a fresh Playwright ``Page`` per test; every request not to 127.0.0.1
                     or localhost is aborted and its URL appended to ``blocked_requests``.
``blocked_requests`` list of URLs the page tried to load from outside.
``console_errors``   list of console errors and uncaught page errors.
``run_axe``          ``run_axe(page) -> list[dict]``: critical/serious axe-core violations.
``screenshot``       ``screenshot(page, name) -> Path`` under test-artifacts/screenshots/.
``output_errors``    ``output_errors(page) -> list[str]``: Python errors/stderr shown in
                     the page and widgets that failed to render.
``plotly``           ``plotly.figures(page)`` / ``plotly.wait_until(page, check)``: the
                     data and layout plotly.js drew, read from ``.js-plotly-plot``.

Skip policy: without ``/usr/bin/chromium`` or axe-core's ``node_modules`` the
browser tests are skipped with instructions, unless the environment variable
``CI`` is set, where they fail instead (CI must never skip them silently).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

# The start-up code lives in servers.py (next to this file, importable because
# tests/browser has no __init__.py) so benchmarks/run.py starts the same servers.
from servers import (  # noqa: F401 - re-exported for test modules
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    FIXTURES,
    LOCAL_HOSTS,
    NOTEBOOKS,
    REPO,
    Lab,
    Server,
    Voila,
    free_port,
    lab_server,
    under_ci,
    voila_server,
    wait_for_voila,
)
from servers import (
    chromium as start_chromium,
)

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

INSTALL_HINT = (
    "install the browser-test requirements: `apt-get install chromium` (Debian's Chromium at "
    "/usr/bin/chromium) and `npm ci --prefix tests/browser` (axe-core)"
)

# Browser tests live next to slow servers; never let --doctest-modules or
# nbval wander into node_modules or execute the fixture notebooks as tests.
collect_ignore_glob = ["node_modules/*", "fixtures/*"]


def _missing_requirements() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} not found")
    if not AXE_JS.exists():
        missing.append(f"{AXE_JS.relative_to(REPO)} not found")
    return missing


def _require_browser_stack() -> None:
    missing = _missing_requirements()
    if not missing:
        return
    message = "; ".join(missing) + " - " + INSTALL_HINT
    if under_ci():
        pytest.fail("browser tests cannot run in CI: " + message, pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Voila]:
    """Voila serving notebooks/: ``voila.open(page, "01_pancytopenia.ipynb")``."""
    _require_browser_stack()
    with voila_server(NOTEBOOKS, name="voila-notebooks",
                      home=tmp_path_factory.mktemp("voila-home")) as server:
        yield server


@pytest.fixture(scope="session")
def voila_fixtures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Voila]:
    """Voila serving tests/browser/fixtures/ (test-only notebooks)."""
    _require_browser_stack()
    with voila_server(FIXTURES, name="voila-fixtures",
                      home=tmp_path_factory.mktemp("voila-fixtures-home")) as server:
        yield server


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a scratch copy: ``page.goto(lab.notebook_url("fixtures/controls_demo.ipynb"))``.

    The root holds a copy of notebooks/ (same file names) and fixtures/ (the
    fixture notebooks), so "Run All" and autosave never touch the repository.
    """
    _require_browser_stack()
    root = tmp_path_factory.mktemp("lab-root")
    if NOTEBOOKS.is_dir():
        shutil.copytree(NOTEBOOKS, root, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(FIXTURES, root / "fixtures", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with lab_server(root, home=tmp_path_factory.mktemp("lab-home")) as server:
        yield server


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium(playwright_driver: Any) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one instance for the whole session."""
    _require_browser_stack()
    with start_chromium(playwright_driver) as browser:
        yield browser


# Outside requests the front ends are allowed to attempt (they are aborted all the
# same). Empty: the repo's voila.json selects our "hemaedu" Voila template, which
# drops the Font Awesome links of Voila's own "lab" template, so any outside
# request now fails the tests. Add a pattern here only for a request that comes
# from Jupyter itself and cannot be removed from our side, with the reason.
KNOWN_FRONT_END_REQUESTS: tuple[re.Pattern[str], ...] = ()


class BlockedRequests(list[str]):
    """URLs the page tried to fetch from outside 127.0.0.1/localhost (all were aborted)."""

    def unexpected(self) -> list[str]:
        """The blocked URLs that are not known requests of the front end itself."""
        return [url for url in self
                if not any(p.match(unquote(url)) for p in KNOWN_FRONT_END_REQUESTS)]


@pytest.fixture
def blocked_requests() -> BlockedRequests:
    """Blocked outside URLs; assert ``blocked_requests.unexpected() == []`` (or ``== []``)."""
    return BlockedRequests()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions seen by the page."""
    return []


@pytest.fixture
def browser_page(chromium: Any, blocked_requests: BlockedRequests,
                 console_errors: list[str]) -> Iterator[Any]:
    """A new Playwright ``Page`` (own browser context) per test, offline except for 127.0.0.1.

    Not called ``page``: pytest-playwright, when installed, owns that name and
    would parametrize every test using it.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)

    def route(route: Any) -> None:
        url = route.request.url
        scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme in {"data", "blob", "about"} or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------- helpers


def _run_axe(page: Any, impacts: tuple[str, ...] = ("critical", "serious")) -> list[dict[str, Any]]:
    """Inject axe-core and return the violations with the given impacts.

    Each violation is axe's dict (``id``, ``impact``, ``help``, ``nodes`` with
    ``target`` selectors); ``format_violations`` turns them into readable text.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in results["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def run_axe() -> Callable[..., list[dict[str, Any]]]:
    """``run_axe(page)`` -> critical/serious axe-core violations (``[]`` means pass).

    Assert with ``assert not v, format_violations(v)`` for a readable failure
    (``format_violations`` is attached as ``run_axe.format``).
    """
    _run_axe.format = format_violations  # type: ignore[attr-defined]
    return _run_axe


_CONTENT_HEIGHT_JS = """
() => {
  // Voila 0.5 and JupyterLab scroll inside a panel, not the document, so a
  // "full page" screenshot would stop at the viewport: measure the tallest scroller.
  let height = document.scrollingElement.scrollHeight;
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
      height = Math.max(height, el.scrollHeight + el.getBoundingClientRect().top);
    }
  }
  return Math.ceil(height);
}
"""


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, name, full_page=True) -> Path`` saved to test-artifacts/screenshots/.

    ``full_page`` grows the viewport to the content's height for the shot (up to
    16,000 px), because Voila and JupyterLab scroll inside a panel.
    """

    def take(page: Any, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / "screenshots" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        viewport = page.viewport_size
        if full_page and viewport:
            height = min(int(page.evaluate(_CONTENT_HEIGHT_JS)), 16_000)
            if height > viewport["height"]:
                page.set_viewport_size({"width": viewport["width"], "height": height})
                page.wait_for_timeout(300)  # let plotly and the panels relayout
            try:
                page.screenshot(path=str(path), full_page=True)
            finally:
                page.set_viewport_size(viewport)
        else:
            page.screenshot(path=str(path))
        return path

    return take


# Text of outputs that mean "something went wrong", whatever the front end.
_OUTPUT_ERRORS_JS = """
() => {
  const found = [];
  const sel = [
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]',
  ].join(',');
  for (const node of document.querySelectorAll(sel)) found.push(node.innerText.trim());
  for (const node of document.querySelectorAll('.jp-OutputArea-output, .jupyter-widgets')) {
    const text = node.innerText || '';
    if (/Error displaying widget|Failed to load model class|model not found/.test(text)) {
      found.push(text.trim());
    }
  }
  return found;
}
"""


def _output_errors(page: Any) -> list[str]:
    return list(dict.fromkeys(page.evaluate(_OUTPUT_ERRORS_JS)))


@pytest.fixture(scope="session")
def output_errors() -> Callable[[Any], list[str]]:
    """``output_errors(page)`` -> Python errors, stderr and broken widgets shown in the page."""
    return _output_errors


_PLOTLY_JS = """
() => {
  // Plain JSON of what plotly.js drew: typed arrays (numpy data) become lists,
  // the (large) template is dropped from the layout.
  const plain = (v) => {
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === 'object') {
      const out = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'template' && !k.startsWith('_')) out[k] = plain(x);
      return out;
    }
    return v;
  };
  return [...document.querySelectorAll('.js-plotly-plot')].map((gd) => ({
    data: plain(gd.data || []),
    layout: plain(gd.layout || {}),
    svgText: [...gd.querySelectorAll('.gtitle, .g-xtitle, .g-ytitle')].map((n) => n.textContent),
  }));
}
"""


class Plotly:
    """Read plotly figures from the page (the data plotly.js drew, not pixels).

    ``figures(page)`` -> list of ``{"data": [trace, ...], "layout": {...},
    "svgText": [drawn titles]}``, one per ``.js-plotly-plot`` in page order.
    ``wait_until(page, check, figure=0)`` polls until ``check(fig)`` is true and
    returns that figure, e.g.::

        fig = plotly.wait_until(page, lambda f: f["data"][0]["y"] == pytest.approx(expected))
    """

    def figures(self, page: Any) -> list[dict[str, Any]]:
        return page.evaluate(_PLOTLY_JS)

    def wait_until(self, page: Any, check: Callable[[dict[str, Any]], bool], figure: int = 0,
                   timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | None = None
        while True:
            figures = self.figures(page)
            if len(figures) > figure:
                last = figures[figure]
                with contextlib.suppress(KeyError, IndexError, TypeError):
                    if check(last):
                        return last
            if time.monotonic() > deadline:
                data = None if last is None else last["data"]
                raise AssertionError(f"plotly figure {figure} never passed the check; last data: {data}")
            page.wait_for_timeout(100)


@pytest.fixture
def plotly() -> Plotly:
    """Read and wait for plotly figures: ``plotly.figures(page)``, ``plotly.wait_until(page, check)``."""
    return Plotly()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything collected from this directory drives a browser.
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
