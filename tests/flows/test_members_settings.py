"""/settings changes every answer; /pause, /resume and /stepback."""

from __future__ import annotations

from datetime import timedelta

from bot.core.schedule import INDEFINITE
from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from storage import engagement, members
from tests.flows.members_helpers import join_as_mentee, join_as_mentor, member_of


def refreshed(user: SandboxUser, message: SandboxMessage) -> SandboxMessage:
    """The message as it looks now (settings edit their message in place)."""
    return next(m for m in user.messages() if m.id == message.id)


async def press(user: SandboxUser, message: SandboxMessage, label: str) -> SandboxMessage:
    """Press a button on a settings message and return that message as edited."""
    await user.click(message, label)
    return refreshed(user, message)


async def open_setting(user: SandboxUser, name: str) -> SandboxMessage:
    """Send /settings and press one setting; returns the question (the edited menu)."""
    menu = (await user.send("/settings"))[-1]
    return await press(user, menu, name)


async def test_every_setting_of_a_mentee_can_be_changed(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    assert sandbox.services is not None
    member = await member_of(sandbox, ana)
    await members.update_profile(
        sandbox.db, member.id, sandbox.clock.now(), next_checkin_at="2026-03-04T17:00:00"
    )
    menu = (await ana.send("/settings"))[-1]
    assert "Alias: Sunny" in menu.text and "Check-in time: 18:00" in menu.text
    assert "Lived experience" not in menu.text and "Mentor preference" in menu.text

    await open_setting(ana, "Alias")
    replies = await ana.send("@bad")
    assert "@username" in replies[0].text
    replies = await ana.send("Moonlight")
    assert "Saved" in replies[-1].text and "Alias: Moonlight" in replies[-1].text

    question = await open_setting(ana, "Age band")
    await ana.click(question, "45-54")
    question = await open_setting(ana, "Languages spoken")
    question = await press(ana, question, "French")
    await ana.click(question, "Done")
    question = await open_setting(ana, "Country")
    tz = await press(ana, question, "Mexico")
    assert "America/Mexico_City" in tz.text
    await ana.click(tz, "Yes, that's right")
    question = await open_setting(ana, "Support areas")
    question = await press(ana, question, "Anxiety")  # off
    question = await press(ana, question, "Grief")  # on
    await ana.click(question, "Done")
    question = await open_setting(ana, "Gender")
    assert "✅ Woman" in question.button_labels and "Man" in question.button_labels
    await ana.click(question, "Non-binary")
    question = await open_setting(ana, "Mentor preference")
    await ana.click(question, "A woman")
    question = await open_setting(ana, "Check-in day")
    await ana.click(question, "Friday")
    await open_setting(ana, "Check-in time")
    await ana.send("20:15")
    question = await open_setting(ana, "Quiet hours")
    start = await press(ana, question, "Change")
    end = await press(ana, start, "22:00")
    await ana.click(end, "09:00")
    question = await open_setting(ana, "Time zone")
    other = await press(ana, question, "Pick another")
    assert "America/Cancun" in other.button_labels  # Mexico's own zones (Ana moved there)
    await ana.send("Bogotá")  # or a city, in any spelling

    member = await member_of(sandbox, ana)
    assert member.alias == "Moonlight" and member.age_band == "45-54"
    assert member.languages_spoken == ["en", "fr"] and member.country == "MX"
    assert member.focus_areas == ["grief"]
    assert member.preferences == {"gender": "nonbinary", "mentor_gender": "woman"}
    assert (member.checkin_weekday, member.checkin_time) == (4, "20:15")
    assert (member.quiet_start, member.quiet_end) == ("22:00", "09:00")
    assert member.timezone == "America/Bogota"
    assert member.next_checkin_at is None  # recomputed by the scheduler after changes

    question = await open_setting(ana, "Language")
    menu = await press(ana, question, "Español")
    assert "Tus ajustes" in menu.text
    assert (await member_of(sandbox, ana)).language == "es"
    await ana.click(menu, "Listo")
    assert "ajustes están guardados" in ana.last_message().text


async def test_mentor_settings_and_text_waits_only_briefly(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    menu = (await rob.send("/settings"))[-1]
    assert "Lived experience" in menu.button_labels and "Mentor preference" not in menu.text
    question = await open_setting(rob, "Mentees at once")
    await rob.click(question, "3")
    question = await open_setting(rob, "Lived experience")
    question = await press(rob, question, "Grief and loss")
    await rob.click(question, "Done")
    member = await member_of(sandbox, rob)
    assert member.capacity == 3 and member.lived_experience == ["anxiety", "grief"]
    # An alias prompt left open does not swallow text typed much later.
    await open_setting(rob, "Alias")
    await sandbox.advance(timedelta(minutes=11))
    await rob.send("Hello there")
    assert (await member_of(sandbox, rob)).alias == "Rowan"
    # Back returns to the menu without changing anything.
    question = await open_setting(rob, "Alias")
    menu = await press(rob, question, "Back")
    assert "Your settings" in menu.text
    await rob.send("Not an alias")
    assert (await member_of(sandbox, rob)).alias == "Rowan"


async def test_settings_need_a_finished_intake(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    assert "finish joining first" in (await ana.send("/settings"))[0].text
    assert "finish joining first" in (await ana.send("/pause"))[0].text


async def test_pause_and_resume(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    assert "not paused" in (await ana.send("/resume"))[0].text
    ask = (await ana.send("/pause"))[-1]
    assert ask.button_labels == ["1 week", "2 weeks", "Until I resume", "Not now"]
    assert "nothing has changed" in (await ana.click(ask, "Not now"))[-1].text
    assert (await member_of(sandbox, ana)).paused_until is None
    ask = (await ana.send("/pause"))[-1]
    replies = await ana.click(ask, "2 weeks")
    assert "Paused until Mon 16 Mar, 10:00" in replies[-1].text  # Madrid time
    member = await member_of(sandbox, ana)
    assert member.paused_until == "2026-03-16T09:00:00"
    await ana.click(ask, "1 week")  # the same question pressed again (another device)
    assert "expired" in ana.answers()[-1]["text"]
    assert (await member_of(sandbox, ana)).paused_until == "2026-03-16T09:00:00"
    ask = (await ana.send("/pause"))[-1]  # paused already: can change the length
    assert "You are paused until Mon 16 Mar, 10:00" in ask.text
    await ana.click(ask, "1 week")
    assert (await member_of(sandbox, ana)).paused_until == "2026-03-09T09:00:00"
    replies = await ana.send("/resume")
    assert "Reminders are on again" in replies[0].text
    member = await member_of(sandbox, ana)
    assert member.paused_until is None and member.next_checkin_at is None
    ask = (await ana.send("/pause"))[-1]
    await ana.click(ask, "Until I resume")
    assert (await member_of(sandbox, ana)).paused_until == INDEFINITE
    assert "until you send /resume" in ana.last_message().text
    await sandbox.advance(timedelta(days=30))
    assert "Reminders are on again" in (await ana.send("/resume"))[0].text
    kinds = [e.kind for e in await engagement.events(sandbox.db)]
    assert kinds.count("paused") == 3 and kinds.count("resumed") == 2


async def test_stepback_for_mentors(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    ask = (await rob.send("/stepback"))[-1]
    assert ask.button_labels == ["Yes, step back", "Not now"]
    assert "nothing has changed" in (await rob.click(ask, "Not now"))[-1].text
    assert not (await member_of(sandbox, rob)).stepped_back and "stepped back" not in (
        sandbox.group.bot_messages()[-1].text if sandbox.group.bot_messages() else ""
    )
    ask = (await rob.send("/stepback"))[-1]
    await rob.click(ask, "Yes, step back")
    member = await member_of(sandbox, rob)
    assert member.stepped_back
    assert f"Mentor {member.code} stepped back" in sandbox.group.bot_messages()[-1].text
    await rob.click(ask, "Yes, step back")  # double press: expired, nothing new
    assert "expired" in rob.answers()[-1]["text"]
    again = (await rob.send("/stepback"))[-1]
    await rob.click(again, "Take new mentees again")
    assert not (await member_of(sandbox, rob)).stepped_back
    assert "can take new mentees again" in sandbox.group.bot_messages()[-1].text
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    assert "for mentors" in (await ana.send("/stepback"))[0].text


async def test_html_alias_shows_as_typed_and_other_country_asks_for_a_zone(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana, alias='Jo & Mo\'s "crew"')
    menu = (await ana.send("/settings"))[-1]
    assert 'Alias: Jo & Mo\'s "crew"' in menu.text
    assert "Welcome back, Jo & Mo's" in (await ana.send("/start"))[0].text
    question = await open_setting(ana, "Country")
    pick = await press(ana, question, "Another country")
    assert "Pick your time zone" in pick.text
    replies = await ana.send("Asia/Kolkata")
    assert "Saved" in replies[-1].text
    member = await member_of(sandbox, ana)
    assert (member.country, member.timezone) == ("ZZ", "Asia/Kolkata")


async def test_checkin_changes_are_rescheduled_by_the_sweep(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)  # Wednesday 18:00, Europe/Madrid (UTC+1 in March)
    await sandbox.advance(timedelta(minutes=1))
    assert (await member_of(sandbox, ana)).next_checkin_at == "2026-03-04T17:00:00"
    await open_setting(ana, "Check-in time")
    await ana.send("20:30")
    assert (await member_of(sandbox, ana)).next_checkin_at is None
    await sandbox.advance(timedelta(minutes=1))
    assert (await member_of(sandbox, ana)).next_checkin_at == "2026-03-04T19:30:00"
