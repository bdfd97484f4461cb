"""Dependency and burnout signals from relay metadata only (counts and times, never content).

`evaluate` is pure; `flagged_pairs` reads one week of metadata for the coordinators' digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.catalog.relay import SignalThresholds
from bot.core.schedule import in_quiet_hours
from storage.relay import PairWeek as PairWeek

if TYPE_CHECKING:
    from bot.services import Services

REASONS = ("volume", "imbalance", "quiet_hours", "mentor_night")


@dataclass(frozen=True)
class PairFlag:
    """A pair worth a coordinator's look, and why (reason names from REASONS)."""

    pair_id: int
    pair_code: str
    reasons: tuple[str, ...]
    week: PairWeek


def is_night(moment: datetime, timezone: str, thresholds: SignalThresholds) -> bool:
    """Late night in the person's own time zone."""
    return in_quiet_hours(moment, timezone, thresholds.night_start, thresholds.night_end)


def evaluate(week: PairWeek, thresholds: SignalThresholds) -> tuple[str, ...]:
    """The reasons (if any) this pair's week crosses a threshold."""
    reasons: list[str] = []
    busier, quieter = (
        max(week.mentee_sent, week.mentor_sent),
        min(week.mentee_sent, week.mentor_sent),
    )
    if busier > thresholds.max_messages_one_way:
        reasons.append("volume")
    if busier >= thresholds.min_for_share and busier > thresholds.max_imbalance_ratio * max(
        quieter, 1
    ):
        reasons.append("imbalance")
    for sent, into_quiet in (
        (week.mentee_sent, week.mentee_into_quiet),
        (week.mentor_sent, week.mentor_into_quiet),
    ):
        if sent >= thresholds.min_for_share and into_quiet / sent > thresholds.max_share_into_quiet:
            reasons.append("quiet_hours")
            break
    if week.mentor_night > thresholds.max_mentor_night_messages:
        reasons.append("mentor_night")
    return tuple(reasons)


async def flagged_pairs(services: Services, week_start: datetime) -> list[PairFlag]:
    """Pairs whose relay metadata in [week_start, week_start + 7 days) crosses a threshold."""
    from storage import relay  # storage imports stay out of the pure part above

    thresholds = services.content.relay.signals
    weeks = await relay.week_stats(services.db, week_start, week_start + timedelta(days=7))
    flags = []
    for week in weeks:
        reasons = evaluate(week, thresholds)
        if reasons:
            flags.append(PairFlag(week.pair_id, week.pair_code, reasons, week))
    return flags


def explain(flag: PairFlag, thresholds: SignalThresholds) -> list[tuple[str, dict[str, int]]]:
    """Why a pair is flagged, as (reason, figures) for a plain sentence each."""
    week = flag.week
    busier = max(week.mentee_sent, week.mentor_sent)
    out: list[tuple[str, dict[str, int]]] = []
    for reason in flag.reasons:
        if reason == "volume":
            out.append((reason, {"count": busier, "limit": thresholds.max_messages_one_way}))
        elif reason == "imbalance":
            out.append((reason, {"mentee": week.mentee_sent, "mentor": week.mentor_sent}))
        elif reason == "quiet_hours":
            share = max(
                (
                    (week.mentee_into_quiet, week.mentee_sent),
                    (week.mentor_into_quiet, week.mentor_sent),
                ),
                key=lambda pair: pair[0] / max(pair[1], 1),
            )
            out.append((reason, {"count": share[0], "sent": share[1]}))
        elif reason == "mentor_night":
            out.append((reason, {"count": week.mentor_night}))
    return out


def silence_days(last_contact: datetime | None, now: datetime) -> int:
    """Whole days since the pair last wrote to each other."""
    return max(0, (now - last_contact).days) if last_contact else 0
