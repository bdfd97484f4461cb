"""HTTP front for FakeTelegram, so a real `python -m bot` process can talk to the sandbox.

Point the bot at it with TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot. Besides the Bot API it
serves a small control API for tests and benchmarks:
  POST /sandbox/update      body: an update payload without update_id -> queued for getUpdates
  GET  /sandbox/messages?chat_id=N, /sandbox/violations, /sandbox/stats
Only binds to loopback by default.
"""

from __future__ import annotations

import asyncio
import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.delivery.httpserver import DropConnection, Request, TinyHttpServer
from bot.sandbox.fake_methods import NamedFile
from bot.sandbox.fake_telegram import FakeTelegram, SandboxTimeout
from bot.sandbox.spec import decode_form_value


class SandboxHttpServer:
    """The Bot API and a small control API over HTTP, in front of a FakeTelegram."""

    def __init__(self, fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self._http = TinyHttpServer(self._handle, host, port)

    @property
    def base_url(self) -> str:
        """The TELEGRAM_BASE_URL to give the bot."""
        return f"http://{self._http.host}:{self._http.port}/bot"

    async def start(self) -> SandboxHttpServer:
        """Start listening; port 0 picks a free port."""
        await self._http.start()
        return self

    async def stop(self) -> None:
        """Stop listening."""
        await self._http.stop()

    async def _handle(self, request: Request) -> tuple[int, Any]:
        try:
            return await self._route(request.method, request.target, request.headers, request.body)
        except SandboxTimeout:
            raise DropConnection from None

    async def _route(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        url = urlsplit(target)
        query = dict(parse_qsl(url.query))
        if url.path == "/sandbox/update" and method == "POST":
            return 200, self.fake.push_update(json.loads(body))
        if url.path == "/sandbox/messages":
            return 200, self.fake.sent_to(int(query["chat_id"]))
        if url.path == "/sandbox/violations":
            return 200, self.fake.violations
        if url.path == "/sandbox/stats":
            return 200, {
                "calls": len(self.fake.calls),
                "violations": len(self.fake.violations),
                "confirmed_offset": self.fake.confirmed_offset,
            }
        if url.path.startswith("/bot"):
            endpoint = url.path.rstrip("/").rsplit("/", 1)[-1]
            params = self._params(endpoint, headers.get("content-type", ""), body)
            params.update(
                {k: decode_form_value(self.fake.spec, endpoint, k, v) for k, v in query.items()}
            )
            return await self.fake.handle(endpoint, params)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _params(self, endpoint: str, content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if content_type.startswith("application/json"):
            return dict(json.loads(body))
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body
            )
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)  # bytes for a leaf part, else None
                content = payload if isinstance(payload, bytes) else b""
                if part.get_filename():
                    params[str(name)] = NamedFile.of(content, part.get_filename())
                else:
                    params[str(name)] = decode_form_value(
                        self.fake.spec, endpoint, str(name), content.decode()
                    )
            return params
        return {
            k: decode_form_value(self.fake.spec, endpoint, k, v)
            for k, v in parse_qsl(body.decode(), keep_blank_values=True)
        }


async def serve_forever(port: int) -> None:
    """Run a standalone HTTP sandbox (for manual experiments)."""
    server = await SandboxHttpServer(FakeTelegram(), port=port).start()
    print(f"sandbox listening: TELEGRAM_BASE_URL={server.base_url}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import sys

    asyncio.run(serve_forever(int(sys.argv[1]) if len(sys.argv) > 1 else 8081))
