"""A client of a kernel's websocket, as a lesson page speaks to it (default JSON protocol).

Shared by the browser tests that play a crafted page: the hostile-message tests
against a bare Voila (test_reliability_voila.py) and the same protections through
JupyterHub (test_hub.py).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import websocket  # websocket-client, a dependency of jupyter_server


class KernelSocket:
    """A client of a kernel's websocket, as a page would open it (default JSON protocol)."""

    def __init__(self, base_url: str, kernel_id: str, headers: dict[str, str] | None = None,
                 query: str = "") -> None:
        url = base_url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels" + query
        self.session = uuid.uuid4().hex
        # Behind JupyterHub the page's login cookie goes with the handshake (``headers``).
        self.ws = websocket.create_connection(url, timeout=30, header=headers or {})

    def close(self) -> None:
        self.ws.close()

    def send(self, msg_type: str, content: dict[str, Any], channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                       "username": "hostile", "date": "2026-01-01T00:00:00Z", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": [],
        }, allow_nan=True))  # NaN as the literal a crafted client can send
        return msg_id

    def replies(self, parent: str, reply: str | None = None,
                timeout: float = 30.0) -> Iterator[dict[str, Any]]:
        """Messages answering ``parent`` until the kernel is idle again (and ``reply`` came).

        iopub's "idle" and the shell reply travel on different channels: either can come first.
        """
        deadline = time.monotonic() + timeout
        idle, replied = False, reply is None
        while time.monotonic() < deadline and not (idle and replied):
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != parent:
                continue
            yield msg
            idle = idle or (msg["msg_type"] == "status"
                            and msg["content"]["execution_state"] == "idle")
            replied = replied or msg["msg_type"] == reply
        if not (idle and replied):
            raise AssertionError(f"the kernel did not answer message {parent} within {timeout:.0f}s")

    def widget_states(self) -> dict[str, dict[str, Any]]:
        """``{comm_id: state}`` of every widget, by the protocol's own requests."""
        parent = self.send("comm_info_request", {"target_name": "jupyter.widget"})
        (comms,) = [m for m in self.replies(parent, reply="comm_info_reply")
                    if m["msg_type"] == "comm_info_reply"]
        states = {}
        for comm_id in comms["content"]["comms"]:
            parent = self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
            for msg in self.replies(parent):
                if msg["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "update":
                    states[comm_id] = msg["content"]["data"]["state"]
        return states

    def update(self, comm_id: str, state: dict[str, Any]) -> list[dict[str, Any]]:
        """Send a state update as the page does; return the kernel's iopub answers."""
        parent = self.send("comm_msg", {"comm_id": comm_id,
                                        "data": {"method": "update", "state": state,
                                                 "buffer_paths": []}})
        return list(self.replies(parent))


def kernel_id(page: Any) -> str:
    return page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
