"""What a mentee's mentor sees: the programme's defaults, the mentee's own choices, the wording.

Items are the check-in questions (except "would you like your mentor to reach out?", which is
addressed to the mentor) and the mentee's goals. For the note, "shared" means "ask me each
time"; not shared means the note is never shown and the question is not asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.catalog.checkins import CheckinContent
from bot.core.i18n import Html
from storage import sharing

if TYPE_CHECKING:
    from bot.core.i18n import Translator
    from bot.services import Services
    from storage.members import Member

NOTE = "note"


def effective(content: CheckinContent, saved: Mapping[str, bool]) -> dict[str, bool]:
    """Every item: the member's choice where they made one, else the programme's default."""
    return {
        item: saved.get(item, content.sharing.get(item, False)) for item in content.sharing_items
    }


async def mentor_sees(services: Services, member: Member) -> dict[str, bool]:
    """The member's sharing, item by item."""
    return effective(services.content.checkins, await sharing.choices(services.db, member.id))


def item_name(t: Translator, language: str, item: str) -> str:
    """An item's name (falls back to its id for a question added without a label)."""
    try:
        return t(language, f"sharing.item_{item}")
    except KeyError:
        return item


def defaults_sentence(t: Translator, language: str, content: CheckinContent) -> Html:
    """The consent text's exact statement of the programme's defaults."""
    names = {item: item_name(t, language, item) for item in content.sharing_items}
    shown = [names[i] for i in content.sharing_items if i != NOTE and content.sharing[i]]
    hidden = [names[i] for i in content.sharing_items if i != NOTE and not content.sharing[i]]
    parts = [
        t(
            language,
            "sharing.defaults_shown",
            items=", ".join(shown) or t(language, "sharing.nothing"),
        )
    ]
    if NOTE in content.sharing:
        parts.append(
            t(
                language,
                "sharing.defaults_note_ask"
                if content.sharing[NOTE]
                else "sharing.defaults_note_never",
            )
        )
    if hidden:
        parts.append(t(language, "sharing.defaults_hidden", items=", ".join(hidden)))
    parts.append(t(language, "sharing.defaults_change"))
    return Html(" ".join(parts))


def choice_label(t: Translator, language: str, item: str, shared: bool) -> str:
    """How one item's current state reads."""
    if item == NOTE:
        return t(language, "sharing.state_ask" if shared else "sharing.state_never")
    return t(language, "sharing.state_shared" if shared else "sharing.state_private")


def settings_row(t: Translator, sign: Callable[..., str], language: str) -> list[tuple[str, str]]:
    """The buttons /settings shows a mentee for what their mentor sees, and for their goals."""
    return [
        (t(language, "sharing.settings_button"), sign("sh", "menu")),
        (t(language, "goals.settings_button"), sign("gl", "menu")),
    ]
