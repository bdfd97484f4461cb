"""Broadcasts: confirming one into outbox rows (lowest lane), and its one progress message.

The progress message in the coordinators' group is edited at most every PROGRESS_EVERY as the
sender works through the rows ("sent 340 of 1,000 · 2 unreachable · about 1 min left"), then
turned into the final report. Everything lives in the database, so a restart carries on.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, TelegramError

from bot.core import words
from bot.core.clock import from_db, to_db
from bot.core.i18n import Html, escape
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import call_bot, message_payload
from storage import audit, broadcasts
from storage.outbox import NewMessage, enqueue_many

if TYPE_CHECKING:
    from telegram import Bot

    from bot.services import Services

log = logging.getLogger(__name__)
PROGRESS_EVERY = timedelta(seconds=5)  # 12 edits a minute: inside the group's 20 a minute
EXPIRES_AFTER = timedelta(days=3)  # a broadcast held longer than this (a long pause) is stale


def number(value: int) -> str:
    """1000 -> '1,000'."""
    return f"{value:,}"


async def confirm(
    services: Services, broadcast_id: int, *, actor_id: int, actor_name: str
) -> broadcasts.Broadcast | None:
    """Turn a draft into outbox rows (one transaction, audited); None if it is not a draft."""
    db, now, t = services.db, services.clock.now(), services.t
    draft = await broadcasts.get(db, broadcast_id)
    if draft is None or draft.status != "draft" or draft.text is None:
        return None
    async with db.transaction() as connection:
        people = await broadcasts.recipients(connection, draft.audience)
        _, unreachable = await broadcasts.audience_counts_in(connection, draft.audience)
        if not await broadcasts.set_status(
            connection,
            broadcast_id,
            old="draft",
            new="sending",
            confirmed_at=to_db(now),
            total=len(people) + unreachable,
            unreachable_at_start=unreachable,
        ):
            return None
        rows = [
            NewMessage(
                key=f"broadcast:{broadcast_id}:{person.code}",
                chat_id=person.telegram_id,
                lane=Lane.BROADCAST,
                kind="broadcast",
                payload=message_payload(
                    Html(
                        t(person.language, "delivery.broadcast_header")
                        + "\n\n"
                        + escape(draft.text)
                    )
                ),
                not_before=now,
                member_id=person.member_id,
                expires_at=now + EXPIRES_AFTER,
                broadcast_id=broadcast_id,
            )
            for person in people
        ]
        await enqueue_many(connection, rows, now)
        await audit.record(
            connection,
            actor_id=actor_id,
            actor_name=actor_name,
            action="broadcast",
            now=now,
            detail=f"#{broadcast_id} to {draft.audience}: {len(people)} reachable, "
            f"{unreachable} unreachable",
        )
    services.outbox.wake()
    return await broadcasts.get(db, broadcast_id)


def progress_text(
    services: Services,
    broadcast: broadcasts.Broadcast,
    progress: broadcasts.Progress,
    now: datetime,
) -> str:
    """The progress line, or the final report once nothing is left."""
    t, language = services.t, services.settings.default_language
    audience = t(language, f"delivery.audience_{broadcast.audience}")
    unreachable = broadcast.unreachable_at_start + progress.unreachable
    if progress.done:
        return t(
            language,
            "delivery.broadcast_done",
            audience=audience,
            sent=number(progress.sent),
            total=number(broadcast.total),
            unreachable=number(unreachable),
            other=number(progress.other),
        )
    started = from_db(broadcast.confirmed_at) or now
    elapsed = (now - started).total_seconds()
    if progress.sent == 0 or elapsed <= 0:
        eta = t(language, "delivery.broadcast_eta_unknown")
    else:
        seconds = progress.waiting / (progress.sent / elapsed)
        eta = (
            t(language, "delivery.broadcast_eta_soon")
            if seconds < 60
            else t(
                language,
                "delivery.broadcast_eta_minutes",
                minutes=words.minutes(language, math.ceil(seconds / 60)),
            )
        )
    held = (
        t(language, "delivery.broadcast_held", count=number(progress.held)) if progress.held else ""
    )
    return t(
        language,
        "delivery.broadcast_progress",
        audience=audience,
        sent=number(progress.sent),
        total=number(broadcast.total),
        unreachable=number(unreachable),
        held=Html(held),
        eta=eta,
    )


async def refresh_progress(services: Services, bot: Bot, broadcast_id: int) -> bool:
    """Edit the progress message if it is time; True once the final report is out."""
    db, now = services.db, services.clock.now()
    broadcast = await broadcasts.get(db, broadcast_id)
    if broadcast is None or broadcast.status != "sending":
        return True
    progress = await broadcasts.progress(db, broadcast_id, now)
    last = from_db(broadcast.progress_at)
    if not progress.done and last is not None and now - last < PROGRESS_EVERY:
        return False
    if progress.done and not await broadcasts.set_status(
        db, broadcast_id, old="sending", new="done", finished_at=to_db(now), text=None
    ):
        return True  # another round already reported it
    await broadcasts.set_progress(db, broadcast_id, at=now)
    if broadcast.progress_message_id is not None:
        await _edit(
            services,
            bot,
            broadcast.progress_message_id,
            progress_text(services, broadcast, progress, now),
        )
    return progress.done


async def _edit(services: Services, bot: Bot, message_id: int, text: str) -> None:
    params: dict[str, Any] = {"message_id": message_id, "text": text, "parse_mode": "HTML"}
    try:
        # Ahead of the broadcast's own rows, so the count keeps moving during the wave.
        await call_bot(
            bot, "editMessageText", services.settings.coordinator_chat_id, params, Lane.SCHEDULED
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            log.warning("could not edit the broadcast progress message: %s", exc.message)
    except TelegramError as exc:
        log.warning("could not edit the broadcast progress message: %s", type(exc).__name__)
