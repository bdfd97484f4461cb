"""The coordinators' group as the bot last saw it: reachable, removed or muted, and its id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timecodec import to_db


@dataclass(frozen=True)
class GroupState:
    """Where alerts go and whether they can get there."""

    chat_id: int | None
    state: str  # ok | removed | restricted
    changed_at: str


async def get(db: Database) -> GroupState | None:
    """The last known state (None: nothing has happened to the group)."""
    row = await db.fetch_one(
        "SELECT chat_id, state, changed_at FROM coordinator_group WHERE id = 1"
    )
    return GroupState(row["chat_id"], row["state"], row["changed_at"]) if row else None


async def set_state(db: Database, *, chat_id: int, state: str, now: datetime) -> bool:
    """Record the group's id and state; True if the state changed."""
    before = await get(db)
    await db.execute(
        "INSERT INTO coordinator_group (id, chat_id, state, changed_at) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET chat_id = excluded.chat_id, state = excluded.state, "
        "changed_at = excluded.changed_at",
        (chat_id, state, to_db(now)),
    )
    return before is None or before.state != state or before.chat_id != chat_id


async def retarget_outbox(db: Database, old_chat_id: int, new_chat_id: int) -> int:
    """Rows still to be sent to the old group go to its new id; returns how many."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status IN ('pending', 'sending')",
            (new_chat_id, old_chat_id),
        )
        return cursor.rowcount
