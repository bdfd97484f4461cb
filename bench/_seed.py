"""Shared set-up for the benchmarks: members written straight into a bot database, and waiting."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.core.clock import to_db


def seed_mentees(
    path: Path,
    count: int,
    *,
    due_at: datetime,
    due: int | None = None,
    first_id: int = 1_000_000,
    later: datetime | None = None,
    quiet: tuple[str, str] = ("00:00", "00:00"),
) -> list[int]:
    """Insert `count` active mentees (the first `due` of them due at `due_at`); returns chat ids."""
    due = count if due is None else due
    stamp = to_db(due_at)
    rows = []
    for index in range(count):
        telegram_id = first_id + index
        next_at = stamp if index < due else to_db(later or due_at)
        rows.append(
            (
                telegram_id,
                f"M{index:07d}",
                "mentee",
                f"Member {index}",
                "en",
                "UTC",
                due_at.weekday(),
                due_at.strftime("%H:%M"),
                quiet[0],
                quiet[1],
                "active",
                stamp,
                next_at,
                stamp,
                stamp,
            )
        )
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO members (telegram_id, code, role, alias, language, timezone, "
            "checkin_weekday, checkin_time, quiet_start, quiet_end, status, consented_at, "
            "next_checkin_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    connection.close()
    return [row[0] for row in rows]


async def wait_for(
    condition: Callable[[], object], limit: float = 60.0, every: float = 0.02
) -> bool:
    """Poll a condition every `every` seconds until it holds (True) or `limit` passes (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(every)
    return False
