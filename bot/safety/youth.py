"""What someone under the programme's minimum age is told: kindly, with helplines for young
people where they live. Pure: builds text only; nothing about the person is stored."""

from __future__ import annotations

from bot.content import Content
from bot.core.i18n import Html, Translator, attr, escape
from bot.safety.crisis_view import _contacts


def country_from_language_code(code: str | None, default: str) -> str:
    """A country guessed from Telegram's language code ('es-MX' -> 'MX'), else the default."""
    if code and "-" in code:
        region = code.split("-", 1)[1].upper()
        if len(region) == 2 and region.isalpha():
            return region
    return default.upper()


def render_too_young(
    t: Translator, language: str, content: Content, country: str, minimum_age: int
) -> Html:
    """The kind "this programme is for adults" message, then youth lines (or crisis lines)."""
    lines = [t(language, "start.too_young", age=minimum_age), ""]
    youth = content.youth.countries.get(country)
    found = youth.lines if youth else ()
    if not found:
        general = content.crisis.for_country(country)
        found = general.lines if general else ()
        if general is not None:
            lines.append(t(language, "crisis.emergency", number=general.emergency))
    for line in sorted(found, key=lambda item: language not in item.languages):
        lines.append(
            t(
                language,
                "crisis.line",
                name=line.name,
                contacts=_contacts(line, t, language),
                hours=line.hours,
            )
        )
    links = Html(
        " · ".join(
            f'<a href="{attr(item.url)}">{escape(item.name)}</a>'
            for item in content.youth.international
        )
    )
    lines += [
        t(language, "start.too_young_elsewhere", links=links),
        "",
        t(language, "start.too_young_end"),
    ]
    return Html("\n".join(lines))
