"""The coordinators' weekly digest: what needs a look this week, posted on DIGEST_WEEKDAY/TIME.

The digest is operational (it lists pair codes that need attention), unlike /dashboard, which is
anonymised for sharing. The sweep posts it once per week, keyed by the week, so a restart or a
second sweep never posts it twice; a digest more than a day late is skipped, not sent stale.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core.i18n import Html
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.sweep import SweepContext
from storage import console

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
LATE_LIMIT = timedelta(days=1)


def last_due(now: datetime, weekday: int, at: str, zone: str) -> datetime:
    """The most recent digest moment (weekday at local time) at or before `now`, in UTC."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    hours, minutes = (int(part) for part in at.split(":"))
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    for _ in range(2):
        due = datetime.combine(day, time(hours, minutes), tzinfo=tz).astimezone(now.tzinfo)
        if due <= now:
            return due
        day -= timedelta(days=7)
    return due


def week_start(now: datetime, zone: str) -> datetime:
    """Monday 00:00 local of the week holding `now`, in UTC."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0, 0), tzinfo=tz).astimezone(now.tzinfo)


async def _signals(services: Services, since: datetime) -> list[Any]:
    """Pairs flagged by the relay-metadata signals (bot/programme/signals.py)."""
    from bot.programme import signals

    try:
        return list(await signals.flagged_pairs(services, since))
    except Exception:  # a failing optional section must not cost the whole digest
        log.exception("flagged signals could not be computed")
        return []


def _label(item: Any) -> str:
    code = getattr(item, "code", None) or getattr(item, "pair_code", None)
    return str(code if code is not None else item)


def signal_lines(services: Services, language: str, flags: list[Any]) -> Html:
    """One line per flagged pair saying why, in plain words with the week's figures."""
    from bot.programme.signals import explain

    thresholds = services.content.relay.signals
    lines = []
    for flag in flags:
        reasons = "; ".join(
            services.t(language, f"console.signal_{reason}", **figures)
            for reason, figures in explain(flag, thresholds)
        )
        lines.append(
            services.t(language, "console.signal_line", pair=_label(flag), reasons=Html(reasons))
        )
    return Html("\n" + "\n".join(lines)) if lines else Html("")


def attention_text(services: Services, language: str, pairs: list[Any], now: datetime) -> Html:
    """Quiet pairs with the days since they last wrote (silence is a reason too)."""
    from bot.core.clock import from_db
    from bot.programme.signals import silence_days

    return Html(
        ", ".join(
            services.t(
                language,
                "console.signal_silence",
                pair=pair.code,
                days=silence_days(
                    from_db(pair.last_contact_at or pair.started_at or pair.created_at), now
                ),
            )
            for pair in pairs
        )
    )


async def digest_text(services: Services, now: datetime) -> Html:
    """The digest as of `now` (codes only, never names)."""
    t, language = services.t, services.settings.default_language
    zone = services.settings.default_timezone
    since = now - timedelta(days=7)
    counts = await console.operational_counts(services.db)
    attention = await console.pairs_needing_attention(services.db, now)
    signals = await _signals(services, week_start(now, zone))
    none = t(language, "console.digest_none")
    return Html(
        "\n".join(
            [
                t(
                    language,
                    "console.digest_title",
                    week=week_start(now, zone).astimezone(ZoneInfo(zone)).date().isoformat(),
                ),
                t(
                    language,
                    "console.digest_body",
                    active=counts["active_pairs"],
                    checkins=await console.count_events(services.db, "checkin_done", since, now),
                    open=counts["open_escalations"],
                    attention=attention_text(services, language, attention, now) or none,
                    signals=signal_lines(services, language, signals) or none,
                ),
            ]
        )
    )


async def digest_sweep(context: SweepContext) -> int:
    """Post this week's digest once, at DIGEST_WEEKDAY DIGEST_TIME (DEFAULT_TIMEZONE)."""
    settings = context.services.settings
    if not settings.digest_enabled:
        return 0
    due = last_due(
        context.now, settings.digest_weekday, settings.digest_time, settings.default_timezone
    )
    key = f"digest:{due.date().isoformat()}"
    if context.now - due > LATE_LIMIT or await console.outbox_has(context.services.db, key):
        return 0
    queued = await notify_coordinators(
        context.services,
        key=key,
        kind="digest",
        text=await digest_text(context.services, context.now),
        lane=Lane.SCHEDULED,
    )
    return int(queued)
