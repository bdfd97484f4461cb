"""Check-in logic: the period, the steps of a check-in, when measures are due, the mood trend.

Pure: no I/O, no Telegram. Step keys travel in the draft: "p:<item>" (what the mentor may see,
asked at the first check-in), "q:<question>", "share:<question>" (may the mentor see the
note?), "g:<goal id>" (progress on a goal) and "m:<instrument>:<item index>".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.catalog.checkins import CheckinContent, Measure
from storage.checkins import TakenMeasure as TakenMeasure

MOOD_EMOJI = {1: "😞", 2: "😕", 3: "😐", 4: "🙂", 5: "😄"}
# Weekly check-ins drift by a day or two; a follow-up is due this much before the exact date.
FOLLOWUP_SLACK = timedelta(days=3)


def iso_week(moment: datetime, timezone: str) -> str:
    """The member's ISO week (in their own time zone), e.g. '2026-W10'."""
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def measure_due(
    measure: Measure, taken: Sequence[TakenMeasure], now: datetime, *, closing: bool
) -> str | None:
    """Which occasion (start/followup/closure) is due now, if any."""
    if not measure.enabled:
        return None
    schedule = measure.schedule
    if closing and schedule.at_closure:
        if not any(item.occasion == "closure" for item in taken):
            return "closure"
        return None
    if not taken:
        return "start" if schedule.at_start else None
    last = max(item.taken_at for item in taken)
    if now >= last + timedelta(weeks=schedule.every_weeks) - FOLLOWUP_SLACK:
        return "followup"
    return None


def plan_steps(
    content: CheckinContent,
    due: dict[str, str],
    *,
    first: bool = False,
    goal_ids: Sequence[int] = (),
) -> list[str]:
    """The ordered steps of a check-in: sharing choices (first check-in only), questions, share
    choices, progress on each open goal, then due measure items."""
    steps: list[str] = [f"p:{item}" for item in content.sharing_items] if first else []
    for question in content.questions:
        steps.append(f"q:{question.id}")
        if question.ask_share:
            steps.append(f"share:{question.id}")
    steps += [f"g:{goal_id}" for goal_id in goal_ids]
    for instrument, measure in content.measures.items():  # content order: WHO-5 first
        if instrument not in due:
            continue
        steps += [f"m:{instrument}:{index}" for index in range(len(measure.items))]
    return steps


def measure_answers(answers: dict[str, int], instrument: str, count: int) -> list[int] | None:
    """The item answers of one instrument from the draft, or None if any is missing."""
    values = [answers.get(f"m:{instrument}:{index}") for index in range(count)]
    if any(value is None for value in values):
        return None
    return [int(value) for value in values if value is not None]


def trend(moods: Sequence[int]) -> str:
    """Moods oldest first as emoji, e.g. '😕 → 😐 → 🙂'."""
    return " → ".join(MOOD_EMOJI.get(mood, "?") for mood in moods)
