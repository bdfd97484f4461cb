"""Exit-survey answers, anonymised: hour bucket, pair pseudonym, role, question id, a number."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.engagement import hour_bucket
from storage.pseudonym import pair_ref


async def answer(
    db: Database,
    key: bytes,
    *,
    survey: str,
    pair_code: str,
    role: str,
    question: str,
    value: float,
    now: datetime,
) -> bool:
    """Store one answer; False if this side of the pair already answered that question."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "INSERT OR IGNORE INTO survey_answers (hour, survey, question, role, pair_ref, value) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (hour_bucket(now), survey, question, role, pair_ref(key, pair_code), value),
        )
        return cursor.rowcount == 1


async def answers(db: Database, survey: str) -> list[tuple[str, str, float]]:
    """(role, question, value) of every answer to a survey."""
    rows = await db.fetch_all(
        "SELECT role, question, value FROM survey_answers WHERE survey = ? ORDER BY id", (survey,)
    )
    return [(row[0], row[1], float(row[2])) for row in rows]
