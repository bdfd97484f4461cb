"""The retention sweep killed for real (SIGKILL) halfway through an erasure: the next sweep,
in a new process on the same files, finishes it and the rest, and nothing is left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members

REPO = Path(__file__).resolve().parents[2]
PEOPLE = (71, 72, 73)
# Seeds three members past the retention period who cannot be told, then runs the sweep with
# the last step of the first erasure replaced by a SIGKILL of its own process.
KILLED_RUN = """
import asyncio, os, signal, sys
from datetime import timedelta
from pathlib import Path
import bot.programme.data_rights
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members

async def main():
    sandbox = await Sandbox(sandbox_settings(Path(sys.argv[1]))).start()
    now = sandbox.clock.now()
    for telegram_id in (71, 72, 73):
        member = await members.create_on_consent(sandbox.db, telegram_id=telegram_id,
            language="en", country="US", timezone="UTC", now=now)
        await members.update_profile(sandbox.db, member.id, now, unreachable=True)
        await sandbox.db.execute("INSERT INTO conversations (name, key, state) "
            "VALUES ('checkin', ?, '1')", (f"[{telegram_id}, {telegram_id}]",))
    async def killed(database, telegram_id):
        os.kill(os.getpid(), signal.SIGKILL)
    bot.programme.data_rights.forget_conversations = killed
    sandbox.clock.advance(timedelta(days=367))
    await sandbox.tick()

asyncio.run(main())
"""


async def test_sigkill_mid_erasure_is_finished_by_the_next_sweep(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        KILLED_RUN,
        str(tmp_path),
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == -signal.SIGKILL, output.decode()[-2000:]

    sandbox = await Sandbox(sandbox_settings(tmp_path)).start()
    try:
        db = sandbox.db
        assert await db.fetch_value("SELECT COUNT(*) FROM members") == len(PEOPLE) - 1
        assert (
            await db.fetch_value("SELECT COUNT(*) FROM kv WHERE key LIKE 'retention_erasing:%'")
            == 1
        )
        sandbox.clock.advance(timedelta(days=367))
        await sandbox.tick()
        for telegram_id in PEOPLE:
            assert await members.get_by_telegram_id(db, telegram_id) is None
        assert await db.fetch_value("SELECT COUNT(*) FROM conversations") == 0
        assert (
            await db.fetch_value("SELECT COUNT(*) FROM kv WHERE key LIKE 'retention_erasing:%'")
            == 0
        )
        assert await db.fetch_value(
            "SELECT COUNT(*) FROM engagement WHERE kind = 'retention_erased'"
        ) == len(PEOPLE)
    finally:
        await sandbox.stop()
