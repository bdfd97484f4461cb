"""`python -m bot demo --database FILE` a second time: carry on where the last run stopped.

The demo's own bookkeeping (the fake clock, the next update and message ids) is kept in the kv
table under "demo:" keys, so the bot does not drop new updates as replays of old ones, message
ids are not reused, and the clock does not jump back to the start of the story.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import FakeClock, from_db, to_db
from bot.sandbox.harness import Sandbox

CLOCK, UPDATE, MESSAGE = "demo:now", "demo:next_update_id", "demo:next_message_id"


async def save_point(sandbox: Sandbox) -> None:
    """Remember the clock and the ids handed out so far."""
    last_update, last_message = sandbox.fake.highest_ids()
    async with sandbox.db.transaction() as connection:
        for key, value in (
            (CLOCK, to_db(sandbox.clock.now())),
            (UPDATE, str(last_update + 1)),
            (MESSAGE, str(last_message + 1)),
        ):
            await connection.execute(
                "INSERT INTO kv (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


async def resume(sandbox: Sandbox) -> datetime | None:
    """Continue an earlier run's clock and ids; the moment resumed at, or None (a new story)."""
    values = {
        str(row[0]): str(row[1])
        for row in await sandbox.db.fetch_all(
            "SELECT key, value FROM kv WHERE key IN (?, ?, ?)", (CLOCK, UPDATE, MESSAGE)
        )
    }
    # A database from before this bookkeeping: start past every update it has processed.
    processed = await sandbox.db.fetch_value("SELECT MAX(update_id) FROM processed_updates")
    next_update = max(int(values.get(UPDATE, 1)), int(processed or 0) + 1)
    sandbox.fake.continue_from(next_update, int(values.get(MESSAGE, 1_000)))
    moment = from_db(values.get(CLOCK))
    if moment is not None and isinstance(sandbox.clock, FakeClock):
        sandbox.clock.set(moment)
    return moment
