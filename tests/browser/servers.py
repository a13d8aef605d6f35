"""Start the real front ends and Debian's Chromium, as context managers.

Shared by the browser-test fixtures (conftest.py) and the benchmark
(benchmarks/run.py), so both measure the same set-up::

    from servers import chromium, voila_server

    with voila_server() as voila, chromium() as browser:
        page = browser.new_page()
        page.goto(voila.lesson_url("01_pancytopenia"))
        print(voila.pid)            # the server process; its children are the kernels

Servers listen on 127.0.0.1 on a free port, run with a throw-away ``HOME`` and
Jupyter directories and no token, and are stopped (with their kernels) when the
``with`` block ends, also after an error. Voila starts from the repository root,
serving the folder as the README's ``voila notebooks/`` does, so it reads the
repo's ``voila.json`` (template ``hemaedu``, which loads nothing from outside).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path(os.environ.get("HEMAEDU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_START_TIMEOUT = 90.0  # seconds; nothing is compiled at start, but the machine is shared
# Python's executables (voila, jupyter) live next to the interpreter running the tests.
BIN = Path(sys.executable).parent


def under_ci() -> bool:
    """CI is set (and not "0", "false" or "no"): a missing tool then fails a test instead of skipping it."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def build_lite_site(out: Path, *args: str) -> Path:
    """Build the JupyterLite site into ``out`` with lite/build.py (``args``: e.g. ``"--offline"``)."""
    started = time.monotonic()
    subprocess.run([sys.executable, str(REPO / "lite" / "build.py"), "--output-dir", str(out), *args],
                   cwd=REPO, check=True)
    print(f"built {out} in {time.monotonic() - started:.1f} s")
    return out


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A Jupyter server process listening on 127.0.0.1."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    root_dir: Path  # the directory whose notebooks the server shows

    @property
    def pid(self) -> int:
        """The server's process id; the kernels it starts are its children."""
        return self.process.pid

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def jupyter_env(home: Path) -> dict[str, str]:
    """Environment with throw-away HOME and Jupyter dirs.

    The kernel inherits it: ``python3`` resolves to this interpreter (jupyter_client
    replaces a bare "python" with ``sys.executable``) and ``PYTHONPATH`` puts the
    checked-out ``hemaedu`` first, so the tests exercise the working tree. For the
    same reason ``JUPYTER_PATH`` puts the repo's ``share/jupyter`` (the ``hemaedu``
    Voila template) before the installed copy, which ``pip install -e`` made once and
    does not follow edits. System-wide data (sys.prefix/share/jupyter: lab extensions,
    kernels, Voila's own templates) stays visible.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    dirs = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local/share/jupyter",
        "JUPYTER_RUNTIME_DIR": home / ".local/share/jupyter/runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / ".jupyter/lab/user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / ".jupyter/lab/workspaces",
        "IPYTHONDIR": home / ".ipython",
        "XDG_CACHE_HOME": home / ".cache",
        "MPLCONFIGDIR": home / ".cache/matplotlib",
    }
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    env["JUPYTER_PATH"] = str(REPO / "share" / "jupyter")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env["PATH"] = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger warning in every kernel
    return env


def _wait_until_up(server: Server, probe: str, timeout: float = SERVER_START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with code {server.process.returncode} before answering.\n"
                f"--- {server.log} ---\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url(probe), timeout=5) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:  # not listening yet
            last_error = str(exc)
        time.sleep(0.25)
    raise RuntimeError(
        f"{server.name} did not answer {server.url(probe)} within {timeout:.0f}s ({last_error}).\n"
        f"--- {server.log} ---\n{server.log_tail()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and its kernels (they share its process group)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def _home(home: Path | None) -> Iterator[Path]:
    if home is not None:
        yield home
    else:
        with tempfile.TemporaryDirectory(prefix="hemaedu-home-") as tmp:
            yield Path(tmp)


@contextlib.contextmanager
def run_server(name: str, argv: list[str], *, port: int, probe: str, cwd: Path,
               home: Path, root_dir: Path | None = None) -> Iterator[Server]:
    """Start ``argv`` in its own process group, wait until ``probe`` answers, stop it at exit.

    The server's output goes to test-artifacts/logs/<name>.log.
    """
    log_dir = ARTIFACTS / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            argv,
            cwd=cwd,
            env=jupyter_env(home),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: _stop() also reaches the kernels
        )
    server = Server(name, f"http://127.0.0.1:{port}/", process, log, root_dir or cwd)
    try:
        _wait_until_up(server, probe)
        yield server
    finally:
        _stop(process)


# --------------------------------------------------------------------------- JupyterLab


def run_all_in_lab(page: Any, url: str, timeout: float = 60_000) -> Any:
    """Open a notebook in JupyterLab and run all its cells as a keyboard user does.

    ``?reset`` starts from an empty workspace, not with the notebooks an earlier test left
    open; the kernel is ready when the status bar reads "| Idle"; then "Run All Cells" from the
    command palette. Returns the notebook's locator; wait for what the cells draw.
    """
    from playwright.sync_api import expect

    page.goto(url + "?reset")
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    notebook.wait_for(timeout=timeout)
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible(timeout=timeout)
    notebook.click()
    page.keyboard.press("Control+Shift+C")
    palette = page.locator(".jp-ModalCommandPalette .lm-CommandPalette-input")
    expect(palette).to_be_focused()
    palette.fill("Run All Cells")
    expect(page.locator(".lm-CommandPalette-item.lm-mod-active")).to_contain_text("Run All Cells")
    page.keyboard.press("Enter")
    return notebook


# --------------------------------------------------------------------------- Voila


def wait_for_voila(page: Any, timeout: float = 120_000) -> None:
    """Wait until Voila has executed every cell and shown the page.

    Voila streams the page while the kernel runs the cells, so DOMContentLoaded
    means "all cells ran"; its front end then removes the ``#loading`` spinner
    once the theme and widget manager are ready. Widget views render a moment
    later: wait for the element you need (``page.get_by_role(...)``).
    """
    page.wait_for_load_state("domcontentloaded", timeout=timeout)
    page.wait_for_function(
        "() => document.querySelector('#rendered_cells') && !document.querySelector('#loading')",
        timeout=timeout,
    )


@dataclass
class Voila(Server):
    def render_url(self, notebook: str) -> str:
        """URL of ``notebook`` (a path under the served directory) in app mode."""
        return self.url("voila/render/" + quote(notebook))

    def lesson_url(self, lesson: str) -> str:
        """URL of a lesson by its stem: ``"01_pancytopenia"`` -> .../voila/render/01_pancytopenia.ipynb."""
        return self.render_url(f"{lesson}.ipynb")

    def open(self, page: Any, notebook: str, timeout: float = 120_000) -> None:
        """Open ``notebook`` in Voila app mode and wait until all its cells have run.

        Voila 0.5 renders cells progressively and shows a "Running..." spinner
        until the whole notebook has executed; widgets are rendered when their
        views appear in the page.
        """
        page.goto(self.render_url(notebook), wait_until="domcontentloaded", timeout=timeout)
        wait_for_voila(page, timeout=timeout)


@contextlib.contextmanager
def voila_server(root: Path = NOTEBOOKS, *, name: str = "voila-notebooks",
                 home: Path | None = None) -> Iterator[Voila]:
    """Voila serving ``root`` (default: the lessons), started from the repo root.

    ``home`` is the throw-away HOME (a temporary directory when not given).
    """
    port = free_port()
    argv = [
        str(BIN / "voila"),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.root_dir=" + str(root),
        "--show_tracebacks=True",  # a failing cell shows its traceback, which the tests report
        "--VoilaConfiguration.file_allowlist=['.*']",
        str(root),
    ]
    # cwd is the repo root, like the README's `voila notebooks/...`: Voila reads the
    # repo's voila.json (template, extension denylist) from its working directory.
    with _home(home) as tmp, run_server(name, argv, port=port, probe="", cwd=REPO, home=tmp,
                                        root_dir=root) as server:
        yield Voila(server.name, server.base_url, server.process, server.log, root)


# --------------------------------------------------------------------------- JupyterLab


@dataclass
class Lab(Server):
    def notebook_url(self, path: str) -> str:
        return self.url("lab/tree/" + quote(path))


@contextlib.contextmanager
def lab_server(root: Path, *, home: Path | None = None) -> Iterator[Lab]:
    """JupyterLab on ``root`` with no token and no news or update checks."""
    with _home(home) as tmp:
        # No news/update pop-ups over the notebook (they would also try the network).
        settings = tmp / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text(
            '{"fetchNews": "false", "checkForUpdates": false}'
        )
        port = free_port()
        argv = [
            str(BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.root_dir=" + str(root),
            "--ServerApp.open_browser=False",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
            argv.append("--ServerApp.allow_root=True")
        with run_server("jupyterlab", argv, port=port, probe="api/status", cwd=root,
                        home=tmp) as server:
            yield Lab(server.name, server.base_url, server.process, server.log, server.root_dir)


# --------------------------------------------------------------------------- Chromium


@contextlib.contextmanager
def chromium(playwright: Any = None) -> Iterator[Any]:
    """Debian's Chromium (``/usr/bin/chromium``) driven by Playwright: a ``Browser``.

    Never Playwright's own download: ``executable_path`` points at the system build.
    Pass a running ``playwright`` (from ``sync_playwright().start()``) when one is
    already active in this thread: the sync API cannot be started twice at once.
    """
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        if playwright is None:
            playwright = stack.enter_context(sync_playwright())
        # launch() runs Chromium with a fresh temporary --user-data-dir of
        # Playwright's own (removed at close); callers open a context per page.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
