"""Mid-flow, a signed button of an odd shape or value is answered as expired (or invalid), changes
nothing, and the flow goes on: the question's real buttons still work afterwards."""

from __future__ import annotations

import pytest

from bot.core.callbacks import payload_parts
from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from tests.flows.members_helpers import join_as_mentor
from tests.flows.pairing_helpers import paired
from tests.security.helpers import press_problems

HUGE = "99999999999999999999"


def button_data(message: SandboxMessage, label: str) -> str:
    """The callback data of the button whose label contains `label`."""
    return next(data for row in message.buttons for text, data in row if label in text)


def odd_versions(
    sandbox: Sandbox, data: str, *, values: tuple[str, ...] = (), argument: int = -1
) -> list[str]:
    """Signed copies of a real button: its last argument missing, one argument too many, and
    `values` in place of argument number `argument` (counted among the arguments)."""
    assert sandbox.services is not None
    sign, parts = sandbox.services.signer.sign, payload_parts(data)
    head, arguments = parts[:2], parts[2:]
    versions = [head + arguments[:-1], [*parts, "x"], [*parts, "1", "2"]]
    for value in ("x", "-1", HUGE, "", *values):
        changed = list(arguments)
        changed[argument] = value
        versions.append(head + changed)
    return [sign(*version) for version in versions]


async def press_all(
    sandbox: Sandbox,
    person: SandboxUser,
    message: SandboxMessage,
    payloads: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each press is answered once, logs no error and changes no row."""
    problems = []
    for data in payloads:
        problems += await press_problems(sandbox, person, message, data, caplog)
    assert not problems, "\n".join(problems)


async def test_pulse_odd_values_keep_the_question_open(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    _mia, leo, *_ = await paired(sandbox)
    question = (await leo.send("/pulse"))[-1]
    real = button_data(question, "3")
    await press_all(sandbox, leo, question, odd_versions(sandbox, real, values=("0", "9")), caplog)
    await press_all(
        sandbox, leo, question, odd_versions(sandbox, real, values=("sleep",), argument=0), caplog
    )
    assert "expired" in leo.answers()[-1]["text"]
    question = (await leo.press(question, real))[-1]
    assert question.button_labels == ["1", "2", "3", "4", "5"]  # on to the second question
    question = (await leo.click(question, "4"))[-1]
    await press_all(
        sandbox,
        leo,
        question,
        odd_versions(sandbox, button_data(question, "No"), values=("2", "7")),
        caplog,
    )
    replies = await leo.click(question, "No")
    assert "Take care of yourself" in replies[-1].text


async def test_checkin_odd_buttons_then_the_real_one(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    mia, *_ = await paired(sandbox)
    question = (await mia.send("/checkin"))[1]
    real = button_data(question, "🙂 4")
    await press_all(sandbox, mia, question, odd_versions(sandbox, real, values=("9", "s")), caplog)
    await press_all(
        sandbox,
        mia,
        question,
        odd_versions(sandbox, real, values=("2000-W01",), argument=0),
        caplog,
    )
    await press_all(
        sandbox, mia, question, odd_versions(sandbox, real, values=("7",), argument=1), caplog
    )
    replies = await mia.press(question, real)
    assert "So-so" in replies[-1].button_labels


async def test_report_odd_kind_then_the_real_one(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    mia, *_ = await paired(sandbox)
    kinds = (await mia.send("/report"))[-1]
    real = button_data(kinds, "Boundaries")
    await press_all(sandbox, mia, kinds, odd_versions(sandbox, real, values=("rumours",)), caplog)
    await press_all(
        sandbox, mia, kinds, odd_versions(sandbox, real, values=("0",), argument=0), caplog
    )
    await mia.press(kinds, real)
    assert len(sandbox.group.bot_messages()) == 1  # the coordinators are told, once


async def test_joining_odd_buttons_then_the_real_ones(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    zoe = sandbox.user("Zoe")
    privacy = (await zoe.send("/start"))[-1]
    agree = button_data(privacy, "I agree")
    assert sandbox.services is not None
    await press_all(
        sandbox, zoe, privacy, [sandbox.services.signer.sign("start", "agree", "x")], caplog
    )
    language = (await zoe.press(privacy, agree))[-1]
    real = button_data(language, "English")
    wrong_step = sandbox.services.signer.sign("in", "role", "mentee")
    await press_all(
        sandbox, zoe, language, [*odd_versions(sandbox, real, values=("xx",)), wrong_step], caplog
    )
    role = (await zoe.press(language, real))[-1]
    assert "support others" in " ".join(role.button_labels)


async def test_training_odd_answers_then_the_real_one(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    question = (await rob.click(rob.last_with_buttons(), "Start training"))[-1]
    assert sandbox.services is not None
    first = sandbox.services.content.training.modules[0].questions[0]
    right = next(choice for choice in first.choices if choice.correct).text.en
    real = button_data(question, right)
    for argument, values in ((2, ("99",)), (3, ("7",)), (1, ("5",)), (0, ("42",))):
        await press_all(
            sandbox,
            rob,
            question,
            odd_versions(sandbox, real, values=values, argument=argument),
            caplog,
        )
    replies = await rob.press(question, real)
    assert replies[0].text.startswith("✅")  # the right answer is taken
