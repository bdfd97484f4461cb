"""Every way into the crisis path, severity-dependent answers, and the bad input it must answer well."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from conftest import shipped_content

from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members
from tests.safety_helpers import active_pair, engagement_values, escalation_rows, joined

CONCERN, HIGH, IMMINENT = (
    "im so tired of everything",
    "i want to kill myself",
    "im going to end it tonight",
)


async def test_sos_command_answers_at_once_with_lines_and_question(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    replies = await ana.send("/sos")
    assert len(replies) == 1
    assert "911" in replies[0].text and "988" in replies[0].text
    assert replies[0].button_labels == ["I'm safe for now", "I'm not safe"]
    assert sandbox.group.bot_messages() == []  # looking up lines is not itself an alert
    assert await engagement_values(sandbox, "crisis_entered") == [1]


async def test_help_now_button_on_help_and_welcome_back(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    help_message = (await ana.send("/help"))[0]
    assert "🆘 I need help now" in help_message.button_labels
    crisis = (await ana.click(help_message, "I need help now"))[0]
    assert "988" in crisis.text and crisis.button_labels == ["I'm safe for now", "I'm not safe"]

    await joined(sandbox, ana)
    welcome_back = (await ana.send("/start"))[0]
    assert "Welcome back" in welcome_back.text
    crisis = (await ana.click(welcome_back, "I need help now"))[0]
    assert "988" in crisis.text
    assert await engagement_values(sandbox, "crisis_entered") == [2, 2]


async def test_member_country_lines_and_spanish_everywhere(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es")
    await joined(sandbox, eva, country="ES", language="es")
    crisis = (await eva.send("/crisis"))[0]
    assert "112" in crisis.text and "024" in crisis.text
    assert crisis.text.index("112") < crisis.text.index("024")
    assert crisis.button_labels == ["Estoy a salvo por ahora", "No estoy a salvo"]
    replies = await eva.send("no quiero vivir")
    assert "112" in replies[0].text


async def test_unknown_country_gets_the_international_directories(sandbox: Sandbox) -> None:
    zed = sandbox.user("Zed")
    member = await joined(sandbox, zed, country="AQ")
    assert member.country == "AQ"
    crisis = (await zed.send("/crisis"))[0]
    assert "don't have checked lines for your country" in crisis.text
    assert "findahelpline" in crisis.html.lower()


async def test_concern_gets_gentle_check_in_lines_coping_and_concern_alert(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    replies = await ana.send(CONCERN)
    check_in = replies[0]
    assert "sounds like things are really hard" in check_in.text and "988" in check_in.text
    assert "are you having thoughts of ending your life?" in check_in.text
    assert check_in.button_labels == ["Yes, I am", "No, not that", "🧘 Coping ideas"]
    alert = sandbox.group.bot_messages()[-1]
    assert "Concern" in alert.text and "URGENT" not in alert.text
    menu = (await ana.click(check_in, "Coping ideas"))[0]
    assert "How are you feeling" in menu.text


async def test_high_and_imminent_get_full_path_and_urgent_alert(sandbox: Sandbox) -> None:
    ana, bo = sandbox.user("Ana"), sandbox.user("Bo")
    await joined(sandbox, ana)
    await joined(sandbox, bo)
    high = (await ana.send(HIGH))[0]
    assert "glad you reached out" in high.text and "🧘 Coping ideas" not in high.button_labels
    imminent = (await bo.send(IMMINENT))[0]
    assert "Your safety matters most" in imminent.text
    titles = [message.text.splitlines()[0] for message in sandbox.group.bot_messages()]
    assert titles == [
        "🔴 URGENT: possible risk of suicide or self-harm",
        "🚨 URGENT, IMMINENT: a member may be in danger now",
    ]


async def test_not_safe_raises_the_open_alert_to_urgent_without_a_second_one(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    member = await joined(sandbox, ana)
    check_in = (await ana.send(HIGH))[0]
    replies = await ana.click(check_in, "I'm not safe")
    assert replies[0].text.startswith("🚨 Please call 911 now")
    rows = await escalation_rows(sandbox)
    assert len(rows) == 1
    assert rows[0]["severity"] == "urgent" and rows[0]["member_code"] == member.code
    alerts = sandbox.group.bot_messages()
    assert "said they are not safe" in alerts[-1].text  # re-posted so the group is notified
    assert len(alerts) == 2 and alerts[0].button_labels == []  # the old copy points below
    assert await engagement_values(sandbox, "crisis_answered") == [0]


async def test_not_safe_from_the_command_opens_an_urgent_alert(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    crisis = (await ana.send("/crisis"))[0]
    await ana.click(crisis, "I'm not safe")
    rows = await escalation_rows(sandbox)
    assert [(row["severity"], row["source"]) for row in rows] == [("urgent", "button")]
    assert "has not joined the programme" in sandbox.group.bot_messages()[-1].text
    await ana.click(crisis, "I'm not safe")  # pressed again: still one alert
    assert len(await escalation_rows(sandbox)) == 1


async def test_safe_for_now_is_answered_and_counted(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    crisis = (await ana.send("/crisis"))[0]
    replies = await ana.click(crisis, "I'm safe for now")
    assert "glad you're safe" in replies[0].text
    menu = (await ana.click(replies[0], "Coping ideas"))[0]
    assert "How are you feeling" in menu.text
    assert await engagement_values(sandbox, "crisis_answered") == [1]


async def test_crisis_buttons_pressed_after_blocking_the_bot_are_answered_once(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    crisis = (await ana.send("/crisis"))[0]
    sandbox.fake.blocked.add(ana.id)  # the press arrives, the reply cannot
    for label in ("I'm safe for now", "I'm not safe"):
        await ana.click(crisis, label)
    answers = [p for m, p in sandbox.fake.calls if m == "answerCallbackQuery"]
    assert len(answers) == 2 == len({a["callback_query_id"] for a in answers})
    assert sandbox.fake.violations == []  # (the fixture checks this too)
    assert len(sandbox.group.bot_messages()) == 1  # "not safe" still reaches the coordinators


async def test_same_message_five_times_in_a_minute_is_one_alert_updated(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    answers = []
    for _ in range(5):
        replies = await ana.send(HIGH)
        answers.append(replies[0])  # the person is answered every time
        sandbox.clock.advance(timedelta(seconds=10))
    assert "988" in answers[0].text
    # Then short follow-ups, each different, each still with a line and the emergency number
    # in the text (nobody in a crisis should have to tap to see a number), "not safe" one tap away.
    follow_ups = [answer.text for answer in answers[1:]]
    assert len(set(follow_ups)) == 4 and all(len(text) < 400 for text in follow_ups)
    assert all("988" in text and "911" in text for text in follow_ups)
    assert all(len(text) < len(answers[0].text) / 2 for text in follow_ups)
    assert all(
        answer.button_labels == ["📞 Show the lines", "I'm not safe"] for answer in answers[1:]
    )
    rows = await escalation_rows(sandbox)
    assert len(rows) == 1 and rows[0]["detections"] == 5
    alerts = sandbox.group.bot_messages()
    assert len(alerts) == 1
    assert "detections: 5" in alerts[0].text  # edited in place


async def test_crisis_mid_flow_is_answered_and_the_flow_continues(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    menu = (await ana.send("/cope"))[0]
    await ana.click(menu, "Anxious")  # the menu becomes a strategy, in place
    crisis = (await ana.send("/crisis"))[0]
    assert "988" in crisis.text
    detected = await ana.send(HIGH)
    assert "988" in detected[0].text
    strategy = next(m for m in ana.bot_messages() if m.id == menu.id)
    assert "🔄 Another idea" in strategy.button_labels
    await ana.click(strategy, "Another")  # the /cope flow carries on after the crisis path
    after = next(m for m in ana.bot_messages() if m.id == menu.id)
    assert after.text != strategy.text and "🔄 Another idea" in after.button_labels


async def test_member_who_blocked_right_after_writing_still_alerts_coordinators(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    member = await joined(sandbox, ana)
    sandbox.fake.blocked.add(ana.id)  # blocked the bot before it could answer
    await ana.send(HIGH)
    alerts = sandbox.group.bot_messages()
    assert len(alerts) == 1 and "URGENT" in alerts[0].text
    assert "cannot reach this member" in alerts[0].text
    refreshed = await members.get_by_id(sandbox.db, member.id)
    assert refreshed is not None and refreshed.unreachable


async def test_mentor_gets_the_crisis_protocol_card_once(sandbox: Sandbox) -> None:
    ana, max_ = sandbox.user("Ana"), sandbox.user("Max")
    mentee = await joined(sandbox, ana, alias="Sunny")
    mentor = await joined(sandbox, max_, role="mentor", alias="Max")
    pair = await active_pair(sandbox, mentee, mentor)
    await ana.send(CONCERN)
    # A concern is relayed with a gentle note, but no crisis-protocol card.
    assert not [m for m in max_.bot_messages() if "may be going through a crisis" in m.text]
    await ana.send(HIGH)
    await ana.send(HIGH)
    cards = [m for m in max_.bot_messages() if "may be going through a crisis" in m.text]
    assert len(cards) == 1
    card = cards[0].text
    assert "Sunny" in card and pair.code in card and "coordinators have been alerted" in card
    assert "Don't promise to keep it secret" in card and "kill" not in card
    alert = sandbox.group.bot_messages()[-1].text
    assert pair.code in alert and mentee.code in alert


async def test_members_words_are_shared_only_when_configured(tmp_path: Path) -> None:
    box = Sandbox(
        sandbox_settings(tmp_path / "shared", share_crisis_text_with_coordinators=True),
        content=shipped_content(),
    )
    await box.start()
    try:
        ana = box.user("Ana")
        await ana.send("i want to kill myself <b>&")
        assert "kill myself <b>&" in box.group.bot_messages()[-1].text
        assert box.violations == []
    finally:
        await box.stop()


async def test_help_now_button_during_consent_leaves_the_consent_step_waiting(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    help_message = (await ana.send("/help"))[0]
    consent = (await ana.send("/start"))[1]
    crisis = (await ana.click(help_message, "I need help now"))[0]
    assert "988" in crisis.text
    assert (await ana.send("ok"))[-1].button_labels == [
        "I agree (I'm 18 or over)",
        "Not now",
        "I'm under 18",
    ]
    await ana.click(consent, "I agree")
    assert await members.get_by_telegram_id(sandbox.db, ana.id) is not None


async def test_detected_crisis_outside_a_flow_gets_only_the_crisis_answer(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    replies = await ana.send(HIGH)
    assert len(replies) == 1 and "988" in replies[0].text
    # Ordinary text gets its ordinary answer again (for an unpaired mentee: what happens next).
    assert "wasn't sent to anyone" in (await ana.send("hello"))[0].text


async def test_blocking_after_the_alert_updates_it_and_unblocking_clears_it(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    member = await joined(sandbox, ana)
    await ana.send(HIGH)
    await ana.block()
    [alert] = [m for m in sandbox.group.bot_messages() if "Source:" in m.text]
    assert "cannot reach this member" in alert.text and alert.button_labels == [
        "I'm on it",
        "✉️ Message the member",
    ]
    await ana.unblock()
    refreshed = await members.get_by_id(sandbox.db, member.id)
    assert refreshed is not None and not refreshed.unreachable
    [alert] = [m for m in sandbox.group.bot_messages() if "Source:" in m.text]
    assert "cannot reach" not in alert.text
