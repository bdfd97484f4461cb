"""/resources (support services by the member's country and category) and /refer (mentors send
a referral card to their mentee through the outbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.catalog.referrals import CATEGORIES, Referral
from bot.core.callbacks import CODE, SLUG, choice, payload_parts, shape
from bot.core.i18n import Html, attr, escape
from bot.programme import referrals
from bot.safety.resources_view import render_category, render_referral
from bot.services import BotContext
from handlers._common import Button, answer_expired, current_member, language_of, reply
from handlers._edits import edit_pressed
from storage import members, pairs
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

BUTTON_CHARS = 48  # long service names are cut on buttons (the card shows them whole)


def _country(context: BotContext, member: Member | None) -> str:
    """The member's country, else the programme default."""
    return (
        (member.country if member else None) or context.services.settings.default_country
    ).upper()


def _categories_with_entries(context: BotContext, country: str) -> list[str]:
    """Categories that have at least one service for this country (or the programme's own)."""
    directory = context.services.content.referrals
    return [name for name in CATEGORIES if directory.for_country(country, name)]


def _country_name(context: BotContext, country: str) -> str:
    """The country's name from the crisis directory, or its code."""
    entry = context.services.content.crisis.for_country(country)
    return entry.name if entry else country


def _fallback_links(context: BotContext) -> Html:
    """International directories, for a country with no listed services."""
    return Html(
        " · ".join(
            f'<a href="{attr(item.url)}">{escape(item.name)}</a>'
            for item in context.services.content.crisis.international
        )
    )


def _menu(context: BotContext, language: str, country: str) -> tuple[Html, list[list[Button]]]:
    """Intro and one button per category with services here."""
    services = context.services
    t, directory = services.t, services.content.referrals
    names = _categories_with_entries(context, country)
    if not names:
        return t(
            language,
            "resources.none",
            country=_country_name(context, country),
            links=_fallback_links(context),
        ), []
    rows = [
        [(directory.label(name, language), services.signer.sign("res", "c", name))]
        for name in names
    ]
    return t(language, "resources.intro", country=_country_name(context, country)), rows


async def resources_command(update: Update, context: BotContext) -> None:
    """/resources: support services where the member lives, by category."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    text, rows = _menu(context, language, _country(context, member))
    await reply(update, context, text, rows or None)


async def category_button(update: Update, context: BotContext) -> None:
    """A category: its services, with a way back to the categories."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    category = payload_parts(query.data)[2]
    entries = services.content.referrals.for_country(_country(context, member), category)
    await query.answer()
    if category not in CATEGORIES or not entries:
        await edit_pressed(context, query, *_menu(context, language, _country(context, member)))
        return
    text = render_category(
        services.t, language, services.content.referrals.label(category, language), entries
    )
    back = [[(services.t(language, "resources.back"), services.signer.sign("res", "b"))]]
    await edit_pressed(context, query, text, back)


async def back_button(update: Update, context: BotContext) -> None:
    """[Categories]: the menu again, in place."""
    query = update.callback_query
    assert query is not None
    member = await current_member(update, context)
    await query.answer()
    text, rows = _menu(context, language_of(update, context, member), _country(context, member))
    await edit_pressed(context, query, text, rows)


# --- mentors: /refer -------------------------------------------------------------------------


async def _mentored_pairs(context: BotContext, mentor: Member) -> list[tuple[Pair, Member]]:
    """The mentor's running pairs (both accepted) with their mentees."""
    found = []
    for pair in await pairs.current_pairs_of(context.services.db, mentor.id):
        if pair.status == "active" and pair.mentor_id == mentor.id and pair.mentee_id is not None:
            mentee = await members.get_by_id(context.services.db, pair.mentee_id)
            if mentee is not None:
                found.append((pair, mentee))
    return found


async def _pair_for_press(
    update: Update, context: BotContext, pair_code: str
) -> tuple[Member, Pair, Member] | None:
    """The pressing mentor, the pair and the mentee, if this mentor is still in that pair."""
    mentor = await current_member(update, context)
    if mentor is None:
        return None
    for pair, mentee in await _mentored_pairs(context, mentor):
        if pair.code == pair_code:
            return mentor, pair, mentee
    return None


def _refer_categories(
    context: BotContext, language: str, pair: Pair, mentee: Member
) -> tuple[Html, list[list[Button]]]:
    """Categories with services in the mentee's country."""
    services = context.services
    country = _country(context, mentee)
    rows = [
        [
            (
                services.content.referrals.label(name, language),
                services.signer.sign("ref", "c", pair.code, name),
            )
        ]
        for name in _categories_with_entries(context, country)
    ]
    return services.t(
        language,
        "resources.refer_pick_category",
        alias=mentee.display_alias,
        country=_country_name(context, country),
    ), rows


async def refer_command(update: Update, context: BotContext) -> None:
    """/refer: a mentor picks a service to send to their mentee."""
    mentor = await current_member(update, context)
    language = language_of(update, context, mentor)
    t, sign = context.services.t, context.services.signer.sign
    pairs_ = await _mentored_pairs(context, mentor) if mentor else []
    if not pairs_:
        await reply(update, context, t(language, "resources.refer_no_mentee"))
        return
    if len(pairs_) == 1:
        await reply(update, context, *_refer_categories(context, language, *pairs_[0]))
        return
    rows = [[(mentee.display_alias, sign("ref", "p", pair.code))] for pair, mentee in pairs_]
    await reply(update, context, t(language, "resources.refer_pick_mentee"), rows)


async def refer_button(update: Update, context: BotContext) -> None:
    """The /refer steps: p = mentee chosen, c = category chosen, s = send this service."""
    query = update.callback_query
    assert query is not None
    services = context.services
    parts = payload_parts(query.data)
    found = await _pair_for_press(update, context, parts[2]) if len(parts) >= 3 else None
    if found is None:  # the pair ended, or this is not their pair any more
        language = language_of(update, context, await current_member(update, context))
        await answer_expired(query, context, language)
        return
    mentor, pair, mentee = found
    language = mentor.language
    if parts[1] == "p":
        await query.answer()
        await edit_pressed(context, query, *_refer_categories(context, language, pair, mentee))
    elif parts[1] == "c" and len(parts) == 4:
        await query.answer()
        entries = services.content.referrals.for_country(_country(context, mentee), parts[3])
        rows = [
            [(entry.name[:BUTTON_CHARS], services.signer.sign("ref", "s", pair.code, entry.id))]
            for entry in entries
        ]
        text = services.t(language, "resources.refer_pick_service", alias=mentee.display_alias)
        await edit_pressed(context, query, text, rows)
    elif parts[1] == "s" and len(parts) == 4:
        await _send_card(update, context, mentor, pair, mentee, parts[3])


def _find_referral(context: BotContext, country: str, referral_id: str) -> Referral | None:
    """A service listed for the mentee's country (or the programme's own) by id."""
    entries = context.services.content.referrals.for_country(country)
    return next((entry for entry in entries if entry.id == referral_id), None)


async def _send_card(
    update: Update,
    context: BotContext,
    mentor: Member,
    pair: Pair,
    mentee: Member,
    referral_id: str,
) -> None:
    """Queue the referral card for the mentee (in their language) and confirm to the mentor."""
    query = update.callback_query
    assert query is not None
    services = context.services
    referral = _find_referral(context, _country(context, mentee), referral_id)
    if referral is None:
        await answer_expired(query, context, mentor.language)
        return
    text = services.t(
        mentee.language,
        "resources.card",
        alias=mentor.display_alias,
        service=render_referral(services.t, mentee.language, referral),
    )
    queued = await referrals.send_card(services, mentor, mentee, pair, referral.id, text)
    key = "resources.refer_sent" if queued else "resources.refer_already_sent"
    await query.answer()
    await edit_pressed(
        context,
        query,
        services.t(mentor.language, key, name=referral.name, alias=mentee.display_alias),
        None,
    )


def handlers(wiring: Wiring) -> Handlers:
    """/resources, /refer and their buttons (private chats)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("resources", resources_command, private),
        CommandHandler("refer", refer_command, private),
        CallbackQueryHandler(category_button, pattern=shape("res", "c", SLUG)),
        CallbackQueryHandler(back_button, pattern=shape("res", "b")),
        CallbackQueryHandler(refer_button, pattern=shape("ref", "p", CODE)),
        CallbackQueryHandler(refer_button, pattern=shape("ref", choice("c", "s"), CODE, SLUG)),
    ]
