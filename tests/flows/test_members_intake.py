"""Joining after consent: a mentee and a mentor from /start to a finished profile, and bad input."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox
from storage import engagement
from tests.flows.members_helpers import consent, join_as_mentee, join_as_mentor, member_of


async def test_mentee_from_start_to_finished_profile(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana, alias="Sunny")
    member = await member_of(sandbox, ana)
    assert member.role == "mentee" and member.alias == "Sunny"
    assert member.age_band == "25-34" and member.languages_spoken == ["en"]
    assert member.country == "ES" and member.timezone == "Europe/Madrid"
    assert member.focus_areas == ["anxiety"]
    assert member.preferences == {"gender": "woman", "mentor_gender": "any"}
    assert (member.checkin_weekday, member.checkin_time) == (2, "18:00")
    assert (member.quiet_start, member.quiet_end) == ("21:00", "08:00")
    assert member.status == "waiting" and member.intake_done_at and member.intake_step is None
    assert member.next_checkin_at is None  # the scheduler's sweep works it out
    last = ana.last_message().text
    assert "You're all set" in last and member.code in last
    kinds = [event.kind for event in await engagement.events(sandbox.db)]
    assert kinds[:2] == ["consented", "intake_done"]
    # /start again: a greeting, no new consent, no change.
    replies = await ana.send("/start")
    assert "Welcome back, Sunny" in replies[0].text
    assert replies[0].button_labels == ["🆘 I need help now"]


async def test_mentor_intake_ends_in_training(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    member = await member_of(sandbox, rob)
    assert member.role == "mentor" and member.status == "training"
    assert member.lived_experience == ["anxiety"] and member.capacity == 2
    assert member.code_agreed_at is not None and member.country == "GB"
    assert member.timezone == "Europe/London"
    assert rob.last_message().button_labels == ["Start training ➡️"]


async def test_intake_shows_progress_and_mentor_steps(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    role = await consent(rob)
    assert "Step 2 of 13" in role.text
    await rob.click(role, "support others")
    assert "Step 3 of 15" in rob.last_message().text


async def test_alias_is_validated_with_clear_answers(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.click(await consent(ana), "I'd like support")
    cases = {
        "x" * 500: "2 to 32 characters",
        "A": "2 to 32 characters",
        "<b>Ana</b>": "no < or >",
        "see t.me/ana": "link",
        "find me @ana_b": "@username",
        "call +44 7700 900123": "phone number",
    }
    for alias, expected in cases.items():
        replies = await ana.send(alias)
        assert any(expected in reply.text for reply in replies), (alias, replies)
        assert (await member_of(sandbox, ana)).alias is None
    # Crisis words at the alias step: the crisis reply, never a judgement of the alias.
    replies = await ana.send("i want to kill myself")
    assert len(replies) == 1 and "988" in replies[0].text and "alias" not in replies[0].text
    assert "Whenever you're ready" in replies[0].text
    assert "URGENT" in sandbox.group.bot_messages()[-1].text
    replies = await ana.send("  Jo  &  Mo  ")
    assert "Which age band" in replies[-1].text
    assert (await member_of(sandbox, ana)).alias == "Jo & Mo"


async def test_free_text_sticker_and_photo_reask_with_buttons(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    role = await consent(ana)
    replies = await ana.send("support please")
    assert replies[-1].button_labels == role.button_labels
    assert "choose one of the buttons" in replies[0].text
    replies = await ana.send_sticker()
    assert replies[-1].button_labels == role.button_labels
    await ana.click(role, "I'd like support")
    replies = await ana.send_photo()
    assert "type your alias" in replies[0].text
    assert (await member_of(sandbox, ana)).alias is None


async def test_stale_double_pressed_and_forged_buttons(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    role = await consent(ana)
    await ana.click(role, "I'd like support")
    await ana.click(role, "I'd like to support others")  # second device, old message
    assert "expired" in ana.answers()[-1]["text"]
    assert (await member_of(sandbox, ana)).role == "mentee"
    age = (await ana.send("Sunny"))[-1]
    await ana.press(age, "in:age:18-24~AAAAAAAA")  # forged
    assert "isn't valid" in ana.answers()[-1]["text"]
    assert (await member_of(sandbox, ana)).age_band is None
    assert sandbox.services is not None
    signed = sandbox.services.signer.sign("in", "age", "99-100")  # signed but not an option
    await ana.press(age, signed)
    assert (await member_of(sandbox, ana)).age_band is None
    langs = (await ana.click(age, "18-24"))[-1]
    await ana.click(age, "25-34")  # double press of the same question
    assert (await member_of(sandbox, ana)).age_band == "18-24"
    await ana.click(langs, "Done")  # nothing chosen yet
    assert "at least one" in ana.answers()[-1]["text"]
    await ana.click(langs, "Spanish")
    assert ana.last_with_buttons().button_labels[1] == "✅ Spanish"
    await ana.click(ana.last_with_buttons(), "Spanish")  # toggled off again
    assert (await member_of(sandbox, ana)).languages_spoken == []


async def test_intake_resumes_after_restart_crisis_help_and_start(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.click(await consent(ana), "I'd like support")
    age = (await ana.send("Sunny"))[-1]
    await sandbox.restart()
    replies = await ana.send("hello?")
    assert "Which age band" in replies[-1].text
    crisis = await ana.send("/crisis")
    assert "988" in crisis[0].text
    helped = await ana.send("/help")
    assert "/crisis" in helped[0].text and "/checkin" not in helped[0].text  # not in yet
    assert "Which age band" in helped[-1].text
    replies = await ana.send("/start")
    assert "carry on where you left off" in replies[0].text
    assert "Which age band" in replies[-1].text
    await ana.click(age, "25-34")  # the question's buttons still work after all that
    assert (await member_of(sandbox, ana)).age_band == "25-34"
    assert "Which languages" in ana.last_message().text


async def test_other_country_picks_a_zone_and_typed_answers(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.click(await consent(ana), "I'd like support")
    age = (await ana.send("Sunny"))[-1]
    langs = (await ana.click(age, "25-34"))[-1]
    await ana.click(langs, "English")
    country = (await ana.click(ana.last_with_buttons(), "Done"))[-1]
    pick = (await ana.click(country, "Another country"))[-1]
    assert "Pick your time zone" in pick.text
    replies = await ana.send("Mars/Olympus")
    assert "couldn't find that place" in replies[0].text
    replies = await ana.send("africa/nairobi")
    member = await member_of(sandbox, ana)
    assert (member.country, member.timezone) == ("ZZ", "Africa/Nairobi")
    assert "What would you like support with" in replies[-1].text
    # Crisis help for "another country" lists worldwide directories, not one country's lines.
    assert "Find A Helpline" in (await ana.send("/crisis"))[0].text


async def test_typed_time_and_changed_quiet_hours(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    member = await member_of(sandbox, ana)
    assert member.status == "waiting"
    bob = sandbox.user("Bob")
    await bob.click(await consent(bob), "I'd like support")
    age = (await bob.send("Bobby"))[-1]
    langs = (await bob.click(age, "18-24"))[-1]
    await bob.click(langs, "English")
    country = (await bob.click(bob.last_with_buttons(), "Done"))[-1]
    tz = (await bob.click(country, "United States"))[-1]
    other = (await bob.click(tz, "Pick another"))[-1]
    focus = (await bob.click(other, "America/Denver"))[-1]
    await bob.click(focus, "Grief")
    gender = (await bob.click(bob.last_with_buttons(), "Done"))[-1]
    pref = (await bob.click(gender, "Prefer not to say"))[-1]
    day = (await bob.click(pref, "A man"))[-1]
    time = (await bob.click(day, "Sunday"))[-1]
    assert "couldn't read that as a time of day" in (await bob.send("25:99"))[0].text
    quiet = (await bob.send("7.30"))[-1]
    start = (await bob.click(quiet, "Change"))[-1]
    end = (await bob.click(start, "23:00"))[-1]
    await bob.click(time, "18:00")  # stale: the time question was answered
    await bob.click(end, "07:00")
    member = await member_of(sandbox, bob)
    assert member.timezone == "America/Denver" and member.checkin_time == "07:30"
    assert (member.quiet_start, member.quiet_end) == ("23:00", "07:00")
    assert member.checkin_weekday == 6 and member.status == "waiting"


async def test_spanish_intake(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es-MX")
    role = await consent(eva)
    assert "¿Cómo te gustaría participar?" in role.text
    replies = await eva.click(role, "Me gustaría recibir apoyo")
    assert "Paso 3 de 13" in replies[-1].text
    age = (await eva.send("Luna"))[-1]
    langs = (await eva.click(age, "25-34"))[-1]
    await eva.click(langs, "Español")
    country = (await eva.click(eva.last_with_buttons(), "Listo"))[-1]
    assert "México" in country.button_labels and "España" in country.button_labels
    tz = (await eva.click(country, "México"))[-1]
    assert "America/Mexico_City" in tz.text


async def test_language_picked_in_intake_is_used_from_then_on(sandbox: Sandbox) -> None:
    sam = sandbox.user("Sam", language_code="en")
    replies = await sam.send("/start")
    language = (await sam.click(replies[1], "I agree"))[-1]
    assert language.button_labels == ["English", "Español"]
    role = (await sam.click(language, "Español"))[-1]
    assert "¿Cómo te gustaría participar?" in role.text
    assert (await member_of(sandbox, sam)).language == "es"
