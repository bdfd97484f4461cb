"""Loud failures on the coordinators' side: a crisis alert that cannot be delivered is never
silent.

Every coordinator-side message that fails for good is logged at ERROR with the reason and
counted against its alert (`python -m bot status` reports it and exits non-zero). When the
coordinators' group cannot be reached (the bot was removed or muted), alerts also go to
COORDINATOR_FALLBACK_IDS in private. When the group became a supergroup (ChatMigrated), queued
rows follow it to its new id. None of this touches the member's own crisis reply, which is sent
before any alert work starts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from bot.safety.alert_view import alert_view, member_of
from storage import coordinator_group, escalation_followup, escalations
from storage.outbox import OutboxItem

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
# Kinds that are about a crisis alert, wherever they go (the group, a mentor, a coordinator).
ALERT_KINDS = (
    "escalation",
    "escalation_edit",
    "escalation_reminder",
    "escalation_fallback",
    "crisis_card",
    "coordinator_message",
)


def _escalation_id(item: OutboxItem) -> int | None:
    """The alert an outbox row belongs to, from its key ("escalation:<id>:...")."""
    parts = item.idempotency_key.split(":")
    if parts[0] in ("escalation", "crisis_card", "alert_message") and len(parts) > 1:
        return int(parts[1]) if parts[1].isdigit() else None
    return None


async def coordinator_side_failed(services: Services, item: OutboxItem, reason: str) -> None:
    """A message to the coordinators (or about an alert) failed for good: say so loudly."""
    group = services.settings.coordinator_chat_id
    if item.chat_id != group and item.kind not in ALERT_KINDS:
        return
    if reason.startswith("migrated:"):
        await group_migrated(services, group, int(reason.split(":", 1)[1]))
        return
    escalation_id = _escalation_id(item)
    if item.kind in ("crisis_card", "coordinator_message"):
        # To a mentor or the member (who may have blocked the bot): loud, but the alert itself
        # still reached the coordinators, so it does not count as a failing alert.
        log.warning(
            "message about alert %s to a member failed (kind %s, outbox row %s): %s",
            escalation_id or "-",
            item.kind,
            item.id,
            reason,
        )
        return
    log.error(
        "coordinator-side message failed (kind %s, outbox row %s, alert %s): %s",
        item.kind,
        item.id,
        escalation_id or "-",
        reason,
    )
    if escalation_id is not None:
        await escalation_followup.record_failure(services.db, escalation_id, reason)
    if item.chat_id == group and reason.startswith("forbidden"):
        await group_unreachable(services, "removed")
    if item.chat_id == group and item.kind == "escalation" and escalation_id is not None:
        escalation = await escalations.get(services.db, escalation_id)
        if escalation is not None:
            await send_fallback(services, escalation, version=f"failed{item.id}")


async def group_ok(services: Services) -> bool:
    """Can alerts reach the coordinators' group, as far as the bot knows?"""
    state = await coordinator_group.get(services.db)
    return state is None or state.state == "ok"


async def group_unreachable(services: Services, state: str) -> None:
    """The bot was removed from, or muted in, the coordinators' group."""
    changed = await coordinator_group.set_state(
        services.db,
        chat_id=services.settings.coordinator_chat_id,
        state=state,
        now=services.clock.now(),
    )
    if changed:
        fallback = services.settings.fallback_ids
        log.error(
            "the coordinators' group %s cannot be reached (%s): crisis alerts go to %s "
            "until the bot is added back with permission to post",
            services.settings.coordinator_chat_id,
            state,
            f"{len(fallback)} fallback coordinator(s)"
            if fallback
            else "NOBODY (set COORDINATOR_FALLBACK_IDS)",
        )
        for escalation in await escalations.open_escalations(services.db):
            await send_fallback(services, escalation, version=state)


async def group_migrated(services: Services, old_chat_id: int, new_chat_id: int) -> None:
    """The group became a supergroup with a new id: follow it (and tell the operator)."""
    await coordinator_group.set_state(
        services.db, chat_id=new_chat_id, state="ok", now=services.clock.now()
    )
    moved = await coordinator_group.retarget_outbox(services.db, old_chat_id, new_chat_id)
    services.settings.coordinator_chat_id = new_chat_id
    log.error(
        "the coordinators' group moved to a new id (it became a supergroup): %s -> %s; "
        "%d queued messages follow it. Set COORDINATOR_CHAT_ID=%s in the settings and "
        "restart, so coordinator commands work there too",
        old_chat_id,
        new_chat_id,
        moved,
        new_chat_id,
    )


async def send_fallback(
    services: Services, escalation: escalations.Escalation, *, version: str
) -> int:
    """Send the alert in private to every fallback coordinator; returns how many were queued."""
    ids = services.settings.fallback_ids
    if not ids or escalation.status == "resolved":
        return 0
    text, buttons = await alert_view(services, escalation, await member_of(services, escalation))
    language = services.settings.default_language
    body = f"{services.t(language, 'escalation.fallback_banner')}\n\n{text}"
    # Claim and resolve work from the private copy; writing to the member needs the group.
    rows = [row for row in buttons if not any(":msg:" in data for _label, data in row)]
    now = services.clock.now()
    # One copy per state of the alert, whatever noticed the group was gone first.
    del version
    state = f"{escalation.severity}:{escalation.realerts}"
    for coordinator in ids:
        await queue(
            services,
            key=f"escalation:{escalation.id}:fallback:{coordinator}:{state}",
            chat_id=coordinator,
            lane=Lane.CRISIS,
            kind="escalation_fallback",
            payload=message_payload(body, rows),
            now=now,
        )
    return len(ids)
