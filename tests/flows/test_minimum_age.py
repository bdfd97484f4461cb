"""The programme's minimum age: someone younger is told kindly, given helplines for young
people where they live, and nothing about them is stored."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.harness import Sandbox, sandbox_settings

TABLES = ("members", "engagement", "conversations", "audit_log", "outbox", "escalations")


async def rows(sandbox: Sandbox) -> int:
    return sum(
        [int(await sandbox.db.fetch_value(f"SELECT COUNT(*) FROM {table}")) for table in TABLES]
    )


async def test_under_age_gets_youth_lines_and_nothing_is_stored(sandbox: Sandbox) -> None:
    before = await rows(sandbox)
    tom = sandbox.user("Tom", language_code="en-GB")
    privacy = (await tom.send("/start"))[1]
    assert "for adults aged 18 or over" in privacy.text
    replies = await tom.click(privacy, "I'm under 18")
    text = replies[-1].text
    assert "can't sign you up" in text and "nothing about you has been stored" in text
    assert "Childline (under 19)" in text and "0800 1111" in text
    assert "Child Helpline International" in text and "/crisis" in text
    assert await rows(sandbox) == before  # not even the conversation state
    await tom.click(privacy, "I agree")  # the old button: expired, still nothing stored
    assert await rows(sandbox) == before
    assert "emergency" in (await tom.send("/crisis"))[0].text.lower()  # /crisis still answers
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 0


async def test_spanish_speakers_get_their_countrys_lines(sandbox: Sandbox) -> None:
    lia = sandbox.user("Lía", language_code="es-ES")
    privacy = (await lia.send("/start"))[1]
    assert "¿Tienes 18 años o más" in privacy.text
    text = (await lia.click(privacy, "Tengo menos de 18 años"))[-1].text
    assert "ANAR" in text and "900 20 20 10" in text and "no se ha guardado nada" in text
    # No youth line on file for Mexico: its general crisis lines and the directory instead.
    pau = sandbox.user("Pau", language_code="es-MX")
    text = (await pau.click((await pau.send("/start"))[1], "Tengo menos de 18"))[-1].text
    assert "Emergencia" in text and "Child Helpline International" in text
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 0


async def test_minimum_age_is_a_setting(tmp_path: Path) -> None:
    box = Sandbox(sandbox_settings(tmp_path, minimum_age=21))
    await box.start()
    try:
        ana = box.user("Ana")
        privacy = (await ana.send("/start"))[1]
        assert "aged 21 or over" in privacy.text
        assert privacy.button_labels == ["I agree (I'm 21 or over)", "Not now", "I'm under 21"]
        text = (await ana.click(privacy, "I'm under 21"))[-1].text
        assert "adults aged 21 and over" in text
    finally:
        await box.stop()
