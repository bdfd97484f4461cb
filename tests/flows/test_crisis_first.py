"""Crisis first, flow second: crisis words in the middle of any flow are answered, never judged,
and the flow waits where it was; the screen's other tiers and kinds (check, danger, guidance)."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox
from tests.crisis_helpers import CHECK, DANGER, GUIDANCE, RESULTS, inject
from tests.flows.members_helpers import consent, join_as_mentee, member_of
from tests.flows.pairing_helpers import paired
from tests.safety_helpers import escalation_rows, joined

HIGH = "i want to kill myself"
ES_HIGH = "ya no quiero vivir"
CARRY_ON = "Whenever you're ready, we can carry on where we were"


async def test_button_step_of_intake_keeps_its_place(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es")
    role = await consent(eva)
    replies = await eva.send(ES_HIGH)
    assert len(replies) == 1  # no "Elige uno de los botones" and no next question
    assert (
        "911" in replies[0].text and "Cuando quieras, seguimos donde lo dejamos" in replies[0].text
    )
    assert "botones" not in replies[0].text
    replies = await eva.click(role, "Me gustaría recibir apoyo")  # the same step carries on
    assert (await member_of(sandbox, eva)).role == "mentee"
    assert len(await escalation_rows(sandbox)) == 1


async def test_text_step_of_intake_never_judges_the_words_as_an_alias(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    role = await consent(ana)
    await ana.click(role, "I'd like support")
    replies = await ana.send("I want to die")
    assert len(replies) == 1 and CARRY_ON in replies[0].text
    assert "alias" not in replies[0].text.lower()
    assert (await member_of(sandbox, ana)).alias is None
    replies = await ana.send("Sunny")
    assert "Which age band" in replies[-1].text


async def test_settings_text_step_waits(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    menu = (await ana.send("/settings"))[-1]
    await ana.click(menu, "Alias")
    replies = await ana.send(HIGH)
    assert len(replies) == 1 and CARRY_ON in replies[0].text and "988" not in replies[0].text
    assert "112" in replies[0].text  # Spain, chosen at intake
    assert (await member_of(sandbox, ana)).alias == "Sunny"
    replies = await ana.send("Willow")
    assert (await member_of(sandbox, ana)).alias == "Willow"


async def test_checkin_button_step_waits(sandbox: Sandbox) -> None:
    mia, _leo, *_ = await paired(sandbox)
    first = (await mia.send("/checkin"))[-1]
    replies = await mia.send(HIGH)
    assert len(replies) == 1 and CARRY_ON in replies[0].text
    assert "buttons" not in replies[0].text
    replies = await mia.click(first, "😞 1")  # the mood question is still the one waiting
    assert replies and replies[-1].buttons


async def test_outside_any_flow_there_is_no_carry_on_line(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    replies = await ana.send(HIGH)
    assert "988" in replies[0].text and CARRY_ON not in replies[0].text


async def test_a_paired_member_is_told_their_message_also_reached_coordinators(
    sandbox: Sandbox,
) -> None:
    mia, leo, *_ = await paired(sandbox)
    replies = await mia.send(HIGH)
    assert "still going to your mentor" in replies[0].text
    assert "coordinators have been told as well" in replies[0].text
    assert any(HIGH in message.text for message in leo.bot_messages())  # relayed, as promised
    card = next(m for m in leo.bot_messages() if "crisis" in m.text.lower())
    assert "not shared with you" not in card.text  # the card tells the truth
    assert "you may read their words" in card.text


async def test_gentle_check_gets_no_crisis_block_and_no_alert(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    inject(sandbox, RESULTS)
    replies = await ana.send(CHECK)
    assert "How are you doing with it now?" in replies[0].text and "/crisis" in replies[0].text
    assert sandbox.group.bot_messages() == []


async def test_danger_from_someone_else_has_its_own_path(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    inject(sandbox, RESULTS)
    reply = (await ana.send(DANGER))[0]
    text = reply.text
    assert text.index("911") < text.index("1-800-799-7233")  # emergency first
    assert "you can delete it" in text and "Childhelp" in text and "not yet re-checked" in text
    assert "coordinators know" in text
    alert = sandbox.group.bot_messages()[-1]
    assert "Danger from someone else" in alert.text
    assert (await escalation_rows(sandbox))[0]["severity"] == "high"


async def test_danger_path_in_spanish_for_spain(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es")
    await joined(sandbox, eva, country="ES", language="es")
    inject(sandbox, RESULTS)
    text = (await eva.send(DANGER))[0].text
    assert text.index("112") < text.index("016") and "puedes borrarlo" in text


async def test_mentor_asking_how_to_respond_gets_the_guidance_card(sandbox: Sandbox) -> None:
    _mia, leo, *_ = await paired(sandbox)
    inject(sandbox, RESULTS)
    card = (await leo.send(GUIDANCE))[0]
    assert "someone you support may be at risk" in card.text
    assert card.button_labels == ["📞 Show the lines"]
    assert sandbox.group.bot_messages() == []  # a question about someone else is not an alert


async def test_report_details_with_crisis_words_still_reach_the_coordinators(
    sandbox: Sandbox,
) -> None:
    _mia, leo, *_ = await paired(sandbox)
    replies = await leo.send("/report")
    await leo.click(replies[-1], "Worried about my partner's safety")
    replies = await leo.send("my partner is suicidal")  # a mentor about someone else: guidance
    assert "someone you support may be at risk" in replies[0].text
    assert CARRY_ON not in replies[0].text
    assert "coordinator will look at it" in replies[-1].text  # the report goes on, words kept
    assert any("my partner is suicidal" in m.text for m in sandbox.group.bot_messages())


async def test_mentor_pulse_button_step_waits(sandbox: Sandbox) -> None:
    _mia, leo, *_ = await paired(sandbox)
    first = (await leo.send("/pulse"))[-1]
    replies = await leo.send(HIGH)
    assert len(replies) == 1 and CARRY_ON in replies[0].text
    assert "buttons" not in replies[0].text.lower()
    replies = await leo.click(first, first.button_labels[0])  # the same question carries on
    assert replies and replies[-1].buttons
