"""systemd notifications without a dependency: READY=1, STOPPING=1, and a health-driven watchdog.

`sd_notify` is one datagram on the AF_UNIX socket named by $NOTIFY_SOCKET (a leading `@` means
the abstract namespace). With `WatchdogSec=` in the unit, systemd sets $WATCHDOG_USEC and
restarts the bot if no `WATCHDOG=1` arrives in time; we ping at half that interval, and only
while `bot.ops.health` finds nothing a restart could fix (a stopped sweep). Outside systemd
(no $NOTIFY_SOCKET) every call here does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable

from bot.ops.health import Problem, summary

log = logging.getLogger(__name__)


def notify(message: str) -> bool:
    """Send one sd_notify message; False when not run by systemd (or the socket is gone)."""
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return False
    address = "\0" + path[1:] if path.startswith("@") else path
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("systemd notification failed: %s", type(exc).__name__)
        return False
    return True


def ping_interval() -> float | None:
    """Seconds between watchdog pings (half of WatchdogSec), or None if no watchdog is set."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 1_000_000 / 2


async def run_watchdog(
    check: Callable[[], Awaitable[list[Problem]]], interval: float, stop: asyncio.Event
) -> None:
    """Until stopped: run the health checks, ping if a restart would not help, report STATUS."""
    while not stop.is_set():
        try:
            problems = await check()
        except Exception:  # a check that cannot run (database gone) is itself a reason to restart
            log.exception("health check failed")
            problems = [Problem("health", "the health check itself failed", restart_helps=True)]
        if not any(problem.restart_helps for problem in problems):
            notify("WATCHDOG=1")
        elif problems:
            log.error("watchdog: not pinging systemd: %s", summary(problems))
        notify(f"STATUS={summary(problems)}"[:1000])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
