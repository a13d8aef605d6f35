"""The serverless classroom: the JupyterLite build of the lessons (lite/build.py).

Two sites are built once per session into a temporary folder:

* the published site (``make lite``): its contents are checked here without a
  browser: the runtime and every wheel the lessons need are in the folder, in a
  lockfile the kernel preloads at start (nothing from a CDN or PyPI);
* the test variant (``make lite-offline``, PyPI fallback disabled): a small
  notebook is run in Chromium with every outside request blocked. The lessons
  themselves run there in tests/browser/test_lite_lessons.py.

The browser test needs /usr/bin/chromium and ``npm ci --prefix tests/lite_offline``;
without them it is skipped locally and fails under CI (CI set, and not "false" or "0").
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.metadata
import importlib.util
import json
import re
import socketserver
import subprocess
import sys
import threading
import urllib.parse
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
from servers import CHROMIUM, CHROMIUM_ARGS, build_lite_site, under_ci  # one place for the flags

OFFLINE_DIR = ROOT / "tests" / "lite_offline"
CHECK_NOTEBOOK = OFFLINE_DIR / "check_offline.ipynb"

pytestmark = pytest.mark.slow


def _load_build_module():
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "lite" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lite_build = _load_build_module()
NPM_PYODIDE = lite_build.NPM_PYODIDE


def require(ok: bool, what: str) -> None:
    """Skip with a how-to when a tool is missing locally; fail when CI should have it."""
    if ok:
        return
    if under_ci():
        pytest.fail(f"{what} (required when CI is set)")
    pytest.skip(what)


def require_npm_pyodide() -> None:
    require(
        (NPM_PYODIDE / "package.json").is_file(),
        f"npm package pyodide missing at {NPM_PYODIDE}: run `npm ci --prefix tests/lite_offline`",
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lite_config(site: Path) -> dict:
    return json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]


def kernel_settings(site: Path) -> dict:
    return lite_config(site)["litePluginSettings"][lite_build.KERNEL_PLUGIN]


def lessons() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The normal site, exactly as ``make lite`` builds it (the runtime comes from the npm package)."""
    require_npm_pyodide()
    return build_lite_site(tmp_path_factory.mktemp("lite") / "site")


# ----------------------------------------------------------------------------- contents


def test_every_lesson_is_in_the_site(site):
    found = lessons()
    assert found, "no lessons in notebooks/: nothing to publish"
    index = json.loads((site / "api" / "contents" / "all.json").read_text(encoding="utf-8"))
    listed = {item["name"] for item in index["content"]}
    for lesson in found:
        assert (site / "files" / lesson.name).read_bytes() == lesson.read_bytes(), lesson.name
        assert lesson.name in listed, f"{lesson.name} missing from the contents index"


@pytest.mark.parametrize("lesson", lessons(), ids=lambda p: p.stem)
def test_lesson_runs_unchanged_in_the_browser_kernel(lesson):
    """The language tag picks the Pyodide kernel (named "python", not "python3")
    without a dialog, and the first code cell installs hemaedu only under Pyodide."""
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    language = nb["metadata"].get("kernelspec", {}).get("language") or nb["metadata"].get("language_info", {}).get(
        "name"
    )
    assert language == "python"
    first = "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])
    assert 'sys.platform == "emscripten"' in first
    assert re.search(r"await piplite\.install\(\[\s*\"hemaedu\"", first), first


def site_lock(site: Path) -> dict:
    return json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]


def test_hemaedu_wheel_is_served_with_its_data(site):
    """hemaedu is a wheel next to the runtime, in the site's lockfile, with its tables inside."""
    entry = site_lock(site)["hemaedu"]
    wheel = site / "static" / "pyodide" / entry["file_name"]
    assert entry["sha256"] == sha256(wheel)
    names = set(zipfile.ZipFile(wheel).namelist())
    csvs = sorted(p.name for p in (ROOT / "data").glob("*.csv"))
    assert csvs, "no tables in data/"
    missing = [n for n in csvs if f"hemaedu/data/{n}" not in names]
    assert not missing, f"tables not inside the wheel: {missing}"
    if (ROOT / "data" / "datapackage.json").exists():
        assert "hemaedu/data/datapackage.json" in names


def test_hemaedu_wheel_installs_and_reads_its_data(site, tmp_path):
    """Installed from the site's wheel, away from the checkout, hemaedu finds its
    tables inside the package and its rules import without pandas."""
    (wheel,) = (site / "static" / "pyodide").glob("hemaedu-*.whl")
    target = tmp_path / "target"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    code = f"""
import sys
sys.path.insert(0, {str(target)!r})
import importlib.resources
import hemaedu
assert hemaedu.__file__.startswith({str(target)!r}), hemaedu.__file__
assert "pandas" not in sys.modules and "numpy" not in sys.modules
print(hemaedu.severity(anc=0.1, platelets=10, reticulocytes=15, cellularity=10))
shipped = sorted(p.name for p in importlib.resources.files("hemaedu").joinpath("data").iterdir())
print(",".join(n for n in shipped if n.endswith(".csv")))
"""
    out = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    grade, shipped = out.stdout.strip().splitlines()
    assert grade == "very severe"
    assert shipped.split(",") == sorted(p.name for p in (ROOT / "data").glob("*.csv"))


def _wheel_requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(zf.read(meta).decode()).get_all("Requires-Dist") or []


def test_the_course_is_preloaded_from_the_sites_own_lockfile(site):
    """The kernel starts with the course installed: every preloaded package is a wheel of
    the site (hash checked), every dependency of one is preloaded too, except pandas, numpy
    and nbformat, which the lesson runtime never imports (tests/test_notebooks.py)."""
    lock = site_lock(site)
    preload = kernel_settings(site)["loadPyodideOptions"]["packages"]
    assert set(preload) == set(lock)
    for name in ("hemaedu", "anywidget", "ipywidgets", "plotly", "jupyterlab-widgets", "piplite", "pyodide-kernel"):
        assert name in lock, name
    for name, entry in lock.items():
        assert not re.match(r"^[a-z]+://", entry["file_name"]), name
        assert sha256(site / "static" / "pyodide" / entry["file_name"]) == entry["sha256"], name
        missing = [d for d in entry["depends"] if canonicalize_name(d) not in lock]
        assert not missing, f"{name} depends on {missing}, which the site does not preload"
    assert not {"pandas", "numpy", "nbformat"} & set(lock)
    env = lite_build._emscripten_marker_env()
    hemaedu_wheel = site / "static" / "pyodide" / lock["hemaedu"]["file_name"]
    requirements = [Requirement(r) for r in _wheel_requirements(hemaedu_wheel)]
    required = {canonicalize_name(r.name) for r in requirements if r.marker is None or r.marker.evaluate(env)}
    assert required - set(lock) == {"pandas", "nbformat"}, required - set(lock)


# --------------------------------------------------------------------------- extensions


def test_widget_and_plotly_extensions_are_present(site):
    extensions = {e["name"]: e for e in lite_config(site)["federated_extensions"]}
    # Exactly the needed ones: e.g. a Voila preview button would not work in the browser.
    assert set(extensions) == set(lite_build.EXTENSIONS)
    for name, ext in extensions.items():
        assert (site / "extensions" / name / ext["load"]).is_file(), name

    def ext_version(name: str) -> str:
        return json.loads((site / "extensions" / name / "package.json").read_text(encoding="utf-8"))["version"]

    def wheel_version(dist: str) -> str:
        (wheel,) = (site / "static" / "pyodide").glob(f"{dist}-*.whl")
        return wheel.name.split("-")[1]

    # The browser half and the kernel half of each widget library must match.
    assert ext_version("anywidget") == wheel_version("anywidget")
    assert ext_version("jupyterlab-plotly") == wheel_version("plotly")
    # jupyterlab_widgets numbers its wheel (3.x) apart from its extension (5.x): both must be this
    # environment's (the kernel's wheel no longer carries a copy of the extension to compare with).
    assert wheel_version("jupyterlab_widgets") == importlib.metadata.version("jupyterlab_widgets")
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    assert ext_version("@jupyter-widgets/jupyterlab-manager") == json.loads(
        (installed / "package.json").read_text(encoding="utf-8"))["version"]


def test_kernel_wheels_are_byte_compiled_and_carry_no_front_end(site):
    """The kernel's wheels hold Pyodide's byte code (no compiling at every start) and no
    front-end copies; hemaedu keeps its sources beside its byte code, for learners' tracebacks."""
    lock = json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    tag = "cpython-" + lock["info"]["python"].replace(".", "")[:3]
    for wheel in (site / "static" / "pyodide").glob("*.whl"):
        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
        front_end = [n for n in names if "/labextension/" in n or n.split("/")[0].endswith(".data")
                     and "/share/jupyter/" in n or n.endswith("plotly.min.js")]
        assert not front_end, f"{wheel.name} carries front-end files: {front_end[:3]}"
        sources = [n for n in names if n.endswith(".py")]
        if wheel.name.startswith("hemaedu-"):
            assert "hemaedu/lessons/_app.py" in sources
            assert f"hemaedu/lessons/__pycache__/_app.{tag}.pyc" in names
        else:
            modules = [n for n in names if n.endswith(".pyc")]
            assert modules, f"{wheel.name} has no byte code"
            # Left as source only where Pyodide's Python cannot compile it (Python 2 examples).
            assert len(sources) <= len(modules) / 20, f"{wheel.name} still ships {len(sources)} sources"


def test_no_source_maps_and_a_lean_site(site):
    maps = [str(p.relative_to(site)) for p in site.rglob("*.map")]
    assert not maps, f"source maps shipped: {maps[:5]}"
    size_mb = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
    print(f"site size {size_mb:.1f} MB")
    # About 55 MB: the runtime (wasm 9.6 MB, stdlib 2.5 MB) and plotly's wheel (9.7 MB) are most of it.
    assert size_mb < 70, f"site grew to {size_mb:.0f} MB"


def test_published_site_serves_its_own_runtime(site):
    """The published site is the offline folder: the runtime comes from the site, not a CDN,
    at the version the kernel was built for; only the test build disables PyPI."""
    assert kernel_settings(site)["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    meta = json.loads((NPM_PYODIDE / "package.json").read_text(encoding="utf-8"))
    assert meta["version"] == lite_build.pyodide_version()
    for name in lite_build.PYODIDE_CORE_FILES:
        assert (site / "static" / "pyodide" / name).is_file(), name
    assert kernel_settings(site)["disablePyPIFallback"] is False


# ------------------------------------------------------------------------------ offline


def test_offline_site_is_self_contained(lite_offline_site):
    settings = kernel_settings(lite_offline_site)
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert settings["disablePyPIFallback"] is True
    pyodide = lite_offline_site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert {"micropip", "ipython", "jedi"} <= set(lock["packages"])
    for name, entry in lock["packages"].items():
        assert not re.match(r"^[a-z]+://", entry["file_name"]), name
        assert sha256(pyodide / entry["file_name"]) == entry["sha256"], name


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser closed early
            pass


class _RefusingProxy(socketserver.StreamRequestHandler):
    """Chromium's proxy: records the first line of every request and refuses it."""

    def handle(self):
        line = self.rfile.readline(65536).decode("latin-1").strip()
        if line:
            self.server.seen.append(line)
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _serve(server: socketserver.BaseServer):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


#: Chromium's own background services (updates, sign-in, autofill) still call home
#: in headless mode; they go to the refusing proxy and are not the site's doing.
BROWSER_OWN = re.compile(r"(^|\.)(google\.com|googleapis\.com|gvt1\.com)$")


def _proxied_host(request_line: str) -> str:
    """Host of "CONNECT host:443 HTTP/1.1" or "GET http://host/path HTTP/1.1"."""
    target = request_line.split()[1]
    if "://" in target:
        return urllib.parse.urlparse(target).hostname or ""
    return target.rsplit(":", 1)[0]


@pytest.mark.browser
def test_offline_notebook_grades_a_vignette_with_no_network(lite_offline_site, request):
    require(CHROMIUM.exists(), f"{CHROMIUM} missing: install it with `apt-get install chromium`")
    pw = request.getfixturevalue("playwright_driver")  # the session's one driver (tests/conftest.py)

    site_server = _serve(
        http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                        functools.partial(_Quiet, directory=str(lite_offline_site)))
    )
    proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RefusingProxy)
    proxy.daemon_threads = True
    proxy.seen = []
    _serve(proxy)
    port = site_server.server_address[1]
    blocked: list[str] = []  # outside requests the page or its workers tried (aborted)
    errors: list[str] = []  # site files that failed to load
    try:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                *CHROMIUM_ARGS,
                # Belt and braces: whatever escapes page.route (loopback is never proxied).
                f"--proxy-server=http://127.0.0.1:{proxy.server_address[1]}",
            ],
        )
        try:
            context = browser.new_context()

            def only_local(route):
                if urllib.parse.urlparse(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", only_local)
            page = context.new_page()
            # /api/contents/... 404s are the kernel's file system probing for
            # folders the site does not index: expected and harmless.
            page.on(
                "response",
                lambda r: (errors.append(f"{r.status} {r.url}")
                           if r.status >= 400 and "/api/contents/" not in r.url else None),
            )
            page.goto(f"http://127.0.0.1:{port}/lab/index.html?path={CHECK_NOTEBOOK.name}")
            page.wait_for_function(
                """() => {
                    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                    return k && k.status === 'idle';
                }""",
                timeout=240_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(
                """() => document.body.innerText.includes('WIDGETS DONE')
                    || document.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]')""",
                timeout=240_000,
            )
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
            text = page.inner_text(".jp-Notebook")
            sliders = page.locator(".widget-slider").count()
            badges = page.locator(".hemaedu-badge").all_inner_texts()
        finally:
            browser.close()
    finally:
        site_server.shutdown()
        proxy.shutdown()

    assert "Traceback" not in text and "Error" not in text, text
    assert "platform: emscripten" in text
    assert "severity: very severe" in text
    assert "cytopenias: anemia, leukopenia, neutropenia, thrombocytopenia" in text
    assert "pandas imported: False" in text
    assert re.search(r"hemaedu from: /lib/python3\.\d+/site-packages/hemaedu/__init__\.py", text), text
    assert sliders == 1 and badges == ["anywidget drawn"], (sliders, badges)
    assert not blocked, f"outside requests were needed: {blocked}"
    escaped = [line for line in proxy.seen if not BROWSER_OWN.search(_proxied_host(line))]
    assert not escaped, f"outside requests reached the proxy: {escaped}"
    assert not errors, f"site files failed to load: {errors}"


def test_lessons_link_each_other_by_names_the_site_serves(site):
    """Each lesson ends with ``lesson.course_navigation()``, whose links are relative notebook
    names; JupyterLite opens such a link from the folder of the notebook it is in, so every
    target must be a notebook beside the lesson in the site's contents (lesson 00's course map too)."""
    from hemaedu.lessons import LESSONS
    from hemaedu.lessons.navigation import navigation_html

    index = json.loads((site / "api" / "contents" / "all.json").read_text(encoding="utf-8"))
    served = {item["path"] for item in index["content"] if item["type"] == "notebook"}
    for item in LESSONS:
        cells = json.loads((site / "files" / item.notebook).read_text(encoding="utf-8"))["cells"]
        assert "".join(cells[-1]["source"]) == "lesson.course_navigation()", item.notebook
        targets = re.findall(r'href="([^"]+)"', navigation_html(item.number))
        assert targets and set(targets) <= served, (item.notebook, targets, served)
        assert all("/" not in t for t in targets)  # same folder: no path the site could lack
