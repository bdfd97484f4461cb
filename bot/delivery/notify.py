"""Telling the coordinators' group something, reliably (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import aiosqlite

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import QueueServices, message_payload, queue
from storage import console

if TYPE_CHECKING:
    from bot.settings import Settings
    from storage.pairs import Pair


class NotifyServices(QueueServices, Protocol):
    """What telling the coordinators needs from the application's services."""

    settings: Settings


async def notify_coordinators(
    services: NotifyServices,
    *,
    key: str,
    text: str,
    kind: str = "notice",
    buttons: Sequence[Sequence[tuple[str, str]]] | None = None,
    lane: Lane = Lane.INTERACTIVE,
    connection: aiosqlite.Connection | None = None,
    pair: Pair | None = None,
    reply_to: int | None = None,
) -> bool:
    """Queue a message (already-escaped HTML) for the coordinators' group; idempotent by key.

    With `pair`, the message goes to the pair's forum topic when it has one (bot/console/topics.py).
    """
    now = services.clock.now()
    extra: dict[str, Any] = {}
    if pair is not None:
        topic = pair.forum_topic_id or await console.forum_topic_of(services.db, pair.id)
        if topic:
            extra["message_thread_id"] = topic
    if reply_to is not None:  # threaded under an earlier message (a re-alert under its alert)
        extra["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    queued = await queue(
        services,
        key=key,
        chat_id=services.settings.coordinator_chat_id,
        lane=lane,
        kind=kind,
        payload=message_payload(text, buttons, **extra),
        now=now,
        connection=connection,
    )
    if connection is not None:
        # Woken at once even inside the caller's transaction, as coordinators' messages (crisis
        # alerts among them) always were: `queue` leaves that to the caller.
        services.outbox.wake()
    return queued
