"""Raising a crisis alert to the coordinators: one alert per episode, updated, never five.

This is the single entry point for every source (chat, button, command, check-in, relay, report,
measure). Repeats within MERGE_WINDOW are merged into the open alert (counted, severity raised).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.clock import from_db
from bot.i18n import Html
from bot.lanes import Lane
from bot.notify import notify_coordinators
from bot.pseudonym import subject
from storage import engagement, escalations, pairs
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services

MERGE_WINDOW = timedelta(minutes=30)


async def raise_alert(
    services: Services,
    *,
    member: Member | None,
    severity: str,
    source: str,
    telegram_id: int | None = None,
    text: str | None = None,
) -> int:
    """Open (or merge into) an escalation and alert the coordinators; returns its id.

    `text` is the member's words: shown only if SHARE_CRISIS_TEXT_WITH_COORDINATORS is on,
    never stored.
    """
    now = services.clock.now()
    db = services.db
    if member is None and telegram_id is not None:
        # Nothing about a person is stored before consent, so repeats from someone who has not
        # joined are merged in memory, keyed by pseudonym, for the merge window.
        recent: dict[str, tuple[object, int]] = services.extras.setdefault("anon_alerts", {})
        key = subject(services.pseudonym_key, telegram_id)
        seen = recent.get(key)
        if seen is not None and now - seen[0] < MERGE_WINDOW:  # type: ignore[operator]
            return seen[1]
    if member is not None:
        existing = await escalations.recent_open_for(db, member.id, now - MERGE_WINDOW)
        if existing is not None:
            await escalations.add_detection(db, existing.id, severity, now)
            updated = await escalations.get(db, existing.id)
            assert updated is not None
            if (
                escalations.SEVERITY_ORDER[updated.severity]
                > escalations.SEVERITY_ORDER[existing.severity]
            ):
                await _send_alert(services, updated, member, text, version=updated.severity)
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
        realert_after=timedelta(minutes=services.settings.escalation_realert_minutes),
    )
    await engagement.record(
        db,
        services.pseudonym_key,
        kind="escalation_raised",
        now=now,
        telegram_id=member.telegram_id if member else telegram_id,
        role=member.role if member else None,
        value=escalations.SEVERITY_ORDER[severity],
    )
    await _send_alert(services, escalation, member, text, version="new")
    if member is None and telegram_id is not None:
        services.extras["anon_alerts"][subject(services.pseudonym_key, telegram_id)] = (
            now,
            escalation.id,
        )
    return escalation.id


async def alert_text(
    services: Services,
    escalation: escalations.Escalation,
    member: Member | None,
    text: str | None = None,
) -> Html:
    """The alert as coordinators see it (codes and alias only, never a Telegram name)."""
    t, language = services.t, services.settings.default_language
    pair = await pairs.get(services.db, escalation.pair_id) if escalation.pair_id else None
    opened = from_db(escalation.created_at)
    assert opened is not None
    lines = [
        t(language, f"escalation.title_{escalation.severity}"),
        t(
            language,
            "escalation.who",
            code=escalation.member_code or "?",
            alias=(member.alias if member else None) or "-",
            role=(member.role if member else None) or "-",
            pair=pair.code if pair else "-",
        ),
        t(
            language,
            "escalation.what",
            source=escalation.source,
            time=opened.strftime("%Y-%m-%d %H:%M UTC"),
            count=escalation.detections,
        ),
    ]
    if text and services.settings.share_crisis_text_with_coordinators:
        lines.append(t(language, "escalation.their_words", text=text[:1500]))
    return Html("\n".join(lines))


async def _send_alert(
    services: Services,
    escalation: escalations.Escalation,
    member: Member | None,
    text: str | None,
    *,
    version: str,
) -> None:
    t, language = services.t, services.settings.default_language
    buttons = [
        [
            (
                t(language, "escalation.claim"),
                services.signer.sign("co", "esc", "claim", escalation.id),
            )
        ]
    ]
    await notify_coordinators(
        services,
        key=f"escalation:{escalation.id}:{version}",
        kind="escalation",
        text=await alert_text(services, escalation, member, text),
        buttons=buttons,
        lane=Lane.CRISIS,
    )
