"""Command menus per language and role, and the bot's description, as Telegram receives them."""

from __future__ import annotations

from typing import Any

from bot.app import set_command_menus
from bot.sandbox.harness import Sandbox
from tests.flows.pairing_helpers import make_member


def calls(sandbox: Sandbox, method: str) -> list[dict[str, Any]]:
    return [params for name, params in sandbox.fake.calls if name == method]


async def test_menus_and_descriptions_per_language_and_scope(sandbox: Sandbox) -> None:
    assert sandbox.app is not None
    await set_command_menus(sandbox.app, sandbox.group.chat_id)  # validated against the spec
    menus = {
        (p["scope"]["type"], p.get("language_code")): [c["command"] for c in p["commands"]]
        for p in calls(sandbox, "setMyCommands")
    }
    assert {
        ("all_private_chats", None),
        ("all_private_chats", "en"),
        ("all_private_chats", "es"),
        ("chat", None),
    } <= set(menus)
    assert "crisis" in menus[("all_private_chats", "es")]
    assert "dashboard" not in menus[("all_private_chats", "en")]
    spanish = next(p for p in calls(sandbox, "setMyCommands") if p.get("language_code") == "es")
    assert {
        "command": "crisis",
        "description": "líneas de crisis de tu país, en cualquier momento (también /sos)",
    } in spanish["commands"]
    coordinators = next(p for p in calls(sandbox, "setMyCommands") if p["scope"]["type"] == "chat")
    assert coordinators["scope"]["chat_id"] == sandbox.group.chat_id
    unpair = next(c for c in coordinators["commands"] if c["command"] == "unpair")
    assert unpair["description"].startswith("PAIR REASON: end a pair; the reason is required")
    descriptions = {
        p.get("language_code"): p["description"] for p in calls(sandbox, "setMyDescription")
    }
    assert "not a crisis service" in descriptions["en"] and "/crisis" in descriptions["en"]
    assert "No es un servicio de crisis" in descriptions["es"]
    short = {
        p.get("language_code"): p["short_description"]
        for p in calls(sandbox, "setMyShortDescription")
    }
    assert all(len(text) <= 120 and "/crisis" in text for text in short.values())
    assert set(short) == {None, "en", "es"}


async def test_a_members_own_menu_follows_their_role(sandbox: Sandbox) -> None:
    leo = sandbox.user("Leo")
    await make_member(sandbox, leo, "mentor", "Oak")
    await leo.send("/help")
    await leo.send("/help")  # unchanged: not set twice
    mine = [
        p
        for p in calls(sandbox, "setMyCommands")
        if p["scope"] == {"type": "chat", "chat_id": leo.id}
    ]
    assert len(mine) == 1
    names = [c["command"] for c in mine[0]["commands"]]
    assert names[:3] == ["training", "refer", "pulse"] and "checkin" not in names
