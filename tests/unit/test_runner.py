"""Start-up when Telegram is unreachable, and log redaction."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import bot.app as app_module
from bot.app import build_application, start_background_work
from bot.content import ContentStore
from bot.core.clock import FakeClock, to_db
from bot.runner import RedactToken, initialise_with_retry
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import Sandbox, sandbox_settings
from bot.sandbox.request import SandboxRequest
from bot.services import Services
from storage.db import Database
from tests.conftest import shipped_content


class FlakyTelegram(FakeTelegram):
    """Telegram that is down for the first `failures` calls."""

    def __init__(self, failures: int) -> None:
        super().__init__(spec=False)
        self.failures = failures

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.failures > 0:
            self.failures -= 1
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return await super().handle(method, params)


async def test_startup_retries_until_telegram_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = sandbox_settings(tmp_path)
    db = await Database.open(settings.database_path)
    services = Services(
        settings=settings,
        db=db,
        clock=FakeClock(),
        content_store=ContentStore(shipped_content()),
        pseudonym_key=b"k" * 32,
    )
    app = build_application(services, request=SandboxRequest(FlakyTelegram(failures=3)))
    with caplog.at_level(logging.WARNING):
        assert await initialise_with_retry(app, asyncio.Event(), delays=(0.0,))
    assert sum("unreachable" in record.getMessage() for record in caplog.records) == 3
    await app.shutdown()
    await db.close()


def test_token_is_redacted_from_any_log_line() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "url %s", ("https://t/bot12:AB/x",), None
    )
    RedactToken("12:AB").filter(record)
    assert record.getMessage() == "url https://t/bot[bot token]/x"


async def test_the_first_sweep_runs_at_start_not_one_interval_later(tmp_path: Path) -> None:
    """PTB documents that run_repeating(first=0) fires only after one interval under APScheduler;
    a bot restarted more often than that would never sweep. The first round runs at once."""
    box = Sandbox(sandbox_settings(tmp_path), content=shipped_content())
    await box.start()
    assert box.app is not None and box.services is not None
    await box.app.start()
    try:
        started = box.clock.now()
        first = start_background_work(box.app)
        await first  # the first sweep, run directly (no scheduler tick needed)
        assert await box.db.fetch_value(
            "SELECT value FROM kv WHERE key = 'last_sweep_at'"
        ) == to_db(started)
        assert box.app.job_queue is not None
        (job,) = box.app.job_queue.get_jobs_by_name("sweep")
        assert job.next_t is not None
        # The scheduler's own rounds follow every interval after that one.
        assert (
            0
            < (job.next_t - datetime.now(UTC)).total_seconds()
            <= app_module.SWEEP_INTERVAL_SECONDS
        )
    finally:
        await box.app.stop()
        await box.stop()
