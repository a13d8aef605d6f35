"""A kernel manager for classroom servers: no kernel stays busy beyond a budget.

jupyter_server's culler ends kernels that are idle *and* disconnected
(``cull_idle_timeout``, ``cull_connected=False``), and ``cull_busy`` only lifts
the "not busy" condition of that same rule: a kernel stuck in a loop while its
page is still open is never ended. One crafted widget message could then hold a
core of a shared server for good (issue 9: lesson 03's kernel looped forever).

:class:`BoundedKernelManager` adds one rule to each culling round: a kernel that
has been busy with no message at all for ``busy_limit`` seconds is interrupted
(``KeyboardInterrupt``: ipykernel drops the runaway update and keeps serving the
page); if it is still busy at a later round, ``busy_grace`` seconds on, it is
shut down. With the values of ``voila.json`` (``busy_limit`` 60 s, ``busy_grace``
10 s, rounds every ``cull_interval`` 10 s) a runaway update is interrupted within
70 s and no kernel stays busy for more than 90 s (limit + grace + two rounds).
A lesson's longest legitimate step, running its notebook's cells when the page
opens, takes a few seconds and sends messages throughout; one widget update
takes well under a second.

Used by Voila through ``voila.json``::

    {"VoilaConfiguration": {"multi_kernel_manager_class": "hemaedu._kernels.BoundedKernelManager"},
     "BoundedKernelManager": {"busy_limit": 60}}

and by a Jupyter server (JupyterHub's single-user servers, where Voila runs as a
server extension) with ``c.ServerApp.kernel_manager_class``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Dict, Integer

__all__ = ["BoundedKernelManager"]


class BoundedKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` whose culler also ends kernels busy for too long."""

    busy_limit = Integer(
        60,
        config=True,
        help="""Seconds a kernel may stay busy without sending any message before it is
        interrupted (0 disables). Checked every cull_interval seconds, so it needs
        cull_idle_timeout > 0 (which starts the culler).""",
    )
    busy_grace = Integer(
        10,
        config=True,
        help="""Seconds after the interrupt before a kernel that is still busy is shut down.""",
    )
    _interrupted_at: dict[str, datetime] = Dict()  # type: ignore[assignment]

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """The culler's check of one kernel, with the busy limit first."""
        if await self._end_if_stuck(kernel_id):
            return
        await super().cull_kernel_if_idle(kernel_id)

    async def _end_if_stuck(self, kernel_id: str) -> bool:
        """Interrupt, then shut down, a kernel busy beyond the limit; True if it was shut down."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None or self.busy_limit <= 0:
            return False
        if getattr(kernel, "execution_state", None) != "busy":
            self._interrupted_at.pop(kernel_id, None)
            return False
        now = utcnow()
        silent = now - kernel.last_activity
        interrupted = self._interrupted_at.get(kernel_id)
        if interrupted is None:
            if silent > timedelta(seconds=self.busy_limit):
                self.log.warning("Kernel %s busy without a message for %s: interrupting it",
                                 kernel_id, silent)
                self._interrupted_at[kernel_id] = now
                await ensure_async(self.interrupt_kernel(kernel_id))  # type: ignore[func-returns-value]
            return False
        if now - interrupted > timedelta(seconds=self.busy_grace) and kernel.last_activity < interrupted:
            self.log.warning("Kernel %s still busy %s after an interrupt: shutting it down",
                             kernel_id, now - interrupted)
            self._interrupted_at.pop(kernel_id, None)
            await ensure_async(self.shutdown_kernel(kernel_id))
            return True
        return False
