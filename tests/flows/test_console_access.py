"""Coordinator commands and buttons refuse everywhere but the coordinators' group and its members."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from bot.programme.help_menu import COORDINATOR_COMMANDS
from bot.sandbox.client import GroupMember
from bot.sandbox.harness import Sandbox
from handlers._coordinators import COORDINATOR_ONLY
from storage import audit, members

OTHER_GROUP = -1009999999999
# A sample for each declared command (some need an argument); unknown ones get "X1".
ARGS = {"member": "MAAAAA", "pair": "MAAAAA MBBBBB", "unpair": "PAAAAA", "approve": "MAAAAA"}


def coordinator_commands() -> list[str]:
    return sorted(COORDINATOR_ONLY)


def command_text(name: str) -> str:
    return f"/{name} {ARGS.get(name, '')}".strip()


def coordinator_buttons(sandbox: Sandbox) -> list[str]:
    """Genuine signed console buttons (as if copied from a real message)."""
    signer = sandbox.services.signer  # type: ignore[union-attr]
    return [signer.sign("co", "reveal", "MAAAAA"), signer.sign("co", "esc", "claim", 1)]


async def everything_sent(sandbox: Sandbox) -> int:
    return sum(1 for method, _ in sandbox.fake.calls if method.startswith("send"))


def test_every_coordinator_menu_command_is_gated() -> None:
    declared = set(COORDINATOR_ONLY)
    assert {"dashboard", "export", "audit", "member", "digest"} <= declared
    assert {name for name in COORDINATOR_COMMANDS if name != "help"} <= declared
    assert "help" not in declared  # /help must keep working for members in private chats


async def test_commands_in_a_private_chat_answer_like_unknown_commands(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    unknown = (await ana.send("/frobnicate"))[0].text
    for name in coordinator_commands():
        replies = await ana.send(command_text(name))
        assert [r.text for r in replies] == [unknown], name
    assert sandbox.group.bot_messages() == []
    assert await audit.recent(sandbox.db) == []


async def test_commands_in_another_group_get_no_answer(sandbox: Sandbox) -> None:
    stranger = GroupMember(sandbox, OTHER_GROUP, 4242, "Mallory")
    sandbox.fake.chat_members.setdefault(OTHER_GROUP, {})[4242] = "administrator"
    before = await everything_sent(sandbox)
    for name in coordinator_commands():
        assert await stranger.send(command_text(name)) == [], name
    assert await everything_sent(sandbox) == before


async def test_non_members_posting_in_the_group_are_refused(sandbox: Sandbox) -> None:
    for status in ("left", "kicked"):
        person = sandbox.group.coordinator(f"Former{status}", status=status)
        for name in coordinator_commands():
            assert await person.send(command_text(name)) == [], (status, name)
        assert await person.send("/help") == []
    assert sandbox.group.bot_messages() == []


async def left_update(sandbox: Sandbox, person: GroupMember, kind: str) -> None:
    """What Telegram sends when someone leaves: a chat_member update or a service message."""
    user = person._user()
    group = sandbox.fake.chat(sandbox.group.chat_id)
    if kind == "chat_member":
        payload: dict[str, Any] = {
            "chat_member": {
                "chat": group,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {"status": "member", "user": user},
                "new_chat_member": {"status": "left", "user": user},
            }
        }
    else:
        payload = {
            "message": {
                "message_id": sandbox.fake.next_message_id(group["id"]),
                "from": user,
                "chat": group,
                "date": int(time.time()),
                "left_chat_member": user,
            }
        }
    await sandbox.deliver(payload)


@pytest.mark.parametrize("kind", ["chat_member", "left_message"])
async def test_removed_a_minute_ago_is_refused_at_once(sandbox: Sandbox, kind: str) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    assert await cleo.send("/audit")  # allowed, and the answer is now cached
    cleo.remove_from_group()
    await left_update(sandbox, cleo, kind)
    sandbox.clock.advance(timedelta(minutes=1))
    before = len(sandbox.group.bot_messages())
    for name in coordinator_commands():
        assert await cleo.send(command_text(name)) == [], name
    assert len(sandbox.group.bot_messages()) == before


async def test_without_any_update_the_cache_expires_within_five_minutes(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    assert await cleo.send("/audit")
    cleo.remove_from_group()  # and Telegram tells us nothing (both notices lost)
    sandbox.clock.advance(timedelta(minutes=4, seconds=59))
    assert await cleo.send("/audit")  # the documented window: at most 5 minutes
    sandbox.clock.advance(timedelta(seconds=1))
    assert await cleo.send("/audit") == []


async def test_buttons_refused_outside_the_group_and_after_removal(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.click((await ana.send("/start"))[1], "I agree")
    member = await members.get_by_telegram_id(sandbox.db, ana.id)
    assert member is not None
    # A genuine signed button pressed from a private chat (message forwarded, data replayed).
    own = (await ana.send("/help"))[0]
    for data in [*coordinator_buttons(sandbox), "co:reveal:MAAAAA~AAAAAAAA"]:
        await ana.press(own, data)
        assert "isn't valid" in ana.answers()[-1]["text"]
    # From another group.
    stranger = GroupMember(sandbox, OTHER_GROUP, 4243, "Mallory")
    await stranger.press(own, sandbox.services.signer.sign("co", "reveal", member.code))  # type: ignore[union-attr]
    assert "isn't valid" in stranger.answers()[-1]["text"]
    # In the group, a real button, pressed by someone removed from it.
    cleo = sandbox.group.coordinator("Cleo")
    profile = (await cleo.send(f"/member {member.code}"))[0]
    cleo.remove_from_group()
    await left_update(sandbox, cleo, "chat_member")
    await cleo.click(profile, "Show Telegram identity")
    assert "isn't valid" in cleo.answers()[-1]["text"]
    # A forged (unsigned) console button in the group, by a current coordinator.
    dora = sandbox.group.coordinator("Dora")
    await dora.press(profile, f"co:reveal:{member.code}~AAAAAAAA")
    assert "isn't valid" in dora.answers()[-1]["text"]
    assert await audit.recent(sandbox.db) == []
    answers = [params for method, params in sandbox.fake.calls if method == "answerCallbackQuery"]
    assert all(str(ana.id) not in str(params.get("text", "")) for params in answers)


async def test_identity_button_rechecks_membership_without_the_cache(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.click((await ana.send("/start"))[1], "I agree")
    member = await members.get_by_telegram_id(sandbox.db, ana.id)
    assert member is not None
    cleo = sandbox.group.coordinator("Cleo")
    profile = (await cleo.send(f"/member {member.code}"))[0]
    cleo.remove_from_group()  # no update arrives; the cached answer still says "member"
    await cleo.click(profile, "Show Telegram identity")
    assert "isn't valid" in cleo.answers()[-1]["text"]
    assert await audit.recent(sandbox.db) == []


def anonymous_admin_message(sandbox: Sandbox, text: str, sender_chat: dict[str, Any]) -> dict:
    group = sandbox.fake.chat(sandbox.group.chat_id)
    return {
        "message": {
            "message_id": sandbox.fake.next_message_id(group["id"]),
            "from": {
                "id": 1087968824,
                "is_bot": True,
                "first_name": "Group",
                "username": "GroupAnonymousBot",
            },
            "sender_chat": sender_chat,
            "chat": group,
            "date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        }
    }


async def test_anonymous_admins_of_the_group_are_coordinators(sandbox: Sandbox) -> None:
    group = sandbox.fake.chat(sandbox.group.chat_id)
    before = len(sandbox.group.bot_messages())
    await sandbox.deliver(anonymous_admin_message(sandbox, "/audit", group))
    assert len(sandbox.group.bot_messages()) == before + 1
    await sandbox.deliver(anonymous_admin_message(sandbox, "/export", group))
    entry = (await audit.recent(sandbox.db))[0]
    assert (entry.action, entry.actor_name) == ("export", "anonymous admin")
    # A channel posting into the group is not an admin of it.
    channel = {"id": -1005555555555, "type": "channel", "title": "Some channel"}
    count = len(sandbox.group.bot_messages())
    await sandbox.deliver(anonymous_admin_message(sandbox, "/audit", channel))
    assert len(sandbox.group.bot_messages()) == count


async def test_restricted_but_still_in_the_group_is_allowed(sandbox: Sandbox) -> None:
    rita = sandbox.group.coordinator("Rita", status="restricted")
    assert await rita.send("/audit")


async def test_refusal_uses_the_members_own_language_like_unknown_commands(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")  # Telegram app in English, but she chose Spanish
    await ana.click((await ana.send("/start"))[1], "I agree")
    member = await members.get_by_telegram_id(sandbox.db, ana.id)
    assert member is not None
    await members.update_profile(sandbox.db, member.id, sandbox.clock.now(), language="es")
    unknown = (await ana.send("/frobnicate"))[0].text
    assert [r.text for r in await ana.send("/dashboard")] == [unknown]


async def test_command_menus_are_set_per_scope(sandbox: Sandbox) -> None:
    from bot.app import set_command_menus

    assert sandbox.app is not None
    await set_command_menus(sandbox.app, sandbox.group.chat_id)
    menus = {
        params["scope"]["type"]: [c["command"] for c in params["commands"]]
        for method, params in sandbox.fake.calls
        if method == "setMyCommands"
    }
    assert "dashboard" not in menus["all_private_chats"] and "crisis" in menus["all_private_chats"]
    assert {"help", "dashboard", "export", "audit", "member", "digest"} <= set(menus["chat"])
