"""/reload in the coordinators' group: swap content without a restart, keep it if invalid."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler

from bot.catalog._base import ContentError
from bot.core import words
from bot.core.i18n import escape
from bot.services import BotContext
from handlers._common import reply
from handlers._coordinators import coordinator_commands
from storage import audit

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("reload")
log = logging.getLogger(__name__)
MAX_PROBLEMS_SHOWN = 15  # the full list is in `python -m bot check-content`


async def reload_command(update: Update, context: BotContext) -> None:
    """Re-read content/; on any problem keep serving the old content and list what to fix."""
    services = context.services
    t, language = services.t, services.settings.default_language
    user = update.effective_user
    store = services.content_store
    try:
        # Parsing and compiling takes a moment: do it off the event loop.
        content = await asyncio.to_thread(store.reload)
    except ContentError as error:
        shown = [escape(str(problem))[:300] for problem in error.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(error.problems) - len(shown)
        text = "\n".join(
            [
                t(
                    language,
                    "content_admin.reload_failed",
                    problems=t(
                        language,
                        f"content_admin.problems_{words.plural_form(language, len(error.problems))}",
                        count=len(error.problems),
                    ),
                )
            ]
            + [f"• {line}" for line in shown]
            + ([t(language, "content_admin.more", count=more)] if more > 0 else [])
        )
        await _audit(context, update, "content_reload_refused", f"{len(error.problems)} problems")
        log.warning("content reload refused: %d problems", len(error.problems))
        await reply(update, context, text)
        return
    await _audit(context, update, "content_reloaded", None)
    strategies = sum(len(feeling.strategies) for feeling in content.coping.feelings.values())
    await reply(
        update,
        context,
        services.t(
            language,
            "content_admin.reloaded",
            countries=len(content.crisis.countries),
            strategies=strategies,
            referrals=sum(len(items) for items in content.referrals.countries.values())
            + len(content.referrals.programme),
            by=user.full_name if user else "?",
        ),
    )


async def _audit(context: BotContext, update: Update, action: str, detail: str | None) -> None:
    """Record who reloaded content and how it went."""
    user = update.effective_user
    await audit.record(
        context.services.db,
        actor_id=user.id if user else 0,
        actor_name=user.full_name if user else "anonymous admin",
        action=action,
        now=context.services.clock.now(),
        detail=detail,
    )


def handlers(wiring: Wiring) -> Handlers:
    """/reload, in the coordinators' group."""
    return [CommandHandler("reload", reload_command, wiring.coordinators)]
