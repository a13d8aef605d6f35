"""Build the serverless (JupyterLite) classroom site of the hemaedu lessons.

Usage (from the repository root; ``make lite`` and ``make lite-offline`` call this)::

    python lite/build.py            # -> _site/lite: Python runtime from Pyodide's CDN
    python lite/build.py --offline  # -> _site/lite-offline: Pyodide core served locally

The site holds the lessons, the hemaedu wheel (data inside), the pure-Python
wheels of hemaedu's widget and plotting dependencies, and the JupyterLab
extensions that draw widgets and plotly figures. Everything is static files.

Why a script around ``jupyter lite build``:

* the hemaedu wheel is rebuilt from the checkout every time, so the site never
  serves a stale copy of the package or its tables;
* the pure-Python wheels of ipywidgets, anywidget, plotly (and their small
  dependencies) are taken at exactly the versions installed here, because the
  browser-side extensions are copied from this same environment and the two
  halves of a widget must match;
* only the four lab extensions the lessons need are copied, not whatever else
  the environment has (a Voila preview button would not work in the browser);
* the ``--offline`` variant (used by the browser test) serves the npm
  ``pyodide`` core from the site and rewrites its lockfile so the kernel's own
  pure-Python packages come from local wheels too; nothing is fetched from
  another host while it runs.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LITE_DIR = ROOT / "lite"
WORK_DIR = ROOT / "build" / "lite"  # scratch space; build/ is git-ignored
NPM_PYODIDE = ROOT / "tests" / "lite_offline" / "node_modules" / "pyodide"

#: The plugin whose settings configure the Pyodide kernel in jupyter-lite.json.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"

#: Lab extensions copied into the site (folders under share/jupyter/labextensions).
EXTENSIONS = (
    "@jupyterlite/pyodide-kernel-extension",  # the Python kernel itself
    "@jupyter-widgets/jupyterlab-manager",  # ipywidgets
    "anywidget",  # hemaedu.controls
    "jupyterlab-plotly",  # plotly figures (mime renderer)
)

#: Installed distributions whose pure-Python wheels the browser kernel loads
#: at start-up, at the installed version (the browser-side extensions are copied
#: from this same environment and the two halves of a widget must match).
#: ``comm`` is needed by the kernel and is not in Pyodide. nbformat is not here:
#: plotly needs it only to show a static ``go.Figure``, the lessons draw
#: FigureWidgets, and nbformat's jsonschema would pull compiled wheels (rpds-py)
#: that exist only on Pyodide's CDN.
RUNTIME_WHEELS = (
    "anywidget",
    "comm",
    "ipywidgets",
    "jupyterlab_widgets",
    "plotly",
    "psygnal",
)

#: The kernel's own wheels shipped inside its lab extension (static/pypi).
KERNEL_WHEELS = ("piplite", "pyodide_kernel", "ipykernel", "widgetsnbextension-4")

#: Packages of the Pyodide distribution that the offline variant serves itself,
#: as PyPI wheels of the same versions (with their dependencies): what the kernel
#: loads while starting (see initPackageManager/initKernel in its worker), and the
#: pure-Python dependencies of plotly and anywidget, so the browser test can also
#: draw a widget and a figure. pandas and numpy are compiled for WebAssembly and
#: are not on PyPI, so they are not available offline.
OFFLINE_LOCK_ROOTS = ("micropip", "ipython", "jedi", "narwhals", "packaging", "typing-extensions")

#: Files of the npm ``pyodide`` package that the browser actually loads.
PYODIDE_CORE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)


def log(msg: str) -> None:
    print(f"[lite] {msg}", flush=True)


def run(cmd: list[str], cwd: Path | None = None) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True)


def normalize(name: str) -> str:
    """PEP 503 name, e.g. ``Stack_Data`` -> ``stack-data``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pyodide_version() -> str:
    """The Pyodide version the installed jupyterlite-pyodide-kernel is built against."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    return PYODIDE_VERSION


def pyodide_python() -> str:
    """The Python version inside that Pyodide (wheels must accept it)."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_PYTHON_VERSION

    return PYODIDE_PYTHON_VERSION


def build_hemaedu_wheel(dest: Path) -> Path:
    """Build the hemaedu wheel from this checkout (data/ goes inside it as hemaedu/data)."""
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dest, ROOT])
    wheels = sorted(dest.glob("hemaedu-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one hemaedu wheel in {dest}, found {wheels}")
    return wheels[0]


def pure_wheel(name: str, version: str, cache: Path) -> Path:
    """Return the ``py3-none-any`` wheel of ``name==version``, downloading it from PyPI once.

    The platform flags ask pip for a wheel that runs under Pyodide's Python, so
    a package with both compiled and pure wheels (psygnal) gives the pure one.
    """
    stem = f"{normalize(name).replace('-', '_')}-{version}-"
    found = [p for p in cache.glob("*.whl") if p.name.lower().startswith(stem)]
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        run(
            [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--only-binary=:all:", "--implementation", "py", "--abi", "none",
                "--platform", "any", "--python-version", pyodide_python(), "--dest", cache,
                f"{name}=={version}",
            ]
        )  # fmt: skip
        found = [p for p in cache.glob("*.whl") if p.name.lower().startswith(stem)]
    if len(found) != 1 or not found[0].name.endswith(("-py3-none-any.whl", "-py2.py3-none-any.whl")):
        raise SystemExit(f"no single pure-Python wheel for {name}=={version} in {cache}: {found}")
    return found[0]


def extension_dirs() -> list[Path]:
    """Folders of the lab extensions the site needs, from this environment."""
    root = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    dirs = [root / name for name in EXTENSIONS]
    missing = [str(d) for d in dirs if not (d / "package.json").is_file()]
    if missing:
        raise SystemExit(
            "lab extensions missing from this environment (install jupyterlite-pyodide-kernel,"
            f" ipywidgets, anywidget and plotly): {missing}"
        )
    return dirs


#: Requirements deliberately left out of the preloaded set: the lesson runtime
#: imports neither (tests/test_notebooks.py checks sys.modules after each lesson),
#: and both are compiled for WebAssembly and published only on Pyodide's CDN.
#: nbformat (hemaedu's emscripten-only requirement) is what plotly checks before
#: showing a static ``go.Figure``; the lessons draw FigureWidgets, which do not
#: need it, and its jsonschema would pull rpds-py, a compiled CDN-only wheel.
NOT_PRELOADED = frozenset({"pandas", "numpy", "nbformat"})

#: Kernel packages jupyterlite-pyodide-kernel would otherwise piplite-install one by
#: one at every kernel start (initPackageManager/initKernel in its worker): listed in
#: ``loadPyodideOptions.packages`` they load with the runtime and those steps are skipped.
KERNEL_PACKAGES = ("micropip", "piplite", "pyodide-kernel", "ipykernel", "comm", "jedi", "ipython")


def _emscripten_marker_env() -> dict[str, str]:
    from packaging.markers import default_environment

    env = default_environment()
    python = pyodide_python()
    env.update(
        sys_platform="emscripten", platform_system="Emscripten", os_name="posix", platform_machine="wasm32",
        python_version=python, python_full_version=f"{python}.0", implementation_name="cpython",
        platform_python_implementation="CPython", extra="",
    )  # fmt: skip
    return env


def wheel_entry(wheel: Path) -> dict:
    """A pyodide-lock.json entry for a pure-Python wheel, read from its METADATA."""
    from email.parser import Parser

    from packaging.requirements import Requirement

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode("utf-8"))
    env = _emscripten_marker_env()
    depends = []
    for line in meta.get_all("Requires-Dist") or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            depends.append(normalize(req.name))
    imports = sorted(
        {n.split("/")[0].removesuffix(".py") for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
        - {""}
    )
    return {
        "name": normalize(meta["Name"]),
        "version": meta["Version"],
        "file_name": wheel.name,
        "install_dir": "site",
        "package_type": "package",
        "imports": imports,
        "depends": sorted(set(depends)),
        "sha256": sha256(wheel),
        "unvendored_tests": False,
    }


def stage_pyodide(lite_dir: Path, pyodide_dir: Path, wheel_cache: Path, course_wheels: list[Path]) -> list[str]:
    """Put a self-contained Pyodide at ``lite_dir/static/pyodide`` with the course preloaded.

    jupyterlite-pyodide-kernel copies that well-known folder into the site and
    points ``pyodideUrl`` at it. The npm package has the interpreter and the
    standard library but none of the distribution's packages, so the kernel's
    own pure-Python dependencies are added as PyPI wheels of the versions in
    the lockfile. The course's wheels (hemaedu, plotly, ipywidgets, anywidget...)
    and the kernel's own (piplite, pyodide-kernel) are added to the same
    lockfile (Pyodide checks every wheel against its sha256), so the kernel can
    load all of them at start-up. Entries for packages that are not present
    (pandas, numpy...) are dropped, so asking for one fails with a clear
    message instead of a blocked download.

    Returns the names to preload (``loadPyodideOptions.packages``).
    """
    meta = json.loads((pyodide_dir / "package.json").read_text(encoding="utf-8"))
    expected = pyodide_version()
    if meta.get("version") != expected:
        raise SystemExit(
            f"{pyodide_dir} holds pyodide {meta.get('version')}, but jupyterlite-pyodide-kernel"
            f" expects {expected}: update tests/lite_offline/package.json and run"
            " `npm install --prefix tests/lite_offline`."
        )
    out = lite_dir / "static" / "pyodide"
    out.mkdir(parents=True)
    for name in PYODIDE_CORE_FILES:
        shutil.copy2(pyodide_dir / name, out / name)

    lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    distribution = {normalize(k): v for k, v in lock["packages"].items()}
    ours: dict[str, tuple[dict, Path]] = {}
    for wheel in course_wheels:
        entry = wheel_entry(wheel)
        ours[entry["name"]] = (entry, wheel)

    roots = [*KERNEL_PACKAGES, *OFFLINE_LOCK_ROOTS, *(name for name in ours)]
    kept: dict[str, dict] = {}
    todo = [normalize(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in kept or name in NOT_PRELOADED:
            continue
        if name in ours:  # the course's wheel wins over the distribution's version
            entry, wheel = ours[name]
        elif name in distribution:
            entry = dict(distribution[name])
            wheel = pure_wheel(name, entry["version"], wheel_cache)
            entry.update(file_name=wheel.name, sha256=sha256(wheel))
        else:
            raise SystemExit(f"{name} is needed in the browser kernel but is neither a course wheel nor in Pyodide")
        entry = {**entry, "depends": [d for d in entry["depends"] if normalize(d) not in NOT_PRELOADED]}
        shutil.copy2(wheel, out / wheel.name)
        kept[name] = entry
        todo.extend(normalize(d) for d in entry["depends"])
    compile_wheels(out, pyodide_dir)
    for entry in kept.values():  # the rewritten wheels have new hashes
        entry["sha256"] = sha256(out / entry["file_name"])
    lock["packages"] = kept
    (out / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")
    log(f"Pyodide {expected} served from the site, preloading: {', '.join(sorted(kept))}")
    return sorted(kept)


#: Wheels whose sources stay next to their byte code (a learner's traceback shows hemaedu's lines).
KEEP_SOURCE = ("hemaedu-",)

#: Files inside the wheels that a kernel never reads: the JupyterLab/notebook front-end copies
#: (the site serves its own from the lab extensions) and plotly's standalone plotly.js, used
#: only to write HTML files, which the lessons do not do in the browser.
DROP_FROM_WHEELS = (
    "plotly/labextension/",
    "plotly/package_data/plotly.min.js",
    "anywidget/labextension/",
    "anywidget/nbextension/",
)


def compile_wheels(wheel_dir: Path, pyodide_dir: Path) -> None:
    """Byte-compile the wheels in ``wheel_dir`` with Pyodide's own Python (see lite/compile_wheels.py)."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed to byte-compile the browser kernel's wheels: install nodejs")
    settings = {
        "KEEP_SOURCE": list(KEEP_SOURCE),
        "DROP": list(DROP_FROM_WHEELS),
        "SITE_PACKAGES": f"/lib/python{pyodide_python()}/site-packages/",
    }
    started = time.monotonic()
    run([node, LITE_DIR / "run_in_pyodide.mjs", pyodide_dir, LITE_DIR / "compile_wheels.py", wheel_dir,
         json.dumps(settings)])  # fmt: skip
    log(f"byte-compiled the kernel's wheels in {time.monotonic() - started:.1f} s")


def merged_lite_json(offline: bool, preload: list[str]) -> dict:
    """lite/jupyter-lite.json, plus the preloaded packages and the offline test's settings."""
    config = json.loads((LITE_DIR / "jupyter-lite.json").read_text(encoding="utf-8"))
    data = config.setdefault("jupyter-config-data", {})
    settings = data.setdefault("litePluginSettings", {}).setdefault(KERNEL_PLUGIN, {})
    # Loaded with the runtime from the site's own lockfile: no per-lesson install.
    settings.setdefault("loadPyodideOptions", {})["packages"] = preload
    if offline:
        # Never reach for pypi.org: a missing wheel must fail the test, not download.
        settings["disablePyPIFallback"] = True
        # Lets the browser test run all cells through the app's command registry.
        data["exposeAppInBrowser"] = True
        data["appName"] = data.get("appName", "JupyterLite") + " (offline test build)"
    return config


def kernel_wheels() -> list[Path]:
    """piplite, pyodide-kernel and the ipykernel/widgetsnbextension shims from the kernel extension."""
    pypi = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / EXTENSIONS[0] / "static" / "pypi"
    found = []
    for stem in KERNEL_WHEELS:
        matches = sorted(pypi.glob(f"{stem}*-py3-none-any.whl"))
        if not matches:
            raise SystemExit(f"no {stem} wheel in {pypi}: install jupyterlite-pyodide-kernel")
        found.append(matches[-1])
    return found


def build(
    output_dir: Path,
    contents: list[Path],
    offline: bool = False,
    wheel: Path | None = None,
    pyodide_dir: Path = NPM_PYODIDE,
) -> Path:
    """Build one site into ``output_dir`` (replaced) and return it."""
    started = time.monotonic()
    variant = "offline" if offline else "online"
    work = WORK_DIR / variant
    shutil.rmtree(work, ignore_errors=True)  # includes the doit state: always a clean build
    wheels = work / "wheels"
    wheels.mkdir(parents=True)
    wheel_cache = WORK_DIR / "pypi-cache"  # kept between builds: no repeated downloads

    if not (pyodide_dir / "package.json").is_file():
        raise SystemExit(f"no npm pyodide package at {pyodide_dir}: run `npm ci --prefix tests/lite_offline`")

    hemaedu_wheel = shutil.copy2(wheel, wheels) if wheel else build_hemaedu_wheel(wheels)
    course = [Path(hemaedu_wheel)]
    for dist in RUNTIME_WHEELS:
        version = importlib.metadata.version(dist)
        course.append(pure_wheel(dist, version, wheel_cache))
    course += kernel_wheels()

    # A private lite dir: the committed config and the Pyodide runtime with the course preloaded.
    lite_dir = work / "lite"
    lite_dir.mkdir()
    shutil.copy2(LITE_DIR / "jupyter_lite_config.json", lite_dir)
    preload = stage_pyodide(lite_dir, pyodide_dir, wheel_cache, course)
    (lite_dir / "jupyter-lite.json").write_text(
        json.dumps(merged_lite_json(offline, preload), indent=2), encoding="utf-8"
    )

    output_dir = output_dir.resolve()
    shutil.rmtree(output_dir, ignore_errors=True)
    cmd = [
        sys.executable, "-m", "jupyterlite_core", "build",
        "--lite-dir", lite_dir,
        "--output-dir", output_dir,
        f"--LiteBuildConfig.cache_dir={work / 'cache'}",
    ]  # fmt: skip
    for path in contents:
        cmd += ["--contents", Path(path).resolve()]
    for ext in extension_dirs():
        cmd += [f"--LiteBuildConfig.federated_extensions={ext}"]
    run(cmd, cwd=work)  # cwd: jupyter lite keeps its doit database there

    size = sum(p.stat().st_size for p in output_dir.rglob("*") if p.is_file())
    log(
        f"built {output_dir.relative_to(ROOT) if output_dir.is_relative_to(ROOT) else output_dir}"
        f" ({variant}, {Path(hemaedu_wheel).name}) in {time.monotonic() - started:.1f} s,"
        f" {size / 1e6:.1f} MB"
    )
    return output_dir


def archive(site: Path, dest: Path) -> Path:
    """Pack ``site`` as one zip (folder ``hemaedu-lite/`` inside) and report its size."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                zf.write(path, Path("hemaedu-lite") / path.relative_to(site))
    log(f"archive {dest} ({dest.stat().st_size / 1e6:.1f} MB) from {site}")
    return dest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline", action="store_true", help="test build: no PyPI fallback, app exposed")
    parser.add_argument("--output-dir", type=Path, help="default: _site/lite or _site/lite-offline")
    parser.add_argument(
        "--contents", type=Path, action="append", help="notebooks or folders (repeatable; default: notebooks/)"
    )
    parser.add_argument("--wheel", type=Path, help="use this hemaedu wheel instead of building one")
    parser.add_argument("--pyodide-dir", type=Path, default=NPM_PYODIDE, help="npm pyodide package")
    parser.add_argument("--archive", type=Path, help="also pack the site into this .zip")
    args = parser.parse_args(argv)
    output_dir = args.output_dir or ROOT / "_site" / ("lite-offline" if args.offline else "lite")
    site = build(output_dir, args.contents or [ROOT / "notebooks"], args.offline, args.wheel, args.pyodide_dir)
    if args.archive:
        archive(site, args.archive)


if __name__ == "__main__":
    main()
