"""Running the bot for real: polling or webhook, retry on start-up, clean shutdown on signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

from bot.app import build_application, set_command_menus, start_background_work
from bot.catalog.bundle import ContentStore, load_content
from bot.clock import SystemClock
from bot.services import Services
from bot.settings import Settings, load_or_create_key
from storage.db import Database

log = logging.getLogger(__name__)
STARTUP_BACKOFF = (1, 2, 5, 10, 30, 60)
# chat_member: Telegram tells an admin bot when someone leaves the coordinators' group, so their
# cached coordinator access is dropped at once (handlers/access.py).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]


def configure_logging(level: str) -> None:
    """Plain logs; httpx/httpcore kept at WARNING because their INFO lines contain the token."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


async def initialise_with_retry(app: Application, stop: asyncio.Event) -> bool:  # type: ignore[type-arg]
    """Connect to Telegram, retrying with backoff while it is unreachable."""
    for attempt, delay in enumerate((*STARTUP_BACKOFF, *([60] * 1000)), start=1):
        try:
            await app.initialize()
            return True
        except (NetworkError, TimedOut) as exc:
            if isinstance(exc, InvalidToken):
                raise
            log.warning(
                "Telegram is unreachable (attempt %d: %s); retrying in %ds",
                attempt,
                type(exc).__name__,
                delay,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            if stop.is_set():
                return False
    return False


async def run(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM; returns the process exit code."""
    configure_logging(settings.log_level)
    db = await Database.open(settings.database_path)
    services = Services(
        settings=settings,
        db=db,
        clock=SystemClock(),
        content_store=ContentStore(load_content(settings.content_dir)),
        pseudonym_key=load_or_create_key(settings.pseudonym_key_file),
    )
    app = build_application(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        if not await initialise_with_retry(app, stop):
            return 0
        await set_command_menus(app, settings.coordinator_chat_id)
        assert app.updater is not None
        if settings.webhook_url:
            assert settings.webhook_secret is not None
            await app.updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path="telegram",
                webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info(
                "listening for webhooks on %s:%s", settings.webhook_listen, settings.webhook_port
            )
        else:
            await app.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("polling for updates")
        await app.start()
        start_background_work(app)
        await stop.wait()
        log.info("stopping: finishing current updates and confirming the update offset")
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()  # confirms the last offset with Telegram
        if app.running:
            await app.stop()
        with contextlib.suppress(RuntimeError):
            await app.shutdown()  # flushes persistence
        await db.close()
    return 0
