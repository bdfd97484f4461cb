"""Helpers for the scheduling tests: members made straight in the database, a send recorder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.clock import to_db
from bot.sandbox.client import SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members
from storage.members import Member


async def make_member(
    sandbox: Sandbox,
    user: SandboxUser,
    *,
    role: str = "mentee",
    status: str = "active",
    **fields: Any,
) -> Member:
    """A consented member with a profile (the onboarding flows are other features' business)."""
    now = sandbox.clock.now()
    member = await members.create_on_consent(
        sandbox.db, telegram_id=user.id, language="en", country="US", timezone="UTC", now=now
    )
    return await members.update_profile(
        sandbox.db, member.id, now, role=role, status=status, alias=user.name, **fields
    )


async def make_pair(sandbox: Sandbox, mentee: Member, mentor: Member, started: datetime) -> str:
    """An active pair that started at `started`; returns its code."""
    from storage import pairs

    pair = await pairs.create(
        sandbox.db, mentee_id=mentee.id, mentor_id=mentor.id, approved_by=None, now=started
    )
    await sandbox.db.execute(
        "UPDATE pairs SET status = 'active', started_at = ? WHERE id = ?",
        (to_db(started), pair.id),
    )
    return pair.code


class SendLog:
    """Every message the bot sent, with the fake clock's time at that moment."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.sent: list[tuple[datetime, int, str]] = []
        sandbox.fake.on_call.append(self._record)

    def _record(self, method: str, params: dict[str, Any]) -> None:
        if method in {"sendMessage", "copyMessage"} and isinstance(params.get("chat_id"), int):
            self.sent.append((self.sandbox.clock.now(), params["chat_id"], params.get("text", "")))

    def to(self, chat_id: int) -> list[tuple[datetime, str]]:
        """What reached one chat, with times."""
        return [(when, text) for when, chat, text in self.sent if chat == chat_id]
