"""The webhook accepts only the exact secret, compares it in constant time, and queues nothing else.

(tests/flows/test_process.py covers missing/wrong/right and the wrong path.)
"""

from __future__ import annotations

import hmac
import json

import httpx
import pytest

from bot.delivery.webhook import SECRET_HEADER, WebhookReceiver
from bot.sandbox.harness import Sandbox

SECRET = "Secret_token-0123456789"
NEAR_MISSES = [
    "",
    SECRET[:-1],
    SECRET + "x",
    SECRET[:-1] + "8",
    SECRET.lower(),
    SECRET.upper(),
    "x" * len(SECRET),
    SECRET + SECRET,
    "Sécret_token-0123456789",
]


async def test_near_misses_are_refused_and_every_check_is_constant_time(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sandbox.app is not None
    comparisons: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(given: bytes, expected: bytes) -> bool:
        comparisons.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    receiver = WebhookReceiver(sandbox.app, SECRET, "127.0.0.1", 0)
    await receiver.start()
    url = f"http://127.0.0.1:{receiver.server.port}/telegram"
    body = json.dumps(
        {
            "update_id": 5,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "text": "hi",
            },
        }
    )
    statuses = []
    try:
        async with httpx.AsyncClient() as client:
            for guess in NEAR_MISSES:
                headers = {SECRET_HEADER: guess.encode("utf-8")} if guess else {}
                statuses.append((await client.post(url, content=body, headers=headers)).status_code)
            other_case = {"X-TELEGRAM-BOT-API-SECRET-TOKEN": SECRET}  # header names ignore case
            accepted = (await client.post(url, content=body, headers=other_case)).status_code
    finally:
        await receiver.stop()
    assert statuses == [403] * len(NEAR_MISSES)
    assert accepted == 200
    assert sandbox.app.update_queue.qsize() == 1  # only the right secret's update was queued
    # Every request was decided by one full-length constant-time comparison against the secret.
    assert len(comparisons) == len(NEAR_MISSES) + 1
    assert all(expected == SECRET.encode() for _, expected in comparisons)
    assert comparisons[-1][0] == SECRET.encode()
