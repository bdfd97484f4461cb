"""The real `python -m bot` process against the HTTP sandbox; the webhook receiver's secret check."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import httpx

from bot.delivery.webhook import SECRET_HEADER, WebhookReceiver
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import SANDBOX_TOKEN, Sandbox
from bot.sandbox.http import SandboxHttpServer
from tests.process_helpers import bot_env

REPO = Path(__file__).resolve().parents[2]


async def wait_for(condition, what: str, limit: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition while a separate process works (bounded; asserts nothing about time)."""
    for _ in range(int(limit / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_real_process_polls_answers_and_stops_cleanly(tmp_path: Path) -> None:
    fake = FakeTelegram()
    server = await SandboxHttpServer(fake).start()
    env = bot_env(
        server.base_url,
        tmp_path,
        {
            "LOG_LEVEL": "DEBUG",
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
        user = {"id": 4242, "is_bot": False, "first_name": "Ana", "language_code": "en"}
        update = fake.push_update(
            {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 4242, "type": "private"},
                    "from": user,
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )
        await wait_for(lambda: len(fake.sent_to(4242)) >= 2, "the welcome and consent messages")
        assert "not a crisis or emergency service" in fake.sent_to(4242)[0]["text"]
        assert any(method == "setMyCommands" for method, _ in fake.calls)
        fake.push_update(
            {
                "message": {
                    "message_id": 2,
                    "date": 0,
                    "from": user,
                    "chat": {"id": 4242, "type": "private"},
                    "text": "my private words zebra-1234",
                }
            }
        )
        await wait_for(lambda: len(fake.sent_to(4242)) >= 3, "the re-ask after free text")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
        await server.stop()
    assert process.returncode == 0
    assert fake.confirmed_offset > update["update_id"]  # the offset was confirmed on shutdown
    logs = output.decode()
    assert SANDBOX_TOKEN not in logs and "SANDBOX-not-a-real-token" not in logs
    assert "zebra-1234" not in logs  # message text is never logged, even at DEBUG
    assert "Traceback" not in logs
    assert fake.violations == []


async def test_webhook_rejects_missing_or_wrong_secret(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    receiver = WebhookReceiver(sandbox.app, "s3cret-token", "127.0.0.1", 0)
    await receiver.start()
    url = f"http://127.0.0.1:{receiver.server.port}/telegram"
    body = json.dumps(
        {
            "update_id": 77,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "text": "hi",
            },
        }
    )
    try:
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, content=body)
            wrong = await client.post(url, content=body, headers={SECRET_HEADER: "s3cret-tokeN"})
            right = await client.post(url, content=body, headers={SECRET_HEADER: "s3cret-token"})
            elsewhere = await client.post(
                url + "x", content=body, headers={SECRET_HEADER: "s3cret-token"}
            )
    finally:
        await receiver.stop()
    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert elsewhere.status_code == 404
    assert receiver.accepted == 1 and receiver.rejected == 2
    assert sandbox.app.update_queue.qsize() == 1
