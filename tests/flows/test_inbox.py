"""The durable inbox: what Telegram handed over is on disk before it is confirmed, and what a crash
cut off is handled first at the next start, once."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

import httpx

from bot.delivery.inbox import replay_order, replay_unhandled
from bot.delivery.webhook import SECRET_HEADER, WebhookReceiver
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import COORDINATOR_CHAT_ID, Sandbox
from bot.sandbox.http import SandboxHttpServer
from storage import updates
from tests.process_helpers import bot_env

REPO = Path(__file__).resolve().parents[2]
CRISIS = "i want to end it all"


def message(chat: int, text: str, message_id: int = 1) -> dict[str, Any]:
    """A private text message update payload (commands carry their entity)."""
    user = {"id": chat, "is_bot": False, "first_name": "U", "language_code": "en"}
    body: dict[str, Any] = {
        "message_id": message_id,
        "date": 0,
        "from": user,
        "text": text,
        "chat": {"id": chat, "type": "private"},
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"message": body}


async def drain(sandbox: Sandbox) -> int:
    """Handle what sits in the application's update queue, as the running bot would."""
    assert sandbox.app is not None
    handled = 0
    tasks = []
    while not sandbox.app.update_queue.empty():
        update = sandbox.app.update_queue.get_nowait()
        tasks.append(
            asyncio.create_task(
                sandbox.app.update_processor.process_update(
                    update, sandbox.app.process_update(update)
                )
            )
        )
        handled += 1
    await asyncio.gather(*tasks)
    await sandbox.flush_outbox()
    return handled


def test_replay_puts_crisis_chats_first_and_keeps_each_chats_order() -> None:
    rows = [
        (1, message(10, "/help")),
        (2, message(20, "hello")),
        (3, message(10, "/start")),
        (4, message(20, CRISIS)),
        (5, message(30, "/help")),
    ]
    ordered = replay_order(rows, lambda raw: raw["message"]["text"] == CRISIS)
    assert [(u["message"]["chat"]["id"], u["message"]["text"]) for u in ordered] == [
        (20, "hello"),
        (20, CRISIS),
        (10, "/help"),
        (10, "/start"),
        (30, "/help"),
    ]


async def test_a_polled_batch_is_on_disk_before_it_is_confirmed(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    for chat in (7001, 7002, 7003):
        sandbox.fake.push_update(message(chat, "/help"))
    batch = await sandbox.app.bot.get_updates(timeout=0)  # PTB's poll, through the inbox
    assert len(batch) == 3 and sandbox.fake.confirmed_offset <= batch[0].update_id
    kept = await updates.unhandled(sandbox.db)
    assert [update_id for update_id, _ in kept] == [u.update_id for u in batch]
    assert json.loads(kept[0][1])["message"]["chat"]["id"] == 7001
    for update in batch:
        await sandbox.app.update_processor.process_update(
            update, sandbox.app.process_update(update)
        )
    assert await updates.unhandled(sandbox.db) == []  # handled: gone from the inbox
    assert all([await updates.already_processed(sandbox.db, u.update_id) for u in batch])


async def test_updates_a_crash_cut_off_are_handled_first_and_once(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    sandbox.fake.push_update(message(7101, "/help"))
    sandbox.fake.push_update(message(7102, CRISIS))
    batch = await sandbox.app.bot.get_updates(timeout=0)
    await sandbox.app.bot.get_updates(offset=batch[-1].update_id + 1, timeout=0)  # confirmed
    await sandbox.restart()  # the process died before handling them: Telegram will not re-send
    assert sandbox.app is not None and sandbox.services is not None
    assert await replay_unhandled(sandbox.app, sandbox.services) == 2
    first = sandbox.app.update_queue.get_nowait()
    assert first.effective_chat is not None and first.effective_chat.id == 7102  # crisis first
    await sandbox.app.update_queue.put(first)
    for update in batch:  # the same updates again (as a re-sent batch would bring them)
        await sandbox.app.update_queue.put(update)
    assert await drain(sandbox) == 4
    assert (
        len(sandbox.fake.sent_to(7101)) == 1
        and "What I can do" in sandbox.fake.sent_to(7101)[0]["text"]
    )
    assert len(sandbox.fake.sent_to(7102)) == 1  # the crisis reply, once
    assert len(sandbox.fake.sent_to(COORDINATOR_CHAT_ID)) == 1  # and one alert
    assert await updates.unhandled(sandbox.db) == []


async def test_the_webhook_keeps_an_update_before_answering(sandbox: Sandbox) -> None:
    assert sandbox.app is not None and sandbox.services is not None
    receiver = WebhookReceiver(sandbox.app, "s3cret", "127.0.0.1", 0, services=sandbox.services)
    await receiver.start()
    body = json.dumps({"update_id": 901, **message(7201, CRISIS)})
    try:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"http://127.0.0.1:{receiver.server.port}/telegram",
                content=body,
                headers={SECRET_HEADER: "s3cret"},
            )
    finally:
        await receiver.stop()
    assert answer.status_code == 200
    assert [update_id for update_id, _ in await updates.unhandled(sandbox.db)] == [901]


async def test_kill_9_while_messages_are_handled_loses_none(tmp_path: Path) -> None:
    """The real process, SIGKILLed just after its first reply with the rest still in hand."""
    fake = FakeTelegram()
    fake.faults.latency = 0.05  # every Bot API call takes a while, so handling is in flight
    server = await SandboxHttpServer(fake).start()
    env = bot_env(
        server.base_url,
        tmp_path,
        {
            "LOG_LEVEL": "WARNING",
        },
    )
    chats = list(range(7301, 7317))
    for number, chat in enumerate(chats):
        fake.push_update(message(chat, CRISIS if number % 2 == 0 else "/help"))

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    def answered() -> int:
        return sum(1 for chat in chats if fake.sent_to(chat))

    async def until(condition: Any, limit: float = 60.0) -> bool:
        for _ in range(int(limit / 0.02)):
            if condition():
                return True
            await asyncio.sleep(0.02)
        return False

    process = await start()
    try:
        assert await until(lambda: answered() > 0)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        cut_off = len(chats) - answered()
        process = await start()
        everyone = await until(lambda: answered() == len(chats))
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=60)
        await server.stop()
    assert cut_off > 0  # the kill did land while messages were still being handled
    assert everyone, f"never answered: {[c for c in chats if not fake.sent_to(c)]}"
    assert fake.violations == []
