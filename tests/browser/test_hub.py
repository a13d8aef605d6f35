"""A class on JupyterHub: several students at once, with the deploy folder's own settings.

Starts a real JupyterHub (with configurable-http-proxy from ``tests/hub``'s npm
package) on 127.0.0.1 and free ports, configured by ``deploy/hemaedu_hub.py``
reading ``deploy/hub_settings.yaml``: the same files The Littlest JupyterHub
installs (deploy/README.md). Only what a test machine needs is swapped in:
a local process spawner (every student runs as the current user), the shared
password login, a throw-away database, and a read-only service token the test
uses to ask the hub what it is running.

Three students log in at the same moment (three spawns at once); each then
opens lesson 01 in Voila in their own server, moves its main slider with the
keyboard and sees the plotted data change. Without a link a student's server
opens on the course's default page. A student cannot open another
student's server (the hub answers 403). The idle culler runs as a hub service
with the timeout from the settings, and every student's server was started
with the memory and CPU limits from the settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from urllib.request import Request, urlopen

import psutil
import pytest
from servers import BIN, REPO, free_port, run_server, wait_for_voila

from hemaedu.lessons import lesson as registry_lesson

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEPLOY = REPO / "deploy"
PROXY = REPO / "tests" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENTS = ["ada", "ben", "chloe"]
PASSWORD = secrets.token_urlsafe(12)  # shared-password login needs 8 characters or more
LESSON = "01_pancytopenia"
WAIT_MS = 90_000  # three kernels start at once on a shared 2-core machine

sys.path.insert(0, str(DEPLOY))
import hemaedu_hub  # noqa: E402 - deploy/ is a folder of files to copy, not a package

SETTINGS = hemaedu_hub.load_settings()


def _require_proxy() -> None:
    if PROXY.exists():
        return
    message = f"{PROXY.relative_to(REPO)} not found - run `npm ci --prefix tests/hub` (configurable-http-proxy)"
    if os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail("the hub test cannot run in CI: " + message, pytrace=False)
    pytest.skip(message)


def _hub_config(tmp: Path, port: int, probe_token: str) -> Path:
    """A jupyterhub_config.py: the deploy settings first, then the test machine's swaps."""
    # Like postBuild, which installs voila.json into the environment's Jupyter
    # config path: every student's server then uses the offline "hemaedu" template.
    etc = tmp / "etc-jupyter"
    etc.mkdir()
    (etc / "voila.json").write_text((REPO / "voila.json").read_text())
    server_args = ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    config = f"""
import sys
sys.path.insert(0, {str(DEPLOY)!r})
import hemaedu_hub
hemaedu_hub.apply(c, hemaedu_hub.load_settings())

# --- the test machine: 127.0.0.1, free ports, throw-away state
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = "sqlite:///{tmp / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(tmp / 'jupyterhub.pid')!r}
c.JupyterHub.cleanup_servers = True

# --- local students: one process per student, all as the current user
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / 'home' / '{username}')!r}
c.Spawner.cmd = [{str(BIN / 'jupyterhub-singleuser')!r}]
c.Spawner.args = list(c.Spawner.args) + {server_args!r}
c.Spawner.notebook_dir = {str(REPO)!r}  # the checkout, as in the class image's home
c.Spawner.environment = {{
    "JUPYTER_CONFIG_PATH": {str(etc)!r},
    "JUPYTER_PATH": {str(REPO / 'share' / 'jupyter')!r},
    "PYTHONPATH": {str(REPO)!r},
}}

# --- test login: one shared password
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {PASSWORD!r}
c.Authenticator.allow_all = True

# --- a read-only probe for the test's questions to the hub API
c.JupyterHub.services.append({{"name": "test-probe", "api_token": {probe_token!r}}})
c.JupyterHub.load_roles.append({{
    "name": "test-probe",
    "scopes": ["read:services", "list:users", "read:users", "read:servers", "admin:server_state"],
    "services": ["test-probe"],
}})
"""
    path = tmp / "jupyterhub_config.py"
    path.write_text(config)
    return path


@contextlib.contextmanager
def jupyterhub(tmp: Path) -> Iterator[tuple[str, str]]:
    """A running hub: yields (base URL, probe token); stops the hub and every student's server."""
    port, token = free_port(), secrets.token_hex(16)
    config = _hub_config(tmp, port, token)
    argv = [str(BIN / "jupyterhub"), "-f", str(config)]
    started: set[int] = set()
    home = tmp / "hub-home"
    home.mkdir()
    try:
        with run_server("jupyterhub", argv, port=port, probe="hub/api", cwd=tmp, home=home) as hub:
            try:
                yield hub.base_url, token
            finally:
                # Students' servers run in their own sessions: note them before the
                # hub stops, in case one survives its shutdown.
                with contextlib.suppress(psutil.Error):
                    started = {p.pid for p in psutil.Process(hub.pid).children(recursive=True)}
    finally:
        for pid in started:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()


def _api(base: str, token: str, path: str) -> Any:
    request = Request(base + "hub/api/" + path, headers={"Authorization": f"token {token}"})
    with urlopen(request, timeout=30) as response:  # noqa: S310 - local hub
        return json.loads(response.read())


def _offline(context: Any) -> None:
    """Abort every request that leaves 127.0.0.1 (as the other browser tests do)."""
    def route(route: Any) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in {"data", "blob", "about"} or url.hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", route)


def _main_control_label(lesson: str) -> str:
    return registry_lesson(lesson).app().main.description


def test_a_class_on_jupyterhub(tmp_path: Path, chromium: Any) -> None:
    _require_proxy()
    css = registry_lesson(LESSON).css_class
    label = _main_control_label(LESSON)
    with jupyterhub(tmp_path) as (hub, token):
        contexts = {name: chromium.new_context(viewport={"width": 1280, "height": 900}) for name in STUDENTS}
        try:
            pages, page_errors = {}, []
            for name, context in contexts.items():
                context.set_default_timeout(WAIT_MS)
                _offline(context)
                pages[name] = context.new_page()
                pages[name].on("pageerror", lambda exc, name=name: page_errors.append(f"{name}: {exc}"))
                # After login the hub spawns the student's server, then sends them
                # to `next` in it (a light page: the lessons open one by one below,
                # because here all three browsers share the server's two cores).
                pages[name].goto(hub + "hub/login?next=" + quote("/hub/user-redirect/api/status"),
                                 wait_until="domcontentloaded")
                pages[name].fill("#username_input", name)
                pages[name].fill("#password_input", PASSWORD)
            # Everyone presses "Sign in" at the same moment: three spawns at once.
            for page in pages.values():
                page.click("#login_submit", no_wait_after=True)
            for name, page in pages.items():
                page.wait_for_url(f"**/user/{name}/api/status*", wait_until="commit", timeout=WAIT_MS)

            # Without a link, a student lands on the course's default page.
            landing = contexts["ada"].request.get(hub + "user/ada/", max_redirects=0)
            assert landing.status == 302
            assert urlsplit(landing.headers["location"]).path == "/user/ada" + hemaedu_hub.default_url(SETTINGS)

            # A student cannot reach another student's server: the hub refuses.
            ada, ben = contexts["ada"], "ben"
            for path in (f"user/{ben}/api/kernels", f"user/{ben}/voila/render/notebooks/{LESSON}.ipynb",
                         f"user/{ben}/api/contents/notebooks"):
                response = ada.request.get(hub + path)
                assert response.status == 403, (path, response.status, response.url)

            # The idle culler runs as a hub service with the class's timeout.
            culler = _api(hub, token, f"services/{hemaedu_hub.CULLER_NAME}")
            timeout = SETTINGS["cull"]["timeout_seconds"]
            assert f"--timeout={timeout}" in culler["command"]
            assert f"--cull-every={SETTINGS['cull']['every_seconds']}" in culler["command"]
            assert culler["pid"] and psutil.pid_exists(culler["pid"])

            # Every student's server was started with the class's limits (a local
            # spawner cannot enforce them; systemd and Kubernetes spawners do).
            for name in STUDENTS:
                server = _api(hub, token, f"users/{name}")["servers"][""]
                assert server["ready"], server
                environ = psutil.Process(server["state"]["pid"]).environ()
                assert environ["MEM_LIMIT"] == str(_bytes(SETTINGS["limits"]["memory_limit"]))
                assert float(environ["CPU_LIMIT"]) == float(SETTINGS["limits"]["cpu_limit"])
                assert float(environ["CPU_GUARANTEE"]) == float(SETTINGS["limits"]["cpu_guarantee"])
                # ...and ends runaway kernels and those of closed pages, like a single Voila server.
                cmdline = psutil.Process(server["state"]["pid"]).cmdline()
                assert "--ServerApp.kernel_manager_class=hemaedu._kernels.BoundedKernelManager" in cmdline

            # Each student's lesson runs in their own kernel behind the hub.
            for name, page in pages.items():
                page.goto(hub + f"user/{name}/voila/render/notebooks/{LESSON}.ipynb", wait_until="commit")
                wait_for_voila(page, timeout=WAIT_MS)
                slider = page.locator(f".{css}").get_by_role("slider", name=label, exact=True).first
                slider.wait_for(timeout=WAIT_MS)
                page.wait_for_function(
                    "c => { const p = document.querySelector('.' + c + ' .js-plotly-plot');"
                    " return p && p.data && p.data.length > 0; }", arg=css, timeout=WAIT_MS)
                before = page.evaluate(
                    "c => JSON.stringify(document.querySelector('.' + c + ' .js-plotly-plot').data"
                    ".map(t => [t.x, t.y]))", css)
                # anywidget 0.11 gives each model 2 s to load its JavaScript; on an
                # overloaded machine a figure misses it and ignores every update
                # (tests/browser/test_lessons_voila.py checks the same).
                dead = [e for e in page_errors if "[anywidget] Failed to initialize model" in e]
                assert dead == [], f"widgets that will never update (anywidget's 2 s load limit): {dead}"
                slider.focus()
                at_max = float(slider.input_value()) >= float(slider.get_attribute("max") or "inf")
                slider.press("ArrowLeft" if at_max else "ArrowRight")
                # The kernel behind the hub answered and plotly redrew.
                page.wait_for_function(
                    "([c, b]) => JSON.stringify(document.querySelector('.' + c + ' .js-plotly-plot').data"
                    ".map(t => [t.x, t.y])) !== b", arg=[css, before], timeout=WAIT_MS)

        finally:
            for context in contexts.values():
                context.close()


def _bytes(spec: str) -> int:
    """JupyterHub's reading of a size like "1G" (binary units)."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    return int(float(spec[:-1]) * units[spec[-1]]) if spec[-1] in units else int(spec)
