"""Builds the crisis message text: warm words, the emergency number first, then the lines."""

from __future__ import annotations

from bot.catalog.crisis import CountryCrisis, CrisisDirectory, CrisisLine
from bot.core.i18n import Html, Translator, attr, escape


def _contacts(line: CrisisLine, t: Translator, language: str) -> Html:
    parts: list[str] = []
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
    intro = (
        "crisis.intro_not_safe" if not_safe else "crisis.intro_gentle" if gentle else "crisis.intro"
    )
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


def _top_line(country: CountryCrisis, language: str) -> CrisisLine:
    """The country's first line that speaks the member's language (else its first line)."""
    return next((line for line in country.lines if language in line.languages), country.lines[0])


def _line_text(line: CrisisLine, t: Translator, language: str) -> Html:
    return t(
        language,
        "crisis.line",
        name=line.name,
        contacts=_contacts(line, t, language),
        hours=line.hours,
    )


def _directory_links(directory: CrisisDirectory) -> Html:
    return Html(
        " · ".join(
            f'<a href="{attr(resource.url)}">{escape(resource.name)}</a>'
            for resource in directory.international
        )
    )


def render_concern(
    t: Translator, language: str, directory: CrisisDirectory, country_code: str | None
) -> Html:
    """A concern: ask directly and caringly, one line and the emergency number in the same message."""
    lines = _compact_lines(t, language, directory, country_code)
    return Html(f"{t(language, 'crisis.intro_concern')}\n\n{lines}")


def render_followup(
    t: Translator, language: str, directory: CrisisDirectory, country_code: str | None, choice: str
) -> Html:
    """A follow-up within minutes of a crisis reply: new words, and still a line and the emergency number.

    Someone who keeps writing in a crisis should never have to tap to see a number: the follow-up
    is short, but it always carries the top line and the emergency number (or the directories).
    """
    lines = _compact_lines(t, language, directory, country_code, key="crisis.followup_lines")
    return Html(f"{t(language, f'crisis.{choice}')}\n\n{lines}")


def _compact_lines(
    t: Translator,
    language: str,
    directory: CrisisDirectory,
    country_code: str | None,
    *,
    key: str = "crisis.concern_lines",
) -> Html:
    """One line that speaks the member's language and the emergency number, in one sentence."""
    country = directory.for_country(country_code)
    if country is None:
        return t(language, f"{key}_unknown", links=_directory_links(directory))
    top = _top_line(country, language)
    return t(
        language,
        key,
        emergency=country.emergency,
        line=Html(f"<b>{escape(top.name)}</b> ({_contacts(top, t, language)})"),
    )


def render_not_safe(
    t: Translator,
    language: str,
    directory: CrisisDirectory,
    country_code: str | None,
    *,
    again: bool = False,
) -> Html:
    """ "I'm not safe": the emergency number first, that coordinators were told, what helps now."""
    country = directory.for_country(country_code)
    if again:
        first = t(
            language,
            "crisis.not_safe_told_again",
            emergency=country.emergency if country else "112 / 911",
        )
        return Html(f"{first}\n\n{t(language, 'crisis.not_safe_next')}")
    parts: list[str] = [
        t(language, "crisis.not_safe_first", emergency=country.emergency)
        if country
        else t(language, "crisis.not_safe_first_unknown"),
        t(language, "crisis.not_safe_told"),
    ]
    if country is not None:
        parts.append(
            t(
                language,
                "crisis.not_safe_line",
                line=_line_text(_top_line(country, language), t, language),
            )
        )
    else:
        parts.append(t(language, "crisis.international", links=_directory_links(directory)))
    parts.append(t(language, "crisis.not_safe_next"))
    return Html("\n\n".join(parts))


def render_danger(
    t: Translator, language: str, directory: CrisisDirectory, country_code: str | None
) -> Html:
    """Danger from someone else: emergency first, privacy of the chat, the specialist lines."""
    country = directory.for_country(country_code)
    parts: list[str] = [
        t(language, "crisis.intro_danger", emergency=country.emergency)
        if country
        else t(language, "crisis.intro_danger_unknown"),
        t(language, "crisis.danger_private"),
    ]
    if country is not None and country.danger_lines:
        listed = sorted(country.danger_lines, key=lambda item: language not in item.languages)
        parts.append(
            "\n".join(
                [
                    t(language, "crisis.danger_lines_title"),
                    *(_line_text(line, t, language) for line in listed),
                ]
            )
        )
    if country is not None:
        parts.append(_line_text(_top_line(country, language), t, language))
    else:
        parts.append(t(language, "crisis.international", links=_directory_links(directory)))
    parts.append(t(language, "crisis.danger_told"))
    return Html("\n\n".join(parts))
