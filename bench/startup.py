"""Start-up: from `python -m bot` being launched to its first reply, and its idle memory.

Starts the HTTP sandbox with a member's /crisis already waiting, launches the real bot process
(fresh database), and prints the seconds until the crisis reply reaches the sandbox, the CPU
seconds the bot process had used by then (less sensitive to a busy machine than the wall time),
then the process's resident memory (VmRSS) after it has been idle for `--idle` seconds, and that
of its child processes (the chart worker, once started). Medians of `--runs` launches. `--root`
runs another checkout's bot (to compare before and after).

    python bench/startup.py [--runs 5] [--idle 5] [--root PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import COORDINATOR_CHAT_ID, SANDBOX_TOKEN
from bot.sandbox.http import SandboxHttpServer

ROOT = Path(__file__).resolve().parents[1]
MEMBER = 4_200_001


def launch(folder: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The bot process, output discarded."""
    return subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "bot"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_rss_mib(pid: int) -> float:
    """Resident memory of a process's direct children."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError):  # already gone
                total += rss_mib(int(child))
    return total


def rss_mib(pid: int) -> float:
    """Resident memory of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def one_launch(root: Path, idle: float) -> tuple[float, float, float, float]:
    """(seconds to the first reply, CPU seconds by then, idle MiB, children's MiB) of a start."""
    fake = FakeTelegram()
    fake.push_update(
        {
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "text": "/crisis",
                "chat": {"id": MEMBER, "type": "private", "first_name": "M"},
                "from": {"id": MEMBER, "is_bot": False, "first_name": "M", "language_code": "en"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            }
        }
    )
    server = await SandboxHttpServer(fake).start()
    folder = Path(tempfile.mkdtemp(prefix="bench-start-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "BOT_TOKEN": SANDBOX_TOKEN,
        "COORDINATOR_CHAT_ID": str(COORDINATOR_CHAT_ID),
        "TELEGRAM_BASE_URL": server.base_url,
        "DATABASE_PATH": str(folder / "companion.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(folder / "pseudonym.key"),
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = launch(folder, env)
    try:
        while not fake.sent_to(MEMBER):
            if process.poll() is not None or time.perf_counter() - started > 120:
                raise SystemExit(f"the bot did not answer; see {folder}")
            await asyncio.sleep(0.01)
        first_reply = time.perf_counter() - started
        cpu = cpu_seconds(process.pid)
        await asyncio.sleep(idle)
        memory, children = rss_mib(process.pid), children_rss_mib(process.pid)
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait)
        await server.stop()
    return first_reply, cpu, memory, children


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    results = [await one_launch(args.root, args.idle) for _ in range(args.runs)]
    firsts, cpus, memories, children = zip(*results, strict=True)
    print(
        f"{args.root}: first reply median {statistics.median(firsts):.2f} s "
        f"(min {min(firsts):.2f}, max {max(firsts):.2f}), CPU by then median "
        f"{statistics.median(cpus):.2f} s; idle RSS median "
        f"{statistics.median(memories):.0f} MiB (min {min(memories):.0f}, max {max(memories):.0f}),"
        f" child processes {statistics.median(children):.0f} MiB"
    )


if __name__ == "__main__":
    asyncio.run(main())
