"""The demo's programme: a cast of members at different stages, one pair with history, a past cohort.

Everything is written through the storage functions the bot itself uses, so the demo starts from
a state the real flows could have produced. The past cohort exists only as anonymised engagement
events (its members finished and were forgotten), so /dashboard has enough people to show figures
that small-cell suppression would otherwise hide.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.content import Content
from bot.core.clock import from_db, to_db
from bot.core.pseudonym import content_number
from bot.programme.checkins import iso_week
from storage import audit, checkins, engagement, members, pairs, relay, training
from storage.db import Database

# The demo always starts at the same moment, so a scripted run prints the same transcript.
DEMO_START = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)  # a Thursday morning
PAST_COHORT_PAIRS = 36
COORDINATOR_ID = 999


@dataclass(frozen=True)
class Persona:
    """Someone you can act as in the demo."""

    key: str
    name: str
    telegram_id: int
    language: str
    story: str  # who they are, for the who-is-who table
    profile: dict[str, Any] | None = None  # None: not a member yet (they will /start)
    joined_days_ago: float = 0.02  # when they consented


def _days(n: float) -> str:
    return to_db(DEMO_START - timedelta(days=n))


CAST: tuple[Persona, ...] = (
    Persona("ana", "Ana", 111, "en", "new here: has never talked to the bot (try /start)"),
    Persona(
        "eva",
        "Eva",
        222,
        "es",
        "mentee, just consented, stopped intake at the alias question (speaks Spanish)",
        {"role": "mentee", "status": "intake", "intake_step": "alias"},
    ),
    Persona(
        "lea",
        "Lea",
        333,
        "en",
        "mentee, intake done, waiting for a match for 12 days",
        {
            "role": "mentee",
            "status": "waiting",
            "alias": "Lea",
            "age_band": "25-34",
            "languages_spoken": ["en"],
            "focus_areas": ["anxiety", "loneliness"],
            "checkin_weekday": 2,
            "checkin_time": "18:00",
            "intake_done_at": _days(12),
        },
        13,
    ),
    Persona(
        "sam",
        "Sam",
        444,
        "en",
        "mentee, paired with Max for 3 weeks, check-ins Mondays 18:00, last message 6 days ago",
        {
            "role": "mentee",
            "status": "active",
            "alias": "Sam",
            "age_band": "35-44",
            "languages_spoken": ["en"],
            "focus_areas": ["grief", "low_mood"],
            "checkin_weekday": 0,
            "checkin_time": "18:00",
            "intake_done_at": _days(30),
        },
        31,
    ),
    Persona(
        "max",
        "Max",
        555,
        "en",
        "mentor, approved, mentoring Sam, room for one more (quiet hours 21:00-08:00)",
        {
            "role": "mentor",
            "status": "active",
            "alias": "Max",
            "age_band": "35-44",
            "languages_spoken": ["en", "es"],
            "focus_areas": ["grief", "low_mood", "anxiety"],
            "lived_experience": ["grief", "low_mood"],
            "capacity": 2,
            "intake_done_at": _days(60),
            "code_agreed_at": _days(60),
            "trained_at": _days(55),
            "approved_at": _days(54),
        },
        61,
    ),
    Persona(
        "tom",
        "Tom",
        666,
        "en",
        "mentor in training: 5 of 6 modules done (try /training)",
        {
            "role": "mentor",
            "status": "training",
            "alias": "Tom",
            "age_band": "25-34",
            "languages_spoken": ["en"],
            "focus_areas": ["anxiety", "loneliness"],
            "lived_experience": ["anxiety", "loneliness"],
            "capacity": 1,
            "intake_done_at": _days(6),
            "code_agreed_at": _days(6),
        },
        7,
    ),
)


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
    await _past_cohort(db, key, now, content)
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


COPING_VOTES = {"anxious": 14, "low": 12, "cant_sleep": 11, "lonely": 6}


async def _past_cohort(db: Database, key: bytes, now: datetime, content: Content) -> None:
    """Anonymised events of 24 earlier pairs (12 weeks each, staggered), for the dashboard."""
    first_id = 8_000_000
    async with db.transaction() as connection:

        async def event(
            kind: str,
            moment: datetime,
            who: int | None = None,
            role: str | None = None,
            pair: str | None = None,
            value: float | None = None,
        ) -> None:
            # They have left the programme: no member row, only the secret their events had.
            secret = hashlib.sha256(b"past member %d" % who).digest() if who else None
            await engagement.record(
                connection,
                key,
                kind=kind,
                now=moment,
                secret=secret,
                role=role,
                pair_code=pair,
                value=value,
            )

        for index in range(PAST_COHORT_PAIRS):
            mentee, mentor = first_id + 2 * index, first_id + 2 * index + 1
            code = f"PAST{index:02d}"
            joined = now - timedelta(weeks=15) + timedelta(days=2 * index)
            paired = joined + timedelta(days=5 + index % 4)
            await event("consented", joined, mentee, "mentee")
            await event("consented", joined - timedelta(days=20), mentor, "mentor")
            for who, role in ((mentee, "mentee"), (mentor, "mentor")):
                await event("paired", paired, who, role, code)
                await event("accepted", paired + timedelta(hours=20), who, role, code)
            await event(
                "message_relayed", paired + timedelta(hours=6 + index % 20), mentor, "mentor", code
            )
            drops_out = index % 3 == 2
            weeks = 3 if drops_out else 12
            for week in range(weeks):
                moment = paired + timedelta(weeks=week, days=1)
                if moment >= now:
                    break
                if (index + week) % 5:  # most weeks, not all
                    mood = min(5, 2 + (week + index % 3) // 4)
                    await event("checkin_done", moment, mentee, "mentee", code, mood)
                await event("message_relayed", moment + timedelta(hours=3), mentee, "mentee", code)
                if week in (0, 6):
                    await event(
                        "who5_score",
                        moment,
                        mentee,
                        "mentee",
                        code,
                        36 + 4 * (index % 5) + (4 * (index % 7) if week else 0),
                    )
            end = paired + timedelta(weeks=weeks)
            if end < now:
                reason = "mentee_left" if drops_out else "completed"
                for who, role in ((mentee, "mentee"), (mentor, "mentor")):
                    await event("ended", end, who, role, code, engagement.END_REASONS[reason])
            if index % 3 == 0:
                raised = paired + timedelta(weeks=2, hours=20)
                await event("escalation_raised", raised, mentee, "mentee", code, 2)
                await event(
                    "escalation_claimed",
                    raised + timedelta(minutes=4 + index % 9),
                    None,
                    "coordinator",
                    None,
                    4 + index % 9,
                )
        vote = 0
        for feeling, votes in COPING_VOTES.items():
            for _ in range(votes):
                vote += 1
                moment = now - timedelta(weeks=10) + timedelta(hours=37 * vote)
                strategy = content.coping.feelings[feeling].strategies[0].id
                await event("coping_helpful", moment, None, None, None, content_number(strategy))
