"""A full disk or an unwritable database: the crisis reply and the coordinators' alert still go
out, nobody in crisis is told their message "was not handled", and the bot recovers by itself."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import COORDINATOR_CHAT_ID, Sandbox
from bot.sandbox.http import SandboxHttpServer
from storage import escalations
from tests.flows.pairing_helpers import make_member
from tests.flows.test_inbox import message
from tests.process_helpers import bot_env

REPO = Path(__file__).resolve().parents[2]
NOT_HANDLED = "was not handled"
NOT_SAVED = "could not save this alert"


def fill_the_disk(sandbox: Sandbox) -> dict[str, bool]:
    """Every write transaction fails with SQLite's SQLITE_FULL while `full["on"]` is set."""
    full = {"on": False}
    database = sandbox.db
    real = database.transaction

    @asynccontextmanager
    async def transaction() -> AsyncIterator[Any]:
        if full["on"]:
            raise sqlite3.OperationalError("database or disk is full")
        async with real() as connection:
            yield connection

    database.transaction = transaction  # type: ignore[method-assign]
    return full


async def test_crisis_words_on_a_full_disk_still_reach_people(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana, "mentee", "Sunny")
    await sandbox.flush_outbox()  # the sender's start-up recovery is behind it, as in production
    full = fill_the_disk(sandbox)
    full["on"] = True
    with caplog.at_level(logging.CRITICAL):
        replies = await ana.send("i want to end it all")
        command = await ana.send("/crisis")
    assert "glad you reached out" in replies[0].text  # the crisis lines
    assert "glad you reached out" in command[0].text
    assert not [m for m in ana.bot_messages() if NOT_HANDLED in m.text]
    (alert,) = sandbox.group.bot_messages()
    assert NOT_SAVED in alert.text and member.code in alert.text and "URGENT" in alert.text
    assert alert.button_labels == []
    assert any(
        "sending it to the coordinators directly" in r.getMessage()
        for r in caplog.records
        if r.levelno == logging.CRITICAL
    )
    assert await escalations.open_escalations(sandbox.db) == []

    full["on"] = False  # space again: the next message takes the normal path, no restart
    await ana.send("i want to end it all, really")
    (opened,) = await escalations.open_escalations(sandbox.db)
    latest = sandbox.group.bot_messages()[-1]
    assert latest.button_labels[0] == "I'm on it" and opened.member_code == member.code
    # The updates handled while the disk was full are now recorded as handled too.
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM processed_updates") == 3


@pytest.mark.skipif(not hasattr(resource, "prlimit"), reason="needs Linux prlimit")
async def test_the_real_process_on_an_unwritable_disk(tmp_path: Path) -> None:
    """`python -m bot` whose writes start failing (its file-size limit dropped to one byte, so
    every write to the database or its WAL fails), then succeed again."""
    fake = FakeTelegram()
    server = await SandboxHttpServer(fake).start()
    env = bot_env(
        server.base_url,
        tmp_path,
        {
            "LOG_LEVEL": "WARNING",
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

    async def until(condition: Any, limit: float = 60.0) -> None:
        for _ in range(int(limit / 0.02)):
            if condition():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("timed out")

    def texts(chat: int) -> list[str]:
        return [m.get("text", "") for m in fake.sent_to(chat)]

    try:
        fake.push_update(message(8101, "/help"))
        await until(lambda: texts(8101))  # running and polling
        _soft, hard = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, hard))
        fake.push_update(message(8102, "i want to end it all"))
        await until(lambda: texts(8102) and texts(COORDINATOR_CHAT_ID))
        fake.push_update(message(8102, "/help", message_id=2))  # handled after the crisis words
        await until(lambda: len(texts(8102)) >= 2)
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (hard, hard))  # space is back
        fake.push_update(message(8103, "i want to end it all"))
        await until(lambda: texts(8103) and len(texts(COORDINATOR_CHAT_ID)) >= 2)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
        await server.stop()
    logs = output.decode()
    assert "glad you reached out" in texts(8102)[0]
    assert not [text for text in texts(8102) if NOT_HANDLED in text]
    first_alert, second_alert = texts(COORDINATOR_CHAT_ID)[:2]
    assert NOT_SAVED in first_alert and NOT_SAVED not in second_alert
    assert "CRITICAL" in logs and "sending it to the coordinators directly" in logs
    assert "end it all" not in logs  # never the message text, even in failure
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:  # writes work again
        assert connection.execute("SELECT COUNT(*) FROM escalations").fetchone() == (1,)
    assert process.returncode == 0
