"""Webhook receiver: checks X-Telegram-Bot-Api-Secret-Token in constant time, queues updates.

PTB's built-in webhook server compares the secret with `!=` (timing leak) and needs tornado;
this small receiver feeds the same `application.update_queue` that polling uses, after saving
each update in the inbox (bot/delivery/inbox.py). The secret is checked from the headers alone, before
the body is read (`bot.delivery.httpserver` screens requests), and a body larger than any update is
refused unread. `GET /healthz` answers from `bot.ops.health`.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.delivery.httpserver import Limits, Request, TinyHttpServer
from bot.delivery.inbox import InboxServices, keep

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
WEBHOOK_PATH = "/telegram"
HEALTH_PATH = "/healthz"
# Telegram's updates are a few KiB; a message with a long text and entities stays far below this.
MAX_UPDATE_BYTES = 1024 * 1024
WEBHOOK_LIMITS = Limits(
    max_body_bytes=MAX_UPDATE_BYTES, header_timeout=10.0, body_timeout=10.0, max_connections=100
)
# Problems as plain sentences (counts and times, never a member's data), or [] when healthy.
HealthCheck = Callable[[], Awaitable[list[str]]]


class WebhookReceiver:
    """Accepts Telegram's POSTs on WEBHOOK_PATH and hands updates to the application."""

    def __init__(
        self,
        app: Application,
        secret: str,
        host: str,
        port: int,
        *,
        health: HealthCheck | None = None,
        limits: Limits = WEBHOOK_LIMITS,
        services: InboxServices | None = None,
    ) -> None:
        self.app = app
        self.services = services
        self._secret = secret.encode()
        self._health = health
        self.server = TinyHttpServer(self.handle, host, port, limits=limits, screen=self.screen)
        self.accepted = 0
        self.rejected = 0

    def screen(self, request: Request) -> tuple[int, Any] | None:
        """Decide from the request line and headers: wrong path or secret is refused unread."""
        path = request.target.split("?")[0]
        if request.method == "GET" and path == HEALTH_PATH:
            return None
        if request.method != "POST" or path != WEBHOOK_PATH:
            return 404, {"ok": False}
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.rejected += 1
            log.warning("webhook request with a missing or wrong secret token refused")
            return 403, {"ok": False}
        return None

    async def handle(self, request: Request) -> tuple[int, Any]:
        """Answer /healthz; queue valid updates (the screen has checked path and secret)."""
        if request.method == "GET":
            problems = await self._health() if self._health is not None else []
            return (503, {"ok": False, "problems": problems}) if problems else (200, {"ok": True})
        try:
            raw = json.loads(request.body)
            update = Update.de_json(raw, self.app.bot)
        except (ValueError, TypeError, KeyError):
            return 400, {"ok": False}
        if self.services is not None:
            # On disk before the 200: Telegram stops re-sending an update once it gets one.
            await keep(self.services, [raw])
        await self.app.update_queue.put(update)
        self.accepted += 1
        return 200, {"ok": True}

    async def start(self) -> None:
        """Start listening."""
        await self.server.start()

    async def stop(self) -> None:
        """Stop listening."""
        await self.server.stop()
