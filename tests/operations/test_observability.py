"""Metrics, error reporting and JSON logs: off by default, right when on, never carrying secrets."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

import handlers.screening
from bot.core import metrics
from bot.delivery.lanes import Lane
from bot.ops.reporting import JsonFormatter, setup_sentry
from bot.runner import RedactToken
from bot.safety.escalation import raise_alert
from bot.safety.escalation_lifecycle import claim
from bot.sandbox.harness import SANDBOX_TOKEN, Sandbox, sandbox_settings
from storage import members, outbox
from tests.conftest import shipped_content

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def registry() -> Iterator[CollectorRegistry]:
    """Metrics on, in a registry of this test's own."""
    yield metrics.enable(CollectorRegistry())
    metrics.disable()


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """One sample's value (0 when absent)."""
    return registry.get_sample_value(name, labels) or 0.0


def test_everything_is_off_by_default() -> None:
    settings = sandbox_settings(Path("/nonexistent"))
    assert (settings.metrics_port, settings.sentry_dsn, settings.log_format) == (
        None,
        None,
        "plain",
    )
    code = (
        "import sys, bot.runner, bot.app, bot.__main__; "
        "print(sorted(m for m in ('prometheus_client', 'sentry_sdk') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    ).stdout
    assert out.strip() == "[]"  # neither library is even imported
    assert not metrics.enabled()

    async def call() -> None: ...

    assert metrics.counted(call, "sendMessage") is call  # no wrapper, no cost


async def test_metrics_when_on(tmp_path: Path, registry: CollectorRegistry) -> None:
    box = Sandbox(sandbox_settings(tmp_path), content=shipped_content())
    await box.start()
    try:
        ana, ben = box.user("Ana"), box.user("Ben")
        await ana.click((await ana.send("/start"))[1], "I agree")
        await ben.send("/start")
        box.fake.blocked.add(ben.id)
        await ben.send("/help")  # the reply is refused: Ben blocked the bot
        member = await members.get_by_telegram_id(box.db, ana.id)
        assert member is not None and box.services is not None
        alert = await raise_alert(box.services, member=member, severity="high", source="command")  # type: ignore[arg-type]
        await box.flush_outbox()
        await outbox.enqueue(
            box.db,
            key="later:1",
            chat_id=ana.id,
            lane=Lane.SCHEDULED,
            kind="test",
            payload={"text": "later"},
            now=box.clock.now(),
            not_before=box.clock.now(),
            member_id=member.id,
        )
        await metrics.refresh(box.db, box.clock.now())
        assert value(registry, "companion_outbox_backlog", lane="scheduled") == 1
        assert value(registry, "companion_outbox_backlog", lane="crisis") == 0
        assert value(registry, "companion_alerts_open", status="open") == 1
        box.clock.advance(timedelta(minutes=7))
        await claim(box.services, alert, by=1, name="Cleo")
        await metrics.refresh(box.db, box.clock.now())
    finally:
        await box.stop()
    assert value(registry, "companion_updates_handled_total", kind="message") == 3
    assert value(registry, "companion_updates_handled_total", kind="callback_query") == 1
    assert value(registry, "companion_reply_latency_seconds_count", kind="message") == 3
    assert value(registry, "companion_bot_api_calls_total", method="sendMessage") >= 3
    assert (
        value(registry, "companion_bot_api_failures_total", method="sendMessage", error="Forbidden")
        >= 1
    )
    assert value(registry, "companion_alerts_open", status="claimed") == 1
    assert value(registry, "companion_alert_time_to_claim_seconds_count") == 1
    assert value(registry, "companion_alert_time_to_claim_seconds_sum") == 420


class Captured:
    """A Sentry transport that keeps what it would have sent."""

    def __init__(self) -> None:
        self.envelopes: list[bytes] = []

    def transport(self) -> Any:
        """A transport class bound to this capture."""
        from sentry_sdk.transport import Transport

        captured = self

        class Keep(Transport):
            def capture_envelope(self, envelope: Any) -> None:
                captured.envelopes.append(envelope.serialize())

        return Keep


async def test_error_reports_carry_neither_the_token_nor_member_text(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sentry_sdk

    captured = Captured()
    setup_sentry("https://public@sentry.invalid/1", SANDBOX_TOKEN, transport=captured.transport())

    async def broken(update: object, context: object, text: str, **_: object) -> None:
        raise RuntimeError("the screen failed")  # `text` sits in this frame's variables

    monkeypatch.setattr(handlers.screening, "respond_to_risk", broken)
    box = Sandbox(sandbox_settings(tmp_path), content=shipped_content())
    await box.start()
    try:
        ana = box.user("Ana")
        await ana.click((await ana.send("/start"))[1], "I agree")
        await ana.send("my private words zebra-1234")
        logging.getLogger("bot.test").error(
            "call to %s/bot%s/sendMessage failed", "https://api.telegram.org", SANDBOX_TOKEN
        )
    finally:
        await box.stop()
        sentry_sdk.flush()
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
    sent = b"".join(captured.envelopes)
    assert b"the screen failed" in sent and b"RuntimeError" in sent  # the crash was reported
    assert b"[bot token]" in sent  # and the log line, masked
    assert SANDBOX_TOKEN.encode() not in sent and SANDBOX_TOKEN.split(":")[1].encode() not in sent
    assert b"zebra-1234" not in sent and b"private words" not in sent


def test_json_log_lines_are_masked_too() -> None:
    record = logging.LogRecord(
        "bot.x", logging.ERROR, __file__, 1, "token %s here", (SANDBOX_TOKEN,), None
    )
    RedactToken(SANDBOX_TOKEN).filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "token [bot token] here"
    assert (line["level"], line["logger"]) == ("ERROR", "bot.x")
