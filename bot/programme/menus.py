"""Telegram's command menus and the bot's description, per language and per role.

What people see before they write anything: the description ("what can this bot do?") and
short description say what the bot is, that it is not a crisis service, and that /crisis works
at any time. Menus: every private chat gets all member commands in its language until the
member's own chat is set to their role's list (after intake, and whenever they ask for /help);
the coordinators' group gets the coordinator commands with their usage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.programme import help_menu

if TYPE_CHECKING:
    from bot.services import Services
    from storage.members import Member

log = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]+>")


def member_commands(services: Services, language: str, role: str | None) -> list[BotCommand]:
    """A role's commands with their descriptions (role None: every member command)."""
    if role is None:
        names = dict.fromkeys(
            help_menu.ROLE_COMMANDS["mentee"]
            + help_menu.ROLE_COMMANDS["mentor"]
            + help_menu.ROLE_COMMANDS["newcomer"]
        )
    else:
        names = dict.fromkeys(help_menu.commands_for(role))
    return [
        BotCommand(name, help_menu.describe(services.t, language, name)[:256]) for name in names
    ]


def coordinator_commands(services: Services) -> list[BotCommand]:
    """The coordinators' commands; the description keeps the usage ("PAIR REASON: end a pair")."""
    language = services.settings.default_language
    result = []
    for name in help_menu.COORDINATOR_COMMANDS:
        line = _TAGS.sub("", str(services.t(language, f"console.help_{name}")))
        description = line.removeprefix(f"/{name}").lstrip(": ").strip()
        result.append(BotCommand(name, description[:256]))
    return result


async def set_command_menus(bot: Bot, services: Services, coordinator_chat_id: int) -> None:
    """Menus per language, the coordinators' menu, and the bot's descriptions (at start-up).

    Each call stands alone: a refused or failed one is logged and the bot starts anyway (the
    menus are a convenience; Telegram keeps the previous ones)."""
    t, default = services.t, services.settings.default_language
    calls: list[Callable[[], Awaitable[object]]] = []
    for code in [None, *t.languages]:  # None: people whose app language we do not ship
        language = code or default
        calls += [
            partial(
                bot.set_my_commands,
                member_commands(services, language, None),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=code,
            ),
            partial(
                bot.set_my_description, str(t(language, "help.bot_description")), language_code=code
            ),
            partial(
                bot.set_my_short_description,
                str(t(language, "help.bot_short_description")),
                language_code=code,
            ),
        ]
    calls.append(
        partial(
            bot.set_my_commands,
            coordinator_commands(services),
            scope=BotCommandScopeChat(coordinator_chat_id),
        )
    )
    for call in calls:
        try:
            await call()
        except TelegramError as exc:
            log.warning("could not set a command menu or description: %s", type(exc).__name__)


async def sync_member_menu(bot: Bot, services: Services, member: Member) -> None:
    """A member's own chat shows their role's commands in their language (once per change)."""
    role = help_menu.role_of(None if member.status == "intake" else member.role)
    wanted = (role, member.language)
    done = services.caches.member_menus
    if done.get(member.telegram_id) == wanted:
        return
    try:
        await bot.set_my_commands(
            member_commands(services, member.language, role),
            scope=BotCommandScopeChat(member.telegram_id),
        )
    except TelegramError as exc:  # a menu is a convenience: never fail the answer for it
        log.warning("could not set a member's command menu: %s", type(exc).__name__)
        return
    done[member.telegram_id] = wanted
