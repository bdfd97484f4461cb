"""A pair's timeline as sweeps: late introductions, the day-7 fit check, the end reminder, the end.

Each sweep turns due times on the pairs table into outbox rows and stamps its column in the same
transaction as the enqueue, so a crash never sends a reminder twice.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core import words
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.sweep import SweepContext
from bot.programme.closure import FIT_VALUES, close_pair
from bot.programme.pairing import member_in, queue_to_member
from storage import pairs


async def remind_unaccepted(context: SweepContext) -> int:
    """Introductions not accepted within the limit: tell the coordinators once."""
    services, now = context.services, context.now
    days = services.content.matching.intro_reminder_days
    late = await pairs.due_intro_reminders(services.db, now - timedelta(days=days))
    t, language = services.t, services.settings.default_language
    for pair in late:
        waiting_on = [
            role
            for role, at in (
                ("mentee", pair.mentee_accepted_at),
                ("mentor", pair.mentor_accepted_at),
            )
            if not at
        ]
        async with services.db.transaction() as connection:
            await notify_coordinators(
                services,
                key=f"pair:{pair.code}:intro-late",
                kind="intro_late",
                text=t(
                    language,
                    "matching.intro_late",
                    pair=pair.code,
                    days=words.days(language, days),
                    who=", ".join(t(language, f"matching.role_{r}") for r in waiting_on),
                ),
                connection=connection,
            )
            await pairs.stamp(connection, pair.id, "intro_reminded_at", now)
    return len(late)


async def ask_fit_check(context: SweepContext) -> int:
    """Day 7: ask each side privately how it is going."""
    services, now = context.services, context.now
    due = await pairs.due_fit_checks(services.db, now)
    for pair in due:
        async with services.db.transaction() as connection:
            for member_id in (pair.mentee_id, pair.mentor_id):
                member = await member_in(connection, member_id or 0)
                if member is None:
                    continue
                t, sign, language = services.t, services.signer.sign, member.language
                buttons = [
                    [
                        (t(language, f"pair.fit_{answer}"), sign("pair", "fit", pair.id, answer))
                        for answer in FIT_VALUES
                    ]
                ]
                partner = await member_in(connection, pair.partner_of(member.id) or 0)
                await queue_to_member(
                    services,
                    connection,
                    member,
                    key=f"pair:{pair.code}:fit:{member.role}",
                    text=t(
                        language,
                        "pair.fit_question",
                        partner=partner.display_alias if partner else "-",
                    ),
                    buttons=buttons,
                    kind="fit_check",
                    now=now,
                    lane=Lane.SCHEDULED,
                )
            await pairs.stamp(connection, pair.id, "fit_check_at", None)
    return len(due)


async def remind_end(context: SweepContext) -> int:
    """Two weeks before the programme ends: tell both, kindly, what comes next."""
    services, now = context.services, context.now
    days = services.content.matching.end_reminder_days
    due = await pairs.due_end_reminders(services.db, now, now + timedelta(days=days))
    for pair in due:
        async with services.db.transaction() as connection:
            for member_id in (pair.mentee_id, pair.mentor_id):
                member = await member_in(connection, member_id or 0)
                if member is None:
                    continue
                partner = await member_in(connection, pair.partner_of(member.id) or 0)
                await queue_to_member(
                    services,
                    connection,
                    member,
                    key=f"pair:{pair.code}:end-soon:{member.role}",
                    text=services.t(
                        member.language,
                        "pair.end_soon",
                        days=words.days(member.language, days),
                        partner=partner.display_alias if partner else "-",
                    ),
                    kind="end_reminder",
                    now=now,
                    lane=Lane.SCHEDULED,
                )
            await pairs.stamp(connection, pair.id, "end_reminded_at", now)
    return len(due)


async def end_programme(context: SweepContext) -> int:
    """PROGRAM_WEEKS are over: close the pair with thanks and the exit survey."""
    services = context.services
    due = await pairs.due_endings(services.db, context.now)
    for pair in due:
        await close_pair(services, pair.id, reason="programme end", ended_by="programme")
    return len(due)
