"""A minimal asyncio HTTP/1.1 server (keep-alive, Content-Length bodies) for small local needs.

Used by the webhook receiver and the sandbox's HTTP front. It deliberately does little: no
chunked bodies, no TLS (run behind a reverse proxy). What it does do, because it may face the
internet: the headers and the body must each arrive within a time limit (a slow client cannot
hold a connection open), the body size is checked against `Content-Length` before a byte of the
body is read, an optional `screen` decides from the request line and headers alone (a wrong
secret is refused unread), and only `max_connections` connections are served at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

MAX_BODY_BYTES = 20 * 1024 * 1024
HEADER_TIMEOUT = 10.0  # seconds for the request line and headers (and an idle keep-alive)
BODY_TIMEOUT = 10.0
MAX_CONNECTIONS = 100


@dataclass(frozen=True)
class Request:
    """One HTTP request."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class DropConnection(Exception):
    """Raised by a handler to close the connection without answering (simulated timeouts)."""


Handler = Callable[[Request], Awaitable[tuple[int, Any]]]
# Sees the request with an empty body; returns an answer to refuse it unread, or None to go on.
Screen = Callable[[Request], tuple[int, Any] | None]


@dataclass(frozen=True)
class Limits:
    """How much a client may ask of the server."""

    max_body_bytes: int = MAX_BODY_BYTES
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    max_connections: int = MAX_CONNECTIONS


def _response(status: int, payload: Any, keep_alive: bool = True) -> bytes:
    data = json.dumps(payload).encode()
    connection = "keep-alive" if keep_alive else "close"
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: {connection}\r\n\r\n"
    ).encode() + data


class TinyHttpServer:
    """Serves `handler(request) -> (status, json_payload)` on host:port."""

    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        limits: Limits | None = None,
        screen: Screen | None = None,
    ) -> None:
        self.handler, self.host, self.port = handler, host, port
        self.limits = limits or Limits()
        self.screen = screen
        self.refused: dict[str, int] = {"timeout": 0, "too large": 0, "busy": 0, "screened": 0}
        self._open = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Start listening; port 0 picks a free port (read it back from `.port`)."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._open >= self.limits.max_connections:
            # Over the limit: answer at once and close, rather than queue without bound.
            self.refused["busy"] += 1
            with contextlib.suppress(ConnectionError):
                writer.write(_response(503, {"ok": False}, keep_alive=False))
                await writer.drain()
            writer.close()
            return
        self._open += 1
        try:
            while await self._one_request(reader, writer):
                pass
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
        ):
            pass
        finally:
            self._open -= 1
            writer.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Serve one request; False when the connection should close."""
        limits = self.limits
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), limits.header_timeout)
        except TimeoutError:
            self.refused["timeout"] += 1
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        length = int(headers.get("content-length", "0") or 0)
        refusal: tuple[int, Any] | None = None
        if length < 0 or length > limits.max_body_bytes:
            self.refused["too large"] += 1
            refusal = (413, {"ok": False})
        elif self.screen is not None:
            refusal = self.screen(Request(method, target, headers, b""))
            if refusal is not None:
                self.refused["screened"] += 1
        if refusal is not None:  # the body is never read: close instead of draining it
            writer.write(_response(*refusal, keep_alive=False))
            await writer.drain()
            return False
        try:
            body = await asyncio.wait_for(reader.readexactly(length), limits.body_timeout)
        except TimeoutError:
            self.refused["timeout"] += 1
            return False
        try:
            status, payload = await self.handler(Request(method, target, headers, body))
        except DropConnection:
            return False
        writer.write(_response(status, payload))
        await writer.drain()
        return True
