"""The composition root: build the PTB Application from settings and services (no polling here)."""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

import bot.reminders  # noqa: F401  (registers the check-in prompt and nudge sweeps)
import handlers
from bot import menus, metrics
from bot.delivery import PriorityRateLimiter
from bot.processor import PerChatUpdateProcessor
from bot.services import BotContext, Services
from bot.sweep import INTERVAL_SECONDS, run_sweeps
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
        self.app: Application | None = None  # type: ignore[type-arg]

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        """Run the update, save flow states at once, then mark its id as handled."""
        started = time.monotonic()
        await super().do_process_update(update, coroutine)
        if self.app is not None:
            # PTB would write conversation states only every `update_interval`; a crash in
            # between would lose a member's place in a flow, so we save after every update.
            await self.app.update_persistence()
        if isinstance(update, Update):
            await updates.mark_processed(
                self.services.db, update.update_id, self.services.clock.now()
            )
        metrics.update_handled(update, started)


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:  # type: ignore[type-arg]
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
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    app = builder.build()
    processor.app = app
    app.bot_data["services"] = services
    handlers.register(app)
    return app


async def set_command_menus(app: Application, coordinator_chat_id: int) -> None:  # type: ignore[type-arg]
    """Menus per language and role, and the bot's descriptions (bot/menus.py)."""
    await menus.set_command_menus(app.bot, app.bot_data["services"], coordinator_chat_id)


SWEEP_INTERVAL_SECONDS = INTERVAL_SECONDS  # the soak lowers it (bot/runner.py)


async def _sweep_job(context: BotContext) -> None:
    """JobQueue callback: run every sweep, then deliver what is due."""
    await run_sweeps(context.services)
    context.services.outbox.wake()
    await metrics.refresh(context.services.db, context.services.clock.now())


def start_background_work(app: Application) -> None:  # type: ignore[type-arg]
    """Schedule the sweep (at start-up and every 30 s) and start the outbox sender."""
    services: Services = app.bot_data["services"]
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        _sweep_job,
        interval=SWEEP_INTERVAL_SECONDS,
        first=0,
        name="sweep",
        # A late sweep must still run (APScheduler's default grace silently drops late jobs);
        # missed runs coalesce into one, and never two at once.
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    # The sender returns once the application stops running (Application.stop waits for tasks
    # made with create_task), after recording the outcome of the sends in flight.
    app.create_task(
        services.outbox.run_forever(app.bot, running=lambda: app.running), name="outbox-sender"
    )
