"""Builds referral texts: one service as a few lines (pure; values escaped, links attributed)."""

from __future__ import annotations

from bot.catalog.referrals import Referral
from bot.core.i18n import Html, Translator, attr, escape


def render_referral(t: Translator, language: str, referral: Referral) -> Html:
    """Name, description, then phone, website and hours when known, with a caution if unchecked."""
    lines = [f"<b>{escape(referral.name)}</b>", escape(referral.description.get(language))]
    contacts: list[str] = []
    if referral.phone:
        contacts.append(t(language, "resources.phone", number=referral.phone))
    if referral.website:
        contacts.append(
            f'🌐 <a href="{attr(referral.website)}">{t(language, "resources.website")}</a>'
        )
    if referral.hours:
        contacts.append(t(language, "resources.hours", hours=referral.hours))
    if contacts:
        lines.append(" · ".join(contacts))
    if referral.unverified:
        lines.append(t(language, "resources.unverified"))
    return Html("\n".join(lines))


def render_category(t: Translator, language: str, label: str, referrals: list[Referral]) -> Html:
    """A category heading and its services, separated by blank lines."""
    parts = [t(language, "resources.category_title", label=label)]
    parts += [render_referral(t, language, referral) for referral in referrals]
    parts.append(t(language, "resources.crisis_note"))
    return Html("\n\n".join(parts))
