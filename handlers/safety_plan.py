"""/safetyplan: the member's own safety plan, private, editable step by step; also the
[📋 My safety plan] and [📋 Make a safety plan] buttons offered after a crisis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.callbacks import choice, shape
from bot.safety.safety_plan import WAIT, render_plan, section_title
from bot.safety.safety_plan import awaiting as plan_step
from bot.services import BotContext, Services
from handlers._common import (
    Button,
    answer_expired,
    answer_stray_message,
    current_member,
    language_of,
    reply,
)
from handlers._edits import remove_buttons
from storage import safety_plans
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

NS = "plan"


class AwaitingStep(filters.MessageFilter):
    """True for a private text message while the plan waits for a typed step from that chat."""

    def __init__(self, services: Services) -> None:
        """Remember the services (the clock and the pending steps live there)."""
        super().__init__(name="AwaitingStep")
        self.services = services

    def filter(self, message: Message) -> bool:
        """Is a step awaited from this chat right now?"""
        return awaiting(self.services, message.chat.id) is not None


def awaiting(services: Services, chat_id: int) -> str | None:
    """The step a chat is writing, if any."""
    return plan_step(services.waiting.safety_plan, chat_id, services.clock.now())


def _buttons(context: BotContext, language: str) -> list[list[Button]]:
    """One button per step, then [Done]."""
    t, sign = context.services.t, context.services.signer.sign
    rows: list[list[Button]] = [
        [
            (
                t(language, "safety_plan.edit", section=section_title(t, language, section)),
                sign(NS, "edit", section),
            )
        ]
        for section in safety_plans.SECTIONS
    ]
    return [*rows, [(t(language, "safety_plan.close"), sign(NS, "close"))]]


async def show(update: Update, context: BotContext, member: Member) -> None:
    """Send the plan with its edit buttons."""
    services = context.services
    plan = await safety_plans.get(services.db, member.id)
    await reply(
        update,
        context,
        render_plan(services.t, member.language, plan),
        _buttons(context, member.language),
    )


async def plan_command(update: Update, context: BotContext) -> None:
    """/safetyplan: show the plan (it starts empty) with a button per step."""
    member = await current_member(update, context)
    if member is None:
        await reply(
            update, context, context.services.t(language_of(update, context), "common.not_a_member")
        )
        return
    await show(update, context, member)


async def plan_button(update: Update, context: BotContext) -> None:
    """Show, edit a step, or close the plan."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    services = context.services
    member = await current_member(update, context)
    parts = services.signer.verify(query.data) or []
    if member is None or len(parts) < 2:
        await answer_expired(query, context, language_of(update, context))
        return
    await query.answer()
    pending = services.waiting.safety_plan
    if parts[1] == "edit" and len(parts) == 3 and parts[2] in safety_plans.SECTIONS:
        pending[update.effective_chat.id] = (parts[2], services.clock.now() + WAIT)
        title = section_title(services.t, member.language, parts[2])
        await reply(update, context, services.t(member.language, "safety_plan.ask", section=title))
    elif parts[1] == "close":
        pending.pop(update.effective_chat.id, None)
        await remove_buttons(query)
        await reply(update, context, services.t(member.language, "safety_plan.closed"))
    else:  # "show" (after a crisis) and "make"
        await show(update, context, member)


async def plan_text(update: Update, context: BotContext) -> None:
    """A typed step: save it (a dash clears it) and show the plan again."""
    services = context.services
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    member = await current_member(update, context)
    section = awaiting(services, chat.id)
    if member is None or section is None:
        services.waiting.safety_plan.pop(chat.id, None)
        await answer_stray_message(update, context)
        return
    text = (message.text or "").strip()
    if len(text) > safety_plans.MAX_CHARS:
        await reply(
            update,
            context,
            services.t(member.language, "safety_plan.too_long", max=safety_plans.MAX_CHARS),
        )
        return
    services.waiting.safety_plan.pop(chat.id, None)
    await safety_plans.save(
        services.db, member.id, section, "" if text == "-" else text, services.clock.now()
    )
    await reply(
        update,
        context,
        services.t(member.language, "safety_plan.cleared" if text == "-" else "safety_plan.saved"),
    )
    await show(update, context, member)


def handlers(wiring: Wiring) -> Handlers:
    """A typed safety-plan step, /safetyplan and its buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & AwaitingStep(wiring.services), plan_text
        ),
        CommandHandler("safetyplan", plan_command, private),
        CallbackQueryHandler(plan_button, pattern=shape("plan", choice("show", "make", "close"))),
        CallbackQueryHandler(
            plan_button, pattern=shape("plan", "edit", choice(*safety_plans.SECTIONS))
        ),
    ]
