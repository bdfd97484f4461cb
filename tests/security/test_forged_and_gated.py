"""Forged button data is refused without effect; coordinator commands leak nowhere in any spelling."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.callbacks import CallbackSigner
from bot.sandbox.client import GroupMember, SandboxMessage
from bot.sandbox.harness import Sandbox
from handlers._coordinators import COORDINATOR_ONLY
from storage import audit
from tests.security.helpers import sends, state

INVALID = "isn't valid"
lookalikes = st.one_of(
    st.text(max_size=64),
    st.builds(
        lambda ns, action, arg, sig: f"{ns}:{action}:{arg}~{sig}",
        st.sampled_from(["co", "start", "pair", "crisis", "ci", "relay", "x"]),
        st.sampled_from(["reveal", "ok", "skip", "agree", "in", "end", "claim", ""]),
        st.text(alphabet="MPA0123456789-", max_size=8),
        st.text(alphabet="ABCDEFGHabcdefgh0123456789-_", min_size=0, max_size=10),
    ),
)


async def consented(sandbox: Sandbox, name: str = "Ana"):  # type: ignore[no-untyped-def]
    """A member who agreed, with the bot's last message to press buttons on."""
    person = sandbox.user(name)
    await person.click((await person.send("/start"))[1], "I agree")
    return person


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=lookalikes)
async def test_forged_callback_data_is_refused_and_changes_nothing(
    sandbox: Sandbox, data: str
) -> None:
    if sandbox.services.signer.verify(data) is not None:  # type: ignore[union-attr]
        return  # a 48-bit signature guessed by chance: not a forgery
    ana = sandbox.user("Ana", user_id=31_337)
    cleo = sandbox.group.coordinator("Cleo")
    anchor = SandboxMessage({"message_id": 1, "date": 0, "chat": sandbox.fake.chat(ana.id)})
    group_anchor = SandboxMessage(
        {"message_id": 1, "date": 0, "chat": sandbox.fake.chat(sandbox.group.chat_id)}
    )
    before, sent_before = await state(sandbox), len(sends(sandbox))
    await ana.press(anchor, data)
    await cleo.press(group_anchor, data)
    assert INVALID in ana.answers()[-1]["text"] and INVALID in cleo.answers()[-1]["text"]
    assert await state(sandbox) == before
    assert len(sends(sandbox)) == sent_before


async def test_signatures_from_another_key_or_another_button_are_refused(sandbox: Sandbox) -> None:
    ana = await consented(sandbox)
    message = ana.last_message()
    signer = sandbox.services.signer  # type: ignore[union-attr]
    genuine = signer.sign("start", "agree")
    payload, _, signature = genuine.rpartition("~")
    other_deployment = CallbackSigner(b"k" * 32).sign("co", "reveal", "MAAAAA")
    moved = f"co:reveal:MAAAAA~{signature}"  # a real signature lifted onto another payload
    forged = [
        other_deployment,
        moved,
        payload,
        f"{payload}~",
        f"{payload}~{signature[:-1]}",
        f"{payload}~{signature}x",
        f"{payload}:x~{signature}",
        genuine.upper(),
        # Non-ASCII or unpaired surrogates once made the check raise, and an exception in
        # the gate let the update through to the handlers.
        f"{payload}~{'é' * 8}",
        f"{payload}~{signature[:-1]}é",
        f"{payload}\ud800~{signature}",
        f"{payload}~\udc80{signature}",
    ]
    before, sent_before = await state(sandbox), len(sends(sandbox))
    for data in forged:
        await ana.press(message, data)
        assert INVALID in ana.answers()[-1]["text"], data
    assert await state(sandbox) == before
    assert len(sends(sandbox)) == sent_before


@given(payload=st.text(max_size=60), signature=st.text(max_size=12))
def test_verifying_any_text_refuses_it_without_raising(payload: str, signature: str) -> None:
    assert CallbackSigner(b"k" * 32).verify(f"{payload}~{signature}") is None


async def test_coordinator_commands_in_any_spelling_leak_nowhere(sandbox: Sandbox) -> None:
    """Upper case, @botname, edits, captions and replies: outside the group, like unknown commands."""
    ana = await consented(sandbox)
    stranger = GroupMember(sandbox, -1004444444444, 4_444, "Mallory")
    sandbox.fake.chat_members.setdefault(-1004444444444, {})[4_444] = "creator"
    unknown = (await ana.send("/frobnicate"))[0].text
    group_before = len(sandbox.group.bot_messages())
    for name in sorted(COORDINATOR_ONLY):
        for text in (f"/{name.upper()}", f"/{name}@companion_sandbox_bot", f"/{name}@other_bot x"):
            replies = await ana.send(text)
            assert [r.text for r in replies] in ([unknown], []), text
            assert await stranger.send(text) == [], text
        typed = await ana.send("hello")
        edit_replies = await ana.edit(
            SandboxMessage({**typed[0].raw, "from": ana._user(), "text": "hello"}), f"/{name}"
        )
        assert {r.text for r in edit_replies} <= {unknown}, name
        await ana.send_photo(caption=f"/{name}")
        await stranger._message(
            text=f"/{name}",
            entities=[{"type": "bot_command", "offset": 0, "length": len(name) + 1}],
            reply_to_message={
                "message_id": 1,
                "date": int(time.time()),
                "chat": sandbox.fake.chat(-1004444444444),
            },
        )
    assert len(sandbox.group.bot_messages()) == group_before
    assert stranger.bot_messages() == []
    assert await audit.recent(sandbox.db) == []
    coordinator_words = {"/pending", "/dashboard", "/suggest", "/audit", "/unpair", "Approve"}
    for message in ana.bot_messages():
        assert not any(word in message.text for word in coordinator_words), message.text
