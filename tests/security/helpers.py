"""Snapshots of what a refused action must not change."""

from __future__ import annotations

from typing import Any

from bot.sandbox.harness import Sandbox

# Bookkeeping every update touches (handled update ids, flow-state saves, last sweep time).
BOOKKEEPING = {"processed_updates", "kv", "conversations", "persistence", "ptb_persistence"}


async def state(sandbox: Sandbox) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except bookkeeping, for before/after comparisons."""
    tables = [row[0] for row in await sandbox.db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    snapshot = {}
    for table in tables:
        if table in BOOKKEEPING or "persist" in table or "conversation" in table:
            continue
        snapshot[table] = [tuple(r) for r in await sandbox.db.fetch_all(f"SELECT * FROM {table}")]
    return snapshot


def sends(sandbox: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    """Every call that puts something in a chat (answers to button presses excluded)."""
    return [(m, p) for m, p in sandbox.fake.calls
            if m.startswith(("send", "edit", "copy", "forward", "delete"))]
