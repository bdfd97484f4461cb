"""[I'm not safe] is a conversation, not a loop: from every entry point the emergency number
comes first, the person is told the coordinators know and what happens next, and is offered
what helps now; the question is never asked again. A concern asks directly; "yes" is the full
path."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from tests.crisis_helpers import DANGER, RESULTS, inject
from tests.safety_helpers import escalation_rows, joined

HIGH, CONCERN = "i want to kill myself", "im so tired of everything"
HELP_NOW = ["🌿 A grounding exercise", "☎️ I've called / I'm with someone", "📞 Show the lines"]


def assert_not_safe_answer(message: SandboxMessage, emergency: str = "911") -> None:
    """Emergency first, coordinators told, what happens next, help now, no question again."""
    assert message.text.startswith(f"🚨 Please call {emergency} now")
    assert "I've let the programme's coordinators know" in message.text
    assert "will write to you here" in message.text
    assert "Are you safe right now?" not in message.text
    assert message.button_labels == HELP_NOW


async def entry_points(sandbox: Sandbox, ana: SandboxUser) -> dict[str, SandboxMessage]:
    """Every message that carries [I'm not safe]."""
    inject(sandbox, RESULTS)
    help_message = (await ana.send("/help"))[0]
    found = {
        "/crisis": (await ana.send("/crisis"))[0],
        "/sos": (await ana.send("/sos"))[0],
        "help button": (await ana.click(help_message, "I need help now"))[0],
        "detected": (await ana.send(HIGH))[0],
        "follow-up": (await ana.send(HIGH))[0],
        "danger": (await ana.send(DANGER))[0],
    }
    concern = (await ana.send("i feel hopeless"))[0]  # a follow-up by now: ask afresh later
    assert concern.button_labels
    return found


async def test_not_safe_from_every_entry_point(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    found = await entry_points(sandbox, ana)
    for name, message in found.items():
        sandbox.clock.advance(timedelta(hours=1))  # a fresh episode each time
        replies = await ana.click(message, "I'm not safe")
        assert replies, name
        assert_not_safe_answer(replies[0])
    rows = await escalation_rows(sandbox)
    assert sum(row["severity"] == "urgent" for row in rows) == len(found)


async def test_concern_asks_directly_and_yes_takes_the_full_path(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    asked = (await ana.send(CONCERN))[0]
    assert "are you having thoughts of ending your life?" in asked.text
    assert "988" in asked.text and "911" in asked.text  # a number in the same message
    full = (await ana.click(asked, "Yes, I am"))[0]
    assert "988" in full.text and full.button_labels == ["I'm safe for now", "I'm not safe"]
    assert_not_safe_answer((await ana.click(full, "I'm not safe"))[0])
    assert [row["severity"] for row in await escalation_rows(sandbox)] == ["urgent"]


async def test_concern_no_is_answered_kindly_without_escalating(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    asked = (await ana.send(CONCERN))[0]
    answer = (await ana.click(asked, "No, not that"))[0]
    assert "Thank you for telling me" in answer.text and "/crisis" in answer.text
    assert [row["severity"] for row in await escalation_rows(sandbox)] == ["concern"]


async def test_not_safe_twice_says_told_again_and_help_stays(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    crisis = (await ana.send("/crisis"))[0]
    first = (await ana.click(crisis, "I'm not safe"))[0]
    assert_not_safe_answer(first)
    again = (await ana.click(crisis, "I'm not safe"))[0]
    assert "told the coordinators again" in again.text and again.button_labels == HELP_NOW
    grounding = (await ana.click(again, "A grounding exercise"))[0]
    assert "5 things you can see" in grounding.text
    called = (await ana.click(again, "I've called"))[0]
    assert "Thank you for reaching out to them" in called.text
    assert len(await escalation_rows(sandbox)) == 1


async def test_not_safe_in_spanish(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es")
    await joined(sandbox, eva, country="ES", language="es")
    crisis = (await eva.send("/crisis"))[0]
    answer = (await eva.click(crisis, "No estoy a salvo"))[0]
    assert answer.text.startswith("🚨 Llama ya al 112")
    assert "He avisado a las personas coordinadoras" in answer.text
    assert answer.button_labels == [
        "🌿 Un ejercicio para anclarte",
        "☎️ Ya he llamado / Estoy con alguien",
        "📞 Ver las líneas",
    ]


async def test_a_crisis_reply_telegram_keeps_refusing_stays_in_the_crisis_lane(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    sandbox.fake.faults.queued = ["500", "500", "500"]  # the crisis reply, every direct try
    await ana.send(HIGH)  # the harness runs the outbox after each update
    assert sandbox.fake.faults.queued == []
    row = await sandbox.db.fetch_one(
        "SELECT lane, status, expires_at FROM outbox WHERE kind = 'reply'"
    )
    assert row is not None and tuple(row) == ("crisis", "sent", None)
    assert "988" in ana.bot_messages()[-1].text  # late, but it arrived


async def test_ive_called_is_shown_on_the_open_alert(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    crisis = (await ana.send("/crisis"))[0]
    answer = (await ana.click(crisis, "I'm not safe"))[0]
    await ana.click(answer, "I've called")
    alert = sandbox.group.bot_messages()[-1]
    assert "called a line or are with someone" in alert.text
    assert alert.button_labels == ["I'm on it", "✉️ Message the member"]
