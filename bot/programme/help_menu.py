"""Which commands each kind of person sees, in a sensible order, for /help and the menus.

One description per command (`help.cmd_<name>`) serves both the /help text and Telegram's
command menu (setMyCommands), so the two never drift apart. Pure: no Telegram, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.core.i18n import Html, Translator

if TYPE_CHECKING:
    from storage.members import Member

# Most used first; leaving and data rights last; /help at the end.
ROLE_COMMANDS: Mapping[str, tuple[str, ...]] = {
    "mentee": (
        "checkin",
        "cope",
        "resources",
        "crisis",
        "safetyplan",
        "progress",
        "goals",
        "report",
        "settings",
        "pause",
        "resume",
        "end",
        "mydata",
        "forget",
        "help",
    ),
    "mentor": (
        "training",
        "refer",
        "pulse",
        "cope",
        "resources",
        "crisis",
        "safetyplan",
        "progress",
        "report",
        "settings",
        "pause",
        "resume",
        "stepback",
        "end",
        "mydata",
        "forget",
        "help",
    ),
    "newcomer": ("start", "crisis", "cope", "resources", "help"),
}
# Coordinators' group, daily work first. Usage is part of each line (e.g. /unpair needs a reason).
COORDINATOR_COMMANDS = (
    "escalations",
    "pending",
    "suggest",
    "pair",
    "pairs",
    "unpair",
    "approve",
    "revoke",
    "invite",
    "member",
    "suspend",
    "unsuspend",
    "broadcast",
    "dashboard",
    "evaluation",
    "digest",
    "export",
    "audit",
    "reload",
    "help",
)
# Areas whose old `<area>.help_line` is covered by the per-command lines above; a feature that
# adds its own help_line (another area) is still listed, after these.
COVERED_AREAS = frozenset(
    {
        "account",
        "checkin",
        "cope",
        "crisis",
        "data",
        "help",
        "pair",
        "pulse",
        "refer",
        "relay",
        "report",
        "resources",
        "safety_plan",
        "settings",
        "progress",
        "goals",
        "start",
        "training",
    }
)


def role_of(role: str | None) -> str:
    """The help list for a member's role (no role yet: a newcomer's)."""
    return role if role is not None and role in ROLE_COMMANDS else "newcomer"


def commands_for(role: str | None) -> tuple[str, ...]:
    """Command names for a role, in order."""
    return ROLE_COMMANDS[role_of(role)]


def describe(t: Translator, language: str, command: str) -> str:
    """A command's one-line description (plain words, usable in Telegram's menu)."""
    return str(t(language, f"help.cmd_{command}"))


def help_text(t: Translator, language: str, role: str | None, extra_keys: list[str]) -> Html:
    """The /help text for a member: intro, their commands, the relay line, the safety note."""
    lines: list[str] = [t(language, "help.member")]
    lines += [f"/{name}: {describe(t, language, name)}" for name in commands_for(role)]
    lines += [t(language, key) for key in extra_keys]
    if role in ("mentee", "mentor"):
        lines.append(t(language, "relay.help_line"))
    return Html("\n".join([*lines, "", t(language, "help.not_emergency")]))


def help_role(member: Member | None) -> str | None:
    """The role whose commands to show: none until intake is finished."""
    return None if member is None or member.status == "intake" else member.role


def member_help(
    t: Translator, english: Mapping[str, object], language: str, role: str | None = None
) -> Html:
    """Help text for a role, plus the help lines of features not listed per command (found by
    their keys in the English locale, the complete one)."""
    extra = sorted(
        key
        for key in english
        if key.endswith(".help_line") and key.split(".")[0] not in COVERED_AREAS
    )
    return help_text(t, language, role, extra)


def coordinator_help(t: Translator, language: str) -> Html:
    """The coordinators' /help: every command with its usage, then the privacy rule."""
    lines = [t(language, "console.help_title")]
    lines += [t(language, f"console.help_{name}") for name in COORDINATOR_COMMANDS]
    return Html("\n".join([*lines, "", t(language, "console.help_privacy")]))
