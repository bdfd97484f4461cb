"""Which crisis reply fits this moment: pure logic, no Telegram, never sees message text.

A first detection gets the reply its tier and kind call for; more risk messages within
FOLLOWUP_WINDOW get a short follow-up (a different one each time) instead of the same block,
unless the risk went up, which always gets the fuller reply again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.screen.risk import RiskKind, RiskResult, Severity

FOLLOWUP_WINDOW = timedelta(minutes=20)
FOLLOWUPS = 4  # crisis.followup_1 .. crisis.followup_4


@dataclass(frozen=True)
class Recent:
    """The last full crisis reply in a chat: when, how severe, follow-ups since."""

    at: datetime
    severity: Severity
    followups: int = 0


def is_crisis(result: RiskResult | None) -> bool:
    """Whether a result gets the crisis reply and an alert (not a check, not guidance)."""
    return (
        result is not None
        and result.severity >= Severity.CONCERN
        and result.kind is not RiskKind.GUIDANCE
    )


def choose(result: RiskResult, recent: Recent | None, now: datetime) -> str:
    """One of: check, guidance, danger, concern, full, followup_<n>."""
    if result.kind is RiskKind.GUIDANCE:
        return "guidance"
    if result.severity is Severity.CHECK:
        return "check"
    if (
        recent is not None
        and now - recent.at < FOLLOWUP_WINDOW
        and result.severity <= recent.severity
    ):
        return f"followup_{recent.followups % FOLLOWUPS + 1}"
    if result.kind is RiskKind.DANGER:
        return "danger"
    return "concern" if result.severity is Severity.CONCERN else "full"


def remember(
    choice: str, result: RiskResult, recent: Recent | None, now: datetime
) -> Recent | None:
    """The state after sending `choice` (None: nothing to remember)."""
    if choice in ("check", "guidance"):
        return recent
    if choice.startswith("followup_") and recent is not None:
        return Recent(recent.at, recent.severity, recent.followups + 1)
    return Recent(now, result.severity)


def alert_severity(result: RiskResult) -> str | None:
    """The alert a result raises (None: a gentle check or a mentor's question raises none)."""
    if result.kind is RiskKind.GUIDANCE or result.severity is Severity.CHECK:
        return None
    if result.kind is RiskKind.DANGER:
        return "imminent" if result.severity is Severity.IMMINENT else "high"
    return result.severity.name.lower()
