"""Seeding many members in active pairs straight into a database, for chaos and soak runs.

What weeks of intake, training and matching would leave behind: consented members with finished
profiles (mixed languages and time zones, check-in days spread over the week) in active pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import to_db
from storage import members, pairs
from storage.db import Database

ZONES = ["UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata", "America/Mexico_City"]


@dataclass(frozen=True)
class SeededPair:
    """Telegram ids of one seeded pair."""

    mentee: int
    mentor: int


async def seed_pairs(
    db: Database, *, count: int, now: datetime, first_telegram_id: int, approved_by: int
) -> list[SeededPair]:
    """Create `count` active pairs (2 x count members); returns their Telegram ids."""
    seeded = []
    for index in range(count):
        ids = []
        created = []
        for offset, role in enumerate(("mentee", "mentor")):
            telegram_id = first_telegram_id + 2 * index + offset
            ids.append(telegram_id)
            member = await members.create_on_consent(
                db,
                telegram_id=telegram_id,
                language="es" if index % 5 == 0 else "en",
                country="US",
                timezone=ZONES[(2 * index + offset) % len(ZONES)],
                now=now - timedelta(days=20),
            )
            profile: dict[str, Any] = {
                "role": role,
                "alias": f"{role[:2]}{index}",
                "status": "active",
                "languages_spoken": ["en", "es"],
                "age_band": "25-34",
                "intake_done_at": to_db(now - timedelta(days=19)),
                "checkin_weekday": index % 7,
                "checkin_time": f"{9 + index % 10:02d}:00",
                "next_checkin_at": to_db(now + timedelta(minutes=(index * 97) % 10_080)),
            }
            if role == "mentor":
                profile |= {
                    "lived_experience": ["grief"],
                    "trained_at": to_db(now),
                    "approved_at": to_db(now),
                    "capacity": 1,
                }
            else:
                profile["focus_areas"] = ["grief"]
            try:
                created.append(await members.update_profile(db, member.id, now, **profile))
            except ValueError:  # a profile field this version does not have: leave it out
                profile = {k: v for k, v in profile.items() if k in members.PROFILE_FIELDS}
                created.append(await members.update_profile(db, member.id, now, **profile))
        async with db.transaction() as connection:
            pair = await pairs.insert(
                connection,
                mentee_id=created[0].id,
                mentor_id=created[1].id,
                approved_by=approved_by,
                now=now - timedelta(days=14),
            )
            await pairs.record_acceptance(connection, pair, "mentee", now - timedelta(days=13))
            await pairs.record_acceptance(connection, pair, "mentor", now - timedelta(days=13))
            await pairs.activate(
                connection,
                pair.id,
                now=now - timedelta(days=13),
                ends_at=now + timedelta(weeks=10),
                fit_check_at=now + timedelta(minutes=index * 13 % 10_080),
            )
        seeded.append(SeededPair(*ids))
    return seeded
