"""The durable inbox: an update is on disk before Telegram is told we have it.

Polling: PTB's updater confirms a batch with its *next* getUpdates call (the higher offset), so a
crash while the batch is being handled would lose it for good. `InboxRequest` wraps the
transport PTB uses for getUpdates and writes each batch to SQLite (one transaction) before the
response reaches PTB; PTB cannot make the confirming call before that. The webhook receiver
saves an update before answering 200. Handling deletes the row (bot/app.py), so at start-up the
rows left are exactly the updates a crash cut off: `replay_unhandled` queues them first, each
chat's in order, chats with crisis words first. The replay gate (handlers/gate.py) drops a copy
Telegram sends again.

If the database cannot be written (disk full), updates are still handled from memory and the
failure is logged CRITICAL: a crisis message answered now beats one kept safe on disk.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.delivery.sweep import SweepContext
from storage import updates

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from storage.db import Database


class ScreensText(Protocol):
    """The crisis screen, as far as the replay order needs it: a finding, or None."""

    def screen(self, text: str) -> object | None: ...


class LiveContent(Protocol):
    """The live content, as far as the replay order needs it."""

    @property
    def risk(self) -> ScreensText: ...


class InboxServices(Protocol):
    """What the inbox needs from the application's services (never imported here)."""

    db: Database
    clock: Clock

    @property
    def content(self) -> LiveContent: ...


log = logging.getLogger(__name__)


async def keep(services: InboxServices, batch: Sequence[dict[str, Any]]) -> bool:
    """Write arrived updates to the inbox; False (logged CRITICAL) if the database refused."""
    rows = [(int(raw["update_id"]), json.dumps(raw)) for raw in batch if "update_id" in raw]
    if not rows:
        return True
    try:
        await updates.save_arrived(services.db, rows, services.clock.now())
    except sqlite3.Error as exc:
        log.critical(
            "could not keep %d arrived updates on disk (%s); handling them from memory only",
            len(rows),
            exc,
        )
        return False
    return True


class InboxRequest(BaseRequest):
    """The getUpdates transport: saves each batch to the inbox before PTB sees it."""

    def __init__(self, inner: BaseRequest, services: InboxServices) -> None:
        self.inner = inner
        self.services = services

    @property
    def read_timeout(self) -> float | None:
        """The wrapped transport's default read timeout."""
        return self.inner.read_timeout

    async def initialize(self) -> None:
        """Open the wrapped transport."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Close the wrapped transport."""
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *timeouts: Any,
        **named_timeouts: Any,
    ) -> tuple[int, bytes]:
        """Make the call; for a successful getUpdates, keep its updates before returning.

        The four timeouts go to the wrapped transport untouched, however PTB passes them.
        """
        status, body = await self.inner.do_request(
            url, method, request_data, *timeouts, **named_timeouts
        )
        if status == 200 and url.rstrip("/").endswith("/getUpdates"):
            try:
                result = json.loads(body).get("result")
            except (ValueError, AttributeError):
                result = None  # PTB reports the malformed answer itself
            if isinstance(result, list) and result:
                await keep(self.services, [raw for raw in result if isinstance(raw, dict)])
        return status, body


def replay_order(
    rows: Sequence[tuple[int, dict[str, Any]]], is_crisis: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Updates to handle again: each chat's in arrival order, chats with crisis words first."""
    chats: dict[Any, list[dict[str, Any]]] = {}
    for _update_id, raw in sorted(rows, key=lambda row: row[0]):
        chats.setdefault(_chat_of(raw), []).append(raw)
    ordered = sorted(chats.values(), key=lambda group: not any(is_crisis(r) for r in group))
    return [raw for group in ordered for raw in group]


def _chat_of(raw: dict[str, Any]) -> Any:
    """The chat (or user) an update belongs to, from its raw JSON."""
    for value in raw.values():
        if isinstance(value, dict):
            inner = value.get("message") if "chat" not in value else value
            if isinstance(inner, dict) and isinstance(inner.get("chat"), dict):
                return inner["chat"].get("id")
            if isinstance(value.get("from"), dict):
                return value["from"].get("id")
    return raw.get("update_id")


def _text_of(raw: dict[str, Any]) -> str:
    message = raw.get("message") or raw.get("edited_message") or {}
    return str(message.get("text") or message.get("caption") or "")


async def replay_unhandled(app: Application, services: InboxServices) -> int:
    """Queue the updates a crash cut off, before any new one; returns how many."""
    kept = await updates.unhandled(services.db)
    rows = []
    for update_id, body in kept:
        try:
            rows.append((update_id, json.loads(body)))
        except ValueError:
            log.error("inbox row %s is unreadable; dropped", update_id)
            await updates.mark_handled(services.db, update_id, services.clock.now())
    screen = services.content.risk.screen

    def is_crisis(raw: dict[str, Any]) -> bool:
        text = _text_of(raw)
        return bool(text) and not text.startswith("/") and screen(text) is not None

    ordered = replay_order(rows, is_crisis)
    for raw in ordered:
        update = Update.de_json(raw, app.bot)
        if update is not None:
            await app.update_queue.put(update)
    if ordered:
        log.warning("%d updates were cut off by a restart; handling them first", len(ordered))
    return len(ordered)


async def forget_old_update_ids(context: SweepContext) -> int:
    """Handled update ids are needed only while Telegram might send them again."""
    return await updates.prune(context.services.db, context.now)
