"""Data rights in SQL: every row tied to a member, for /mydata; deleting them, for /forget.

Rows "tied to a member" are found through foreign keys to members(id), so a table another
feature adds later is exported (and cascaded away on /forget) without changes here. Column
lists are read from the schema (PRAGMA table_info) and written out explicitly in each query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database
from storage.timecodec import to_db

# Columns that identify someone else (a coordinator), left out of a member's export.
OTHER_PEOPLES_COLUMNS = frozenset(
    {
        "claimed_by",
        "claimed_by_name",
        "approved_by",
        "resolved_by",
        "resolved_by_name",
        "decided_by",
        "decided_by_name",
        "created_by",
        "created_by_name",
    }
)

# Rows tied to a member that are not theirs to read: the random secret behind their pseudonym.
NOT_EXPORTED = frozenset({"member_secrets"})


def _quote(name: str) -> str:
    """A safely quoted SQL identifier (names come from the schema, never from users)."""
    return '"' + name.replace('"', '""') + '"'


async def tables_referencing_members(db: Database) -> dict[str, list[str]]:
    """Table name -> the columns that reference members(id)."""
    names = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'members' ORDER BY name"
    )
    found: dict[str, list[str]] = {}
    for row in names:
        keys = await db.fetch_all(f"PRAGMA foreign_key_list({_quote(row['name'])})")
        columns = [key["from"] for key in keys if key["table"] == "members"]
        if columns:
            found[row["name"]] = columns
    return found


async def _columns(db: Database, table: str) -> list[str]:
    """Column names of a table, in schema order."""
    rows = await db.fetch_all(f"PRAGMA table_info({_quote(table)})")
    return [row["name"] for row in rows]


async def rows_of(
    db: Database,
    table: str,
    where_columns: list[str],
    member_id: int,
) -> list[dict[str, Any]]:
    """Rows of `table` whose given columns point at this member (other people's ids left out)."""
    columns = [c for c in await _columns(db, table) if c not in OTHER_PEOPLES_COLUMNS]
    where = " OR ".join(f"{_quote(column)} = ?" for column in where_columns)
    rows = await db.fetch_all(
        f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)} WHERE {where} "
        "ORDER BY rowid",
        [member_id] * len(where_columns),
    )
    return [dict(row) for row in rows]


async def member_row(db: Database, member_id: int) -> dict[str, Any]:
    """The member's own row, every column."""
    columns = await _columns(db, "members")
    row = await db.fetch_one(
        f"SELECT {', '.join(_quote(c) for c in columns)} FROM members WHERE id = ?", (member_id,)
    )
    return dict(row) if row else {}


async def engagement_of(db: Database, subject: str) -> list[dict[str, Any]]:
    """The anonymised events recorded under this member's pseudonym."""
    rows = await db.fetch_all(
        "SELECT hour, kind, role, value FROM engagement WHERE subject = ? ORDER BY id", (subject,)
    )
    return [dict(row) for row in rows]


async def matchable_again(connection: aiosqlite.Connection, member_id: int, now: datetime) -> None:
    """An 'active' member with no pair left goes back to 'waiting' (a mentor may have others)."""
    await connection.execute(
        "UPDATE members SET status = 'waiting', updated_at = ? WHERE id = ? AND status = 'active' "
        "AND NOT EXISTS (SELECT 1 FROM pairs WHERE status != 'ended' "
        "AND (mentee_id = ? OR mentor_id = ?))",
        (to_db(now), member_id, member_id, member_id),
    )


async def delete_member(connection: aiosqlite.Connection, member_id: int, telegram_id: int) -> None:
    """Delete the member (cascading to every table that references them, their pseudonym
    secret included), anything queued for their chat or copied from it, and the relay map's
    rows in both directions (they hold chat ids); runs inside the caller's transaction."""
    await connection.execute(
        "DELETE FROM outbox WHERE chat_id = ? OR member_id = ? "
        # Sent rows keep no payload, so only the others can hold a copy of their words; naming
        # those statuses lets SQLite search the status index instead of reading every row.
        "OR (status IN ('pending', 'sending', 'failed', 'skipped') "
        "AND json_extract(payload, '$.from_chat_id') = ?)",
        (telegram_id, member_id, telegram_id),
    )
    await connection.execute(
        "DELETE FROM relay_messages WHERE from_member_id = ? OR to_member_id = ? "
        "OR from_chat = ? OR to_chat = ?",
        (member_id, member_id, telegram_id, telegram_id),
    )
    await connection.execute("DELETE FROM members WHERE id = ?", (member_id,))
