"""Coordinators' console: /help (coordinator version), /dashboard, /export, /digest, /audit.

Every command here is declared with `coordinator_commands`, so the gate has already
checked the chat and the person's membership before these handlers run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from bot.console.dashboard import build_dashboard, build_export
from bot.console.digest import digest_text
from bot.core.i18n import Html
from bot.delivery.lanes import Lane, lane_args
from bot.programme import help_menu
from bot.services import BotContext
from handlers._coordinators import actor, coordinator_commands, is_coordinator, say, thread_of
from storage import audit

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("dashboard", "export", "digest", "audit", "member")
AUDIT_LINES = 20


def coordinator_help_text(context: BotContext) -> Html:
    """Every coordinator command with one line each, then the privacy rule."""
    return help_menu.coordinator_help(
        context.services.t, context.services.settings.default_language
    )


async def coordinator_help(update: Update, context: BotContext) -> None:
    """/help in the coordinators' group: the coordinator commands (members get theirs elsewhere)."""
    if not await is_coordinator(update, context):
        return
    await say(update, context, coordinator_help_text(context))


async def dashboard(update: Update, context: BotContext) -> None:
    """/dashboard: the chart (PNG) and a short text, every count 1-10 suppressed."""
    services = context.services
    result = await build_dashboard(services)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_photo(
        chat_id=chat.id,
        photo=InputFile(result.png, filename="dashboard.png"),
        caption=services.t(services.settings.default_language, "console.dashboard_caption"),
        message_thread_id=thread_of(update),
        rate_limit_args=lane_args(Lane.INTERACTIVE),
    )
    await say(update, context, result.text)


async def export(update: Update, context: BotContext) -> None:
    """/export: the weekly aggregates as CSV (a header and a total row even with no data)."""
    services = context.services
    data = await build_export(services)
    now = services.clock.now()
    actor_id, actor_name = actor(update)
    await audit.record(
        services.db, actor_id=actor_id, actor_name=actor_name, action="export", now=now
    )
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat_id=chat.id,
        document=InputFile(data, filename=f"programme-{now.date().isoformat()}.csv"),
        caption=services.t(services.settings.default_language, "console.export_caption"),
        parse_mode=ParseMode.HTML,
        message_thread_id=thread_of(update),
        rate_limit_args=lane_args(Lane.INTERACTIVE),
    )


async def digest_now(update: Update, context: BotContext) -> None:
    """/digest: this week's digest, now."""
    services = context.services
    await say(update, context, await digest_text(services, services.clock.now()))


def action_words(context: BotContext, action: str) -> str:
    """An audit action in words ("pair_forced" -> "paired despite a warning")."""
    services = context.services
    key = f"console.action_{action}"
    if key in services.content.locales["en"]:
        return services.t(services.settings.default_language, key)
    return action.replace("_", " ")  # a newer action without its words yet: still readable


async def audit_log(update: Update, context: BotContext) -> None:
    """/audit: the most recent coordinator actions (who, what, when)."""
    services = context.services
    t, language = services.t, services.settings.default_language
    entries = await audit.recent(services.db, AUDIT_LINES)
    if not entries:
        await say(update, context, t(language, "console.audit_empty"))
        return
    lines = [t(language, "console.audit_title")]
    lines += [
        t(
            language,
            "console.audit_line",
            at=entry.at.replace("T", " ")[:16] + " UTC",
            actor=entry.actor_name,
            action=action_words(context, entry.action),
            target=entry.target or "",
        )
        for entry in entries
    ]
    await say(update, context, "\n".join(lines))


def handlers(wiring: Wiring) -> Handlers:
    """/help, /dashboard, /export, /digest and /audit, in the coordinators' group."""
    return [
        CommandHandler(name, callback, wiring.coordinators)
        for name, callback in (
            ("help", coordinator_help),
            ("dashboard", dashboard),
            ("export", export),
            ("digest", digest_now),
            ("audit", audit_log),
        )
    ]
