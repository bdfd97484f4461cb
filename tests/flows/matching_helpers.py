"""Creating members directly (the intake flow is built elsewhere) for matching flow tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.clock import to_db
from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members
from storage.members import Member


async def make_member(
    sandbox: Sandbox, name: str, role: str, **profile: Any
) -> tuple[SandboxUser, Member]:
    """A consented member with a finished profile (as intake would leave it)."""
    person = sandbox.user(name)
    now = sandbox.clock.now()
    member = await members.create_on_consent(
        sandbox.db, telegram_id=person.id, language="en", country="US", timezone="UTC", now=now
    )
    values: dict[str, Any] = {
        "role": role,
        "alias": name,
        "status": "waiting",
        "languages_spoken": ["en"],
        "age_band": "25-34",
        "intake_done_at": to_db(now - timedelta(days=5)),
    }
    if role == "mentee":
        values["focus_areas"] = ["grief", "anxiety"]
    else:
        values |= {
            "lived_experience": ["grief"],
            "approved_at": to_db(now),
            "trained_at": to_db(now),
            "capacity": 1,
        }
    values.update(profile)
    member = await members.update_profile(sandbox.db, member.id, now, **values)
    return person, member


async def mentee(sandbox: Sandbox, name: str = "Ana", **profile: Any) -> tuple[SandboxUser, Member]:
    """A mentee on the waiting list."""
    return await make_member(sandbox, name, "mentee", **profile)


async def mentor(sandbox: Sandbox, name: str = "Ben", **profile: Any) -> tuple[SandboxUser, Member]:
    """An approved, trained mentor with one free place."""
    return await make_member(sandbox, name, "mentor", **profile)


def with_button(messages: list[SandboxMessage], label: str) -> SandboxMessage:
    """The last message that has a button containing `label`."""
    for message in reversed(messages):
        if any(label in text for text in message.button_labels):
            return message
    raise AssertionError(f"no message with a {label!r} button in {messages!r}")


async def count(sandbox: Sandbox, sql: str, *params: Any) -> int:
    """A COUNT(*) query."""
    return int(await sandbox.db.fetch_value(sql, params))
