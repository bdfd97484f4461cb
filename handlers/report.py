"""/report: either partner raises a concern with the coordinators; the partner is never told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core.callbacks import NUMBER, choice, payload_parts, shape
from bot.delivery.notify import notify_coordinators
from bot.programme import member_reports
from bot.programme.relay import relay_pairs
from bot.services import BotContext
from handlers._common import (
    Button,
    answer_expired,
    current_member,
    detected_risk,
    language_of,
    reply,
)
from handlers._edits import remove_buttons, settle_button
from handlers._risk_reply import respond_to_risk
from storage import members, pairs, relay
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handler, Handlers, Wiring

KINDS = ("boundaries", "disrespect", "safety", "other")
PICK, KIND, DETAILS = "report_pick", "report_kind", "report_details"
TEXT_MAX = 1500


def kind_buttons(context: BotContext, language: str, pair_id: int) -> list[list[Button]]:
    """One button per kind, then [Cancel]."""
    t, sign = context.services.t, context.services.signer.sign
    rows: list[list[Button]] = [
        [(t(language, f"report.kind_{kind}"), sign("report", "kind", pair_id, kind))]
        for kind in KINDS
    ]
    return [*rows, [(t(language, "report.cancel"), sign("report", "cancel"))]]


async def start(update: Update, context: BotContext) -> str | int:
    """/report: pick the pair (mentors with several mentees), then the kind of concern."""
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, services.t(language, "common.not_a_member"))
        return ConversationHandler.END
    current = relay_pairs(await pairs.current_pairs_of(services.db, member.id))
    if not current:
        await reply(update, context, services.t(language, "report.no_pair"))
        return ConversationHandler.END
    if len(current) == 1:
        await reply(
            update,
            context,
            services.t(language, "report.intro"),
            kind_buttons(context, language, current[0].id),
        )
        return KIND
    buttons: list[list[Button]] = []
    for pair in current:
        partner = await members.get_by_id(services.db, pair.partner_of(member.id) or 0)
        label = partner.display_alias if partner else services.t(language, "relay.left")
        buttons.append([(label[:40], services.signer.sign("report", "pair", pair.id))])
    await reply(update, context, services.t(language, "report.which"), buttons)
    return PICK


async def picked_pair(update: Update, context: BotContext) -> str:
    """The pair is chosen: now the kind."""
    query = update.callback_query
    assert query is not None
    parts = payload_parts(query.data)
    member = await current_member(update, context)
    await query.answer()
    await remove_buttons(query)
    language = language_of(update, context, member)
    await reply(
        update,
        context,
        context.services.t(language, "report.intro"),
        kind_buttons(context, language, int(parts[2])),
    )
    return KIND


async def picked_kind(update: Update, context: BotContext) -> str | int | None:
    """Tell the coordinators now (pair code and kind); then offer to add a few words."""
    query = update.callback_query
    assert query is not None
    services = context.services
    parts = payload_parts(query.data)
    member = await current_member(update, context)
    pair = await pairs.get(services.db, int(parts[2])) if member else None
    if member is None or pair is None or member.id not in (pair.mentee_id, pair.mentor_id):
        await answer_expired(query, context, language_of(update, context, member))
        # Not their pair (an old button?): the question they are on stays open.
        return ConversationHandler.END if member is None else None
    await query.answer()
    await remove_buttons(query)
    report_id = await member_reports.raise_report(services, member, pair, parts[3])
    t = services.t
    await reply(
        update,
        context,
        t(member.language, "report.details"),
        [[(t(member.language, "report.skip"), services.signer.sign("report", "skip", report_id))]],
    )
    return DETAILS


async def details(update: Update, context: BotContext) -> str | int:
    """Optional words, screened for risk, passed to coordinators (never stored)."""
    services = context.services
    message = update.effective_message
    assert message is not None
    member = await current_member(update, context)
    if member is None:
        return ConversationHandler.END
    text = message.text or message.caption or ""
    if not text.strip():
        await reply(update, context, services.t(member.language, "report.details"))
        return DETAILS
    if detected_risk(update, context) is None:
        await respond_to_risk(update, context, text, source="report")
    report_id = await relay.latest_report_of(services.db, member.id)
    shown = text if len(text) <= TEXT_MAX else text[:TEXT_MAX] + "…"
    await notify_coordinators(
        services,
        key=f"report_text:{report_id}",
        kind="report",
        text=services.t(
            services.settings.default_language,
            "report.coord_text",
            number=report_id or "?",
            text=shown,
        ),
    )
    await reply(update, context, services.t(member.language, "report.thanks"))
    return ConversationHandler.END


async def skip(update: Update, context: BotContext) -> int:
    """No words to add."""
    await settle_button(update, context, "report.thanks")
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Nothing is sent."""
    await settle_button(update, context, "report.cancelled")
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> None:
    """Text where a button is expected: say so (the buttons are just above)."""
    member: Member | None = await current_member(update, context)
    await reply(
        update,
        context,
        context.services.t(language_of(update, context, member), "common.use_buttons"),
    )


def conversation() -> ConversationHandler[BotContext]:
    """The /report flow, persisted."""
    text = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND
    cancel_handler: Handler = CallbackQueryHandler(cancel, pattern=shape("report", "cancel"))
    pick: Handler = CallbackQueryHandler(picked_pair, pattern=shape("report", "pair", NUMBER))
    kind: Handler = CallbackQueryHandler(
        picked_kind, pattern=shape("report", "kind", NUMBER, choice(*KINDS))
    )
    return ConversationHandler(
        entry_points=[CommandHandler("report", start, filters.ChatType.PRIVATE)],
        states={
            PICK: [pick, cancel_handler, MessageHandler(text, use_buttons)],
            KIND: [kind, cancel_handler, MessageHandler(text, use_buttons)],
            DETAILS: [
                CallbackQueryHandler(skip, pattern=shape("report", "skip", NUMBER)),
                MessageHandler(text, details),
            ],
        },
        fallbacks=[CommandHandler("report", start, filters.ChatType.PRIVATE)],
        name="report",
        persistent=True,
        allow_reentry=True,
    )


def handlers(wiring: Wiring) -> Handlers:
    """The /report conversation."""
    return [conversation()]
