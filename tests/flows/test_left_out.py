"""/suggest and /pair say why, in words, for everyone left out (en and es)."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members
from tests.conftest import shipped_content
from tests.flows.matching_helpers import mentee, mentor


async def left_out_programme(sandbox: Sandbox) -> None:
    """Ben (a man, English, one place) fits Ana and Cai; Bea speaks only Spanish; Dee wants a
    woman mentor."""
    await mentor(sandbox, "Ben", preferences={"gender": "man"})
    await mentee(sandbox, "Ana")
    await mentee(sandbox, "Bea", languages_spoken=["es"])
    await mentee(sandbox, "Cai")
    await mentee(sandbox, "Dee", preferences={"mentor_gender": "woman"})


async def test_suggest_names_a_reason_for_every_waiting_mentee(sandbox: Sandbox) -> None:
    await left_out_programme(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    header = (await cleo.send("/suggest"))[0].text
    assert "1 of 1 proposed pairs (4 mentees waiting)" in header
    assert "Not proposed this time (3)" in header
    lines = {line.split(":")[0]: line for line in header.splitlines() if line.startswith("•")}
    assert len(lines) == 3
    text = "\n".join(lines.values())
    assert "no shared language with Spanish: 1" in text
    assert "the mentors who fit (" in text and "are proposed for other mentees" in text
    assert "not matching the wish for mentor's gender: Woman: 1" in text
    assert "mentor_gender" not in header and "preference:" not in header


async def test_no_mentor_free_is_explained_with_counts(sandbox: Sandbox) -> None:
    _, ben = await mentor(sandbox, "Ben")
    await members.update_profile(
        sandbox.db, ben.id, sandbox.clock.now(), paused_until="9999-12-31T00:00:00"
    )
    await mentee(sandbox, "Ana")
    cleo = sandbox.group.coordinator("Cleo")
    text = (await cleo.send("/suggest"))[0].text
    assert "No suggestions right now" in text
    assert "Ana: no mentor can take someone now (paused: 1)" in text


async def test_pair_explains_a_broken_preference_in_words(sandbox: Sandbox) -> None:
    _, ben = await mentor(sandbox, "Ben", preferences={"gender": "man"})
    _, dee = await mentee(sandbox, "Dee", preferences={"mentor_gender": "woman"})
    cleo = sandbox.group.coordinator("Cleo")
    warning = (await cleo.send(f"/pair {dee.code} {ben.code}"))[-1].text
    assert "the mentee's preference is not met: mentor's gender: Woman" in warning
    assert "mentor_gender" not in warning


async def test_spanish_coordinators_read_the_reasons_in_spanish(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path, default_language="es")
    sandbox = await Sandbox(settings=settings, content=shipped_content()).start()
    try:
        await left_out_programme(sandbox)
        cleo = sandbox.group.coordinator("Cleo")
        text = (await cleo.send("/suggest"))[0].text
        assert "Sin propuesta esta vez (3)" in text
        assert "sin idioma en común con Español: 1" in text
        assert "no cumplen el deseo de género del mentor: Mujer: 1" in text
        assert "mentor_gender" not in text
    finally:
        await sandbox.stop()
