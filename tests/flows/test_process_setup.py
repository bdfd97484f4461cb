"""Operators' mistakes with the coordinators' group, as the real `python -m bot` process meets
them: one clear message and exit code 2, never a traceback (which restarts in a loop)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.ops.setup_check import SetupError, check_coordinator_group
from bot.sandbox.fake_methods import BOT_ID
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import COORDINATOR_CHAT_ID, SANDBOX_TOKEN, Sandbox
from bot.sandbox.http import SandboxHttpServer

REPO = Path(__file__).resolve().parents[2]


async def run_bot(tmp_path: Path, base_url: str, chat_id: int) -> tuple[int, str]:
    """Start the bot as a process and wait for it to exit by itself."""
    env = {
        **os.environ,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "COORDINATOR_CHAT_ID": str(chat_id),
        "TELEGRAM_BASE_URL": base_url,
        "DATABASE_PATH": str(tmp_path / "db.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(tmp_path / "key"),
        "PYTHONPATH": str(REPO),
    }
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
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_a_group_the_bot_is_not_in_stops_with_one_clear_message(tmp_path: Path) -> None:
    fake = FakeTelegram()
    fake.unknown_chats.add(COORDINATOR_CHAT_ID)
    server = await SandboxHttpServer(fake).start()
    try:
        code, output = await run_bot(tmp_path, server.base_url, COORDINATOR_CHAT_ID)
    finally:
        await server.stop()
    assert code == 2
    assert "Traceback" not in output and "BadRequest" not in output
    assert (
        f"cannot reach the coordinators' group COORDINATOR_CHAT_ID={COORDINATOR_CHAT_ID}" in output
    )
    assert "chat not found" in output and "supergroup" in output
    assert not any(method == "getUpdates" for method, _ in fake.calls)  # never started polling


async def test_a_positive_id_is_refused_before_contacting_telegram(tmp_path: Path) -> None:
    code, output = await run_bot(tmp_path, "http://127.0.0.1:9/bot", 123456789)
    assert code == 2
    assert "COORDINATOR_CHAT_ID must be a group's id, a negative number" in output
    assert "Traceback" not in output


async def test_bot_removed_from_the_group_or_not_admin(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    assert sandbox.app is not None
    bot = sandbox.app.bot
    await check_coordinator_group(bot, COORDINATOR_CHAT_ID)  # an admin: all fine, no warning
    assert "not an admin" not in caplog.text
    sandbox.fake.chat_members.setdefault(COORDINATOR_CHAT_ID, {})[BOT_ID] = "member"
    await check_coordinator_group(bot, COORDINATOR_CHAT_ID)
    assert "not an admin of the coordinators' group" in caplog.text
    sandbox.fake.chat_members[COORDINATOR_CHAT_ID][BOT_ID] = "left"
    with pytest.raises(SetupError, match="not a member of this group"):
        await check_coordinator_group(bot, COORDINATOR_CHAT_ID)
    with pytest.raises(SetupError, match="private chat, not a group"):
        await check_coordinator_group(bot, 4242)


async def test_find_group_prints_the_id_of_the_group_the_bot_was_added_to(
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    group = {"id": -1009876543210, "type": "supergroup", "title": "Coordinators"}
    bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Companion"}
    fake.push_update(
        {
            "my_chat_member": {
                "chat": group,
                "from": {"id": 5, "is_bot": False, "first_name": "Cleo"},
                "date": 0,
                "old_chat_member": {"status": "left", "user": bot_user},
                "new_chat_member": {"status": "member", "user": bot_user},
            }
        }
    )
    server = await SandboxHttpServer(fake).start()
    env = {key: value for key, value in os.environ.items() if key != "COORDINATOR_CHAT_ID"}
    env.update(
        {"BOT_TOKEN": SANDBOX_TOKEN, "TELEGRAM_BASE_URL": server.base_url, "PYTHONPATH": str(REPO)}
    )
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "find-group",
            "--rounds",
            "2",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        await server.stop()
    text = output.decode()
    assert process.returncode == 0, text
    assert "COORDINATOR_CHAT_ID=-1009876543210" in text and "Coordinators" in text
    assert fake.confirmed_offset == 0  # nothing was taken away from the bot's own run
