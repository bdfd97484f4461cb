"""The demo's past cohort: anonymised engagement events of earlier pairs, for /dashboard.

Its members finished and were forgotten: no member rows, only the events, so the dashboard has
enough people to show figures that small-cell suppression would otherwise hide.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from bot.content import Content
from bot.core.pseudonym import content_number
from bot.sandbox.demo_cast import PAST_COHORT_PAIRS
from storage import engagement
from storage.db import Database

COPING_VOTES = {"anxious": 14, "low": 12, "cant_sleep": 11, "lonely": 6}


async def seed_past_cohort(db: Database, key: bytes, now: datetime, content: Content) -> None:
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
