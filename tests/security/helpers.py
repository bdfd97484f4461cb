"""Snapshots of what a refused action must not change, and a press that checks it."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.sandbox.client import GroupMember, SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox

# Bookkeeping every update touches (handled update ids, flow-state saves, last sweep time).
BOOKKEEPING = {"processed_updates", "kv", "conversations", "persistence", "ptb_persistence"}


async def state(sandbox: Sandbox) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except bookkeeping, for before/after comparisons."""
    tables = [
        row[0]
        for row in await sandbox.db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    snapshot = {}
    for table in tables:
        if table in BOOKKEEPING or "persist" in table or "conversation" in table:
            continue
        snapshot[table] = [tuple(r) for r in await sandbox.db.fetch_all(f"SELECT * FROM {table}")]
    return snapshot


def sends(sandbox: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    """Every call that puts something in a chat (answers to button presses excluded)."""
    return [
        (m, p)
        for m, p in sandbox.fake.calls
        if m.startswith(("send", "edit", "copy", "forward", "delete"))
    ]


async def press_problems(
    sandbox: Sandbox,
    person: SandboxUser | GroupMember,
    message: SandboxMessage,
    data: str,
    caplog: pytest.LogCaptureFixture,
    *,
    rows_may_change: bool = False,
) -> list[str]:
    """Press `data`; what went wrong: an error logged, not answered exactly once, rows changed."""
    before, answered = await state(sandbox), len(person.answers())
    caplog.clear()
    await person.press(message, data)
    problems = []
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    if errors:
        problems.append(f"{data}: logged {errors[0].getMessage()} {errors[0].exc_info!r}")
    if len(person.answers()) - answered != 1:
        problems.append(f"{data}: answered {len(person.answers()) - answered} times")
    if not rows_may_change and await state(sandbox) != before:
        problems.append(f"{data}: rows changed")
    return problems
