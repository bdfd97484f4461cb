"""Aftercare: the day after an alert is resolved, a gentle check-in with the member.

Due at `escalations.aftercare_at` (set on resolve: AFTERCARE_AFTER_HOURS later, unless
AFTERCARE_ENABLED is off or the outcome was a false alarm). It goes in the scheduled lane, so
quiet hours and /pause hold it like any other nudge; the member can answer or skip it. Nobody
is checked on who has left, blocked the bot, or asked to be forgotten.
"""

from __future__ import annotations

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from bot.delivery.sweep import SweepContext
from storage import escalation_followup, members


async def next_day_check(context: SweepContext) -> int:
    """Queue the check-in for every resolved alert whose time has come; returns how many."""
    services, now = context.services, context.now
    t, sign = services.t, services.signer.sign
    count = 0
    for escalation in await escalation_followup.due_aftercare(services.db, now):
        member = (
            await members.get_by_id(services.db, escalation.member_id)
            if escalation.member_id
            else None
        )
        async with services.db.transaction() as connection:
            if not await escalation_followup.clear_aftercare(connection, escalation.id):
                continue
            if member is None or member.unreachable:
                continue
            language = member.language
            buttons = [
                [
                    (t(language, "safety_plan.aftercare_ok"), sign("crisis", "after_ok")),
                    (t(language, "safety_plan.aftercare_struggling"), sign("crisis", "after_bad")),
                ],
                [(t(language, "safety_plan.aftercare_skip"), sign("crisis", "after_skip"))],
            ]
            await queue(
                services,
                key=f"aftercare:{escalation.id}",
                chat_id=member.telegram_id,
                member_id=member.id,
                lane=Lane.SCHEDULED,
                kind="aftercare",
                payload=message_payload(
                    t(language, "safety_plan.aftercare", alias=member.display_alias), buttons
                ),
                now=now,
                connection=connection,
            )
        count += 1
    if count:
        services.outbox.wake()
    return count
