"""Webhook receiver: checks X-Telegram-Bot-Api-Secret-Token in constant time, queues updates.

PTB's built-in webhook server compares the secret with `!=` (timing leak) and needs tornado;
this small receiver feeds the same `application.update_queue` that polling uses, after saving
each update in the inbox (bot/inbox.py).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application

from bot.httpserver import Request, TinyHttpServer
from bot.inbox import keep

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"
WEBHOOK_PATH = "/telegram"


class WebhookReceiver:
    """Accepts Telegram's POSTs on WEBHOOK_PATH and hands updates to the application."""

    def __init__(self, app: Application, secret: str, host: str, port: int,  # type: ignore[type-arg]
                 *, services: Services | None = None) -> None:
        self.app = app
        self.services = services
        self._secret = secret.encode()
        self.server = TinyHttpServer(self.handle, host, port)
        self.accepted = 0
        self.rejected = 0

    async def handle(self, request: Request) -> tuple[int, Any]:
        """Reject wrong paths and secrets; queue valid updates."""
        if request.method != "POST" or request.target.split("?")[0] != WEBHOOK_PATH:
            return 404, {"ok": False}
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.rejected += 1
            log.warning("webhook request with a missing or wrong secret token refused")
            return 403, {"ok": False}
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
