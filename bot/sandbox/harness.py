"""Runs the real Application against FakeTelegram in-process: for tests and `python -m bot demo`.

Updates are handed to the application's own update processor (per-chat order, persistence
saved after each update), so a test exercises the same path as production minus the network.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.content import Content, ContentStore, load_content
from bot.core.clock import FakeClock
from bot.delivery.sweep import run_sweeps
from bot.sandbox.client import SandboxGroup, SandboxUser
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.request import SandboxRequest
from bot.services import BotApplication, Services
from bot.settings import Settings, load_or_create_key
from storage.db import Database

SANDBOX_TOKEN = "123456:SANDBOX-not-a-real-token"
COORDINATOR_CHAT_ID = -1001000000001

_user_ids = itertools.count(100_001)


def sandbox_settings(folder: Path, **overrides: Any) -> Settings:
    """Settings for a sandboxed run: throwaway files, generous rates so tests never wait."""
    values: dict[str, Any] = {
        "bot_token": SANDBOX_TOKEN,
        "coordinator_chat_id": COORDINATOR_CHAT_ID,
        "database_path": folder / "companion.sqlite3",
        "pseudonym_key_file": folder / "pseudonym.key",
        "telegram_base_url": "http://sandbox.invalid/bot",
        "rate_global_per_second": 10_000.0,
        "rate_chat_per_second": 10_000.0,
        "rate_group_per_minute": 600_000.0,
        # The fake clock starts on a Monday 09:00, the production digest moment: move the weekly
        # coordinators' digest to Sunday evening so it does not land in every test's group chat.
        # Tests that are about the digest switch it on (digest_enabled=True).
        "digest_enabled": False,
        "digest_weekday": 6,
        "digest_time": "18:00",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class Sandbox:
    """A whole bot (application, database, content, clock) wired to a FakeTelegram."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: FakeClock | None = None,
        fake: FakeTelegram | None = None,
        content: Content | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or FakeClock()
        self.fake = fake or FakeTelegram()
        self._content = content
        self.app: BotApplication | None = None
        self.services: Services | None = None
        self.group = SandboxGroup(
            self,
            COORDINATOR_CHAT_ID
            if settings.coordinator_chat_id == COORDINATOR_CHAT_ID
            else settings.coordinator_chat_id,
        )

    async def start(self) -> Sandbox:
        """Open the database, load content, build and initialise the application."""
        db = await Database.open(self.settings.database_path)
        content = self._content or load_content(self.settings.content_dir)
        self.services = Services(
            settings=self.settings,
            db=db,
            clock=self.clock,
            content_store=ContentStore(content),
            pseudonym_key=load_or_create_key(self.settings.pseudonym_key_file),
        )
        self.app = build_application(self.services, request=SandboxRequest(self.fake))
        await self.app.initialize()
        return self

    async def stop(self) -> None:
        """Shut the application down and close the database (a clean exit)."""
        if self.app is not None:
            await self.app.shutdown()
        if self.services is not None:
            await self.services.db.close()
        self.app, self.services = None, None

    async def restart(self) -> None:
        """Stop and start again on the same files, as a process restart would."""
        await self.stop()
        await self.start()

    @property
    def db(self) -> Database:
        """The live database."""
        assert self.services is not None
        return self.services.db

    async def deliver(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update with the fake and process it fully through the application."""
        raw = await self.process(payload)
        await self.flush_outbox()
        return raw

    async def process(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update with the fake and let the application handle it (the outbox waits)."""
        assert self.app is not None
        raw = self.fake.push_update(payload)
        update = Update.de_json(raw, self.app.bot)
        await self.app.update_processor.process_update(update, self.app.process_update(update))
        self.fake.confirmed_offset = raw["update_id"] + 1
        return raw

    async def flush_outbox(self) -> int:
        """Send what handlers queued (production does this in a background task)."""
        assert self.app is not None and self.services is not None
        return await self.services.outbox.send_due(self.app.bot)

    async def tick(self) -> dict[str, int]:
        """One scheduler round at the current fake time: every sweep, then the outbox."""
        assert self.services is not None
        counts = await run_sweeps(self.services)
        await self.flush_outbox()
        return counts

    async def advance(self, delta: timedelta) -> dict[str, int]:
        """Move the clock and run one scheduler round."""
        self.clock.advance(delta)
        return await self.tick()

    def user(
        self,
        name: str = "Ana",
        *,
        language_code: str = "en",
        user_id: int | None = None,
        username: str | None = None,
    ) -> SandboxUser:
        """A person who talks to the bot in a private chat."""
        return SandboxUser(self, user_id or next(_user_ids), name, language_code, username)

    @property
    def violations(self) -> list[tuple[str, str]]:
        """Every request the fake Telegram refused with 400."""
        return self.fake.violations
