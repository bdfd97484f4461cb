"""Run the real bot into a disk that refuses every write, then give the space back.

`python -m bot` runs against the HTTP sandbox; once it answers, its file-size limit is dropped
to one byte (Linux prlimit), so every write to the database or its WAL fails as on a full disk
(SQLite reports it as a disk I/O error), while people keep writing: crisis words, /help, /start.
Then the limit is lifted. Prints what each person and the coordinators received and what the
log said.

    python bench/disk_full.py
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._seed import wait_for
from bench.crash_inbound import COORDINATORS, message
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.http import SandboxHttpServer

ROOT = Path(__file__).resolve().parents[1]


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-disk-full-"))
    fake = FakeTelegram(spec=True)
    server = await SandboxHttpServer(fake).start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": "123456:DISK-FULL",
        "COORDINATOR_CHAT_ID": str(COORDINATORS),
        "DATABASE_PATH": str(folder / "db.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(folder / "key"),
        "TELEGRAM_BASE_URL": server.base_url,
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-W",
        "ignore",
        "-m",
        "bot",
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )

    def texts(chat: int) -> list[str]:
        return [m.get("text", "") for m in fake.messages.get(chat, {}).values()]

    fake.push_update(message(1, "/help"))
    await wait_for(lambda: texts(1))
    _soft, hard = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, hard))
    during = {
        10 + n: text
        for n, text in enumerate(
            ["i want to end it all", "i want to end it all", "/help", "/start", "/crisis"]
        )
    }
    for chat, text in during.items():
        fake.push_update(message(chat, text))
    await wait_for(lambda: all(texts(chat) for chat in during) and len(texts(COORDINATORS)) >= 2)
    await asyncio.sleep(2.0)
    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (hard, hard))
    after = {20: "i want to end it all", 21: "/start"}
    for chat, text in after.items():
        fake.push_update(message(chat, text))
    await wait_for(lambda: all(texts(chat) for chat in after) and len(texts(COORDINATORS)) >= 3)
    await asyncio.sleep(2.0)
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    await server.stop()
    logs = output.decode()
    print("while every write failed:")
    for chat, text in during.items():
        print(f"  {text!r:24} -> {[t.splitlines()[0][:60] for t in texts(chat)]}")
    print("after the space came back:")
    for chat, text in after.items():
        print(f"  {text!r:24} -> {[t.splitlines()[0][:60] for t in texts(chat)]}")
    alerts = texts(COORDINATORS)
    unsaved = sum(1 for t in alerts if "could not save this alert" in t)
    print(f"coordinators' group: {len(alerts)} alerts, {unsaved} sent directly (not saved)")
    levels = {level: logs.count(f" {level} ") for level in ("CRITICAL", "ERROR", "WARNING")}
    print(
        f"log lines: {levels}; 'not handled' apologies after crisis words: "
        f"{sum('was not handled' in t for c in (10, 11, 14) for t in texts(c))}"
    )
    with sqlite3.connect(folder / "db.sqlite3") as connection:
        print(
            "database afterwards: escalations",
            connection.execute("SELECT COUNT(*) FROM escalations").fetchone()[0],
            "· inbox left",
            connection.execute("SELECT COUNT(*) FROM inbox").fetchone()[0],
            "· integrity",
            connection.execute("PRAGMA integrity_check").fetchone()[0],
        )
    print(f"exit code {process.returncode}; log in {folder}")
    (folder / "bot.log").write_text(logs)


if __name__ == "__main__":
    asyncio.run(main())
