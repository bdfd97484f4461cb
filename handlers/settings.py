"""/settings: every profile answer, the language, time zone, check-in day/time and quiet hours.

Buttons are ``st:<step>:<value>`` and reuse the intake questions (handlers/_questions.py). A
typed answer (alias, time, time zone) is awaited for 10 minutes after its button was pressed;
after that (or a restart) text goes to whatever else handles it, so a message meant for a
partner is never swallowed as an alias.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.callbacks import VALUE, choice, shape
from bot.programme.sharing import settings_row
from bot.services import BotContext, Services
from handlers import _questions as questions
from handlers._common import (
    Button,
    answer_expired,
    answer_stray_message,
    current_member,
    language_of,
    reply,
)
from handlers._edits import edit_pressed, remove_buttons
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

NS = "st"
TEXT_WAIT = timedelta(minutes=10)
# The steps a settings screen has buttons for (role and the code of conduct are intake only).
BUTTON_STEPS = (
    "lang",
    "age",
    "langs",
    "country",
    "tz",
    "tzpick",
    "focus",
    "lived",
    "cap",
    "gender",
    "pref",
    "day",
    "time",
    "quiet",
    "qstart",
    "qend",
)
PATTERNS = (shape(NS, choice("menu", "close")), shape(NS, choice("open", *BUTTON_STEPS), VALUE))


class AwaitingText(filters.MessageFilter):
    """True for a private text message while /settings waits for a typed answer from that chat."""

    def __init__(self, services: Services) -> None:
        """Remember the services (the clock and the pending answers live there)."""
        super().__init__(name="AwaitingText")
        self.services = services

    def filter(self, message: Message) -> bool:
        """Is a typed answer awaited from this chat right now?"""
        pending = self.services.waiting.settings.get(message.chat.id)
        return pending is not None and self.services.clock.now() < pending[1]


def fields_for(member: Member) -> list[str]:
    """The settings a member can change (role-specific ones included)."""
    fields = ["alias", "lang", "age", "langs", "country", "tz", "focus"]
    fields += ["lived", "cap"] if member.role == "mentor" else []
    fields += ["gender"] + (["pref"] if member.role == "mentee" else [])
    return [*fields, "day", "time", "quiet"]


def _value(services: Services, member: Member, field: str) -> str:
    """How a setting's current value reads in the menu."""
    lang, intake, t = member.language, services.content.intake, services.t
    none = t(lang, "settings.not_set")
    single = {
        "age": ("age_bands", member.age_band),
        "gender": ("genders", member.preferences.get("gender")),
        "pref": ("partner_genders", member.preferences.get("mentor_gender")),
    }
    if field in single:
        kind, value = single[field]
        return intake.label(kind, value, lang) if value else none
    if field in questions.MULTI:
        kind, column = questions.MULTI[field]
        chosen = getattr(member, column)
        return ", ".join(intake.label(kind, value, lang) for value in chosen) or none
    plain: dict[str, Any] = {
        "alias": member.alias or none,
        "lang": t(lang, "settings.language_name"),
        "country": questions.country_name(services, member.country, lang),
        "tz": member.timezone,
        "cap": member.capacity,
        "day": t(lang, f"intake.day_{member.checkin_weekday}")
        if member.checkin_weekday is not None
        else none,
        "time": member.checkin_time or none,
        "quiet": f"{member.quiet_start}–{member.quiet_end}",
    }
    return str(plain[field])


def menu(services: Services, member: Member, saved: bool = False) -> tuple[str, list[list[Button]]]:
    """The settings menu: current values, one button per setting, and Done."""
    t, lang, sign = services.t, member.language, services.signer.sign
    lines = [t(lang, "settings.saved")] if saved else []
    lines.append(t(lang, "settings.title"))
    for field in fields_for(member):
        lines.append(
            t(
                lang,
                "settings.line",
                name=t(lang, f"settings.name_{field}"),
                value=_value(services, member, field),
            )
        )
    buttons: list[Button] = [
        (t(lang, f"settings.name_{field}"), sign(NS, "open", field)) for field in fields_for(member)
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if member.role == "mentee":  # what the mentor sees, and goals (handlers/sharing.py)
        rows.append(settings_row(services.t, services.signer.sign, member.language))
    rows.append([(t(lang, "settings.close"), sign(NS, "close"))])
    return "\n".join(lines), rows


async def _member(update: Update, context: BotContext) -> Member | None:
    """The member if they finished joining (settings exist only then)."""
    member = await current_member(update, context)
    return member if member is not None and member.intake_done_at is not None else None


async def settings_command(update: Update, context: BotContext) -> None:
    """/settings: the menu."""
    member = await _member(update, context)
    if member is None:
        language = language_of(update, context)
        await reply(update, context, context.services.t(language, "settings.join_first"))
        return
    text, buttons = menu(context.services, member)
    await reply(update, context, text, buttons)


async def _edit(
    update: Update, context: BotContext, text: str, buttons: list[list[Button]]
) -> None:
    """Replace the pressed message's text and buttons."""
    query = update.callback_query
    assert query is not None
    await edit_pressed(context, query, text, buttons)


def _ask(services: Services, member: Member, step: str) -> tuple[str, list[list[Button]]]:
    """A setting's question with a Back button under it."""
    shown = "tzpick" if step == "tz" and member.country in (None, "ZZ") else step
    text, buttons = questions.question(services, member, shown, NS)
    back = services.signer.sign(NS, "menu")
    return text, [*buttons, [(services.t(member.language, "settings.back"), back)]]


def _await_text(services: Services, chat_id: int, step: str | None) -> None:
    """Start (or stop, with None) waiting for a typed answer from this chat."""
    pending = services.waiting.settings
    if step in questions.TEXT_STEPS:
        pending[chat_id] = (step, services.clock.now() + TEXT_WAIT)
    else:
        pending.pop(chat_id, None)


async def on_button(update: Update, context: BotContext) -> None:
    """Every /settings button: open a question, store an answer, back to the menu, or close."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    services = context.services
    member = await _member(update, context)
    parts = services.signer.verify(query.data) or []
    if member is None or len(parts) < 2:
        await answer_expired(query, context, language_of(update, context))
        return
    action, value = parts[1], ":".join(parts[2:])
    chat_id = update.effective_chat.id
    if action in ("menu", "close"):
        await query.answer()
        _await_text(services, chat_id, None)
        if action == "close":
            await remove_buttons(query)
            await reply(update, context, services.t(member.language, "settings.closed"))
        else:
            await _edit(update, context, *menu(services, member))
        return
    if action == "open":
        if value not in fields_for(member):
            await query.answer(services.t(member.language, "common.invalid_button"))
            return
        await query.answer()
        _await_text(services, chat_id, "tzpick" if value == "tz" else value)
        await _edit(update, context, *_ask(services, member, value))
        return
    outcome = await questions.apply_button(services, member, action, value)
    if outcome.kind == "invalid":
        await query.answer(
            services.t(member.language, outcome.message or "common.use_buttons"), show_alert=True
        )
        return
    await query.answer()
    if outcome.kind in ("stay", "goto"):
        step = outcome.step if outcome.kind == "goto" and outcome.step else action
        _await_text(services, chat_id, "tzpick" if step == "tz" else step)
        await _edit(update, context, *_ask(services, outcome.member, step))
        return
    _await_text(services, chat_id, None)
    await _edit(update, context, *menu(services, outcome.member, saved=True))


async def on_text(update: Update, context: BotContext) -> None:
    """A typed answer /settings is waiting for: store it and show the menu, or say why not."""
    services = context.services
    chat = update.effective_chat
    message = update.effective_message
    assert chat is not None and message is not None
    pending = services.waiting.settings.get(chat.id)
    member = await _member(update, context)
    if member is None or pending is None:  # they used /forget meanwhile: stop waiting
        _await_text(services, chat.id, None)
        await answer_stray_message(update, context)
        return
    outcome = await questions.apply_text(services, member, pending[0], message.text or "")
    if outcome.kind != "advance":
        await reply(update, context, services.t(member.language, outcome.message or ""))
        return
    _await_text(services, chat.id, None)
    await reply(update, context, *menu(services, outcome.member, saved=True))


def handlers(wiring: Wiring) -> Handlers:
    """A typed answer /settings waits for, /settings and its buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & AwaitingText(wiring.services), on_text
        ),
        CommandHandler("settings", settings_command, private),
        *(CallbackQueryHandler(on_button, pattern=pattern) for pattern in PATTERNS),
    ]
