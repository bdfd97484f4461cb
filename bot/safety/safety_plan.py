"""The personal safety plan (Stanley-Brown) as text: the seven steps in order, the member's own
words escaped, empty steps marked. Pure: the words come from storage/safety_plans.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.core.i18n import Html, Translator, escape
from storage.safety_plans import SECTIONS

WAIT = timedelta(minutes=30)  # a typed step is awaited this long after its button


def awaiting(
    pending: Mapping[int, tuple[str, datetime]], chat_id: int, now: datetime
) -> str | None:
    """The step a chat is writing, if any (crisis words are answered and still saved there:
    a plan is where someone writes about their hardest moments)."""
    waiting = pending.get(chat_id)  # (section, deadline)
    return waiting[0] if waiting and now < waiting[1] else None


def render_plan(t: Translator, language: str, plan: dict[str, str], *, intro: bool = True) -> Html:
    """The whole plan, every step titled, in the member's language."""
    lines: list[str] = [t(language, "safety_plan.title")]
    if intro:
        lines.append(t(language, "safety_plan.intro"))
    for section in SECTIONS:
        body = plan.get(section)
        lines += [
            "",
            f"<b>{t(language, f'safety_plan.section_{section}')}</b>",
            escape(body) if body else t(language, "safety_plan.empty"),
        ]
    return Html("\n".join(lines))


def section_title(t: Translator, language: str, section: str) -> Html:
    """A step's title without its number (for buttons and prompts)."""
    title = t(language, f"safety_plan.section_{section}")
    return Html(title.split(". ", 1)[-1])
