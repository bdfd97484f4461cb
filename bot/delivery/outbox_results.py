"""Sending one claimed outbox row and recording what happened: sent, retried, or failed for good.

Failures: a 429 waits Telegram's retry_after and costs no attempt (for a row's first six hours);
other failures back off and give up after MAX_ATTEMPTS, logged at ERROR, except crisis rows,
which are retried until delivered or the recipient is unreachable. What a failure or a delivery
means to a feature (a member who blocked the bot, an alert that did not arrive) is the hooks'
business (`bot.delivery.outbox_hooks`), never this module's.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Protocol

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.core.clock import Clock, from_db
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import HOOKS, call_bot
from bot.settings import Settings
from storage import outbox, outbox_sending
from storage.db import Database

log = logging.getLogger("bot.delivery.outbox")
MAX_ATTEMPTS = 8
# A 429 is Telegram saying "later", not a failure: it costs no attempt while the row is younger
# than this (past it, a row that is still being refused counts its 429s like other failures).
RATE_LIMITED_FOR_FREE = timedelta(hours=6)


class SenderServices(Protocol):
    """What the sender needs from the application's services (it never imports them)."""

    settings: Settings
    db: Database
    clock: Clock


class RowSender:
    """Sends rows and records outcomes; counts them in the sender's `stats`."""

    def __init__(self, services: SenderServices, stats: dict[str, int]) -> None:
        self.services = services
        self.stats = stats

    async def send_and_record(
        self, bot: Bot, due: outbox.DueItem, lane: Lane, options: dict[str, Any] | None
    ) -> tuple[bool, Any]:
        """Send one row and record the outcome; (True, Telegram's result) if it went out."""
        item, db = due.item, self.services.db
        try:
            result = await call_bot(
                bot, item.method, item.chat_id, dict(item.payload), lane, options
            )
        except ChatMigrated as exc:  # the group became a supergroup: same row, new chat id
            await self.failed(item, f"migrated:{exc.new_chat_id}")
            await self.retry(item, "chat migrated", timedelta(0))
        except Forbidden as exc:
            # They blocked the bot: expected for a nudge, worth an operator's eye for crisis.
            log.log(
                logging.ERROR if lane is Lane.CRISIS else logging.INFO,
                "outbox row %s (%s) not delivered: the recipient blocked the bot",
                item.id,
                item.kind,
            )
            await outbox_sending.mark_failed(db, item.id, "forbidden", final=True)
            self.stats["failed"] += 1
            await self.failed(item, f"forbidden: {exc.message}")
        except BadRequest as exc:
            if item.method.startswith("editMessage") and "not modified" in exc.message.lower():
                # The message already shows this (an earlier attempt arrived though its answer
                # was lost, or an identical refresh): the row's purpose is fulfilled.
                await outbox_sending.mark_sent(db, item.id, self.services.clock.now())
                self.stats["sent"] += 1
                return False, None
            log.error("outbox row %s (%s) refused by Telegram: %s", item.id, item.kind, exc.message)
            await outbox_sending.mark_failed(db, item.id, "bad request", final=True)
            self.stats["failed"] += 1
            await self.failed(item, f"bad request: {exc.message}")
        except TimedOut:
            # It may have arrived: sending again risks a duplicate, which we take over a loss.
            await self.retry(item, "timed out")
        except RetryAfter as exc:  # the limiter paused the chat; come back when Telegram says
            delay = exc.retry_after
            seconds = delay if isinstance(delay, int | float) else delay.total_seconds()
            created = from_db(item.created_at)
            free = created is None or self.services.clock.now() - created < RATE_LIMITED_FOR_FREE
            await self.retry(item, "429", timedelta(seconds=float(seconds)), counts=not free)
        except NetworkError as exc:
            await self.retry(item, f"network: {type(exc).__name__}")
        except Exception as exc:  # a bug in a payload must not wedge the sender
            log.exception("outbox row %s (%s) failed", item.id, item.kind)
            await self.retry(item, f"error: {type(exc).__name__}")
        else:
            await outbox_sending.mark_sent(db, item.id, self.services.clock.now())
            self.stats["sent"] += 1
            return True, result
        return False, None

    async def after_sent(self, due: outbox.DueItem, result: Any) -> None:
        """Tell the after-sent hooks (outside the send gate: the outcome is already recorded)."""
        for hook in HOOKS.for_sent(due.item.kind):
            try:
                await hook(self.services, due, result)
            except Exception:  # the message went out; a failing hook must not re-send it
                log.exception("after-sent hook for outbox row %s failed", due.item.id)

    async def retry(
        self,
        item: outbox.OutboxItem,
        error: str,
        delay: timedelta | None = None,
        *,
        counts: bool = True,
    ) -> None:
        """Try again later with exponential backoff (5 s, 10 s, ... 5 min), or give up.

        Crisis rows never give up here: only a recipient who blocked the bot (Forbidden) or a
        request Telegram can never accept (BadRequest) ends them. `counts=False` (a 429) keeps
        the attempt count as it was.
        """
        attempts = item.attempts + (1 if counts else 0)
        final = counts and item.lane != "crisis" and attempts >= MAX_ATTEMPTS
        wait = (
            delay
            if delay is not None
            else timedelta(seconds=min(300, 5 * 2 ** min(item.attempts, 6)))
        )
        if final:
            log.error(
                "outbox row %s (%s) failed for good after %d attempts: %s",
                item.id,
                item.kind,
                attempts,
                error,
            )
        else:
            log.warning("outbox row %s: %s (attempt %d)", item.id, error, item.attempts + 1)
        await outbox_sending.mark_failed(
            self.services.db,
            item.id,
            error,
            final=final,
            retry_at=self.services.clock.now() + wait,
            count=counts,
        )
        self.stats["failed" if final else "retried"] += 1
        if final:
            await self.failed(item, f"gave up after {MAX_ATTEMPTS} attempts: {error}")
        elif counts and attempts == MAX_ATTEMPTS:
            # A crisis row keeps trying, but where any other row would give up the failure
            # hooks hear of it once (the alert counts as failing; fallback coordinators get it).
            await self.failed(item, f"still failing after {MAX_ATTEMPTS} attempts: {error}")

    async def failed(self, item: outbox.OutboxItem, reason: str) -> None:
        """Tell the failure hooks (they must never stop the sender)."""
        for hook in HOOKS.failed:
            try:
                await hook(self.services, item, reason)
            except Exception:
                log.exception("failure hook for outbox row %s failed", item.id)
