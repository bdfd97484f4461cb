"""The parts of a check-in about sharing and goals: the first check-in's sharing choices, goal
progress, skipping the note question a mentee never shares, and what the mentor's card may show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.i18n import Html
from bot.programme.sharing import NOTE, choice_label, effective, item_name
from storage import checkins, sharing
from storage.checkins import Draft
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def plan_extras(services: Services, member: Member) -> tuple[bool, list[int]]:
    """(ask the sharing choices?, ids of goals to mark progress on)."""
    first = await checkins.count_checkins(
        services.db, member.id
    ) == 0 and not await sharing.choices(services.db, member.id)
    goals = await sharing.goals(services.db, member.id)
    return first, [goal.id for goal in goals if goal.progress < 3]


async def extra_step_text(services: Services, member: Member, draft: Draft) -> str:
    """The question of a sharing ("p:<item>") or goal ("g:<id>") step."""
    t, language = services.t, member.language
    kind, _, rest = (draft.step or "").partition(":")
    if kind == "g":
        goal = next(
            (g for g in await sharing.goals(services.db, member.id) if str(g.id) == rest), None
        )
        return t(language, "goals.checkin_question", goal=goal.text if goal else "…")
    default = services.content.checkins.sharing.get(rest, False)
    key = "sharing.ask_note" if rest == NOTE else "sharing.ask_item"
    text = t(
        language,
        key,
        item=item_name(t, language, rest),
        default=choice_label(t, language, rest, default),
    )
    first_item = services.content.checkins.sharing_items[0]
    return Html(t(language, "sharing.first_intro") + "\n\n" + text) if rest == first_item else text


async def skip_unasked(services: Services, member: Member, draft: Draft) -> Draft:
    """Pass over the "may your mentor see your note?" step when the note is never shared."""
    while draft.step is not None and draft.step.startswith("share:"):
        chosen = draft.answers.get(f"p:{NOTE}")
        asks = bool(chosen) if chosen is not None else (await shown_items(services, member))[NOTE]
        if asks:
            break
        draft = await checkins.save_answer(services.db, draft, draft.step, 0, services.clock.now())
    return draft


async def save_choices(services: Services, member: Member, draft: Draft) -> None:
    """Store the sharing choices and goal progress answered in this check-in."""
    now = services.clock.now()
    for key, value in draft.answers.items():
        kind, _, rest = key.partition(":")
        if kind == "p" and rest in services.content.checkins.sharing_items:
            await sharing.choose(services.db, member.id, rest, bool(value), now)
        elif kind == "g" and rest.isdigit() and value in (0, 1, 2, 3):
            await sharing.set_progress(services.db, member.id, int(rest), int(value), now)


async def shown_items(services: Services, member: Member) -> dict[str, bool]:
    """What this mentee's mentor may see, item by item."""
    return effective(services.content.checkins, await sharing.choices(services.db, member.id))


async def goal_lines(services: Services, member: Member, language: str) -> list[str]:
    """The member's goals with their progress, in `language` (for cards, /progress, settings)."""
    t = services.t
    return [
        t(
            language,
            "goals.line",
            goal=goal.text,
            progress=t(language, f"goals.progress_{goal.progress}"),
        )
        for goal in await sharing.goals(services.db, member.id)
    ]
