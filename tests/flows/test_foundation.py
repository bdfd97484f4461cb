"""The first vertical slice through the sandbox: /start, consent, /help, /crisis, restarts."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox


async def count_members(sandbox: Sandbox) -> int:
    return int(await sandbox.db.fetch_value("SELECT COUNT(*) FROM members"))


async def test_start_explains_and_stores_nothing_before_consent(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    replies = await ana.send("/start")
    assert "not a crisis or emergency service" in replies[0].text
    assert "not end-to-end encrypted" in replies[1].text
    assert replies[1].button_labels == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]
    assert await count_members(sandbox) == 0

    await ana.click(replies[1], "Not now")
    assert "Nothing about you has been stored" in ana.last_message().text
    assert await count_members(sandbox) == 0


async def test_consent_creates_member_once_even_if_pressed_twice(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    consent = (await ana.send("/start"))[1]
    await ana.click(consent, "I agree")
    assert await count_members(sandbox) == 1
    await ana.click(consent, "I agree")  # second device, same old button
    assert await count_members(sandbox) == 1
    assert "expired" in ana.answers()[-1]["text"]


async def test_text_where_a_button_is_expected_reasks_with_buttons(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.send("/start")
    replies = await ana.send("yes please")
    assert replies[-1].button_labels == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]
    replies = await ana.send_sticker()
    assert replies[-1].button_labels == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]


async def test_crisis_before_consent_uses_default_country_and_flow_resumes(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await ana.send("/start")
    replies = await ana.send("/crisis")
    assert len(replies) == 1
    crisis = replies[0]
    assert "988" in crisis.text and "911" in crisis.text
    assert crisis.text.index("911") < crisis.text.index("988")  # emergency number first
    assert crisis.button_labels == ["I'm safe for now", "I'm not safe"]
    # The consent step is still waiting: text is re-asked with the consent buttons.
    replies = await ana.send("hello?")
    assert replies[-1].button_labels == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]


async def test_not_safe_puts_emergency_first(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    crisis = (await ana.send("/sos"))[0]
    replies = await ana.click(crisis, "I'm not safe")
    assert replies[0].text.startswith("🚨 Please call 911 now")
    assert replies[0].text.index("911") < replies[0].text.index("988")


async def test_spanish_speaker_gets_spanish(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es-MX")
    replies = await eva.send("/start")
    assert "No soy un servicio de crisis" in replies[0].text
    crisis = (await eva.send("/crisis"))[0]
    assert "¿Estás a salvo ahora mismo?" in crisis.text


async def test_forged_and_unknown_buttons_are_refused(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    consent = (await ana.send("/start"))[1]
    await ana.press(consent, "start:agree~AAAAAAAA")
    assert await count_members(sandbox) == 0
    assert "isn't valid" in ana.answers()[-1]["text"]


async def test_unknown_command_and_help(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    assert "don't know that command" in (await ana.send("/frobnicate"))[0].text
    assert "/crisis" in (await ana.send("/help"))[0].text


async def test_flow_resumes_after_restart(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    consent = (await ana.send("/start"))[1]
    await sandbox.restart()
    replies = await ana.send("what now?")
    assert replies[-1].button_labels == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]
    await ana.click(consent, "I agree")
    assert await count_members(sandbox) == 1


async def test_replayed_update_is_dropped(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.send("/help")
    sent_before = len(ana.bot_messages())
    # Telegram re-delivers the last batch after a crash: same update_id again.
    assert sandbox.app is not None
    from telegram import Update

    last = sandbox.fake.updates[-1]
    update = Update.de_json(last, sandbox.app.bot)
    await sandbox.app.update_processor.process_update(update, sandbox.app.process_update(update))
    assert len(ana.bot_messages()) == sent_before


async def test_crisis_language_before_consent_gets_lines_and_alerts(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.send("/start")
    replies = await ana.send("i dont want to live anymore")
    assert "988" in replies[0].text and len(replies) == 1  # the consent step does not judge it
    assert "Whenever you're ready, we can carry on" in replies[0].text
    still_there = (await ana.send("hello?"))[-1].button_labels
    assert still_there == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]
    alerts = sandbox.group.bot_messages()
    assert len(alerts) == 1 and "URGENT" in alerts[0].text
    assert "want to live" not in alerts[0].text  # the words are not shared by default
    await ana.send("i dont want to live anymore")
    assert len(sandbox.group.bot_messages()) == 1  # repeats merge into the one alert
