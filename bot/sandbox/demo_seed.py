"""The demo's programme: the cast as members, one pair with history, then the past cohort.

Everything is written through the storage functions the bot itself uses, so the demo starts from
a state the real flows could have produced. Who the cast are lives in bot/sandbox/demo_cast.py,
the anonymised past cohort in bot/sandbox/demo_seed_past.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content import Content
from bot.core.clock import from_db
from bot.programme.checkins import iso_week
from bot.sandbox.demo_cast import CAST, COORDINATOR_ID, DEMO_START
from bot.sandbox.demo_seed_past import seed_past_cohort
from storage import audit, checkins, engagement, members, pairs, relay, training
from storage.db import Database


@dataclass(frozen=True)
class Seeded:
    """What seeding produced: each persona's member code (None if not a member) and the pair."""

    codes: dict[str, str | None]
    pair_code: str


async def seed_programme(db: Database, key: bytes, content: Content) -> Seeded:
    """Create the cast, the Sam-Max pair with three weeks of history, and the past cohort."""
    now = DEMO_START
    created: dict[str, members.Member] = {}
    for persona in CAST:
        if persona.profile is None:
            continue
        joined = now - timedelta(days=persona.joined_days_ago)
        member = await members.create_on_consent(
            db,
            telegram_id=persona.telegram_id,
            language=persona.language,
            country="ES" if persona.language == "es" else "US",
            timezone="Europe/Madrid" if persona.language == "es" else "UTC",
            now=joined,
        )
        profile = {k: v for k, v in persona.profile.items() if k in members.PROFILE_FIELDS}
        created[persona.key] = await members.update_profile(db, member.id, joined, **profile)
        await engagement.record(
            db,
            key,
            kind="consented",
            now=joined,
            telegram_id=persona.telegram_id,
            role=profile.get("role"),
        )
    await _training_progress(db, created["tom"].id, content, now)
    pair = await _active_pair(db, key, created["sam"], created["max"], now)
    await seed_past_cohort(db, key, now, content)
    codes = {p.key: (created[p.key].code if p.key in created else None) for p in CAST}
    return Seeded(codes, pair.code)


async def _training_progress(db: Database, member_id: int, content: Content, now: datetime) -> None:
    """Tom has passed every module but the last."""
    for day, module in enumerate(content.training.modules[:-1]):
        for question in module.questions:
            await training.record_answer(
                db,
                member_id,
                module.id,
                question.id,
                correct=True,
                now=now - timedelta(days=5 - day),
            )


MOODS = (2, 3, 3)  # Sam's check-ins so far: a little better each week


def checkin_moments(started: datetime) -> list[datetime]:
    """Sam's past check-ins: the Mondays after the pair started, at 18:30 (prompts come at 18:00)."""
    return [started + timedelta(days=4 + 7 * week, hours=9) for week in range(len(MOODS))]


async def _active_pair(
    db: Database, key: bytes, mentee: members.Member, mentor: members.Member, now: datetime
) -> pairs.Pair:
    """Sam and Max: introduced 22 days ago, both in, fit check answered, talking since."""
    started = now - timedelta(days=21)
    mentor_approved = from_db(mentor.approved_at) or started
    async with db.transaction() as connection:
        pair = await pairs.insert(
            connection,
            mentee_id=mentee.id,
            mentor_id=mentor.id,
            approved_by=COORDINATOR_ID,
            now=started - timedelta(days=1),
        )
        for side in ("mentee", "mentor"):
            await pairs.record_acceptance(connection, pair, side, started)
        await pairs.activate(
            connection,
            pair.id,
            now=started,
            ends_at=started + timedelta(weeks=12),
            fit_check_at=started + timedelta(days=7),
        )
        await pairs.stamp(connection, pair.id, "fit_check_at", None)  # both said "good"
        await audit.record(
            connection,
            actor_id=COORDINATOR_ID,
            actor_name="Cleo",
            action="approve",
            now=mentor_approved,
            subject=mentor.code,
        )
        await audit.record(
            connection,
            actor_id=COORDINATOR_ID,
            actor_name="Cleo",
            action="approve",
            now=started - timedelta(days=1),
            subject=pair.code,
            detail=f"{mentee.code}+{mentor.code}",
        )
        for member in (mentee, mentor):
            role = member.role
            await engagement.record(
                connection,
                key,
                kind="paired",
                now=started - timedelta(days=1),
                telegram_id=member.telegram_id,
                role=role,
                pair_code=pair.code,
            )
            await engagement.record(
                connection,
                key,
                kind="accepted",
                now=started,
                telegram_id=member.telegram_id,
                role=role,
                pair_code=pair.code,
            )
            await engagement.record(
                connection,
                key,
                kind="fit_check",
                now=started + timedelta(days=7),
                telegram_id=member.telegram_id,
                role=role,
                pair_code=pair.code,
                value=2,
            )
        await engagement.record(
            connection,
            key,
            kind="who5_score",
            now=checkin_moments(started)[0],
            telegram_id=mentee.telegram_id,
            role="mentee",
            pair_code=pair.code,
            value=44,
        )
        for moment, mood in zip(checkin_moments(started), MOODS, strict=True):
            await engagement.record(
                connection,
                key,
                kind="checkin_done",
                now=moment,
                telegram_id=mentee.telegram_id,
                role="mentee",
                pair_code=pair.code,
                value=mood,
            )
            for hours, sender in ((2, mentee), (5, mentor), (30, mentee)):
                await engagement.record(
                    connection,
                    key,
                    kind="message_relayed",
                    now=moment + timedelta(hours=hours),
                    telegram_id=sender.telegram_id,
                    role=sender.role,
                    pair_code=pair.code,
                )
    await _pair_records(db, pair, mentee, mentor, started, now)
    refreshed = await pairs.get(db, pair.id)
    assert refreshed is not None
    return refreshed


async def _pair_records(
    db: Database,
    pair: pairs.Pair,
    mentee: members.Member,
    mentor: members.Member,
    started: datetime,
    now: datetime,
) -> None:
    """Sam's weekly check-ins and the relay map of their messages (ids and times, no content)."""
    first = checkin_moments(started)[0]
    await checkins.add_measure(
        db,
        member_id=mentee.id,
        instrument="who5",
        occasion="start",
        score=44,
        band="reduced",
        now=first,
    )  # next one due in week 4
    for moment, mood in zip(checkin_moments(started), MOODS, strict=True):
        await checkins.save_checkin(
            db,
            member_id=mentee.id,
            pair_id=pair.id,
            period=iso_week(moment, mentee.timezone),
            mood=mood,
            answers={},
            note_shared=False,
            wants_contact=False,
            now=moment,
        )
    # The last message was six days ago: the weekly nudge comes on the first demo day.
    for number, days_ago in enumerate((20, 18, 13, 11, 7, 6)):
        sender, receiver = (mentee, mentor) if number % 2 == 0 else (mentor, mentee)
        moment = now - timedelta(days=days_ago, hours=-2)
        await relay.record(
            db,
            pair_id=pair.id,
            from_member_id=sender.id,
            to_member_id=receiver.id,
            from_chat=sender.telegram_id,
            from_msg=90_000 + number,
            to_chat=receiver.telegram_id,
            now=moment,
            deliver_at=moment,
            into_quiet=False,
            sender_night=False,
        )
        await relay.mark_delivered(
            db, sender.telegram_id, 90_000 + number, receiver.telegram_id, 90_100 + number, moment
        )
