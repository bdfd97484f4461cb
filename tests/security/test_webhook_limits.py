"""The webhook server under slow, oversized and too many requests (loopback only), and /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import json

from bot.delivery.httpserver import Limits
from bot.delivery.webhook import SECRET_HEADER, WebhookReceiver
from bot.sandbox.harness import Sandbox

SECRET = "Secret_token-0123456789"
FAST = Limits(max_body_bytes=1024, header_timeout=0.3, body_timeout=0.3, max_connections=2)
UPDATE = json.dumps(
    {
        "update_id": 5,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"},
    }
).encode()


def head(length: int, secret: str = SECRET, path: str = "/telegram") -> bytes:
    """A POST's request line and headers."""
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {secret}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


async def exchange(port: int, data: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a connection and send `data` (maybe an unfinished request)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    return reader, writer


async def close(writer: asyncio.StreamWriter) -> None:
    """Close our end and wait for it."""
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


async def answer(reader: asyncio.StreamReader) -> bytes:
    """Everything the server says until it closes the connection."""
    return await asyncio.wait_for(reader.read(), timeout=10)


async def test_slow_oversized_and_unscreened_requests_are_cut_off(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    receiver = WebhookReceiver(sandbox.app, SECRET, "127.0.0.1", 0, limits=FAST)
    await receiver.start()
    port = receiver.server.port
    try:
        # Headers that never finish: closed after the header timeout, nothing answered.
        reader, writer = await exchange(port, b"POST /telegram HTTP/1.1\r\nHost: x\r\n")
        assert await answer(reader) == b""
        await close(writer)
        # A body that stops half way: closed after the body timeout, nothing queued.
        reader, writer = await exchange(port, head(len(UPDATE)) + UPDATE[:10])
        assert await answer(reader) == b""
        await close(writer)
        # Too large: refused from Content-Length alone, before any body byte is sent.
        reader, writer = await exchange(port, head(10 * 1024 * 1024))
        assert (await answer(reader)).startswith(b"HTTP/1.1 413")
        await close(writer)
        # A wrong secret is refused from the headers, the body never read.
        reader, writer = await exchange(port, head(1000, secret="wrong"))
        assert (await answer(reader)).startswith(b"HTTP/1.1 403")
        await close(writer)
        # The right request still works.
        reader, writer = await exchange(port, head(len(UPDATE)) + UPDATE)
        assert (await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)).startswith(b"HTTP/1.1 200")
        await close(writer)
    finally:
        await receiver.stop()
    assert receiver.server.refused == {"timeout": 2, "too large": 1, "busy": 0, "screened": 1}
    assert sandbox.app.update_queue.qsize() == 1


async def test_connections_beyond_the_limit_are_turned_away(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    slow = Limits(max_body_bytes=1024, header_timeout=30, body_timeout=30, max_connections=2)
    receiver = WebhookReceiver(sandbox.app, SECRET, "127.0.0.1", 0, limits=slow)
    await receiver.start()
    port = receiver.server.port
    held = []
    try:
        for _ in range(2):  # two clients that connect and say nothing
            held.append(await exchange(port, b""))
        await asyncio.sleep(0.05)
        # Answered at once (before it sends anything, so the close is not a reset).
        reader, writer = await exchange(port, b"")
        assert (await answer(reader)).startswith(b"HTTP/1.1 503")
        await close(writer)
        for _, idle in held:
            await close(idle)
        await asyncio.sleep(0.05)  # their slots are free again
        reader, writer = await exchange(port, head(len(UPDATE)) + UPDATE)
        assert (await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)).startswith(b"HTTP/1.1 200")
        await close(writer)
    finally:
        for _, idle in held:
            await close(idle)
        await receiver.stop()
    assert receiver.server.refused["busy"] == 1


async def test_healthz_answers_from_the_health_checks(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    problems: list[str] = []

    async def health() -> list[str]:
        return problems

    receiver = WebhookReceiver(sandbox.app, SECRET, "127.0.0.1", 0, health=health)
    await receiver.start()
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    try:
        reader, writer = await exchange(receiver.server.port, request)
        assert (await reader.readuntil(b"\r\n")).startswith(b"HTTP/1.1 200")
        await close(writer)
        problems.append("the sweep has not run for 5 min")
        reader, writer = await exchange(receiver.server.port, request)
        text = await asyncio.wait_for(reader.readuntil(b"}"), 10)
        await close(writer)
    finally:
        await receiver.stop()
    assert text.startswith(b"HTTP/1.1 503")
    assert json.loads(text.split(b"\r\n\r\n", 1)[1]) == {
        "ok": False,
        "problems": ["the sweep has not run for 5 min"],
    }
