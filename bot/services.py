"""The bundle of long-lived services handlers reach through `context.services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.callbacks import CallbackSigner
from bot.catalog.bundle import Content, ContentStore
from bot.clock import Clock
from bot.i18n import Translator
from bot.outbox import Outbox
from bot.settings import Settings
from storage.db import Database


@dataclass
class Services:
    """Settings, database, clock, content and keys: built once at start-up."""

    settings: Settings
    db: Database
    clock: Clock
    content_store: ContentStore
    pseudonym_key: bytes
    signer: CallbackSigner = field(init=False)
    outbox: Outbox = field(init=False)
    extras: dict[str, Any] = field(default_factory=dict)  # per-feature singletons (caches...)
    _translator: tuple[int, Translator] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.signer = CallbackSigner(self.pseudonym_key)
        self.outbox = Outbox(self)

    @property
    def content(self) -> Content:
        """The live content (swapped atomically by /reload)."""
        return self.content_store.current

    @property
    def t(self) -> Translator:
        """Translator for the live content's locales."""
        content = self.content
        if self._translator is None or self._translator[0] != id(content):
            self._translator = (
                id(content),
                Translator(content.locales, self.settings.default_language),
            )
        return self._translator[1]


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with typed access to the bot's services."""

    @property
    def services(self) -> Services:
        """The Services built at start-up."""
        services: Services = self.application.bot_data["services"]
        return services


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
