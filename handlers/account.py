"""Taking a break: /pause (1 week, 2 weeks, until I resume, or not now), /resume, and mentors'
/stepback (with [Not now])."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core import words
from bot.core.callbacks import VALUE, choice, shape
from bot.core.clock import from_db
from bot.core.schedule import INDEFINITE, is_paused
from bot.programme import account
from bot.services import BotContext
from handlers._common import Button, answer_expired, current_member, language_of, reply
from handlers._edits import remove_buttons
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

PAUSES = {"1w": timedelta(weeks=1), "2w": timedelta(weeks=2), "open": None}
# ac:pause:<length>:<state when asked> (see _pause_state).
PAUSE_PATTERN = shape("ac", "pause", choice(*PAUSES), VALUE)


async def _joined(update: Update, context: BotContext) -> Member | None:
    """The member if they finished joining; otherwise tell them to finish first."""
    member = await current_member(update, context)
    if member is None or member.intake_done_at is None:
        language = language_of(update, context, member)
        await reply(update, context, context.services.t(language, "settings.join_first"))
        return None
    return member


async def pause_command(update: Update, context: BotContext) -> None:
    """/pause: how long?"""
    member = await _joined(update, context)
    if member is None:
        return
    services = context.services
    t, sign, lang = services.t, services.signer.sign, member.language
    # The button remembers whether the member was paused when asked, so a second press of the
    # same question (another device) is answered as expired instead of pausing again.
    state = _pause_state(context, member)
    buttons: list[list[Button]] = [
        [(t(lang, f"account.pause_{key}"), sign("ac", "pause", key, state))] for key in PAUSES
    ]
    buttons.append([(t(lang, "account.not_now"), sign("ac", "keep"))])
    text: str = t(lang, "account.pause_ask")
    if state != "r":
        text = f"{t(lang, 'account.paused_now', until=_until_text(context, member))}\n{text}"
    await reply(update, context, text, buttons)


def _pause_state(context: BotContext, member: Member) -> str:
    """'p' while paused (until a given moment), 'r' while running."""
    paused = is_paused(context.services.clock.now(), member.paused_until)
    return f"p{member.paused_until}".replace(":", "") if paused else "r"


def _until_text(context: BotContext, member: Member) -> str:
    """When a pause ends, in the member's words and time zone."""
    t, lang = context.services.t, member.language
    if member.paused_until == INDEFINITE:
        return t(lang, "account.until_resume")
    until = from_db(member.paused_until)
    assert until is not None
    return t(lang, "account.until_date", date=words.moment(lang, until, member.timezone))


async def pause_button(update: Update, context: BotContext) -> None:
    """Store the pause: every nudge stops until it ends (crisis help never stops)."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await current_member(update, context)
    parts = services.signer.verify(query.data) or []
    key = parts[2] if len(parts) == 4 else ""
    if (
        member is None
        or member.intake_done_at is None
        or key not in PAUSES
        or parts[3] != _pause_state(context, member)
    ):
        await answer_expired(query, context, language_of(update, context, member))
        return
    await query.answer()
    await remove_buttons(query)
    member = await account.pause(services, member, PAUSES[key])
    await reply(
        update,
        context,
        services.t(member.language, "account.paused", until=_until_text(context, member)),
    )


async def resume_command(update: Update, context: BotContext) -> None:
    """/resume: nudges start again (the next check-in is worked out afresh)."""
    member = await _joined(update, context)
    if member is None:
        return
    services = context.services
    now = services.clock.now()
    if not is_paused(now, member.paused_until):
        await reply(update, context, services.t(member.language, "account.not_paused"))
        return
    member = await account.resume(services, member)
    await reply(update, context, services.t(member.language, "account.resumed"))


async def stepback_command(update: Update, context: BotContext) -> None:
    """/stepback (mentors): confirm taking no new mentees, or offer to take them again."""
    member = await _joined(update, context)
    if member is None:
        return
    t, sign, lang = context.services.t, context.services.signer.sign, member.language
    if member.role != "mentor":
        await reply(update, context, t(lang, "account.mentors_only"))
        return
    if member.stepped_back:
        buttons = [
            [
                (t(lang, "account.stepback_return"), sign("ac", "back", "in")),
                (t(lang, "account.not_now"), sign("ac", "keep")),
            ]
        ]
        await reply(update, context, t(lang, "account.stepped_back_already"), buttons)
        return
    buttons = [
        [
            (t(lang, "account.stepback_confirm"), sign("ac", "back", "out")),
            (t(lang, "account.not_now"), sign("ac", "keep")),
        ]
    ]
    await reply(update, context, t(lang, "account.stepback_ask"), buttons)


async def keep_button(update: Update, context: BotContext) -> None:
    """[Not now] under /pause or /stepback: nothing changes."""
    query = update.callback_query
    assert query is not None
    member = await current_member(update, context)
    language = language_of(update, context, member)
    await query.answer()
    await remove_buttons(query)
    await reply(update, context, context.services.t(language, "account.nothing_changed"))


async def stepback_button(update: Update, context: BotContext) -> None:
    """Step back (no new mentees, current pairs go on) or return; coordinators are told."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await current_member(update, context)
    parts = services.signer.verify(query.data) or []
    direction = parts[2] if len(parts) == 3 else ""
    wanted = direction == "out"
    if (
        member is None
        or member.role != "mentor"
        or direction not in ("in", "out")
        or member.stepped_back == wanted
    ):
        await answer_expired(query, context, language_of(update, context, member))
        return
    await query.answer()
    await remove_buttons(query)
    member = await account.step_back(services, member, wanted)
    await reply(update, context, services.t(member.language, f"account.stepback_{direction}_done"))


def handlers(wiring: Wiring) -> Handlers:
    """/pause, /resume, /stepback and their buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("pause", pause_command, private),
        CommandHandler("resume", resume_command, private),
        CommandHandler("stepback", stepback_command, private),
        CallbackQueryHandler(pause_button, pattern=PAUSE_PATTERN),
        CallbackQueryHandler(keep_button, pattern=shape("ac", "keep")),
        CallbackQueryHandler(stepback_button, pattern=shape("ac", "back", choice("in", "out"))),
    ]
