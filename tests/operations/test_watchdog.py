"""The systemd watchdog: the real process says READY and pings; pings stop when a restart helps."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.ops.health import Problem
from bot.ops.watchdog import ping_interval, run_watchdog
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.http import SandboxHttpServer
from tests.process_helpers import bot_env

REPO = Path(__file__).resolve().parents[2]


class NotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.setblocking(False)

    async def receive_until(self, wanted: str, limit: float = 90.0) -> list[str]:
        """Every message up to and including one starting with `wanted`."""
        loop = asyncio.get_running_loop()
        seen: list[str] = []
        while not any(message.startswith(wanted) for message in seen):
            data = await asyncio.wait_for(loop.sock_recv(self.sock, 4096), timeout=limit)
            seen.append(data.decode())
        return seen

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()


async def test_the_real_process_says_ready_pings_and_says_stopping(tmp_path: Path) -> None:
    listener = NotifySocket(tmp_path / "notify")
    fake = FakeTelegram()
    server = await SandboxHttpServer(fake).start()
    env = bot_env(
        server.base_url,
        tmp_path,
        {
            "NOTIFY_SOCKET": str(listener.path),
            "WATCHDOG_USEC": "400000",
        },
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert (await listener.receive_until("READY=1"))[-1] == "READY=1"
        after_ready = await listener.receive_until("WATCHDOG=1")
        assert "STATUS=ok" in await listener.receive_until("STATUS=")
        assert "WATCHDOG=1" in after_ready
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
        await server.stop()
    assert "STOPPING=1" in await listener.receive_until("STOPPING=1")
    listener.close()
    assert process.returncode == 0, output.decode()


@pytest.mark.parametrize(
    ("problem", "pinged"),
    [
        (Problem("sweep", "the sweep has not run for 5 min", restart_helps=True), False),
        (Problem("coordinators", "the coordinators' group cannot be reached"), True),
    ],
)
async def test_pings_stop_only_for_what_a_restart_can_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    problem: Problem,
    pinged: bool,
) -> None:
    listener = NotifySocket(tmp_path / "notify")
    monkeypatch.setenv("NOTIFY_SOCKET", str(listener.path))
    stop = asyncio.Event()

    async def check() -> list[Problem]:
        stop.set()  # one round is enough
        return [problem]

    await run_watchdog(check, 0.01, stop)
    messages = await listener.receive_until("STATUS=")
    listener.close()
    assert ("WATCHDOG=1" in messages) is pinged
    assert messages[-1] == f"STATUS={problem.message}"


def test_the_ping_interval_is_half_of_watchdog_sec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert ping_interval() is None
    monkeypatch.setenv("WATCHDOG_USEC", "120000000")
    assert ping_interval() == 60.0
    monkeypatch.setenv("WATCHDOG_PID", "1")  # meant for another process
    assert ping_interval() is None
