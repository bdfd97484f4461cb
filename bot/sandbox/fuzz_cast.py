"""The cast a fuzz run starts with (people in every state, coordinators, strangers, seeded pairs)
and the checks it ends with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.core.clock import to_db
from bot.sandbox.client import GroupMember, SandboxUser
from bot.sandbox.fuzz_parts import OTHER_GROUP_ID, FuzzStats, signed_prefixes
from bot.sandbox.harness import Sandbox
from storage import members


@dataclass
class Cast:
    """Who acts in a fuzz run, and the signed button prefixes they may forge around."""

    users: list[SandboxUser]
    group_people: list[GroupMember]
    strangers: list[GroupMember]
    prefixes: list[list[str]]


async def assemble_cast(sandbox: Sandbox, stats: FuzzStats, people: int = 8) -> Cast:
    """Users in every state: never consented, mid-consent, consented; coordinators; strangers."""
    users = []
    for index in range(people):
        person = sandbox.user(f"P{index}<b>&", language_code=("en", "es", "de")[index % 3])
        users.append(person)
        if index % 4 == 0:
            continue  # never consented, never even pressed /start
        replies = await person.send("/start")
        if index % 4 == 1:
            continue  # left mid-consent
        with_buttons = [m for m in replies if m.buttons]
        if with_buttons:
            await person.press(with_buttons[-1], with_buttons[-1].buttons[0][0][1])
    group_people = [
        sandbox.group.coordinator("Cleo"),
        sandbox.group.coordinator("Ada", status="administrator"),
        sandbox.group.coordinator("Gone", status="left"),
    ]
    strangers = [GroupMember(sandbox, OTHER_GROUP_ID, 4_000_001, "Mallory")]
    sandbox.fake.chat_members.setdefault(OTHER_GROUP_ID, {})[4_000_001] = "administrator"
    cast = Cast(users, group_people, strangers, signed_prefixes(sandbox))
    await _seed_pairs(sandbox, stats, cast)
    return cast


async def _seed_pairs(sandbox: Sandbox, stats: FuzzStats, cast: Cast) -> None:
    """Give some consented people roles and a pair, so pair and relay handlers are reachable."""
    now = sandbox.clock.now()
    codes: dict[str, list[str]] = {"mentee": [], "mentor": []}
    for index, person in enumerate(cast.users):
        member = await members.get_by_telegram_id(sandbox.db, person.id)
        if member is None:
            continue
        role = "mentee" if index % 2 else "mentor"
        profile: dict[str, Any] = {
            "role": role,
            "alias": f"<i>{person.name}</i>&amp;",
            "status": "waiting",
            "languages_spoken": ["en", "es"],
            "age_band": "25-34",
            "intake_done_at": to_db(now - timedelta(days=5)),
        }
        if role == "mentor":
            profile |= {
                "lived_experience": ["grief"],
                "approved_at": to_db(now),
                "trained_at": to_db(now),
                "capacity": 2,
            }
        else:
            profile["focus_areas"] = ["grief"]
        try:
            await members.update_profile(sandbox.db, member.id, now, **profile)
        except Exception as exc:  # schema moved on: fuzz without seeded roles
            stats.harness_errors.append(f"seeding profile: {exc!r}")
            return
        codes[role].append(member.code)
    coordinator = cast.group_people[0]
    for mentee, mentor in zip(codes["mentee"], codes["mentor"], strict=False):
        replies = await coordinator.send(f"/pair {mentee} {mentor}")
        for message in replies:
            for label, data in (b for row in message.buttons for b in row):
                if "anyway" in label.lower():
                    await coordinator.press(message, data)
    stats.pairs_seeded = int(await sandbox.db.fetch_value("SELECT COUNT(*) FROM pairs"))
    for person in cast.users:  # accept the introductions
        for message in reversed(person.bot_messages()):
            labels = [(label, data) for row in message.buttons for label, data in row]
            accept = [data for label, data in labels if data.startswith("pair:in:")]
            if accept:
                await person.press(message, accept[0])
                break


async def final_checks(sandbox: Sandbox, stats: FuzzStats) -> None:
    """Database integrity, foreign keys, refused requests and call count at the end of a run."""
    db = sandbox.db
    stats.integrity = str(await db.fetch_value("PRAGMA integrity_check"))
    stats.foreign_key_problems = len(await db.fetch_all("PRAGMA foreign_key_check"))
    stats.violations = list(sandbox.violations)
    stats.bot_calls += len(sandbox.fake.calls)
