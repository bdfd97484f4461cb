"""Data rights: /mydata sends everything held as a JSON document; /forget erases it all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.callbacks import CODE, choice, shape
from bot.delivery.lanes import Lane, lane_args
from bot.programme import data_rights
from bot.services import BotContext
from handlers._common import answer_expired, current_member, language_of, reply
from handlers._edits import remove_buttons

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def mydata_command(update: Update, context: BotContext) -> None:
    """/mydata: the JSON document (or, before joining, that nothing is held)."""
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, services.t(language, "data.nothing_held"))
        return
    document = await data_rights.export_document(services, member)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat_id=chat.id,
        document=InputFile(document, filename=f"my-data-{member.code}.json"),
        caption=services.t(language, "data.export_caption"),
        parse_mode="HTML",
        rate_limit_args=lane_args(Lane.INTERACTIVE),
    )


async def forget_command(update: Update, context: BotContext) -> None:
    """/forget: explain what will happen and ask to confirm."""
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, services.t(language, "data.nothing_held"))
        return
    sign, t = services.signer.sign, services.t
    buttons = [
        [(t(language, "data.forget_confirm"), sign("fg", "yes", member.code))],
        [(t(language, "data.forget_cancel"), sign("fg", "no", member.code))],
    ]
    await reply(update, context, t(language, "data.forget_ask"), buttons)


async def forget_button(update: Update, context: BotContext) -> None:
    """Confirmed: erase. Cancelled: nothing changes. A button from before is expired."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    parts = services.signer.verify(query.data) or []
    if member is None or len(parts) != 3 or parts[2] != member.code:
        await answer_expired(query, context, language)
        return
    await query.answer()
    await remove_buttons(query)
    if parts[1] != "yes":
        await reply(update, context, services.t(language, "data.forget_cancelled"))
        return
    forgotten = await data_rights.forget(services, member)
    key = "data.forgotten_alert_open" if forgotten.alert_open else "data.forgotten"
    await reply(update, context, services.t(language, key))


def handlers(wiring: Wiring) -> Handlers:
    """/mydata, /forget and the /forget confirmation (private chats)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("mydata", mydata_command, private),
        CommandHandler("forget", forget_command, private),
        CallbackQueryHandler(forget_button, pattern=shape("fg", choice("yes", "no"), CODE)),
    ]
