"""The bundle of long-lived services handlers reach through `context.services`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.content import Content, ContentStore
from bot.core.callbacks import CallbackSigner
from bot.core.clock import Clock
from bot.core.i18n import Translator
from bot.delivery.lanes import LaneArgs
from bot.delivery.outbox import Outbox
from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:  # annotations only: these domain modules need not load with the services
    from bot.catalog.relay import Boundaries
    from bot.screen.boundaries import MeetingRules
    from bot.screen.crisis_reply import Recent


@dataclass
class Waiting:
    """Typed answers private chats are waiting for, by chat id, each with its deadline. Kept in
    memory on purpose: after a restart the member presses the button again."""

    settings: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # (step, deadline)
    goal: dict[int, datetime] = field(default_factory=dict)  # deadline for a goal's words
    safety_plan: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # (section, ...)
    alert_reply: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # (escalation, ...)


@dataclass
class CrisisMemory:
    """What the crisis path keeps between updates, in memory only."""

    recent: dict[int, Recent] = field(default_factory=dict)  # chat id -> last replies (no text)
    not_safe: dict[int, datetime] = field(default_factory=dict)  # chat id -> last "not safe" press
    # Escalation id -> the words that raised it (only with SHARE_CRISIS_TEXT_WITH_COORDINATORS),
    # dropped when the alert is resolved; never in the escalation's row.
    alert_words: dict[int, str] = field(default_factory=dict)
    # Before consent nothing is stored about a person: repeats are merged by pseudonym here.
    anon_alerts: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    alert_prompts: dict[int, int] = field(default_factory=dict)  # prompt message id -> escalation


@dataclass
class RelayMemory:
    """What the relay keeps between updates, in memory only (never message text)."""

    quiet_acks: set[tuple[int, int]] = field(default_factory=set)  # (chat, message) not to confirm
    albums: dict[int, str] = field(default_factory=dict)  # chat id -> media group answered last
    # The rules compiled from the content they came from (rebuilt when /reload swaps it).
    meeting_rules: tuple[Boundaries, MeetingRules] | None = None


@dataclass
class Caches:
    """Answers worth remembering between updates (each says how it stays true)."""

    coordinators: dict[int, tuple[datetime, bool]] = field(
        default_factory=dict
    )  # user -> (when, is)
    suspended_ids: set[int] | None = (
        None  # read once, then kept up to date by bot/programme/suspension.py
    )
    group_is_forum: bool | None = None  # asked once (bot/console/topics.py)
    member_menus: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (role, language)
    # (day, ids whose visit is already recorded that day)
    retention_day: tuple[str, set[int]] = field(default_factory=lambda: ("", set()))
    retention_last_pass: datetime | None = None  # when the last complete retention pass ended


@dataclass
class Locks:
    """One-at-a-time work (asyncio locks bind to the running loop on first contended use)."""

    sweep: asyncio.Lock = field(default_factory=asyncio.Lock)  # a sweep round
    evaluation: asyncio.Lock = field(default_factory=asyncio.Lock)  # building the evaluation


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
    waiting: Waiting = field(default_factory=Waiting)
    crisis: CrisisMemory = field(default_factory=CrisisMemory)
    relay: RelayMemory = field(default_factory=RelayMemory)
    caches: Caches = field(default_factory=Caches)
    locks: Locks = field(default_factory=Locks)
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


# The bot's rate_limit_args are bot/delivery/lanes.lane_args(...): {"lane": Lane}.
class BotContext(CallbackContext[ExtBot[LaneArgs], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with typed access to the bot's services."""

    @property
    def services(self) -> Services:
        """The Services built at start-up."""
        services: Services = self.application.bot_data["services"]
        return services


BotApplication = Application[
    ExtBot[LaneArgs], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
