"""Start-up check of the coordinators' group: a wrong COORDINATOR_CHAT_ID, or a group the bot is
not in, stops the bot with one clear message (exit code 2) instead of a traceback and a restart
loop under a service manager. Missing admin rights only warn: the bot still works without them."""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import BadRequest, Forbidden

log = logging.getLogger(__name__)


class SetupError(Exception):
    """Something an operator must fix before the bot can run (printed as is, exit code 2)."""


def _not_found(chat_id: int, why: str) -> SetupError:
    return SetupError(
        f"The bot cannot reach the coordinators' group COORDINATOR_CHAT_ID={chat_id} "
        f"(Telegram says: {why}).\n"
        "  - Check the id: a group's id is a negative number such as -1001234567890.\n"
        "  - Add the bot to the group (and make it an admin with 'Manage topics').\n"
        "  - Turning a group into a supergroup, or enabling topics, changes its id: read the id "
        "again afterwards.\n"
        "  - Not sure of the id? Run `python -m bot find-group`, then add the bot to the group "
        "(or send a message there): it prints the group's id.\n"
        "Then start the bot again."
    )


async def check_coordinator_group(bot: Any, chat_id: int) -> None:
    """Raise SetupError unless the coordinators' group exists and the bot is in it."""
    try:
        chat = await bot.get_chat(chat_id)
    except (BadRequest, Forbidden) as exc:
        raise _not_found(chat_id, str(exc.message).lower()) from None
    if chat.type not in ("group", "supergroup"):
        raise SetupError(
            f"COORDINATOR_CHAT_ID={chat_id} is a {chat.type} chat, not a group. Use the id of "
            "the coordinators' private group (a negative number such as -1001234567890)."
        )
    try:
        member = await bot.get_chat_member(chat_id, bot.id)
    except (BadRequest, Forbidden) as exc:
        raise _not_found(chat_id, str(exc.message).lower()) from None
    if member.status in ("left", "kicked"):
        raise _not_found(chat_id, "the bot is not a member of this group")
    if member.status != "administrator":
        # Only admins receive chat_member updates: without them a coordinator who leaves keeps
        # console access for up to the 5-minute membership cache (handlers/access.py).
        log.warning(
            "the bot is not an admin of the coordinators' group: make it an admin with "
            "'Manage topics' so it hears when coordinators leave and can open topics"
        )
    if chat.type == "group" or not getattr(chat, "is_forum", False):
        log.info("the coordinators' group has no topics: alerts go to the main chat")


async def find_group(bot: Any, rounds: int, poll_seconds: int = 10) -> list[tuple[int, str]]:
    """Groups that show up in pending updates (the bot added, a message posted), without
    confirming any update, so nothing is taken away from the bot's own run."""
    found: dict[int, str] = {}
    for _ in range(rounds):
        for update in await bot.get_updates(timeout=poll_seconds):
            chat = update.effective_chat
            if chat is not None and chat.type in ("group", "supergroup") and chat.id not in found:
                found[chat.id] = chat.title or ""
                print(
                    f"Group \u201c{chat.title or '?'}\u201d ({chat.type}) has the id {chat.id}:"
                    f"\n  COORDINATOR_CHAT_ID={chat.id}",
                    flush=True,
                )
        if found:
            break
    return list(found.items())
