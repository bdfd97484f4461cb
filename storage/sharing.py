"""A mentee's sharing choices (item -> shown to the mentor or not) and their goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timecodec import to_db

MAX_GOALS = 3
GOAL_MAX_CHARS = 200


async def choices(db: Database, member_id: int) -> dict[str, bool]:
    """The items the member decided about (others follow the programme's default)."""
    rows = await db.fetch_all("SELECT item, shared FROM sharing WHERE member_id = ?", (member_id,))
    return {row["item"]: bool(row["shared"]) for row in rows}


async def choose(db: Database, member_id: int, item: str, shared: bool, now: datetime) -> None:
    """Record one decision."""
    await db.execute(
        "INSERT INTO sharing (member_id, item, shared, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (member_id, item) DO UPDATE SET shared = excluded.shared, "
        "updated_at = excluded.updated_at",
        (member_id, item, int(shared), to_db(now)),
    )


@dataclass(frozen=True)
class Goal:
    """One goal in the mentee's words, and how far they got (0 not yet .. 3 done)."""

    id: int
    text: str
    progress: int


async def goals(db: Database, member_id: int) -> list[Goal]:
    """The member's goals, oldest first."""
    rows = await db.fetch_all(
        "SELECT id, text, progress FROM goals WHERE member_id = ? ORDER BY id", (member_id,)
    )
    return [Goal(int(r["id"]), r["text"], int(r["progress"])) for r in rows]


async def add_goal(db: Database, member_id: int, text: str, now: datetime) -> Goal | None:
    """Add a goal (trimmed); None if the member already has MAX_GOALS."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "SELECT COUNT(*) FROM goals WHERE member_id = ?", (member_id,)
        )
        row = await cursor.fetchone()
        if row is not None and row[0] >= MAX_GOALS:
            return None
        cursor = await connection.execute(
            "INSERT INTO goals (member_id, text, progress, created_at, updated_at) "
            "VALUES (?, ?, 0, ?, ?)",
            (member_id, text.strip()[:GOAL_MAX_CHARS], to_db(now), to_db(now)),
        )
        goal_id = cursor.lastrowid
    return Goal(int(goal_id or 0), text.strip()[:GOAL_MAX_CHARS], 0)


async def set_progress(
    db: Database, member_id: int, goal_id: int, progress: int, now: datetime
) -> None:
    """Mark how far a goal got (only the member's own goal)."""
    await db.execute(
        "UPDATE goals SET progress = ?, updated_at = ? WHERE id = ? AND member_id = ?",
        (progress, to_db(now), goal_id, member_id),
    )


async def remove_goal(db: Database, member_id: int, goal_id: int) -> bool:
    """Delete one of the member's goals; False if it was not theirs or already gone."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "DELETE FROM goals WHERE id = ? AND member_id = ?", (goal_id, member_id)
        )
        return cursor.rowcount == 1
