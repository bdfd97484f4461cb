"""Running the bot for real: polling or webhook, retry on start-up, clean shutdown on signals."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import signal

from telegram.error import NetworkError, TimedOut

import bot.app as app_module
from bot.app import build_application, set_command_menus, start_background_work
from bot.console import chart_worker
from bot.content import ContentStore, load_content
from bot.core.clock import ScaledClock, clock_for
from bot.delivery.inbox import replay_unhandled
from bot.delivery.webhook import WEBHOOK_PATH, WebhookReceiver
from bot.ops import health
from bot.ops.setup_check import check_coordinator_group
from bot.ops.watchdog import notify, ping_interval, run_watchdog
from bot.screen import risk_lexicon
from bot.services import BotApplication, Services
from bot.settings import Settings, SettingsError, load_or_create_key
from storage.db import Database
from storage.lock import InstanceLock

log = logging.getLogger(__name__)
STARTUP_BACKOFF = (1, 2, 5, 10, 30, 60)
# Seconds after start-up before preparing what no first reply needs (see warm_up): the updates
# waiting at start are answered first, without sharing the interpreter with that work.
WARM_UP_DELAY = 2.0
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


def configure_logging(level: str, token: str = "", log_format: str = "plain") -> None:
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
        if log_format == "json":
            from bot.ops.reporting import JsonFormatter

            handler.setFormatter(JsonFormatter())


def start_observability(settings: Settings) -> None:
    """Metrics and error reporting, each only when its setting asks for it."""
    for setting, value, module, extra in (
        ("METRICS_PORT", settings.metrics_port, "prometheus_client", "metrics"),
        ("SENTRY_DSN", settings.sentry_dsn, "sentry_sdk", "sentry"),
    ):
        if value is not None and importlib.util.find_spec(module) is None:
            raise SettingsError(
                f"{setting} is set but {module} is not installed: "
                f"pip install 'peer-companion-bot[{extra}]' (or unset {setting})."
            )
    if settings.metrics_port is not None:
        from bot.core import metrics

        metrics.enable()
        metrics.serve(settings.metrics_listen, settings.metrics_port)
        log.info("metrics on %s:%s/metrics", settings.metrics_listen, settings.metrics_port)
    if settings.sentry_dsn is not None:
        from bot.ops.reporting import setup_sentry

        setup_sentry(
            settings.sentry_dsn.get_secret_value(),
            settings.token,
            environment=settings.sentry_environment,
        )
        log.info("error reporting to Sentry is on")


async def initialise_with_retry(
    app: BotApplication, stop: asyncio.Event, delays: tuple[float, ...] = STARTUP_BACKOFF
) -> bool:
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
    configure_logging(settings.log_level, settings.token, settings.log_format)
    lock = InstanceLock(
        settings.database_path, purpose="stop it first: only one bot may use a database"
    ).acquire()
    try:
        return await _run_locked(settings)
    finally:
        lock.release()


async def _run_locked(settings: Settings) -> int:
    """`run` while holding the database's lock."""
    start_observability(settings)
    db = await Database.open(settings.database_path)
    clock = clock_for(settings.telegram_base_url)
    if isinstance(clock, ScaledClock):  # bench/soak.py only: refused unless the Bot API is local
        log.warning("sandbox clock: time runs %gx (SANDBOX_TIME_SCALE)", clock.scale)
        app_module.SWEEP_INTERVAL_SECONDS = 1  # sweep often enough for the compressed week
    # The lexicon's exact fast path is compiled in the background once the bot answers; the
    # complete screen (every rule) is ready before the first update is read.
    risk_lexicon.hold_refinement()
    services = Services(
        settings=settings,
        db=db,
        clock=clock,
        content_store=ContentStore(load_content(settings.content_dir)),
        pseudonym_key=load_or_create_key(settings.pseudonym_key_file),
    )
    app = build_application(services)
    stop = asyncio.Event()
    receiver: WebhookReceiver | None = None
    watchdog: asyncio.Task[None] | None = None

    async def problems() -> list[health.Problem]:
        return await health.check(db, settings, clock.now(), app_module.SWEEP_INTERVAL_SECONDS)

    async def problem_texts() -> list[str]:
        return [problem.message for problem in await problems()]

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        if not await initialise_with_retry(app, stop):
            return 0
        await check_coordinator_group(app.bot, settings.coordinator_chat_id)
        await set_command_menus(app, settings.coordinator_chat_id)
        assert app.updater is not None
        # Updates a crash cut off go first in the queue, before anything new arrives.
        await replay_unhandled(app, services)
        if settings.webhook_url and settings.webhook_secret is not None:
            secret = settings.webhook_secret.get_secret_value()
            receiver = WebhookReceiver(
                app,
                secret,
                settings.webhook_listen,
                settings.webhook_port,
                health=problem_texts,
                services=services,
            )
            await receiver.start()
            await app.bot.set_webhook(
                settings.webhook_url.rstrip("/") + WEBHOOK_PATH,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info(
                "listening for webhooks on %s:%s", settings.webhook_listen, receiver.server.port
            )
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            log.info("polling for updates")
        await app.start()
        start_background_work(app)
        loop.call_later(WARM_UP_DELAY, warm_up)
        log.info("bot is running")
        notify("READY=1")
        interval = ping_interval()
        if interval is not None:
            watchdog = asyncio.create_task(run_watchdog(problems, interval, stop))
        await stop.wait()
        log.info("stopping: finishing current updates and confirming the update offset")
        notify("STOPPING=1")
    finally:
        if watchdog is not None:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
        if receiver is not None:
            await receiver.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()  # confirms the last offset with Telegram
        if app.running:
            await app.stop()
        with contextlib.suppress(RuntimeError):
            await app.shutdown()  # flushes persistence
        await db.close()
        risk_lexicon.release_refinement()
        chart_worker.stop_worker()
    return 0


def warm_up() -> None:
    """Prepare, in the background, what makes later work quick: the lexicon's fast path (the
    screen is complete without it) and the chart worker process (the first /dashboard would
    otherwise wait for it to start and import matplotlib)."""
    risk_lexicon.release_refinement()
    chart_worker.start_worker()
