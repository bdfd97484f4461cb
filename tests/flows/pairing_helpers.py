"""Test helpers: members and pairs made directly in storage (intake and matching are elsewhere)."""

from __future__ import annotations

from typing import Any

from bot.sandbox.client import SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members, pairs, sharing
from storage.members import Member
from storage.pairs import Pair


async def make_member(
    sandbox: Sandbox,
    user: SandboxUser,
    role: str,
    alias: str,
    *,
    chose_sharing: bool = True,
    **profile: Any,
) -> Member:
    """A consented member with a role and alias (quiet hours 21:00-08:00 UTC by default).
    A mentee has kept the programme's sharing defaults unless chose_sharing is False (then
    their first check-in asks)."""
    now = sandbox.clock.now()
    member = await members.create_on_consent(
        sandbox.db, telegram_id=user.id, language="en", country="US", timezone="UTC", now=now
    )
    if role == "mentee" and chose_sharing and sandbox.services is not None:
        for item, shared in sandbox.services.content.checkins.sharing.items():
            await sharing.choose(sandbox.db, member.id, item, shared, now)
    return await members.update_profile(
        sandbox.db, member.id, now, role=role, alias=alias, status="active", **profile
    )


async def make_pair(sandbox: Sandbox, mentee: Member, mentor: Member) -> Pair:
    """An active pair."""
    pair = await pairs.create(
        sandbox.db,
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        approved_by=None,
        now=sandbox.clock.now(),
    )
    await set_pair_status(sandbox, pair.id, "active")
    fresh = await pairs.get(sandbox.db, pair.id)
    assert fresh is not None
    return fresh


async def set_pair_status(sandbox: Sandbox, pair_id: int, status: str) -> None:
    """Small test helper: the matching issue owns real status changes."""
    await sandbox.db.execute("UPDATE pairs SET status = ? WHERE id = ?", (status, pair_id))


async def paired(sandbox: Sandbox) -> tuple[SandboxUser, SandboxUser, Member, Member, Pair]:
    """Mia (mentee) and Leo (mentor), paired."""
    mia, leo = sandbox.user("Mia"), sandbox.user("Leo")
    mentee = await make_member(sandbox, mia, "mentee", "Sunny")
    mentor = await make_member(sandbox, leo, "mentor", "Oak")
    pair = await make_pair(sandbox, mentee, mentor)
    return mia, leo, mentee, mentor, pair


async def dump_tables(sandbox: Sandbox, *tables: str) -> str:
    """Every row of the given tables as text (to prove content is not kept)."""
    rows = []
    for table in tables:
        rows += [str(tuple(row)) for row in await sandbox.db.fetch_all(f"SELECT * FROM {table}")]
    return "\n".join(rows)
