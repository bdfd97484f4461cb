"""/cope: feeling buttons -> a strategy -> [Another] [This helped] [Not for me].

Stateless: every button carries what it needs (feeling, position or strategy id), so old menus
keep working after a restart. Rating buttons count once: a press is only taken while the button
is still on the message (the message is edited right after), so a second device cannot count twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.catalog.coping import Feeling, Strategy
from bot.core.callbacks import NUMBER, SLUG, choice, payload_parts, shape
from bot.core.i18n import Html
from bot.programme import coping_use
from bot.programme.coping import position_after, ranked
from bot.services import BotContext
from handlers._common import Button, answer_expired, current_member, language_of, reply
from handlers._edits import edit_pressed
from storage import coping

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


def _feelings_menu(context: BotContext, language: str) -> tuple[Html, list[list[Button]]]:
    """The question and one button per feeling, two per row."""
    services = context.services
    options = [
        (feeling.label.get(language), services.signer.sign("cope", "f", feeling.id))
        for feeling in services.content.coping.feelings.values()
    ]
    rows = [options[index : index + 2] for index in range(0, len(options), 2)]
    return services.t(language, "cope.pick"), rows


def _strategy_view(
    context: BotContext,
    language: str,
    feeling: Feeling,
    strategy: Strategy,
    position: int,
    *,
    rated: bool = False,
) -> tuple[Html, list[list[Button]]]:
    """A strategy as steps, with the buttons to move on or say whether it helped."""
    t, sign = context.services.t, context.services.signer.sign
    lines: list[str] = [
        t(language, "cope.title", title=strategy.title.get(language), minutes=strategy.minutes)
    ]
    if position == 0:
        lines.append(t(language, "cope.intro", intro=feeling.intro.get(language)))
    lines += [
        t(language, "cope.step", number=number, step=step)
        for number, step in enumerate(strategy.steps.get(language), start=1)
    ]
    lines += [t(language, "cope.source", source=strategy.source), "", t(language, "cope.footer")]
    next_position = (position + 1) % len(feeling.strategies)
    another = (t(language, "cope.another"), sign("cope", "n", feeling.id, next_position))
    back = (t(language, "cope.back"), sign("cope", "b"))
    if rated:
        return Html("\n".join(lines)), [[another, back]]
    rows: list[list[Button]] = [
        [another],
        [
            (t(language, "cope.helped"), sign("cope", "r", strategy.id, "y")),
            (t(language, "cope.not_for_me"), sign("cope", "r", strategy.id, "n")),
        ],
        [back],
    ]
    return Html("\n".join(lines)), rows


def _still_offered(query: CallbackQuery, context: BotContext) -> bool:
    """True while the pressed button is still on the message and not already used.

    Telegram sends the message as it was at the press, so two presses from two devices before
    the edit both show the button; the per-chat memory of rated messages catches that.
    """
    markup = getattr(query.message, "reply_markup", None)
    if markup is None or not any(
        button.callback_data == query.data for row in markup.inline_keyboard for button in row
    ):
        return False
    if context.chat_data is None or query.message is None:
        return True
    key = f"{query.message.message_id}:{payload_parts(query.data)[2]}"
    rated: list[str] = context.chat_data.setdefault("cope_rated", [])
    if key in rated:
        return False
    rated[:] = [*rated[-49:], key]  # only recent presses can race
    return True


async def cope_command(update: Update, context: BotContext) -> None:
    """/cope: which feeling fits best right now?"""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    text, rows = _feelings_menu(context, language)
    await reply(update, context, text, rows)
    await coping_use.opened(context.services, member)


async def open_button(update: Update, context: BotContext) -> None:
    """[🧘 Coping ideas] on another message (e.g. a gentle check-in): the feelings menu."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await cope_command(update, context)


async def back_button(update: Update, context: BotContext) -> None:
    """[Other feelings]: the menu again, in place."""
    query = update.callback_query
    assert query is not None
    language = language_of(update, context, await current_member(update, context))
    await query.answer()
    await edit_pressed(context, query, *_feelings_menu(context, language))


async def _show_strategy(
    update: Update, context: BotContext, feeling_id: str, position: int
) -> None:
    """Answer the press and show the feeling's strategy at `position` of the current ranking."""
    query = update.callback_query
    assert query is not None
    language = language_of(update, context, await current_member(update, context))
    feeling = context.services.content.coping.feelings.get(feeling_id)
    if feeling is None:  # removed from the content since the button was sent
        await answer_expired(query, context, language)
        return
    await query.answer()
    strategies = ranked(feeling, await coping.all_feedback(context.services.db))
    position %= len(strategies)
    await edit_pressed(
        context, query, *_strategy_view(context, language, feeling, strategies[position], position)
    )


async def feeling_button(update: Update, context: BotContext) -> None:
    """A feeling was picked: its best-rated strategy."""
    query = update.callback_query
    assert query is not None
    await _show_strategy(update, context, payload_parts(query.data)[2], 0)


async def another_button(update: Update, context: BotContext) -> None:
    """[Another]: the next strategy for the same feeling."""
    query = update.callback_query
    assert query is not None
    parts = payload_parts(query.data)
    await _show_strategy(update, context, parts[2], int(parts[3]))  # digits: the registered shape


async def rate_button(update: Update, context: BotContext) -> None:
    """[This helped] / [Not for me]: counted once, anonymously; "not for me" offers another."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    parts = payload_parts(query.data)
    strategy_id, helpful = parts[2], parts[3:] == ["y"]
    feeling = services.content.coping.feeling_of(strategy_id)
    if feeling is None or not _still_offered(query, context):
        await answer_expired(query, context, language)
        return
    await coping_use.rate(services, strategy_id, helpful)
    strategies = ranked(feeling, await coping.all_feedback(services.db))
    strategy = next(item for item in strategies if item.id == strategy_id)
    if helpful:
        await query.answer(services.t(language, "cope.helped_toast"))
        position = [item.id for item in strategies].index(strategy_id)
        await edit_pressed(
            context,
            query,
            *_strategy_view(context, language, feeling, strategy, position, rated=True),
        )
        return
    await query.answer(services.t(language, "cope.not_for_me_toast"))
    position = position_after(strategies, strategy_id)
    await edit_pressed(
        context, query, *_strategy_view(context, language, feeling, strategies[position], position)
    )


def handlers(wiring: Wiring) -> Handlers:
    """/cope and the coping buttons (private chats)."""
    return [
        CommandHandler("cope", cope_command, filters.ChatType.PRIVATE),
        CallbackQueryHandler(open_button, pattern=shape("cope", "open")),
        CallbackQueryHandler(feeling_button, pattern=shape("cope", "f", SLUG)),
        CallbackQueryHandler(another_button, pattern=shape("cope", "n", SLUG, NUMBER)),
        CallbackQueryHandler(rate_button, pattern=shape("cope", "r", SLUG, choice("y", "n"))),
        CallbackQueryHandler(back_button, pattern=shape("cope", "b")),
    ]
