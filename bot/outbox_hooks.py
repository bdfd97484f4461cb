"""What features register with the sender, and how a stored row becomes a Bot API call.

The sender (`bot.outbox`) knows no feature: features register hooks here (an alert remembers
its message id once sent; a failed alert is counted and sent another way) and build payloads with
`message_payload`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardMarkup

from bot.lanes import Lane, lane_args
from storage import outbox

if TYPE_CHECKING:
    from bot.services import Services

SentHook = Callable[["Services", outbox.OutboxItem, Any], Awaitable[None]]
SENT_HOOKS: dict[str, SentHook] = {}
# Called with (services, item, reason) when a row fails for good, or (reason "migrated:<id>")
# when its chat became a supergroup; "*" hooks see every kind (coordinator-side failures).
FailedHook = Callable[["Services", outbox.OutboxItem, str], Awaitable[None]]
FAILED_HOOKS: list[FailedHook] = []


def on_failed(function: FailedHook) -> FailedHook:
    """Register a function told about every row that failed for good (to log loudly, count it
    against a crisis alert, or send it another way)."""
    FAILED_HOOKS.append(function)
    return function


def on_sent(kind: str) -> Callable[[SentHook], SentHook]:
    """Register a function called with (services, item, Telegram's result) after an item of
    this kind is delivered (e.g. to remember the message id of a coordinator alert)."""

    def decorator(function: SentHook) -> SentHook:
        SENT_HOOKS[kind] = function
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
