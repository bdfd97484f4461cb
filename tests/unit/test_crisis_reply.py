"""Which crisis reply fits: tiers, kinds, varied follow-ups; and the re-alert settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.screen.crisis_reply import Recent, alert_severity, choose, remember
from bot.screen.risk import RiskKind, RiskResult, Severity
from bot.settings import Settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def result(severity: Severity, kind: RiskKind = RiskKind.SELF) -> RiskResult:
    return RiskResult(severity, "test", "en", kind=kind)


def test_first_replies_by_tier_and_kind() -> None:
    assert choose(result(Severity.CHECK), None, NOW) == "check"
    assert choose(result(Severity.CONCERN), None, NOW) == "concern"
    assert choose(result(Severity.HIGH), None, NOW) == "full"
    assert choose(result(Severity.IMMINENT), None, NOW) == "full"
    assert choose(result(Severity.HIGH, RiskKind.DANGER), None, NOW) == "danger"
    assert choose(result(Severity.HIGH, RiskKind.GUIDANCE), None, NOW) == "guidance"


def test_repeats_get_varied_follow_ups_until_the_window_ends_or_risk_rises() -> None:
    recent = remember("full", result(Severity.HIGH), None, NOW)
    seen = []
    for minute in range(1, 6):
        choice = choose(result(Severity.HIGH), recent, NOW + timedelta(minutes=minute))
        seen.append(choice)
        recent = remember(choice, result(Severity.HIGH), recent, NOW)
    assert seen == ["followup_1", "followup_2", "followup_3", "followup_4", "followup_1"]
    assert choose(result(Severity.IMMINENT), recent, NOW + timedelta(minutes=6)) == "full"
    assert choose(result(Severity.HIGH), recent, NOW + timedelta(minutes=25)) == "full"
    assert choose(result(Severity.CHECK), recent, NOW) == "check"  # never a follow-up


def test_alerts_by_tier_and_kind() -> None:
    assert alert_severity(result(Severity.CHECK)) is None
    assert alert_severity(result(Severity.HIGH, RiskKind.GUIDANCE)) is None
    assert alert_severity(result(Severity.CONCERN)) == "concern"
    assert alert_severity(result(Severity.CONCERN, RiskKind.DANGER)) == "high"
    assert alert_severity(result(Severity.IMMINENT, RiskKind.DANGER)) == "imminent"
    assert remember("check", result(Severity.CHECK), None, NOW) is None
    assert remember("guidance", result(Severity.HIGH), Recent(NOW, Severity.HIGH), NOW) == Recent(
        NOW, Severity.HIGH
    )


def test_realert_and_fallback_settings_are_validated() -> None:
    base = {"bot_token": "1:x", "coordinator_chat_id": -1}
    settings = Settings(
        _env_file=None,
        **base,
        escalation_realert_minutes=" 10, 20 ",  # type: ignore[call-arg]
        coordinator_fallback_ids="11, 22",
    )
    assert settings.realert_gaps == [10, 20] and settings.fallback_ids == [11, 22]
    with pytest.raises(ValueError, match="comma-separated"):
        Settings(_env_file=None, **base, escalation_realert_minutes="15,0")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="user ids"):
        Settings(_env_file=None, **base, coordinator_fallback_ids="cleo")  # type: ignore[call-arg]
