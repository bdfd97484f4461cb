"""Personal safety plans (Stanley-Brown sections): private to the member, deleted with them."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.timecodec import to_db

SECTIONS = (
    "warning_signs",
    "on_my_own",
    "people_places",
    "ask_for_help",
    "professionals",
    "safer_surroundings",
    "reasons",
)
MAX_CHARS = 1000


async def has_plan(db: Database, member_id: int) -> bool:
    """Has the member written anything in their plan?"""
    return bool(
        await db.fetch_value("SELECT COUNT(*) FROM safety_plans WHERE member_id = ?", (member_id,))
    )


async def get(db: Database, member_id: int) -> dict[str, str]:
    """The member's plan: section -> their words (missing sections are absent)."""
    rows = await db.fetch_all(
        "SELECT section, body FROM safety_plans WHERE member_id = ?", (member_id,)
    )
    return {row["section"]: row["body"] for row in rows}


async def save(db: Database, member_id: int, section: str, body: str, now: datetime) -> None:
    """Write (or replace) one section; an empty body clears it."""
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}")
    if not body.strip():
        await db.execute(
            "DELETE FROM safety_plans WHERE member_id = ? AND section = ?", (member_id, section)
        )
        return
    await db.execute(
        "INSERT INTO safety_plans (member_id, section, body, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (member_id, section) DO UPDATE SET body = excluded.body, "
        "updated_at = excluded.updated_at",
        (member_id, section, body.strip()[:MAX_CHARS], to_db(now)),
    )


async def delete(db: Database, member_id: int) -> None:
    """Remove the whole plan."""
    await db.execute("DELETE FROM safety_plans WHERE member_id = ?", (member_id,))
