"""What my mentor sees (per item) and my goals: screens reached from /settings, /goals and the
check-in. Buttons are ``sh:...`` and ``gl:...``; a goal's words are awaited for 10 minutes after
[Add a goal] (then text goes back to whatever else handles it, as in /settings)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.callbacks import NUMBER, SLUG, choice, shape
from bot.programme.checkin_extras import goal_lines, shown_items
from bot.programme.sharing import choice_label, item_name
from bot.services import BotContext, Services
from handlers._common import Button, answer_expired, current_member, language_of, reply
from handlers._edits import edit_pressed
from storage import sharing
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

PATTERNS = (
    shape("sh", choice("menu")),
    shape("sh", "t", SLUG),
    shape("gl", choice("menu", "add")),
    shape("gl", "rm", NUMBER),
    shape("gl", "share", choice("0", "1")),
)
TEXT_WAIT = timedelta(minutes=10)


class AwaitingGoal(filters.MessageFilter):
    """True for a private text message while a goal's words are awaited from that chat."""

    def __init__(self, services: Services) -> None:
        """Remember the services (the clock and the pending chats live there)."""
        super().__init__(name="AwaitingGoal")
        self.services = services

    def filter(self, message: Message) -> bool:
        """Is a goal awaited from this chat right now?"""
        deadline = self.services.waiting.goal.get(message.chat.id)
        return deadline is not None and self.services.clock.now() < deadline


async def sharing_screen(services: Services, member: Member) -> tuple[str, list[list[Button]]]:
    """Each item with its state, a toggle per item, and Back."""
    t, lang, sign = services.t, member.language, services.signer.sign
    shown = await shown_items(services, member)
    lines = [t(lang, "sharing.settings_title")]
    rows: list[list[Button]] = []
    for item, shared in shown.items():
        name, state = item_name(t, lang, item), choice_label(t, lang, item, shared)
        lines.append(t(lang, "sharing.settings_line", item=name, state=state))
        rows.append(
            [
                (
                    t(
                        lang,
                        "sharing.settings_toggle",
                        item=name,
                        state=choice_label(t, lang, item, not shared),
                    ),
                    sign("sh", "t", item),
                )
            ]
        )
    rows.append([(t(lang, "sharing.back"), sign("st", "menu"))])
    return "\n".join(lines), rows


async def goals_screen(services: Services, member: Member) -> tuple[str, list[list[Button]]]:
    """The goals with their progress, whether the mentor sees them, and what can be done."""
    t, lang, sign = services.t, member.language, services.signer.sign
    goals = await sharing.goals(services.db, member.id)
    shared = (await shown_items(services, member)).get("goals", False)
    lines: list[str] = [
        t(lang, "goals.title", shared=t(lang, "goals.shared_yes" if shared else "goals.shared_no"))
    ]
    lines += await goal_lines(services, member, lang) or [t(lang, "goals.none")]
    rows: list[list[Button]] = [
        [(t(lang, "goals.remove", goal=g.text[:40]), sign("gl", "rm", g.id))] for g in goals
    ]
    if len(goals) < sharing.MAX_GOALS:
        rows.append([(t(lang, "goals.add"), sign("gl", "add"))])
    rows.append(
        [
            (
                t(lang, "goals.share_off" if shared else "goals.share_on"),
                sign("gl", "share", 0 if shared else 1),
            )
        ]
    )
    rows.append([(t(lang, "sharing.back"), sign("st", "menu"))])
    return "\n".join(lines), rows


async def _mentee(update: Update, context: BotContext) -> Member | None:
    member = await current_member(update, context)
    return member if member is not None and member.role == "mentee" else None


async def goals_command(update: Update, context: BotContext) -> None:
    """/goals: the goals screen (mentees)."""
    member = await _mentee(update, context)
    if member is None:
        await reply(
            update, context, context.services.t(language_of(update, context), "goals.for_mentees")
        )
        return
    await reply(update, context, *await goals_screen(context.services, member))


async def on_button(update: Update, context: BotContext) -> None:
    """Every sharing or goals button: show a screen, toggle, remove, or wait for a new goal."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    services = context.services
    member = await _mentee(update, context)
    parts = services.signer.verify(query.data) or []
    if member is None or len(parts) < 2:
        await answer_expired(query, context, language_of(update, context))
        return
    now, lang, (area, action) = services.clock.now(), member.language, parts[:2]
    if area == "sh" and action == "t":
        if parts[2] not in services.content.checkins.sharing_items:
            await answer_expired(query, context, lang)
            return
        current = (await shown_items(services, member))[parts[2]]
        await sharing.choose(services.db, member.id, parts[2], not current, now)
    elif action == "rm":
        await sharing.remove_goal(services.db, member.id, int(parts[2]))
    elif action == "share":
        await sharing.choose(services.db, member.id, "goals", parts[2] == "1", now)
    elif action == "add":
        await query.answer()
        if len(await sharing.goals(services.db, member.id)) >= sharing.MAX_GOALS:
            await reply(update, context, services.t(lang, "goals.full"))
            return
        services.waiting.goal[update.effective_chat.id] = now + TEXT_WAIT
        await reply(update, context, services.t(lang, "goals.ask_text"))
        return
    await query.answer()
    screen = sharing_screen if area == "sh" else goals_screen
    await edit_pressed(context, query, *await screen(services, member))


async def on_text(update: Update, context: BotContext) -> None:
    """The words of a new goal (or /cancel)."""
    services = context.services
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    member = await _mentee(update, context)
    pending = services.waiting.goal
    text = (message.text or "").strip()
    lang = member.language if member else language_of(update, context)
    if member is None or text.lower() == "/cancel":
        pending.pop(chat.id, None)
        await reply(update, context, services.t(lang, "goals.cancelled"))
        return
    if not text:
        await reply(update, context, services.t(lang, "goals.empty"))
        return
    pending.pop(chat.id, None)
    goal = await sharing.add_goal(services.db, member.id, text, services.clock.now())
    if goal is None:
        await reply(update, context, services.t(lang, "goals.full"))
        return
    await reply(update, context, services.t(lang, "goals.added", goal=goal.text))
    await reply(update, context, *await goals_screen(services, member))


def handlers(wiring: Wiring) -> Handlers:
    """A typed goal (or /cancel), /goals and the sharing and goal buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(
            private
            & filters.TEXT
            & AwaitingGoal(wiring.services)
            & (~filters.COMMAND | filters.Regex(r"^/cancel\b")),
            on_text,
        ),
        CommandHandler("goals", goals_command, private),
        *(CallbackQueryHandler(on_button, pattern=pattern) for pattern in PATTERNS),
    ]
