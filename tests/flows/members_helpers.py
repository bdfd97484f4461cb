"""Shared steps for the members flow tests: join as a mentee or mentor, finish training."""

from __future__ import annotations

from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members
from storage.members import Member


async def member_of(sandbox: Sandbox, user: SandboxUser) -> Member:
    """The member row of a sandbox user (must exist)."""
    member = await members.get_by_telegram_id(sandbox.db, user.id)
    assert member is not None
    return member


async def consent(user: SandboxUser) -> SandboxMessage:
    """/start, I agree, and the language they use; returns the role question."""
    english = user.language_code == "en"
    replies = await user.send("/start")
    replies = await user.click(replies[1], "I agree" if english else "Acepto")
    replies = await user.click(replies[-1], "English" if english else "Español")
    return replies[-1]


async def join_as_mentee(user: SandboxUser, alias: str = "Sunny") -> None:
    """A mentee from /start to a finished profile (English buttons)."""
    role = await consent(user)
    await user.click(role, "I'd like support")
    age = (await user.send(alias))[-1]
    langs = (await user.click(age, "25-34"))[-1]
    await user.click(langs, "English")
    country = (await user.click(user.last_with_buttons(), "Done"))[-1]
    tz = (await user.click(country, "Spain"))[-1]
    focus = (await user.click(tz, "Yes, that's right"))[-1]
    await user.click(focus, "Anxiety")
    gender = (await user.click(user.last_with_buttons(), "Done"))[-1]
    pref = (await user.click(gender, "Woman"))[-1]
    day = (await user.click(pref, "No preference"))[-1]
    time = (await user.click(day, "Wednesday"))[-1]
    quiet = (await user.click(time, "18:00"))[-1]
    await user.click(quiet, "Keep them")


async def join_as_mentor(user: SandboxUser, alias: str = "Rowan") -> None:
    """A mentor from /start to the end of intake (training not started)."""
    role = await consent(user)
    await user.click(role, "I'd like to support others")
    age = (await user.send(alias))[-1]
    langs = (await user.click(age, "35-44"))[-1]
    await user.click(langs, "English")
    country = (await user.click(user.last_with_buttons(), "Done"))[-1]
    tz = (await user.click(country, "United Kingdom"))[-1]
    focus = (await user.click(tz, "Yes, that's right"))[-1]
    await user.click(focus, "Anxiety")
    lived = (await user.click(user.last_with_buttons(), "Done"))[-1]
    await user.click(lived, "Anxiety")
    cap = (await user.click(user.last_with_buttons(), "Done"))[-1]
    gender = (await user.click(cap, "2"))[-1]
    day = (await user.click(gender, "Man"))[-1]
    time = (await user.click(day, "Monday"))[-1]
    quiet = (await user.click(time, "19:00"))[-1]
    code = (await user.click(quiet, "Keep them"))[-1]
    await user.click(code, "I agree to the code")


async def finish_training(sandbox: Sandbox, user: SandboxUser) -> int:
    """Answer every training question correctly; returns how many questions there were."""
    assert sandbox.services is not None
    course = sandbox.services.content.training
    answered = 0
    await user.click(user.last_with_buttons(), "Start training")
    for module in course.modules:
        for question in module.questions:
            right = next(c for c in question.choices if c.correct)
            await user.click(user.last_with_buttons(), right.text.en)
            answered += 1
        if module is not course.modules[-1]:
            await user.click(user.last_with_buttons(), "Next module")
    return answered
