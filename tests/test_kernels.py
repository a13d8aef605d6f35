"""The classroom kernel manager: no kernel stays busy beyond its budget (issue 9, item 4).

Real kernels, started by hemaedu._kernels.BoundedKernelManager as Voila starts
them (voila.json selects it), with a short budget so the test is quick. Each
culling round is called by the test instead of a timer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from pathlib import Path

import pytest

from hemaedu._kernels import BoundedKernelManager

ROOT = Path(__file__).resolve().parent.parent
BUSY_LIMIT_S = 1
BUSY_GRACE_S = 1


async def _run_stuck(code: str, tmp_path: Path, rounds_for: float = 12.0) -> tuple[bool, str, float]:
    """Start a kernel, run ``code`` in it, run culling rounds; (still running?, state, seconds)."""
    km = BoundedKernelManager(root_dir=str(tmp_path), busy_limit=BUSY_LIMIT_S,
                              busy_grace=BUSY_GRACE_S, cull_idle_timeout=3600)
    kernel_id = await km.start_kernel(kernel_name="python3")
    client = km.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        client.execute(code)
        kernel = km.get_kernel(kernel_id)
        while kernel.execution_state != "busy":
            await asyncio.sleep(0.05)
        started = time.monotonic()
        while time.monotonic() - started < rounds_for:
            await km.cull_kernels()
            if kernel_id not in km.list_kernel_ids() or kernel.execution_state == "idle":
                break
            await asyncio.sleep(0.25)
        elapsed = time.monotonic() - started
        alive = kernel_id in km.list_kernel_ids()
        return alive, kernel.execution_state, elapsed
    finally:
        client.stop_channels()
        await km.shutdown_all(now=True)



def _run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright driver keeps a loop running here."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

def test_a_runaway_update_is_interrupted_and_the_kernel_keeps_serving(tmp_path):
    alive, state, seconds = _run_in_own_loop(_run_stuck("import time\nwhile True:\n    time.sleep(0.05)",
                                                   tmp_path))
    assert alive and state == "idle"
    assert BUSY_LIMIT_S <= seconds < BUSY_LIMIT_S + 3


def test_a_kernel_that_ignores_the_interrupt_is_shut_down(tmp_path):
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    alive, _, seconds = _run_in_own_loop(_run_stuck(code, tmp_path))
    assert not alive
    assert BUSY_LIMIT_S + BUSY_GRACE_S <= seconds < BUSY_LIMIT_S + BUSY_GRACE_S + 4


def test_voila_uses_the_bounded_manager_with_a_stated_budget():
    config = json.loads((ROOT / "voila.json").read_text())
    assert config["VoilaConfiguration"]["multi_kernel_manager_class"] == (
        "hemaedu._kernels.BoundedKernelManager")
    culler = config["MappingKernelManager"]
    bounded = config["BoundedKernelManager"]
    assert culler["cull_idle_timeout"] > 0  # it starts the rounds the busy limit runs in
    assert culler["cull_connected"] is False  # a learner reading the page keeps the kernel
    # The budget stated in hemaedu/_kernels.py: no kernel busy for more than 90 s.
    assert bounded["busy_limit"] + bounded["busy_grace"] + 2 * culler["cull_interval"] <= 90


@pytest.mark.parametrize("name", ["busy_limit", "busy_grace"])
def test_budget_traits_are_configurable(name):
    assert BoundedKernelManager.class_traits()[name].metadata.get("config") is True
