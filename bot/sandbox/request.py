"""PTB transport that talks to the in-process FakeTelegram instead of the network."""

from __future__ import annotations

import json
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.sandbox.fake_methods import NamedFile
from bot.sandbox.fake_telegram import FakeTelegram, SandboxTimeout


class SandboxRequest(BaseRequest):
    """A `BaseRequest` whose 'network' is a FakeTelegram in the same process."""

    def __init__(self, fake: FakeTelegram, *, read_timeout: float = 5.0) -> None:
        self.fake = fake
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout reported to PTB."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Hand the call to the fake and return its status and JSON body."""
        endpoint = url.rstrip("/").rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, *_rest) in request_data.multipart_data.items():
                if name in params or not name.startswith("attach"):
                    data = content if isinstance(content, bytes) else content.read()
                    params[name] = NamedFile.of(data, filename)
        try:
            status, body = await self.fake.handle(endpoint, params)
        except SandboxTimeout:
            raise TimedOut("Timed out (sandbox)") from None
        return status, json.dumps(body).encode()
