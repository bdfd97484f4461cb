"""Every bad input of the matching console and the pair's life: clear answers, consistent data."""

from __future__ import annotations

import asyncio

from bot.programme.pairing import Actor, approve_suggestion
from bot.sandbox.harness import COORDINATOR_CHAT_ID, Sandbox
from storage import audit, pairs
from tests.flows.matching_helpers import count, mentee, mentor, with_button

PAIRS = "SELECT COUNT(*) FROM pairs"


async def test_manual_pair_clean_and_with_warning_needing_confirmation(sandbox: Sandbox) -> None:
    ana, ana_m = await mentee(sandbox)
    _, ben_m = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    replies = await coord.send(f"/pair {ana_m.code.lower()} {ben_m.code}")
    assert f"Paired {ana_m.code} with {ben_m.code}" in replies[0].text
    assert "Meet your mentor: Ben" in ana.last_message().text

    eva, eva_m = await mentee(
        sandbox, "Eva", languages_spoken=["es"], preferences={"mentor_gender": "woman"}
    )
    _, cai_m = await mentor(sandbox, "Cai", preferences={"gender": "man"})
    warning = (await coord.send(f"/pair {eva_m.code} {cai_m.code}"))[0]
    assert "no shared language" in warning.text
    assert "preference is not met: mentor's gender: Woman" in warning.text
    assert warning.button_labels == ["Pair anyway", "Cancel"]
    assert await count(sandbox, PAIRS) == 1
    await coord.click(warning, "Cancel")
    assert "nobody was paired" in sandbox.group.bot_messages()[-1].text
    assert await count(sandbox, PAIRS) == 1

    warning = (await coord.send(f"/pair {eva_m.code} {cai_m.code}"))[0]
    await coord.click(warning, "Pair anyway")
    assert "Paired" in sandbox.group.bot_messages()[-1].text
    assert await count(sandbox, PAIRS) == 2
    assert "Meet your mentor: Cai" in eva.last_message().text
    await coord.click(warning, "Pair anyway")  # pressed again: refused, nothing doubles
    assert "already has a mentor" in sandbox.group.bot_messages()[-1].text
    assert await count(sandbox, PAIRS) == 2
    actions = [entry.action for entry in await audit.recent(sandbox.db)]
    assert actions.count("pair") == 1 and actions.count("pair_forced") == 1


async def test_pair_refusals(sandbox: Sandbox) -> None:
    _, ana_m = await mentee(sandbox)
    _, eva_m = await mentee(sandbox, "Eva")
    _, ben_m = await mentor(sandbox)
    _, cai_m = await mentor(sandbox, "Cai")
    coord = sandbox.group.coordinator("Cleo")
    assert "Usage: /pair" in (await coord.send("/pair"))[0].text
    assert "Usage: /pair" in (await coord.send(f"/pair {ana_m.code}"))[0].text
    assert "No member has the code MZZZZ" in (await coord.send(f"/pair MZZZZ {ben_m.code}"))[0].text
    assert "No member has the code MZZZZ" in (await coord.send(f"/pair {ana_m.code} mzzzz"))[0].text
    assert (
        "first code is not a mentee"
        in (await coord.send(f"/pair {ben_m.code} {ana_m.code}"))[0].text
    )
    assert (
        "second code is not a mentor"
        in (await coord.send(f"/pair {ana_m.code} {eva_m.code}"))[0].text
    )
    await coord.send(f"/pair {ana_m.code} {ben_m.code}")
    assert "already has a mentor" in (await coord.send(f"/pair {ana_m.code} {cai_m.code}"))[0].text
    assert "at capacity" in (await coord.send(f"/pair {eva_m.code} {ben_m.code}"))[0].text
    assert await count(sandbox, PAIRS) == 1


async def test_stale_suggestion_after_a_manual_pair_and_a_mentor_leaving(sandbox: Sandbox) -> None:
    _, ana_m = await mentee(sandbox)
    _, eva_m = await mentee(sandbox, "Eva")
    _, ben_m = await mentor(sandbox)
    _, cai_m = await mentor(sandbox, "Cai")
    coord = sandbox.group.coordinator("Cleo")
    posted = await coord.send("/suggest")
    proposals = [m for m in posted if "Approve" in " ".join(m.button_labels)]
    assert len(proposals) == 2
    first = next(m for m in proposals if "Ana" in m.text)
    second = next(m for m in proposals if "Eva" in m.text)
    # Meanwhile Ana is paired by hand with a new mentor, and Eva's proposed mentor steps back.
    _, dee_m = await mentor(sandbox, "Dee")
    await coord.send(f"/pair {ana_m.code} {dee_m.code}")
    eva_mentor = ben_m if "Ben" in second.text else cai_m
    await sandbox.db.execute("UPDATE members SET stepped_back = 1 WHERE id = ?", (eva_mentor.id,))
    await coord.click(first, "Approve")
    assert "Out of date" in coord.answers()[-1]["text"]
    assert "already has a mentor" in coord.answers()[-1]["text"]
    await coord.click(second, "Approve")
    assert "not available any more" in coord.answers()[-1]["text"]
    assert await count(sandbox, PAIRS) == 1
    marked = next(m for m in sandbox.group.bot_messages() if m.id == second.id)
    assert "Out of date" in marked.text and marked.buttons == []
    await coord.click(second, "Approve")  # pressed again from a screen that had not refreshed
    assert "not available any more" in coord.answers()[-1]["text"]
    assert eva_m.id not in [p.mentee_id for p in await pairs.all_current(sandbox.db)]


async def test_a_member_who_left_makes_the_suggestion_stale(sandbox: Sandbox) -> None:
    _, ana_m = await mentee(sandbox)
    await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    proposal = with_button(await coord.send("/suggest"), "Approve")
    await sandbox.db.execute("DELETE FROM members WHERE id = ?", (ana_m.id,))  # /forget
    await coord.click(proposal, "Approve")
    assert "no longer in the programme" in coord.answers()[-1]["text"]
    assert await count(sandbox, PAIRS) == 0


async def test_two_coordinators_press_approve_exactly_one_pair(sandbox: Sandbox) -> None:
    await mentee(sandbox)
    await mentor(sandbox)
    cleo, dan = sandbox.group.coordinator("Cleo"), sandbox.group.coordinator("Dan")
    proposal = with_button(await cleo.send("/suggest"), "Approve")
    await cleo.click(proposal, "Approve")
    await dan.click(proposal, "Approve")  # his screen still shows the buttons
    assert "Already approved by Cleo" in dan.answers()[-1]["text"]
    assert await count(sandbox, PAIRS) == 1
    await dan.click(proposal, "Skip")
    assert "Already approved by Cleo" in dan.answers()[-1]["text"]


async def test_concurrent_approvals_in_one_transaction_make_one_pair(sandbox: Sandbox) -> None:
    await mentee(sandbox)
    await mentor(sandbox, capacity=3)
    coord = sandbox.group.coordinator("Cleo")
    await coord.send("/suggest")
    suggestion_id = int(await sandbox.db.fetch_value("SELECT id FROM suggestions WHERE rank = 0"))
    assert sandbox.services is not None
    outcomes = await asyncio.gather(
        *(
            approve_suggestion(sandbox.services, suggestion_id, Actor(index, f"C{index}"))
            for index in range(5)
        )
    )
    assert sum(outcome.pair is not None for outcome in outcomes) == 1
    assert {o.problem for o in outcomes if o.pair is None} == {"already_approved"}
    assert await count(sandbox, PAIRS) == 1
    assert await count(sandbox, "SELECT COUNT(*) FROM outbox WHERE kind = 'introduction'") == 2


async def test_end_with_no_pair_and_stale_member_buttons(sandbox: Sandbox) -> None:
    ana, _ = await mentee(sandbox)
    assert "don't have a mentoring pair" in (await ana.send("/end"))[0].text
    stranger = sandbox.user("Zed")
    assert "don't have a mentoring pair" in (await stranger.send("/end"))[0].text
    ben, _ = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    await coord.click(with_button(await coord.send("/suggest"), "Approve"), "Approve")
    intro = ana.last_message()
    # Someone else pressing Ana's button (a forwarded message) changes nothing.
    await stranger.press(intro, intro.buttons[0][0][1])
    assert "expired" in stranger.answers()[-1]["text"]
    await ana.click(intro, "I'm in")
    await ben.click(ben.last_message(), "I'm in")
    confirm = (await ana.send("/end"))[-1]
    await ana.click(confirm, "Keep going")
    assert "continues" in ana.last_message().text
    await ana.click(confirm, "Rather not say")
    await ana.click(confirm, "Rather not say")  # old message, pair already ended
    assert "expired" in ana.answers()[-1]["text"]
    assert "don't have a mentoring pair" in (await ana.send("/end"))[0].text


async def test_mentor_with_two_pairs_picks_which_to_end(sandbox: Sandbox) -> None:
    _, ana_m = await mentee(sandbox)
    _, eva_m = await mentee(sandbox, "Eva")
    ben, ben_m = await mentor(sandbox, capacity=2)
    coord = sandbox.group.coordinator("Cleo")
    await coord.send(f"/pair {ana_m.code} {ben_m.code}")
    await coord.send(f"/pair {eva_m.code} {ben_m.code}")
    pick = (await ben.send("/end"))[-1]
    assert pick.button_labels == ["With Ana", "With Eva"]
    confirm = (await ben.click(pick, "With Eva"))[-1]
    assert "End your pairing with Eva?" in confirm.text
    await ben.click(confirm, "Personal reasons")
    current = await pairs.current_pairs_of(sandbox.db, ben_m.id)
    assert [p.mentee_id for p in current] == [ana_m.id]


async def test_unpair_by_pair_code_or_member_code_with_reason(sandbox: Sandbox) -> None:
    ana, ana_m = await mentee(sandbox)
    _, ben_m = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    assert "No current pairs" in (await coord.send("/pairs"))[0].text
    await coord.send(f"/pair {ana_m.code} {ben_m.code}")
    listing = (await coord.send("/pairs"))[0]
    assert ana_m.code in listing.text and "introduced" in listing.text and "never" in listing.text
    assert "Usage: /unpair" in (await coord.send(f"/unpair {ana_m.code}"))[0].text
    assert "No current pair found for PZZZZ" in (await coord.send("/unpair PZZZZ moved"))[0].text
    replies = await coord.send(f"/unpair {ana_m.code} moved abroad")
    assert "ended" in replies[0].text
    assert "The coordinators have ended your pairing with Ben" in ana.bot_messages()[-2].text
    assert "(1/4)" in ana.bot_messages()[-1].text
    entry = (await audit.recent(sandbox.db))[0]
    assert entry.action == "unpair" and entry.detail == "moved abroad"
    assert "No current pair found" in (await coord.send(f"/unpair {ana_m.code} again"))[0].text


async def test_coordinator_commands_and_buttons_refused_outside_the_group(sandbox: Sandbox) -> None:
    ana, ana_m = await mentee(sandbox)
    await mentor(sandbox)
    for command in ("/pending", "/suggest", f"/pair {ana_m.code} X", "/pairs", "/unpair X y"):
        assert "don't know that command" in (await ana.send(command))[0].text
    assert await count(sandbox, "SELECT COUNT(*) FROM suggestions") == 0
    coord = sandbox.group.coordinator("Cleo")
    proposal = with_button(await coord.send("/suggest"), "Approve")
    data = proposal.buttons[0][0][1]
    await ana.press(proposal, data)  # a coordinator button replayed from a private chat
    assert await count(sandbox, PAIRS) == 0
    coord.remove_from_group()
    sandbox.services.caches.coordinators.clear()  # type: ignore[union-attr]
    before = len(sandbox.group.bot_messages())
    await coord.send("/pending")
    await coord.click(proposal, "Approve")
    assert len(sandbox.group.bot_messages()) == before
    assert await count(sandbox, PAIRS) == 0
    assert sandbox.group.chat_id == COORDINATOR_CHAT_ID


async def test_pending_lists_waiting_mentees_and_mentors_to_approve(sandbox: Sandbox) -> None:
    _, ana_m = await mentee(sandbox)
    _, ned_m = await mentor(sandbox, "Ned", approved_at=None, status="awaiting_approval")
    coord = sandbox.group.coordinator("Cleo")
    text = (await coord.send("/pending"))[0].text
    assert "Waiting mentees (1)" in text and ana_m.code in text and "waiting 5 d" in text
    assert "Mentors awaiting approval (1)" in text and ned_m.code in text
    assert "English · grief and loss, anxiety" in text  # words, not "en", "low_mood"
    assert "awaiting approval" in text.split(ned_m.code)[1] and "awaiting_approval" not in text
    assert "No suggestions" in (await coord.send("/suggest"))[0].text  # Ned is not approved


async def test_a_member_leaving_ends_their_pairs_and_frees_the_place(sandbox: Sandbox) -> None:
    from bot.programme.closure import end_pairs_of

    _, ana_m = await mentee(sandbox)
    ben, ben_m = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    await coord.send(f"/pair {ana_m.code} {ben_m.code}")
    assert sandbox.services is not None
    assert await end_pairs_of(sandbox.services, ana_m) == 1
    await sandbox.db.execute("DELETE FROM members WHERE id = ?", (ana_m.id,))  # /forget
    await sandbox.flush_outbox()
    assert "Ana has ended your pairing" in ben.bot_messages()[-2].text
    assert await pairs.current_pairs_of(sandbox.db, ben_m.id) == []
    assert await count(sandbox, "SELECT COUNT(*) FROM pairs WHERE mentee_id IS NULL") == 1
