"""Builds the crisis message text: warm words, the emergency number first, then the lines."""

from __future__ import annotations

from bot.catalog.crisis import CountryCrisis, CrisisDirectory, CrisisLine
from bot.i18n import Html, Translator, attr, escape


def _contacts(line: CrisisLine, t: Translator, language: str) -> Html:
    parts = []
    if line.phone:
        parts.append(t(language, "crisis.call", number=line.phone))
    if line.sms:
        parts.append(t(language, "crisis.text", number=line.sms))
    if line.chat_url:
        parts.append(f'<a href="{attr(line.chat_url)}">{t(language, "crisis.chat")}</a>')
    text = " · ".join(parts)
    if line.unverified:
        text += f" ({t(language, 'crisis.unverified')})"
    return Html(text)


def render_crisis(
    t: Translator,
    language: str,
    directory: CrisisDirectory,
    country_code: str | None,
    *,
    not_safe: bool = False,
    gentle: bool = False,
) -> Html:
    """The full crisis message for a member's country, in their language."""
    country: CountryCrisis | None = directory.for_country(country_code)
    intro = "crisis.intro_not_safe" if not_safe else "crisis.intro_gentle" if gentle else "crisis.intro"
    lines = [t(language, intro), ""]
    if country is not None:
        lines.append(t(language, "crisis.emergency", number=country.emergency))
        # Lines that speak the member's language first (stable: the file's order otherwise).
        for line in sorted(country.lines, key=lambda item: language not in item.languages):
            lines.append(
                t(
                    language,
                    "crisis.line",
                    name=line.name,
                    contacts=_contacts(line, t, language),
                    hours=line.hours,
                )
            )
    else:
        lines.append(t(language, "crisis.unknown_country"))
    links = Html(
        " · ".join(
            f'<a href="{attr(resource.url)}">{escape(resource.name)}</a>'
            for resource in directory.international
        )
    )
    lines += [
        t(language, "crisis.international", links=links),
        "",
        t(language, "crisis.not_a_service"),
        "",
        t(language, "crisis.ask_safe"),
    ]
    return Html("\n".join(lines))
