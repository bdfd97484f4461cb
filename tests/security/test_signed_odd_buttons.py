"""Correctly signed buttons of shapes no handler produces (an older version's buttons, bugs) are
answered, raise nothing and change nothing: every button handler routes only its whole shape."""

from __future__ import annotations

import re

import pytest

from bot.core.callbacks import SEPARATOR
from bot.sandbox.fuzz_parts import callback_handlers, signed_prefixes
from bot.sandbox.harness import Sandbox
from handlers import CRISIS_ANY, fallback, support
from tests.flows.pairing_helpers import paired
from tests.security.helpers import press_problems

# Arguments no button carries: missing, not a number, negative, beyond SQLite's integers,
# empty, too many, and odd mixes of them.
ODD_ARGUMENTS: list[list[str]] = [
    [],
    ["abc"],
    ["-1"],
    ["99999999999999999999"],
    [""],
    ["1", "x", "2", "y", "3", "z"],
    ["abc", "abc"],
    ["1", ""],
    ["1", "-1", "abc"],
]


def test_every_button_pattern_matches_a_whole_payload(sandbox: Sandbox) -> None:
    """A new button registered with a prefix-only pattern (r"^pair:in:") fails here."""
    loose = []
    handlers = callback_handlers(sandbox)
    for handler in handlers:
        name = handler.callback.__qualname__
        if handler.pattern is None:
            assert handler.callback is fallback.expired_button, name  # the last resort only
            continue
        assert isinstance(handler.pattern, re.Pattern), name
        text = handler.pattern.pattern
        if handler.callback is support.crisis_button:
            assert text == CRISIS_ANY  # on purpose: any crisis press opens the crisis path
            continue
        # Anchored, up to the signature, and no "." that could match a ':' or a '~'.
        if not (text.startswith("^") and text.endswith(SEPARATOR)) or re.search(r"(?<!\\)\.", text):
            loose.append(f"{name}: {text}")
    assert loose == []
    assert len(handlers) > 60


async def test_signed_odd_arguments_are_answered_and_change_nothing(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    mia, _leo, *_ = await paired(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    await mia.send("/help")
    await cleo.send("/help")
    anchors = {"mia": mia.last_message(), "cleo": sandbox.group.bot_messages()[-1]}
    assert sandbox.services is not None
    signer = sandbox.services.signer
    # Buttons with no arguments at all (pattern "^cope:b~"): their bare prefix is not odd.
    bare = {
        handler.pattern.pattern[1:-1]
        for handler in callback_handlers(sandbox)
        if handler.pattern is not None and re.fullmatch(r"\^[a-z:]+~", handler.pattern.pattern)
    }
    prefixes = signed_prefixes(sandbox)
    assert len(prefixes) > 40
    problems, pressed = [], 0
    for prefix in prefixes:
        for arguments in ODD_ARGUMENTS:
            if not arguments and ":".join(prefix) in bare:
                continue
            try:
                data = signer.sign(*prefix, *arguments)
            except ValueError:  # longer than Telegram's 64 bytes: it could never arrive
                continue
            coordinator = prefix[0] == "co"
            person, anchor = (cleo, anchors["cleo"]) if coordinator else (mia, anchors["mia"])
            crisis = re.match(CRISIS_ANY, data) is not None
            sent = len(mia.bot_messages())
            # A crisis press of any shape opens the crisis path (and counts the visit).
            problems += await press_problems(
                sandbox, person, anchor, data, caplog, rows_may_change=crisis
            )
            if crisis and "988" not in mia.bot_messages()[sent].text:
                problems.append(f"{data}: no crisis lines")
            pressed += 1
    assert not problems, "\n".join(problems)
    assert pressed > 300
