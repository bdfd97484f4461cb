"""What features use of the sender: `queue` to send later, hooks, and how a row becomes a Bot API call.

The sender (`bot.delivery.outbox`) knows no feature. Features are told about deliveries through hooks
that the composition root (`bot.composition`) installs: after a row of a kind is sent (an alert
remembers its message id), after any row fails for good (a failed alert is counted and sent
another way; a member who blocked the bot is marked unreachable), and while a batch of rows (a
broadcast) is being delivered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import aiosqlite
from telegram import Bot, InlineKeyboardMarkup

from bot.core.clock import Clock
from bot.delivery.lanes import Lane, lane_args
from storage import outbox
from storage.db import Database

# Hooks get the application's services as their first argument. The sender does not import the
# services (they are built around it), so the type stays open here; features annotate it.
SentHook = Callable[
    [Any, outbox.DueItem, Any], Awaitable[None]
]  # (services, row, Telegram's result)
# (services, row, reason) when a row fails for good, is still failing where another would give
# up, or its chat became a supergroup (reason "migrated:<id>"); every kind is reported.
FailedHook = Callable[[Any, outbox.OutboxItem, str], Awaitable[None]]
# (services, bot, batch id) while rows of a batch (e.g. a broadcast) go out; True once finished.
BatchHook = Callable[[Any, Bot, int], Awaitable[bool]]
EVERY_KIND = "*"


@dataclass
class DeliveryHooks:
    """Who hears about deliveries. Filled once, in one place: `bot.composition.install`."""

    sent: dict[str, list[SentHook]] = field(default_factory=dict)  # by kind, or EVERY_KIND
    failed: list[FailedHook] = field(default_factory=list)
    batch: list[BatchHook] = field(default_factory=list)

    def after_sent(self, kind: str, hook: SentHook) -> None:
        """Call `hook` after each row of this kind (EVERY_KIND: any row) is delivered."""
        self.sent.setdefault(kind, []).append(hook)

    def on_failed(self, hook: FailedHook) -> None:
        """Call `hook` for every row that fails for good."""
        self.failed.append(hook)

    def on_batch(self, hook: BatchHook) -> None:
        """Call `hook` while a batch's rows are being delivered, until it says it is finished."""
        self.batch.append(hook)

    def for_sent(self, kind: str) -> list[SentHook]:
        """Hooks for a delivered row of this kind, those for every kind first."""
        return [*self.sent.get(EVERY_KIND, ()), *self.sent.get(kind, ())]

    def clear(self) -> None:
        """Forget every hook (installing again starts from nothing)."""
        self.sent.clear()
        self.failed.clear()
        self.batch.clear()


HOOKS = DeliveryHooks()


class Waker(Protocol):
    """The sender, as far as queueing needs it."""

    def wake(self) -> None:
        """Look at the outbox now."""


class QueueServices(Protocol):
    """What `queue` needs from the application's services."""

    db: Database
    clock: Clock

    @property
    def outbox(self) -> Waker: ...


async def queue(
    services: QueueServices,
    *,
    key: str,
    chat_id: int,
    lane: Lane,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
    now: datetime | None = None,
    member_id: int | None = None,
    method: str = "sendMessage",
    expires_at: datetime | None = None,
    connection: aiosqlite.Connection | None = None,
) -> bool:
    """Send later, reliably: one outbox row (idempotent by key), and wake the sender.

    `now` is the moment the caller acted on (default: the clock's), and `not_before` defaults
    to it. With `connection`, the row joins the caller's transaction (a state change and the
    message it causes commit together) and the caller wakes the sender once that commits
    (woken earlier, it could look before the row exists). True if queued now.
    """
    now = now or services.clock.now()
    queued = await outbox.enqueue(
        connection or services.db,
        key=key,
        chat_id=chat_id,
        lane=lane,
        kind=kind,
        payload=payload,
        not_before=not_before or now,
        now=now,
        member_id=member_id,
        method=method,
        expires_at=expires_at,
    )
    if connection is None:
        services.outbox.wake()
    return queued


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


async def call_bot(
    bot: Bot,
    method: str,
    chat_id: int,
    params: dict[str, Any],
    lane: Lane,
    limiter_options: dict[str, Any] | None = None,
) -> Any:
    """Call the PTB method for a stored Bot API method name (e.g. sendMessage -> send_message)."""
    kwargs = dict(params)
    if isinstance(kwargs.get("reply_markup"), dict):
        kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(kwargs["reply_markup"], bot)
    function = getattr(bot, _snake(method))
    options: dict[str, Any] = {**lane_args(lane), **(limiter_options or {})}
    return await function(chat_id=chat_id, **kwargs, rate_limit_args=options)
