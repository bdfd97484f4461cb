"""Sending what the outbox holds, through the rate limiter, and recording the outcome."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.lanes import Lane, lane_args
from storage import outbox

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8

SentHook = Callable[["Services", outbox.OutboxItem, Any], Awaitable[None]]
_SENT_HOOKS: dict[str, SentHook] = {}


def on_sent(kind: str) -> Callable[[SentHook], SentHook]:
    """Register a function called with (services, item, Telegram's result) after an item of
    this kind is delivered (e.g. to remember the message id of a coordinator alert)."""

    def decorator(function: SentHook) -> SentHook:
        _SENT_HOOKS[kind] = function
        return function

    return decorator


def message_payload(
    text: str, buttons: Sequence[Sequence[tuple[str, str]]] | None = None, **extra: Any
) -> dict[str, Any]:
    """sendMessage parameters for HTML text with optional (label, callback data) buttons."""
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML", **extra}
    if buttons:
        payload["reply_markup"] = {
            "inline_keyboard": [
                [{"text": label, "callback_data": data} for label, data in row] for row in buttons
            ]
        }
    return payload


def _snake(method: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in method)


async def call_bot(bot: Bot, method: str, chat_id: int, params: dict[str, Any], lane: Lane) -> Any:
    """Call the PTB method for a stored Bot API method name (e.g. sendMessage -> send_message)."""
    kwargs = dict(params)
    if isinstance(kwargs.get("reply_markup"), dict):
        kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(kwargs["reply_markup"], bot)
    function = getattr(bot, _snake(method))
    return await function(chat_id=chat_id, **kwargs, rate_limit_args=lane_args(lane))


class Outbox:
    """Queues messages and delivers the due ones."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the background sender to look at the outbox now (after enqueuing urgent work)."""
        self._wake.set()

    async def run_forever(self, bot: Bot, idle_seconds: float = 5.0) -> None:
        """Background sender: deliver due items whenever woken, or every `idle_seconds`."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle_seconds)
            self._wake.clear()
            try:
                await self.send_due(bot)
            except Exception:  # keep the sender alive; the next round retries
                log.exception("outbox round failed")

    async def send_due(self, bot: Bot) -> int:
        """Deliver every due item once; returns how many were sent."""
        services = self.services
        sent = 0
        for item in await outbox.due(services.db, services.clock.now()):
            if await self._send(bot, item):
                sent += 1
        return sent

    async def _send(self, bot: Bot, item: outbox.OutboxItem) -> bool:
        db, now = self.services.db, self.services.clock.now()
        params = dict(item.payload)
        try:
            result = await call_bot(bot, item.method, item.chat_id, params, Lane[item.lane.upper()])
        except Forbidden:
            await outbox.mark_failed(db, item.id, "forbidden", final=True)
            if item.member_id is not None:
                await db.execute(
                    "UPDATE members SET unreachable = 1 WHERE id = ?", (item.member_id,)
                )
            return False
        except BadRequest as exc:
            log.error(
                "outbox item %s (%s) refused by Telegram: %s", item.id, item.kind, exc.message
            )
            await outbox.mark_failed(db, item.id, "bad request", final=True)
            return False
        except (TimedOut, NetworkError, RetryAfter) as exc:
            final = item.attempts + 1 >= MAX_ATTEMPTS
            delay = timedelta(seconds=min(300, 2**item.attempts * 5))
            log.warning(
                "outbox item %s: %s (attempt %d)", item.id, type(exc).__name__, item.attempts + 1
            )
            await outbox.mark_failed(
                db, item.id, type(exc).__name__, final=final, retry_at=now + delay
            )
            return False
        await outbox.mark_sent(db, item.id, now)
        hook = _SENT_HOOKS.get(item.kind)
        if hook is not None:
            try:
                await hook(self.services, item, result)
            except Exception:  # the message went out; a failing hook must not re-send it
                log.exception("after-sent hook for outbox item %s failed", item.id)
        return True
