"""A minimal asyncio HTTP/1.1 server (keep-alive, Content-Length bodies) for small local needs.

Used by the webhook receiver and the sandbox's HTTP front. It deliberately does little: no
chunked bodies, no TLS (run behind a reverse proxy), a body size cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

MAX_BODY_BYTES = 20 * 1024 * 1024


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


class TinyHttpServer:
    """Serves `handler(request) -> (status, json_payload)` on host:port."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self.handler, self.host, self.port = handler, host, port
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
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                length = int(headers.get("content-length", "0") or 0)
                if length > MAX_BODY_BYTES:
                    break
                body = await reader.readexactly(length)
                try:
                    status, payload = await self.handler(Request(method, target, headers, body))
                except DropConnection:
                    break
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n\r\n".encode() + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()
