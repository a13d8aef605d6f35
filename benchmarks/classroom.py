"""A class of simulated students on one Voila server, speaking the Jupyter protocols directly.

No browser: in a real class every student's browser runs on their own computer,
so only the server, the kernels and the messages are measured here. Each
simulated student does what the Voila page does:

1. **opens the lesson**: GET the Voila page (Voila starts a kernel and runs the
   notebook before the page is complete), reads the kernel id from the page,
   connects the kernel websocket, asks for the widget comms
   (``comm_info_request``) and every widget's state (``request_state``), as
   ipywidgets' widget manager does. The time from the request to the last
   state is the **join time** ("time to interactive" without the browser);
2. **presses keys**: sends ``comm_msg`` "update" messages setting the main
   control's ``value`` one step further, at a random pace of one every 1-3 s,
   then, several times, all students at the same instant ("everyone answers
   now"). Each press is timed until the kernel sends the figure's update
   (a plotly ``FigureWidget`` state change with a ``_py2js_*`` message).

Run through ``benchmarks/run.py`` (its capacity, floor and warm-start rows);
``python benchmarks/classroom.py --help`` runs one piece on its own.

Lessons are reached through :func:`lesson_targets`, the only place that knows
how the lesson list is declared (``hemaedu.lessons.LESSONS``, from registry.toml).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import struct
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
BASELINE = "baseline_slider_bar"
CLASSROOM_CONFIG = ROOT / "deploy" / "classroom" / "voila.json"
TARGET_MS = 100.0  # a response under 100 ms feels instantaneous
JOIN_TIMEOUT_S = 240.0
PRESS_TIMEOUT_S = 10.0


# --------------------------------------------------------------------------- what to drive


@dataclass(frozen=True)
class Target:
    """A notebook with one main control that moves one figure."""

    name: str  # notebook stem, e.g. "01_pancytopenia"
    control_label: str  # the main control's description (its accessible name)

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"


def lesson_targets() -> list[Target]:
    """Every lesson's main app. The one adapter to repoint when the lesson registry changes."""
    from hemaedu.lessons import LESSONS

    apps = {lesson.name: lesson.app() for lesson in LESSONS}
    # Only apps whose main control moves a figure: the load test times the figure's update.
    return [Target(name, app.main.description) for name, app in apps.items() if app.figure is not None]


def baseline_target() -> Target:
    """The floor: one ipywidgets slider driving one FigureWidget bar trace (benchmarks/baseline/)."""
    return Target(BASELINE, "Bars")


@contextlib.contextmanager
def served_notebooks() -> Iterator[Path]:
    """A scratch root holding the lessons and the baseline notebook, so one server serves both."""
    with tempfile.TemporaryDirectory(prefix="hemaedu-classroom-") as tmp:
        root = Path(tmp)
        for notebook in (ROOT / "notebooks").glob("*.ipynb"):
            shutil.copy(notebook, root)
        shutil.copy(BASELINE_DIR / f"{BASELINE}.ipynb", root)
        yield root


@contextlib.contextmanager
def voila(root: Path, *, classroom_config: bool = False, pool_size: int | None = None,
          name: str = "voila-classroom") -> Iterator[Any]:
    """Voila on ``root``; with ``classroom_config`` it runs from deploy/classroom/ (preheated pool).

    ``pool_size`` replaces the config's pool sizes (a smoke run keeps one kernel warm).
    """
    import servers

    if not classroom_config:
        with servers.voila_server(root, name=name) as server:
            yield server
        return
    # Voila reads voila.json from its working directory: start it in a scratch
    # directory holding deploy/classroom/voila.json, exactly as a teacher would
    # (`cd deploy/classroom && voila ...`), with a free port.
    port = servers.free_port()
    argv = [str(servers.BIN / "voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
            "--Voila.root_dir=" + str(root), str(root)]
    with tempfile.TemporaryDirectory(prefix="hemaedu-classroom-cwd-") as cwd, \
            tempfile.TemporaryDirectory(prefix="hemaedu-home-") as home:
        config = json.loads(CLASSROOM_CONFIG.read_text())
        if pool_size is not None:
            for pool in config["VoilaKernelManager"]["kernel_pools_config"].values():
                pool["pool_size"] = pool_size if pool.get("pool_size") else 0
        (Path(cwd) / "voila.json").write_text(json.dumps(config))
        with servers.run_server(name, argv, port=port, probe="", cwd=Path(cwd), home=Path(home),
                                root_dir=root) as server:
            yield servers.Voila(server.name, server.base_url, server.process, server.log, root)


# --------------------------------------------------------------------------- one student


def _message(msg_type: str, content: dict[str, Any], session: str, channel: str = "shell") -> dict[str, Any]:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                   "username": "student", "version": "5.3",
                   "date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())},
        "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
    }


def _decode(raw: str | bytes) -> dict[str, Any]:
    """A kernel websocket message: JSON text, or Jupyter's binary framing when it carries buffers."""
    if isinstance(raw, str):
        return json.loads(raw)
    count = struct.unpack("!I", raw[:4])[0]
    offsets = struct.unpack(f"!{count}I", raw[4:4 + 4 * count])
    end = offsets[1] if count > 1 else len(raw)
    return json.loads(raw[offsets[0]:end].decode())


class Student:
    """One simulated student: a kernel websocket and the widgets the page would show."""

    def __init__(self, base_url: str, target: Target) -> None:
        self.base_url, self.target = base_url, target
        self.session = uuid.uuid4().hex
        self.ws: Any = None
        self.kernel_id = ""
        self.states: dict[str, dict[str, Any]] = {}
        self.slider_id = ""
        self.value = 0.0
        self.direction = 1.0
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._state_wait: asyncio.Future[None] | None = None
        self._figure_wait: asyncio.Future[float] | None = None
        self._reader: asyncio.Task[None] | None = None
        self.join_seconds: float | None = None

    async def join(self) -> float:
        """Open the lesson; returns the join time in seconds."""
        from tornado.httpclient import AsyncHTTPClient
        from tornado.websocket import websocket_connect

        start = time.perf_counter()
        url = self.base_url + "voila/render/" + self.target.notebook
        response = await AsyncHTTPClient().fetch(url, request_timeout=JOIN_TIMEOUT_S,
                                                 connect_timeout=JOIN_TIMEOUT_S)
        match = re.search(r'"kernelId": "([0-9a-f-]+)"', response.body.decode())
        if not match:
            raise RuntimeError("no kernel id in the Voila page")
        self.kernel_id = match.group(1)
        ws_url = self.base_url.replace("http", "ws", 1) + (
            f"api/kernels/{self.kernel_id}/channels?session_id={self.session}")
        self.ws = await websocket_connect(ws_url, max_message_size=64 * 2**20)
        self._reader = asyncio.ensure_future(self._read())
        info = await self._request("comm_info_request", {"target_name": "jupyter.widget"})
        comms = list(info["content"]["comms"])
        # ipywidgets' widget manager asks every comm for its state.
        self._state_wait = asyncio.get_running_loop().create_future()
        self._pending_state = set(comms)
        for comm_id in comms:
            await self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
        await asyncio.wait_for(self._state_wait, JOIN_TIMEOUT_S)
        sliders = [cid for cid, s in self.states.items()
                   if s.get("description") == self.target.control_label and "value" in s]
        if not sliders:
            raise RuntimeError(f"no control labelled {self.target.control_label!r} among {len(comms)} widgets")
        self.slider_id = sliders[0]
        self.value = float(self.states[self.slider_id]["value"])
        self.join_seconds = time.perf_counter() - start
        return self.join_seconds

    def _next_value(self) -> float:
        state = self.states[self.slider_id]
        step = float(state.get("step") or 1)
        low, high = float(state.get("min", 0)), float(state.get("max", 100))
        if not low <= self.value + self.direction * step <= high:
            self.direction = -self.direction
        self.value = round(self.value + self.direction * step, 10)
        return self.value

    async def press(self) -> float:
        """One key press on the main control; ms until the figure's update arrives."""
        value = self._next_value()
        self._figure_wait = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        await self._send("comm_msg", {"comm_id": self.slider_id,
                                      "data": {"method": "update", "state": {"value": value},
                                               "buffer_paths": []}})
        arrived = await asyncio.wait_for(self._figure_wait, PRESS_TIMEOUT_S)
        return (arrived - start) * 1000

    async def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # -- protocol plumbing ------------------------------------------------
    async def _send(self, msg_type: str, content: dict[str, Any]) -> str:
        message = _message(msg_type, content, self.session)
        await self.ws.write_message(json.dumps(message))
        return message["header"]["msg_id"]

    async def _request(self, msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
        message = _message(msg_type, content, self.session)
        reply = asyncio.get_running_loop().create_future()
        self._replies[message["header"]["msg_id"]] = reply
        await self.ws.write_message(json.dumps(message))
        return await asyncio.wait_for(reply, JOIN_TIMEOUT_S)

    async def _read(self) -> None:
        while True:
            raw = await self.ws.read_message()
            if raw is None:
                return
            now = time.perf_counter()
            msg = _decode(raw)
            parent = msg.get("parent_header", {}).get("msg_id")
            if parent in self._replies and msg["header"]["msg_type"].endswith("_reply"):
                self._replies.pop(parent).set_result(msg)
                continue
            if msg["header"]["msg_type"] != "comm_msg":
                continue
            comm_id, data = msg["content"]["comm_id"], msg["content"]["data"]
            if data.get("method") != "update":
                continue  # echo_update (our own value coming back), custom messages
            state = data.get("state", {})
            if self._state_wait is not None and comm_id in self._pending_state:
                self.states[comm_id] = state
                self._pending_state.discard(comm_id)
                if not self._pending_state and not self._state_wait.done():
                    self._state_wait.set_result(None)
                continue
            figure_change = any(k.startswith("_py2js_") and v for k, v in state.items())
            if figure_change and self._figure_wait is not None and not self._figure_wait.done():
                self._figure_wait.set_result(now)


# --------------------------------------------------------------------------- a class


@dataclass
class ClassResult:
    size: int
    lesson: str
    joined: int = 0
    join_seconds: list[float] = field(default_factory=list)
    steady_ms: list[float] = field(default_factory=list)
    burst_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kernel_rss_mib: list[float] = field(default_factory=list)
    server_rss_mib: float = 0.0
    server_cores: float = 0.0  # CPU of the server and its kernels while pressing, in cores
    machine_cpu_percent: float = 0.0  # the whole (shared) machine, for context
    join_cpu_seconds: float = 0.0
    pressing_cpu_seconds: float = 0.0  # above the idle cost
    idle_cores: float = 0.0  # the server and kernels with nobody pressing

    @property
    def cpu_ms_per_press(self) -> float:
        """Server + kernel CPU per key press (ms), over the pressing phase, idle cost removed."""
        presses = len(self.steady_ms) + len(self.burst_ms)
        return self.pressing_cpu_seconds * 1000 / presses if presses else float("nan")
    seconds: float = 0.0


def _tree_cpu_seconds(pid: int) -> float:
    import psutil

    total = 0.0
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = p.cpu_times()
                total += times.user + times.system
    return total


def _kernels_rss_mib(server_pid: int) -> tuple[list[float], float]:
    import psutil

    server = psutil.Process(server_pid)
    kernels = [c.memory_info().rss / 2**20 for c in server.children(recursive=True)
               if "ipykernel" in " ".join(c.cmdline())]
    return kernels, server.memory_info().rss / 2**20


async def run_class(base_url: str, server_pid: int, target: Target, size: int, *,
                    arrival_s: float, pressing_s: float, bursts: int, seed: int = 12) -> ClassResult:
    """``size`` students arrive within ``arrival_s``, press for ``pressing_s``, then answer at once ``bursts`` times."""
    import psutil

    rng = random.Random(seed + size)
    result = ClassResult(size, target.name)
    started = time.perf_counter()
    students = [Student(base_url, target) for _ in range(size)]

    async def arrive(student: Student) -> Student | None:
        await asyncio.sleep(rng.uniform(0, arrival_s))
        try:
            result.join_seconds.append(await student.join())
            return student
        except Exception as error:  # noqa: BLE001 - counted, reported
            result.errors.append(f"join: {type(error).__name__}: {error}"[:160])
            await student.close()
            return None

    join_cpu_before = _tree_cpu_seconds(server_pid)
    present = [s for s in await asyncio.gather(*(arrive(s) for s in students)) if s is not None]
    result.joined = len(present)
    # CPU the server and the new kernels spent letting the class in (kernel start + notebook run).
    result.join_cpu_seconds = _tree_cpu_seconds(server_pid) - join_cpu_before
    try:
        if not present:
            return result
        result.kernel_rss_mib, result.server_rss_mib = _kernels_rss_mib(server_pid)
        # What the idle kernels and server cost with nobody pressing (heartbeats,
        # polling), so the CPU per press counts only the presses.
        idle_before = _tree_cpu_seconds(server_pid)
        await asyncio.sleep(3)
        result.idle_cores = (_tree_cpu_seconds(server_pid) - idle_before) / 3
        psutil.cpu_percent(None)
        cpu_before, wall_before = _tree_cpu_seconds(server_pid), time.perf_counter()

        async def press(student: Student, into: list[float]) -> None:
            try:
                into.append(await student.press())
            except Exception as error:  # noqa: BLE001
                result.errors.append(f"press: {type(error).__name__}: {error}"[:160])

        async def keep_pressing(student: Student) -> None:
            end = time.perf_counter() + pressing_s
            await asyncio.sleep(rng.uniform(0, 2))  # students do not start in step
            while time.perf_counter() < end:
                await press(student, result.steady_ms)
                await asyncio.sleep(rng.uniform(1, 3))

        await asyncio.gather(*(keep_pressing(s) for s in present))
        for _ in range(bursts):  # "everyone answers now"
            await asyncio.gather(*(press(s, result.burst_ms) for s in present))
            await asyncio.sleep(2)
        wall = time.perf_counter() - wall_before
        result.pressing_cpu_seconds = max(0.0, _tree_cpu_seconds(server_pid) - cpu_before
                                          - result.idle_cores * wall)
        result.server_cores = result.pressing_cpu_seconds / wall
        result.machine_cpu_percent = psutil.cpu_percent(None)
    finally:
        await asyncio.gather(*(s.close() for s in present))
        result.seconds = time.perf_counter() - started
    return result


async def single_student(base_url: str, target: Target, presses: int, pause_s: float = 0.3) -> ClassResult:
    """One student alone: join, then ``presses`` presses, one at a time."""
    return (await interleaved_students(base_url, [target], presses, pause_s))[target.name]


async def interleaved_students(base_url: str, targets: list[Target], presses: int,
                               pause_s: float = 0.3) -> dict[str, ClassResult]:
    """One student per target, all joined first, then pressing in turn: a press on the baseline,
    one on each lesson, again, ``presses`` rounds (the floor comparison).

    Taking turns, every app meets the same machine: measured one after the other, a lesson and
    the baseline were minutes apart, and the drift of a shared machine between them (a few ms
    on a 10 ms figure) was larger than the difference being measured.
    """
    results = {t.name: ClassResult(1, t.name) for t in targets}
    students: dict[str, Student] = {}
    try:
        for t in targets:
            student = Student(base_url, t)
            try:
                results[t.name].join_seconds.append(await student.join())
                results[t.name].joined = 1
                students[t.name] = student
            except Exception as error:  # noqa: BLE001
                results[t.name].errors.append(f"join: {type(error).__name__}: {error}"[:160])
                await student.close()
        for _ in range(presses):
            for name, student in students.items():
                try:
                    results[name].steady_ms.append(await student.press())
                except Exception as error:  # noqa: BLE001
                    results[name].errors.append(f"press: {type(error).__name__}: {error}"[:160])
                await asyncio.sleep(pause_s)
    finally:
        for student in students.values():
            await student.close()
    return results


def pool_filled(server: Any, timeout_s: float = 300.0) -> float:
    """Wait until the preheated pool is warm; seconds waited.

    Voila logs "is filled" once the pool's kernels have started, but each kernel
    then still runs the notebook; the pool is warm when the server and its
    kernels have gone quiet (under 5 % of a core over 2 s).
    """
    start = time.perf_counter()
    while "is filled with" not in server.log.read_text(errors="replace"):
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError(f"the preheated kernel pool was not full after {timeout_s:.0f} s")
        time.sleep(0.5)
    while time.perf_counter() - start < timeout_s:
        before = _tree_cpu_seconds(server.pid)
        time.sleep(2)
        if _tree_cpu_seconds(server.pid) - before < 0.1:
            return time.perf_counter() - start
    raise TimeoutError(f"the preheated kernels were still busy after {timeout_s:.0f} s")


def classroom_pool_size() -> int:
    config = json.loads(CLASSROOM_CONFIG.read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    return max(int(p.get("pool_size", 0)) for p in pools.values())


def machine() -> dict[str, Any]:
    import psutil

    return {"cpus": os.cpu_count(), "memory_gib": psutil.virtual_memory().total / 2**30,
            "available_gib": psutil.virtual_memory().available / 2**30,
            "load_average_1min": os.getloadavg()[0]}


def run(coro: Any) -> Any:
    return asyncio.run(coro)


if __name__ == "__main__":  # a quick look: one class of N on lesson 01
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5)
    args = parser.parse_args()
    target = lesson_targets()[0]
    with served_notebooks() as root, voila(root) as server:
        outcome = run(run_class(server.base_url, server.pid, target, args.size,
                                arrival_s=5, pressing_s=10, bursts=2))
    print(outcome)
