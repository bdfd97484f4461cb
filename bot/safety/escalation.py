"""Raising a crisis alert to the coordinators: one alert per episode, updated, never five.

This is the single entry point for every source (chat, button, command, check-in, relay, report,
measure). Repeats within MERGE_WINDOW are merged into the open alert: a repeat at the same
severity edits the alert in place (detections counted), a higher severity posts it again so the
group is notified, and the mentor of a mentee gets the crisis-protocol card once per episode.
The mentor's card is in bot/safety/crisis_card.py; what happens to the alert afterwards (claim,
re-alert, resolve) is in bot/safety/escalation_lifecycle.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.clock import to_db
from bot.core.pseudonym import subject
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from bot.safety import alert_health
from bot.safety.alert_view import alert_view as alert_view
from bot.safety.alert_view import member_of as member_of
from bot.safety.alert_view import minutes_between as minutes_between
from bot.safety.crisis_card import send_mentor_card
from storage import engagement, escalations, outbox, pairs
from storage.escalations import SEVERITY_ORDER, Escalation
from storage.members import Member

if TYPE_CHECKING:
    import aiosqlite

    from bot.services import Services

MERGE_WINDOW = timedelta(minutes=30)
_WORDS_KEPT = 200  # alerts whose words are remembered in memory (never in the database)


async def raise_alert(
    services: Services,
    *,
    member: Member | None,
    severity: str,
    source: str,
    telegram_id: int | None = None,
    text: str | None = None,
    kind: str = "self",
    language: str | None = None,
) -> int:
    """Open (or merge into) an escalation and alert the coordinators; returns its id.

    `text` is the member's words: shown only if SHARE_CRISIS_TEXT_WITH_COORDINATORS is on,
    kept in memory for re-rendering the alert, never stored.
    """
    now = services.clock.now()
    db = services.db
    share = bool(text) and services.settings.share_crisis_text_with_coordinators
    words = services.crisis.alert_words
    existing = await _open_episode(services, member, telegram_id, now)
    if existing is not None:
        await escalations.add_detection(db, existing.id, severity, now)
        updated = await escalations.get(db, existing.id)
        assert updated is not None
        if share and text:
            words[existing.id] = text
        if SEVERITY_ORDER[updated.severity] > SEVERITY_ORDER[existing.severity]:
            await send_alert(services, updated, member, version=updated.severity)
            await send_mentor_card(services, updated, member)
        else:
            await edit_alert(services, updated, member)
        return existing.id
    current = (await pairs.current_pairs_of(db, member.id))[:1] if member else []
    escalation = await escalations.open_new(
        db,
        member_id=member.id if member else None,
        member_code=member.code if member else None,
        pair_id=current[0].id if current else None,
        severity=severity,
        source=source,
        now=now,
        realert_after=timedelta(minutes=services.settings.realert_gaps[0]),
        kind=kind,
        # Kept while the alert is open, so coordinators can write through the bot to someone
        # who has not joined (or asks to be forgotten); cleared when it is resolved.
        contact_chat_id=telegram_id
        if telegram_id is not None
        else (member.telegram_id if member else None),
        contact_language=language or (member.language if member else None),
    )
    await engagement.record(
        db,
        services.pseudonym_key,
        kind="escalation_raised",
        now=now,
        telegram_id=member.telegram_id if member else None,  # no pseudonym before consent
        role=member.role if member else None,
        pair_code=current[0].code if current else None,
        value=SEVERITY_ORDER[severity],
    )
    if share and text:
        words[escalation.id] = text
        while len(words) > _WORDS_KEPT:
            words.pop(next(iter(words)))
    await send_alert(services, escalation, member, version="new")
    await send_mentor_card(services, escalation, member)
    if member is None and telegram_id is not None:
        services.crisis.anon_alerts[subject(services.pseudonym_key, telegram_id)] = (
            now,
            escalation.id,
        )
    return escalation.id


async def _open_episode(
    services: Services, member: Member | None, telegram_id: int | None, now: datetime
) -> Escalation | None:
    """The unresolved escalation this detection belongs to, if one was raised recently."""
    if member is not None:
        return await escalations.recent_open_for(services.db, member.id, now - MERGE_WINDOW)
    if telegram_id is None:
        return None
    # Nothing about a person is stored before consent, so repeats from someone who has not
    # joined are merged in memory, keyed by pseudonym, for the merge window.
    recent = services.crisis.anon_alerts
    seen = recent.get(subject(services.pseudonym_key, telegram_id))
    if seen is None or now - seen[0] >= MERGE_WINDOW:
        return None
    escalation = await escalations.get(services.db, seen[1])
    return escalation if escalation is not None and escalation.status != "resolved" else None


async def send_alert(
    services: Services,
    escalation: Escalation,
    member: Member | None,
    *,
    version: str,
    banner: str | None = None,
    connection: aiosqlite.Connection | None = None,
    threaded: bool = False,
) -> None:
    """Post the alert (a new message, so the group is notified) in the crisis lane.

    The previous alert message, if any, loses its buttons and points to the new one, so nobody
    scrolling up acts on an out-of-date copy.
    """
    if escalation.alert_message_id is not None:
        await edit_alert(
            services,
            escalation,
            member,
            connection=connection,
            banner=services.t(services.settings.default_language, "escalation.superseded"),
        )
    text, buttons = await alert_view(services, escalation, member, banner=banner)
    await notify_coordinators(
        services,
        key=f"escalation:{escalation.id}:{version}",
        kind="escalation",
        text=text,
        buttons=buttons,
        lane=Lane.CRISIS,
        connection=connection,
        reply_to=escalation.first_alert_message_id if threaded else None,
    )
    if not await alert_health.group_ok(services):  # the group is gone or muted: go around it
        await alert_health.send_fallback(services, escalation, version=version)


async def edit_alert(
    services: Services,
    escalation: Escalation,
    member: Member | None,
    *,
    banner: str | None = None,
    connection: aiosqlite.Connection | None = None,
) -> bool:
    """Bring the newest alert message up to date in place (queued); False if not yet sent.

    With a `banner` the message is marked superseded: that text on top, and no buttons.
    """
    if escalation.alert_message_id is None:
        return False  # still queued: the re-alert or the next change will show the new state
    text, buttons = await alert_view(services, escalation, member, banner=banner)
    now = services.clock.now()
    # Without buttons (resolved) the payload has no reply_markup, which removes the keyboard.
    payload = message_payload(
        text, None if banner else buttons, message_id=escalation.alert_message_id
    )
    queued = await queue(
        services,
        # Edits are idempotent by nature; the key only stops the same redraw twice a second.
        key=f"escalation:{escalation.id}:edit:{to_db(now)}:"
        f"{hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:12]}",
        chat_id=services.settings.coordinator_chat_id,
        lane=Lane.CRISIS,
        kind="escalation_edit",
        method="editMessageText",
        payload=payload,
        now=now,
        connection=connection,
    )
    services.outbox.wake()
    return queued


async def remember_alert_message(services: Services, due: outbox.DueItem, result: Any) -> None:
    """Keep the newest alert's message id, so claims and repeats can edit it."""
    item = due.item
    escalation_id = int(item.idempotency_key.split(":")[1])
    message_id = getattr(result, "message_id", None)
    if message_id is not None:
        await escalations.set_alert_message(services.db, escalation_id, int(message_id))
