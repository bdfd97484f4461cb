"""/evaluation in the coordinators' group: the evaluation report as a PDF and a CSV."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from bot.console.evaluation_report import BadScope, Busy, build, parse_scope, words_for
from bot.delivery.lanes import Lane, lane_args
from bot.services import BotContext
from handlers._coordinators import actor, coordinator_commands, say, thread_of
from storage import audit

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("evaluation")
logger = logging.getLogger(__name__)


async def evaluation(update: Update, context: BotContext) -> None:
    """/evaluation [cohort] [FROM TO]: the evaluation report (PDF and CSV), small counts hidden."""
    services = context.services
    t, language = services.t, services.settings.default_language
    try:
        scope = parse_scope(list(context.args or []))
    except BadScope:
        await say(update, context, t(language, "evaluation.bad_dates"))
        return
    now = services.clock.now()
    try:
        built = await build(
            services.db, words_for(t, language), now, scope, services.locks.evaluation
        )
    except Busy:
        await say(update, context, t(language, "evaluation.busy"))
        return
    except Exception:  # a report must never post a traceback; the log has the error type
        logger.exception("evaluation report failed")
        await say(update, context, t(language, "evaluation.failed"))
        return
    actor_id, actor_name = actor(update)
    await audit.record(
        services.db, actor_id=actor_id, actor_name=actor_name, action="evaluation", now=now
    )
    chat = update.effective_chat
    assert chat is not None
    stamp = now.date().isoformat()
    for data, name in (
        (built.pdf, f"evaluation-{stamp}.pdf"),
        (built.csv, f"evaluation-{stamp}.csv"),
    ):
        await context.bot.send_document(
            chat_id=chat.id,
            document=InputFile(data, filename=name),
            caption=t(language, "evaluation.caption", scope=built.scope_text),
            parse_mode=ParseMode.HTML,
            message_thread_id=thread_of(update),
            rate_limit_args=lane_args(Lane.INTERACTIVE),
        )


def handlers(wiring: Wiring) -> Handlers:
    """/evaluation, in the coordinators' group."""
    return [CommandHandler("evaluation", evaluation, wiring.coordinators)]
