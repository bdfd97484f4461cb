"""Running the bot for real: polling or webhook, retry on start-up, clean shutdown on signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import NetworkError, TimedOut
from telegram.ext import Application

import bot.app as app_module
from bot.app import build_application, set_command_menus, start_background_work
from bot.catalog.bundle import ContentStore, load_content
from bot.clock import ScaledClock, clock_for
from bot.inbox import replay_unhandled
from bot.services import Services
from bot.settings import Settings, load_or_create_key
from bot.webhook import WEBHOOK_PATH, WebhookReceiver
from storage.db import Database
from storage.lock import InstanceLock

log = logging.getLogger(__name__)
STARTUP_BACKOFF = (1, 2, 5, 10, 30, 60)
# chat_member: Telegram tells an admin bot when someone leaves the coordinators' group, so their
# cached coordinator access is dropped at once (handlers/access.py).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]


class RedactToken(logging.Filter):
    """Defence in depth: replace the bot token wherever it would appear in a log line."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with the token masked."""
        message = record.getMessage()
        if self.token and self.token in message:
            record.msg, record.args = message.replace(self.token, "[bot token]"), None
        return True


def configure_logging(level: str, token: str = "") -> None:
    """Plain logs that never carry the token or message text.

    httpx/httpcore log request URLs (which contain the token) at INFO, and PTB (every API call's
    parameters: message text) and aiosqlite (every SQL statement's parameters) log at DEBUG, so
    those loggers are capped whatever LOG_LEVEL says.
    """
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # aiosqlite logs every SQL statement with its parameters (aliases, reasons, ids) at DEBUG.
    for chatty in ("telegram", "apscheduler", "aiosqlite"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLevelName(level)))
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


async def initialise_with_retry(app: Application, stop: asyncio.Event,  # type: ignore[type-arg]
                                delays: tuple[float, ...] = STARTUP_BACKOFF) -> bool:
    """Connect to Telegram, retrying with backoff while it is unreachable (until stopped)."""
    for attempt, delay in enumerate((*delays, *([delays[-1]] * 100_000)), start=1):
        try:
            await app.initialize()
            return True
        except (NetworkError, TimedOut) as exc:
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
    configure_logging(settings.log_level, settings.token)
    lock = InstanceLock(settings.database_path,
                        purpose="stop it first: only one bot may use a database").acquire()
    try:
        return await _run_locked(settings)
    finally:
        lock.release()


async def _run_locked(settings: Settings) -> int:
    """`run` while holding the database's lock."""
    db = await Database.open(settings.database_path)
    clock = clock_for(settings.telegram_base_url)
    if isinstance(clock, ScaledClock):  # bench/soak.py only: refused unless the Bot API is local
        log.warning("sandbox clock: time runs %gx (SANDBOX_TIME_SCALE)", clock.scale)
        app_module.SWEEP_INTERVAL_SECONDS = 1  # sweep often enough for the compressed week
    services = Services(settings=settings, db=db, clock=clock,
                        content_store=ContentStore(load_content(settings.content_dir)),
                        pseudonym_key=load_or_create_key(settings.pseudonym_key_file))
    app = build_application(services)
    stop = asyncio.Event()
    receiver: WebhookReceiver | None = None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        if not await initialise_with_retry(app, stop):
            return 0
        await set_command_menus(app, settings.coordinator_chat_id)
        assert app.updater is not None
        # Updates a crash cut off go first in the queue, before anything new arrives.
        await replay_unhandled(app, services)
        if settings.webhook_url and settings.webhook_secret is not None:
            secret = settings.webhook_secret.get_secret_value()
            receiver = WebhookReceiver(app, secret, settings.webhook_listen, settings.webhook_port,
                                       services=services)
            await receiver.start()
            await app.bot.set_webhook(settings.webhook_url.rstrip("/") + WEBHOOK_PATH,
                                      secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            log.info("listening for webhooks on %s:%s", settings.webhook_listen,
                     receiver.server.port)
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            log.info("polling for updates")
        await app.start()
        start_background_work(app)
        log.info("bot is running")
        await stop.wait()
        log.info("stopping: finishing current updates and confirming the update offset")
    finally:
        if receiver is not None:
            await receiver.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()  # confirms the last offset with Telegram
        if app.running:
            await app.stop()
        with contextlib.suppress(RuntimeError):
            await app.shutdown()  # flushes persistence
        await db.close()
    return 0
