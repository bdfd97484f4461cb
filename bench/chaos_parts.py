"""Building blocks of bench/chaos.py: a fake Telegram that keeps what it accepted (and delivers
half of its timeouts), a sandbox whose outbox the week's loop drives, and lane tracking."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from bot.sandbox.fake_telegram import SEND_METHODS, FakeTelegram, SandboxTimeout
from bot.sandbox.harness import Sandbox


class ChaosTelegram(FakeTelegram):
    """A fake Telegram that keeps what it actually accepted; half its timeouts come after delivery."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted: list[tuple[float, str, Any, str]] = []  # (time, method, chat, text)
        self.injected: Counter[str] = Counter()
        self.arrived_anyway: Counter[tuple[Any, str]] = Counter()
        self.duplicates = 0
        self.lane_of_text: dict[tuple[Any, str], str] = {}

    def _pick_fault(self, method: str) -> str | None:
        fault = super()._pick_fault(method)
        if fault == "timeout" and self.faults.random.random() < 0.5:
            fault = "timeout_delivered"
        if fault:
            self.injected[fault] += 1
        return fault

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer as the fake does, noting every request Telegram acted on."""
        try:
            status, body = await super().handle(method, params)
        except SandboxTimeout as timeout:
            if timeout.delivered:
                self._accept(method, params)
                self.arrived_anyway[self._key(method, params)] += 1
            raise
        if status == 200:
            key = self._key(method, params)
            if method in SEND_METHODS and self.arrived_anyway[key] > 0:
                self.arrived_anyway[key] -= 1
                self.duplicates += 1
            self._accept(method, params)
        return status, body

    @staticmethod
    def _key(method: str, params: dict[str, Any]) -> tuple[Any, str]:
        return params.get("chat_id"), str(params.get("text") or params.get("caption") or method)

    def _accept(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        if method == "answerCallbackQuery":
            chat = ("callback", params.get("callback_query_id"))
        self.accepted.append(
            (
                time.perf_counter(),
                method,
                chat,
                str(params.get("text") or params.get("caption") or ""),
            )
        )


class ChaosSandbox(Sandbox):
    """A sandbox whose outbox is flushed by the week's loop, not after every single update."""

    async def deliver(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Process the update fully, without flushing the outbox."""
        return await self.process(payload)


def track_lanes(sandbox: Sandbox, fake: ChaosTelegram) -> None:
    """Note the lane of every outgoing message (the rate limiter is told it with each request)."""
    assert sandbox.app is not None
    limiter = sandbox.app.bot.rate_limiter
    assert limiter is not None
    original = limiter.process_request

    async def process_request(
        callback: Any,
        args: Any,
        kwargs: Any,
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        lane = (rate_limit_args or {}).get("lane")
        if lane is not None:
            key = (data.get("chat_id"), str(data.get("text") or data.get("caption") or endpoint))
            fake.lane_of_text[key] = getattr(lane, "name", str(lane)).lower()
        return await original(callback, args, kwargs, endpoint, data, rate_limit_args)

    limiter.process_request = process_request  # type: ignore[method-assign]
