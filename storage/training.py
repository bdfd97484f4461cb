"""Mentor training progress: which questions each mentor has answered correctly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timecodec import to_db


@dataclass(frozen=True)
class Answered:
    """Progress on one question."""

    module_id: str
    question_id: str
    attempts: int
    passed_at: str | None


async def record_answer(
    db: Database,
    member_id: int,
    module_id: str,
    question_id: str,
    *,
    correct: bool,
    now: datetime,
) -> None:
    """Count an answer; the first correct one marks the question passed."""
    await db.execute(
        "INSERT INTO training_progress (member_id, module_id, question_id, attempts, passed_at) "
        "VALUES (?, ?, ?, 1, ?) ON CONFLICT (member_id, module_id, question_id) DO UPDATE SET "
        "attempts = attempts + 1, passed_at = COALESCE(passed_at, excluded.passed_at)",
        (member_id, module_id, question_id, to_db(now) if correct else None),
    )


async def progress(db: Database, member_id: int) -> list[Answered]:
    """Every question this mentor has answered."""
    rows = await db.fetch_all(
        "SELECT module_id, question_id, attempts, passed_at FROM training_progress "
        "WHERE member_id = ? ORDER BY module_id, question_id",
        (member_id,),
    )
    return [Answered(**dict(row)) for row in rows]


async def passed(db: Database, member_id: int) -> set[tuple[str, str]]:
    """(module id, question id) of every question answered correctly."""
    return {(a.module_id, a.question_id) for a in await progress(db, member_id) if a.passed_at}
