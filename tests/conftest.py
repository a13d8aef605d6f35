"""Shared fixtures for the whole suite."""

from __future__ import annotations

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
