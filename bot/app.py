"""The composition root: build the PTB Application from settings and services (no polling here)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import warnings
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

import handlers
from bot import composition
from bot.core import metrics
from bot.delivery.inbox import InboxRequest
from bot.delivery.limiter import PriorityRateLimiter
from bot.delivery.processor import PerChatUpdateProcessor
from bot.delivery.sweep import INTERVAL_SECONDS, run_sweeps
from bot.programme import menus
from bot.services import BotApplication, BotContext, Services
from storage import updates
from storage.persistence import SqlitePersistence

log = logging.getLogger(__name__)

# Our ConversationHandlers track one flow per chat on purpose (per_message=False); PTB warns about
# that combination with button handlers at construction. It is a design choice, not a defect.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)


class _Processor(PerChatUpdateProcessor):
    """Per-chat processor that records each update as handled once its handlers ran."""

    def __init__(self, services: Services) -> None:
        super().__init__(services.settings.max_concurrent_updates)
        self.services = services
        self.app: BotApplication | None = None
        self._started: set[int] = set()  # update ids running in this process
        self._unrecorded: set[int] = set()  # handled, but the disk refused the mark

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        """Run the update inside its chat's turn, then mark it handled (still in that turn, so
        a second copy of it waiting for the chat finds it handled)."""
        started = time.monotonic()
        await super().do_process_update(update, self._handle(update, coroutine))
        metrics.update_handled(update, started)

    async def _handle(self, update: object, coroutine: Any) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is not None and update_id in self._started:
            coroutine.close()  # the same update queued twice (replayed and re-sent): run once
            return
        if update_id is not None:
            self._started.add(update_id)
        try:
            await coroutine
            await self._record(update_id)
        finally:
            self._started.discard(update_id)

    async def _record(self, update_id: int | None) -> None:
        """Save flow states and mark the update handled. While the disk is full the marks wait
        in memory and are written by the first update handled after space returns (until then
        the inbox still holds the update, so a restart would handle it again)."""
        if self.app is not None:
            # PTB would write conversation states only every `update_interval`; a crash in
            # between would lose a member's place in a flow, so we save after every update.
            await self.app.update_persistence()
        if update_id is not None:
            self._unrecorded.add(update_id)
        for waiting in sorted(self._unrecorded):
            try:
                await updates.mark_handled(self.services.db, waiting, self.services.clock.now())
            except sqlite3.Error as exc:
                log.critical(
                    "could not record update %s as handled (%s); will try again", waiting, exc
                )
                return
            self._unrecorded.discard(waiting)


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> BotApplication:
    """The Application with persistence, processor, rate limiter and every handler registered."""
    settings = services.settings
    processor = _Processor(services)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_base_url)
        .context_types(ContextTypes(context=BotContext))
        .persistence(SqlitePersistence(services.db))
        .concurrent_updates(processor)
        .rate_limiter(
            PriorityRateLimiter(
                global_per_second=settings.rate_global_per_second,
                chat_per_second=settings.rate_chat_per_second,
                group_per_minute=settings.rate_group_per_minute,
            )
        )
    )
    if request is not None:
        builder = builder.request(request)
    # getUpdates goes through the inbox, so a batch is on disk before its offset is confirmed.
    polling = get_updates_request or request or HTTPXRequest(connection_pool_size=1)
    builder = builder.get_updates_request(InboxRequest(polling, services))
    app = builder.build()
    processor.app = app
    app.bot_data["services"] = services
    composition.install()
    handlers.register(app)
    return app


async def set_command_menus(app: BotApplication, coordinator_chat_id: int) -> None:
    """Menus per language and role, and the bot's descriptions (bot/programme/menus.py)."""
    await menus.set_command_menus(app.bot, app.bot_data["services"], coordinator_chat_id)


SWEEP_INTERVAL_SECONDS = INTERVAL_SECONDS  # the soak lowers it (bot/runner.py)


async def _sweep_job(context: BotContext) -> None:
    """JobQueue callback: run every sweep, then deliver what is due (one round at a time)."""
    services = context.services
    async with services.locks.sweep:
        try:
            await run_sweeps(services)
        except sqlite3.Error as exc:  # disk full or unwritable: the next round tries again
            log.critical("sweep round could not write to the database (%s)", exc)
        except Exception:
            log.exception("sweep round failed")
    services.outbox.wake()
    try:
        await metrics.refresh(services.db, services.clock.now())
    except sqlite3.Error as exc:
        log.warning("metrics could not be read (%s)", exc)


def start_background_work(app: BotApplication) -> asyncio.Task[None]:
    """Schedule the sweep every 30 s, run the first one now, and start the outbox sender;
    returns the first sweep's task."""
    services: Services = app.bot_data["services"]
    assert app.job_queue is not None
    job = app.job_queue.run_repeating(
        _sweep_job,
        interval=SWEEP_INTERVAL_SECONDS,
        # PTB documents that first=0 does not run at once under APScheduler (it fires after one
        # interval), and a bot restarted more often than that would never sweep: the first
        # round is run directly below instead.
        first=SWEEP_INTERVAL_SECONDS,
        name="sweep",
        # A late sweep must still run (APScheduler's default grace silently drops late jobs);
        # missed runs coalesce into one, and never two at once.
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    first = app.create_task(job.run(app), name="first-sweep")
    # The sender returns once the application stops running (Application.stop waits for tasks
    # made with create_task), after recording the outcome of the sends in flight.
    app.create_task(
        services.outbox.run_forever(app.bot, running=lambda: app.running), name="outbox-sender"
    )
    return first
