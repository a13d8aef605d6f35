"""Shared fixtures for the whole suite."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# With --doctest-modules pytest would also collect this file as a module named
# "conftest", clashing with tests/browser/conftest.py; it has no doctests.
collect_ignore = ["conftest.py"]

# tests/browser/servers.py holds how Chromium and the Jupyter servers are started
# (also used by benchmarks/run.py); make it importable from every test module.
sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from servers import build_lite_site, under_ci  # noqa: E402 - importable from the line above


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """The session's one Playwright driver.

    Playwright's sync API cannot be started while another instance is running in
    the same thread, so every browser test (tests/browser, the offline map, the
    JupyterLite site) launches its Chromium from this one driver.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    driver = sync_api.sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()



ROOT = Path(__file__).resolve().parent.parent
NPM_PYODIDE = ROOT / "tests" / "lite_offline" / "node_modules" / "pyodide"
CHECK_NOTEBOOK = ROOT / "tests" / "lite_offline" / "check_offline.ipynb"


@pytest.fixture(scope="session")
def lite_offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline JupyterLite site (``make lite-offline``), built once for the whole session.

    The lessons plus tests/lite_offline/check_offline.ipynb: tests/test_lite.py checks the
    folder and runs the small notebook, tests/browser/test_lite_lessons.py runs every lesson.
    One build serves both (each took about half a minute to a minute). ``HEMAEDU_LITE_SITE``
    names a site already built this way, for local reruns.
    """
    if not (NPM_PYODIDE / "package.json").is_file():
        message = f"npm package pyodide missing at {NPM_PYODIDE}: run `npm ci --prefix tests/lite_offline`"
        if under_ci():
            pytest.fail(f"{message} (required when CI is set)")
        pytest.skip(message)
    prebuilt = os.environ.get("HEMAEDU_LITE_SITE")
    if prebuilt:
        return Path(prebuilt)
    return build_lite_site(tmp_path_factory.mktemp("lite-offline") / "site", "--offline",
                           "--contents", str(ROOT / "notebooks"), "--contents", str(CHECK_NOTEBOOK))
