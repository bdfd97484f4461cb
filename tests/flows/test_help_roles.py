"""/help per role, in order: mentee, mentor, newcomer, and the coordinators' group with usage."""

from __future__ import annotations

import re

from bot.sandbox.harness import Sandbox
from storage import members
from tests.flows.pairing_helpers import make_member


def commands(text: str) -> list[str]:
    """The commands a help text lists, in order (one per line)."""
    return re.findall(r"^/([a-z]+):", text, re.M)


async def test_each_role_sees_its_own_commands_in_order(sandbox: Sandbox) -> None:
    mia, leo, newcomer = sandbox.user("Mia"), sandbox.user("Leo"), sandbox.user("Nia")
    await make_member(sandbox, mia, "mentee", "Sunny")
    mentor = await make_member(sandbox, leo, "mentor", "Oak")
    mentee_help = (await mia.send("/help"))[0].text
    assert commands(mentee_help)[:4] == ["checkin", "cope", "resources", "crisis"]
    assert commands(mentee_help)[-1] == "help"
    assert not {"refer", "pulse", "training", "stepback", "start"} & set(commands(mentee_help))
    assert "goes to your partner" in mentee_help and "not an emergency service" in mentee_help
    mentor_help = (await leo.send("/help"))[0].text
    assert commands(mentor_help)[:3] == ["training", "refer", "pulse"]
    assert "checkin" not in commands(mentor_help) and "stepback" in commands(mentor_help)
    stranger_help = (await newcomer.send("/help"))[0].text
    assert commands(stranger_help) == ["start", "crisis", "cope", "resources", "help"]
    await members.update_profile(sandbox.db, mentor.id, sandbox.clock.now(), language="es")
    spanish = (await leo.send("/help"))[0].text
    assert "Lo que puedo hacer" in spanish and commands(spanish)[0] == "training"


async def test_coordinators_help_shows_usage(sandbox: Sandbox) -> None:
    coord = sandbox.group.coordinator("Cleo")
    text = (await coord.send("/help"))[0].text
    assert commands(text)[0] == "escalations" and commands(text)[-1] == "help"
    assert "/unpair PAIR REASON: end a pair; the reason is required" in text
    assert "/pair MENTEE_CODE MENTOR_CODE" in text
    assert "/broadcast mentors|mentees|everyone MESSAGE" in text
    assert "/checkin" not in text
