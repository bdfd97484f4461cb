"""The personal safety plan (Stanley-Brown) as text: the seven steps in order, the member's own
words escaped, empty steps marked. Pure: the words come from storage/safety_plans.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.i18n import Html, Translator, escape
from storage.safety_plans import SECTIONS

WAIT = timedelta(minutes=30)  # a typed step is awaited this long after its button
PENDING = "safety_plan_pending"  # services.extras: chat id -> (section, deadline)


def awaiting(extras: dict[str, Any], chat_id: int, now: datetime) -> str | None:
    """The step a chat is writing, if any (crisis words are answered and still saved there:
    a plan is where someone writes about their hardest moments)."""
    pending = extras.get(PENDING, {}).get(chat_id)
    return pending[0] if pending and now < pending[1] else None


def render_plan(t: Translator, language: str, plan: dict[str, str], *,
                intro: bool = True) -> Html:
    """The whole plan, every step titled, in the member's language."""
    lines = [t(language, "safety_plan.title")]
    if intro:
        lines.append(t(language, "safety_plan.intro"))
    for section in SECTIONS:
        body = plan.get(section)
        lines += ["", f"<b>{t(language, f'safety_plan.section_{section}')}</b>",
                  escape(body) if body else t(language, "safety_plan.empty")]
    return Html("\n".join(lines))


def section_title(t: Translator, language: str, section: str) -> Html:
    """A step's title without its number (for buttons and prompts)."""
    title = t(language, f"safety_plan.section_{section}")
    return Html(title.split(". ", 1)[-1])
