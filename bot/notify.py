"""Telling the coordinators' group something, reliably (through the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import aiosqlite

from bot.lanes import Lane
from bot.outbox import message_payload
from storage import outbox

if TYPE_CHECKING:
    from bot.services import Services


async def notify_coordinators(
    services: Services,
    *,
    key: str,
    text: str,
    kind: str = "notice",
    buttons: Sequence[Sequence[tuple[str, str]]] | None = None,
    lane: Lane = Lane.INTERACTIVE,
    connection: aiosqlite.Connection | None = None,
) -> bool:
    """Queue a message (already-escaped HTML) for the coordinators' group; idempotent by key."""
    now = services.clock.now()
    queued = await outbox.enqueue(
        connection or services.db,
        key=key,
        chat_id=services.settings.coordinator_chat_id,
        lane=lane,
        kind=kind,
        payload=message_payload(text, buttons),
        not_before=now,
        now=now,
    )
    services.outbox.wake()
    return queued
