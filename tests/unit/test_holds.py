"""Send-time decisions for outbox rows: stale, crisis, unreachable, quiet hours, pauses."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.clock import to_db
from bot.core.schedule import INDEFINITE
from bot.delivery.holds import RECHECK, RELAY_ACK, plan
from storage.outbox import DueItem, OutboxItem, Recipient

NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)
ITEM = OutboxItem(
    1,
    "k",
    5,
    7,
    "scheduled",
    "t",
    "sendMessage",
    {},
    to_db(NOON),
    "pending",
    0,
    None,
    to_db(NOON),
    None,
)
PERSON = Recipient(5, "mentee", "UTC", "21:00", "08:00", None, False)


def due(item: OutboxItem = ITEM, person: Recipient | None = PERSON) -> DueItem:
    return DueItem(item, person)


def test_open_window_sends() -> None:
    assert plan(due(), NOON) == ("send", None)


def test_quiet_hours_hold_until_morning_and_crisis_goes_anyway() -> None:
    night = datetime(2026, 3, 4, 23, tzinfo=UTC)
    assert plan(due(), night) == ("hold", datetime(2026, 3, 5, 8, tzinfo=UTC))
    assert plan(due(replace(ITEM, lane="crisis")), night) == ("send", None)


def test_stale_rows_are_skipped_even_in_the_crisis_lane_and_held_past_expiry_too() -> None:
    expired = replace(ITEM, expires_at=to_db(NOON))
    assert plan(due(expired), NOON) == ("skip", "stale")
    night = datetime(2026, 3, 4, 23, tzinfo=UTC)
    short = replace(ITEM, expires_at=to_db(night + timedelta(hours=2)))  # before 08:00
    assert plan(due(short), night) == ("skip", "stale")


def test_pause_and_unreachable() -> None:
    paused = replace(PERSON, paused_until=INDEFINITE)
    assert plan(due(person=paused), NOON) == ("hold", NOON + RECHECK)
    gone = replace(PERSON, unreachable=True)
    assert plan(due(person=gone), NOON) == ("hold", NOON + RECHECK)
    assert plan(due(replace(ITEM, broadcast_id=3), gone), NOON) == ("skip", "unreachable")
    assert plan(due(person=None), datetime(2026, 3, 4, 23, tzinfo=UTC)) == ("send", None)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1)),
    st.sampled_from(["UTC", "Europe/Madrid", "America/New_York", "Asia/Tokyo"]),
    st.sampled_from([("21:00", "08:00"), ("22:30", "07:15"), ("00:00", "00:00")]),
)
def test_a_hold_always_lands_in_an_open_window(
    moment: datetime, zone: str, quiet: tuple[str, str]
) -> None:
    now = moment.replace(tzinfo=UTC)
    person = replace(PERSON, timezone=zone, quiet_start=quiet[0], quiet_end=quiet[1])
    action, until = plan(due(person=person), now)
    if action == "hold":
        assert until > now
        assert plan(due(person=person), until) == ("send", None)
    else:
        assert action == "send"


def test_an_answer_to_what_the_member_just_did_ignores_quiet_hours_and_pauses() -> None:
    night = datetime(2026, 3, 4, 23, tzinfo=UTC)
    ack = replace(ITEM, kind=RELAY_ACK, lane="interactive")
    paused = replace(PERSON, paused_until=to_db(NOON + timedelta(days=3)))
    assert plan(due(ack), night) == ("send", None)
    assert plan(due(ack, paused), NOON) == ("send", None)
    # Other interactive rows (a partner ended the pair, say) still wait for the morning...
    assert plan(due(replace(ack, kind="pair_ended")), night)[0] == "hold"
    # ...and nothing is sent to someone who blocked the bot.
    assert plan(due(ack, replace(PERSON, unreachable=True)), NOON)[0] == "hold"
