"""Declining an introduction: a kind "not for me", an optional reason, nobody at fault."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox
from storage import pairs
from storage.members import get_by_id
from tests.flows.matching_helpers import mentee, mentor, with_button


async def introduced(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """Ana and Ben, suggested and approved (introduced, nobody in yet)."""
    ana, ana_m = await mentee(sandbox)
    ben, ben_m = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    posted = await coord.send("/suggest")
    await coord.click(with_button(posted, "Approve"), "Approve")
    return ana, ana_m, ben, ben_m, coord


async def test_mentee_declines_with_a_reason(sandbox: Sandbox) -> None:
    ana, ana_m, ben, ben_m, coord = await introduced(sandbox)
    intro = with_button(ana.bot_messages(), "Not for me")
    await ben.click(with_button(ben.bot_messages(), "I'm in"), "I'm in")  # Ben was keen
    replies = await ana.click(intro, "Not for me")
    ask = replies[-1]
    assert "nobody's fault" in ask.text and "only the coordinators see it" in ask.text
    assert ask.button_labels == [
        "Not the right time",
        "I'd like a different match",
        "Something else",
        "Rather not say",
        "Go back",
    ]
    replies = await ana.click(ask, "Go back")  # changing her mind keeps the introduction
    assert "still open" in replies[-1].text
    ask = (await ana.click(intro, "Not for me"))[-1]
    replies = await ana.click(ask, "Not the right time")
    assert (
        "back on the waiting list" in replies[-1].text and "Nobody is at fault" in replies[-1].text
    )
    assert (await get_by_id(sandbox.db, ana_m.id)).status == "waiting"
    assert await pairs.current_pairs_of(sandbox.db, ana_m.id) == []
    assert await pairs.current_pairs_of(sandbox.db, ben_m.id) == []  # Ben's place is free again
    told = ben.last_message().text
    assert "won't go ahead" in told and "says nothing about you" in told
    assert "right time" not in told  # the reason stays with the coordinators
    notice = sandbox.group.bot_messages()[-1].text
    assert "the mentee said this introduction is not for them" in notice
    assert "reason: Not the right time" in notice and "nobody at fault" in notice
    assert "rematch" not in notice and "_" not in notice
    # Old buttons now answer kindly that they have expired, and nothing changes.
    await ana.click(intro, "I'm in")
    await ana.click(ask, "Rather not say")
    assert await pairs.current_pairs_of(sandbox.db, ana_m.id) == []
    assert sum("not for them" in m.text for m in sandbox.group.bot_messages()) == 1
    # The same pair is not proposed again.
    posted = await coord.send("/suggest")
    assert not any(m.button_labels and "Approve" in " ".join(m.button_labels) for m in posted)


async def test_mentor_declines_without_saying_why_in_spanish(sandbox: Sandbox) -> None:
    ana, ana_m, ben, ben_m, _coord = await introduced(sandbox)
    await sandbox.db.execute("UPDATE members SET language = 'es' WHERE id = ?", (ben_m.id,))
    ask = (await ben.click(with_button(ben.bot_messages(), "Not for me"), "Not for me"))[-1]
    assert "no es culpa de nadie" in ask.text
    replies = await ben.click(ask, "Prefiero no decirlo")
    assert "tu plaza vuelve a estar libre" in replies[-1].text
    assert (
        "Ben" in ana.last_message().text and "back on the waiting list" in ana.last_message().text
    )
    assert "the mentor said" in sandbox.group.bot_messages()[-1].text
    assert (await get_by_id(sandbox.db, ana_m.id)).status == "waiting"
