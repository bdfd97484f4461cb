"""/broadcast in the coordinators' group: preview, confirm or cancel, then live progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.console import broadcast
from bot.core.callbacks import NUMBER, choice, payload_parts, shape
from bot.core.i18n import escape
from bot.services import BotContext
from handlers._common import answer_expired, reply
from handlers._coordinators import coordinator_commands
from handlers._edits import remove_buttons
from storage import broadcasts

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("broadcast")
AUDIENCES = tuple(broadcasts.AUDIENCE_ROLES)
MAX_TEXT = 3500


async def broadcast_command(update: Update, context: BotContext) -> None:
    """`/broadcast mentors|mentees|everyone text`: show a preview with Send / Cancel."""
    services = context.services
    t, language = services.t, services.settings.default_language
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    parts = (message.text or "").split(maxsplit=2)
    if len(parts) < 3 or parts[1].lower() not in AUDIENCES or not parts[2].strip():
        await reply(update, context, t(language, "delivery.broadcast_usage"))
        return
    audience, text = parts[1].lower(), parts[2].strip()
    if len(text) > MAX_TEXT:  # room for the header inside Telegram's 4,096 characters
        await reply(update, context, t(language, "delivery.broadcast_too_long", limit=MAX_TEXT))
        return
    reachable, _ = await broadcasts.audience_counts(services.db, audience)
    if reachable == 0:
        await reply(update, context, t(language, "delivery.broadcast_nobody"))
        return
    draft = await broadcasts.create_draft(
        services.db,
        audience=audience,
        text=text,
        actor_id=user.id,
        actor_name=user.full_name,
        now=services.clock.now(),
    )
    sign = services.signer.sign
    await reply(
        update,
        context,
        t(
            language,
            "delivery.broadcast_preview",
            count=broadcast.number(reachable),
            audience=t(language, f"delivery.audience_{audience}"),
            text=escape(text),
        ),
        [
            [
                (
                    t(language, "delivery.broadcast_confirm", count=broadcast.number(reachable)),
                    sign("co", "bc", "send", draft.id),
                ),
                (t(language, "delivery.broadcast_cancel"), sign("co", "bc", "cancel", draft.id)),
            ]
        ],
    )


async def broadcast_button(update: Update, context: BotContext) -> None:
    """Send or Cancel under a preview; a second press (or an old preview) has expired."""
    services = context.services
    t, language = services.t, services.settings.default_language
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parts = payload_parts(query.data)
    action, broadcast_id = parts[2], int(parts[3])
    if action == "cancel":
        if not await broadcasts.set_status(
            services.db, broadcast_id, old="draft", new="cancelled", text=None
        ):
            await answer_expired(query, context, language)
            return
        await query.answer()
        await remove_buttons(query)
        await reply(update, context, t(language, "delivery.broadcast_cancelled"))
        return
    confirmed = await broadcast.confirm(
        services, broadcast_id, actor_id=user.id, actor_name=user.full_name
    )
    if confirmed is None:
        await answer_expired(query, context, language)
        return
    await query.answer()
    await remove_buttons(query)
    progress = await broadcasts.progress(services.db, broadcast_id, services.clock.now())
    sent = await reply(
        update,
        context,
        broadcast.progress_text(services, confirmed, progress, services.clock.now()),
    )
    # Handed to the outbox (None): no message to keep editing; the final count still comes.
    await broadcasts.set_progress(
        services.db,
        broadcast_id,
        message_id=sent.message_id if sent else None,
        at=services.clock.now(),
    )
    services.outbox.wake()


def handlers(wiring: Wiring) -> Handlers:
    """/broadcast and its confirmation buttons (coordinators' group only)."""
    return [
        CommandHandler("broadcast", broadcast_command, wiring.coordinators),
        CallbackQueryHandler(
            broadcast_button, pattern=shape("co", "bc", choice("send", "cancel"), NUMBER)
        ),
    ]
