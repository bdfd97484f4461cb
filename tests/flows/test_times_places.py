"""Times and places typed as people type them, in English and Spanish; nonsense gets a clear
answer and loses nothing."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox
from tests.flows.members_helpers import consent, join_as_mentee, member_of
from tests.flows.test_members_settings import open_setting, press


async def test_spanish_member_picks_a_city_and_types_a_time(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es-MX")
    await eva.click(await consent(eva), "Me gustaría recibir apoyo")
    age = (await eva.send("Luna"))[-1]
    langs = (await eva.click(age, "25-34"))[-1]
    await eva.click(langs, "Español")
    country = (await eva.click(eva.last_with_buttons(), "Listo"))[-1]
    tz = (await eva.click(country, "México"))[-1]
    pick = (await eva.click(tz, "Elegir otra"))[-1]
    # Mexico's own zones are offered, not a list for the whole world.
    assert {"America/Cancun", "America/Tijuana", "America/Mexico City"} <= set(pick.button_labels)
    assert "Europe/Madrid" not in pick.button_labels and "Caracas" in pick.text
    replies = await eva.send("morado")
    assert "No he encontrado ese lugar" in replies[0].text
    assert (await member_of(sandbox, eva)).timezone != "morado"
    replies = await eva.send("Caracas")
    assert (await member_of(sandbox, eva)).timezone == "America/Caracas"
    await eva.click(replies[-1], "Ansiedad")
    gender = (await eva.click(eva.last_with_buttons(), "Listo"))[-1]
    pref = (await eva.click(gender, "Mujer"))[-1]
    day = (await eva.click(pref, "Me da igual"))[-1]
    time = (await eva.click(day, "Miércoles"))[-1]
    replies = await eva.send("mañana")
    assert "No he entendido esa hora" in replies[0].text and "de la tarde" in replies[0].text
    await eva.send("a las 5 de la tarde")
    assert (await member_of(sandbox, eva)).checkin_time == "17:00"
    assert time.id  # the question was answered by typing


async def test_english_times_in_settings(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    for typed, stored in (
        ("5pm", "17:00"),
        ("17h", "17:00"),
        ("5:30 pm", "17:30"),
        ("17.30", "17:30"),
        ("noon", "12:00"),
        ("7:15am", "07:15"),
    ):
        await open_setting(ana, "Check-in time")
        await ana.send(typed)
        assert (await member_of(sandbox, ana)).checkin_time == stored, typed
    await open_setting(ana, "Check-in time")
    for nonsense in ("17 pm", "25:99", "whenever"):
        replies = await ana.send(nonsense)
        assert "couldn't read that as a time of day" in replies[0].text
    assert (await member_of(sandbox, ana)).checkin_time == "07:15"  # nothing lost
    question = await open_setting(ana, "Time zone")
    other = await press(ana, question, "Pick another")
    assert "Europe/Madrid" in other.button_labels and "Atlantic/Canary" in other.button_labels
    await ana.send("new york")
    assert (await member_of(sandbox, ana)).timezone == "America/New_York"
