"""Programme reports from the anonymised engagement log and operational counts (pure logic).

Everything a coordinator sees in /dashboard and /export comes from one `Report`: weekly count
columns (each a suppression group with its total), stand-alone counts, and statistics (means,
medians, percentages) that are published only when every count they rest on is published and
at least THRESHOLD people stand behind them.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.console.disclosure import THRESHOLD, Group, Shown, Suppressed, suppress, weekly_group
from storage.engagement import END_REASONS, EngagementEvent
from storage.report_queries import JOIN_KINDS, ReportInputs, parse_hour

# Weekly columns that are flows: each week's count plus a total (a suppression group).
FLOW_COLUMNS = (
    "new_mentees",
    "new_mentors",
    "new_unassigned",
    "checkins",  # mentees who checked in that week (one per mentee per week)
    "who5_scores",  # WHO-5 questionnaires completed that week
    "escalations",
    "escalations_claimed",
    "crisis_paths",
    "messages_relayed",
)
# Pairs active at the start of each week (a stock: each cell stands alone, no total).
STOCK_COLUMNS = ("active_pairs",)
RETENTION_WEEKS = (4, 8, 12)
_EVENT_COLUMN = {  # engagement kind -> weekly column
    "escalation_raised": "escalations",
    "escalation_claimed": "escalations_claimed",
    "crisis_entered": "crisis_paths",
    "message_relayed": "messages_relayed",
    "who5_score": "who5_scores",
}
# Why some figures are NOT published: a stock series (active pairs per week) together with
# weekly new/ended pairs would let a reader subtract one from the other and recover a small
# weekly count, so pairs are published as the stock plus one protected group
# (formed = active + ended); and the total of "this helped" votes is never published, so the
# votes of strategies outside the top list cannot be worked out by subtraction.


def week_of(moment: datetime) -> str:
    """The Monday (UTC date) starting the week a moment falls in."""
    return (moment.date() - timedelta(days=moment.weekday())).isoformat()


def weeks_between(first: datetime, last: datetime) -> list[str]:
    """Every week from the one holding `first` to the one holding `last`."""
    start = datetime.fromisoformat(week_of(first))
    end = datetime.fromisoformat(week_of(last))
    weeks = []
    while start <= end:
        weeks.append(start.date().isoformat())
        start += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Stat:
    """A non-count figure: shown only when `n` (a published count) is at least THRESHOLD."""

    value: float | None
    n: int

    @property
    def shown(self) -> bool:
        """True if the figure may be published."""
        return self.value is not None and self.n >= THRESHOLD


@dataclass(frozen=True)
class Report:
    """Every figure of the dashboard and export, with suppression applied."""

    weeks: list[str]
    cells: Suppressed
    weekly_mood: dict[str, float]  # only weeks with >= THRESHOLD mood values
    weekly_completion: dict[str, float]  # percent, only where both counts are published
    stats: dict[str, Stat] = field(default_factory=dict)
    retention: dict[int, float] = field(default_factory=dict)  # percent, only when published
    top_coping: list[tuple[int, int]] = field(default_factory=list)  # (content number, votes)
    groups: tuple[Group, ...] = ()  # the published sums (for audits of the suppression)

    @property
    def empty(self) -> bool:
        """No engagement at all yet."""
        return not self.weeks

    def text(self, key: str) -> str:
        """A cell as published."""
        return self.cells.text(key)

    def column(self, name: str) -> list[int | None]:
        """A weekly column's published values (None where hidden)."""
        return [self.cells.published(f"{name}:{week}") for week in self.weeks]


def inputs_from_events(events: Sequence[EngagementEvent]) -> ReportInputs:
    """The report's inputs from events in memory (the database path aggregates in SQL instead:
    storage.report_queries; both give the same report)."""
    inputs = ReportInputs()
    # Oldest first (stable): "first seen", "first message" etc. rely on it.
    timed = [(parse_hour(event.hour), event) for event in sorted(events, key=lambda e: e.hour)]
    if not timed:
        return inputs
    inputs.first, inputs.last = timed[0][0], timed[-1][0]
    role: dict[str, str] = {}
    first_seen: dict[str, datetime] = {}
    subject_paired: dict[str, datetime] = {}
    series: dict[str, dict[str, list[tuple[datetime, float]]]] = {
        "checkin_done": {},
        "who5_score": {},
    }
    checked_in: dict[str, set[str]] = defaultdict(set)
    moods: dict[str, list[float]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    coping: dict[int, int] = defaultdict(int)
    for moment, event in timed:
        subject, pair, kind, week = event.subject, event.pair_ref, event.kind, week_of(moment)
        if subject and event.role in ("mentee", "mentor"):
            role[subject] = event.role
        if subject and kind in JOIN_KINDS:
            first_seen.setdefault(subject, moment)
        if kind in _EVENT_COLUMN:
            counts[(kind, week)] += 1
        if kind == "paired":
            if pair:
                inputs.paired_at.setdefault(pair, moment)
            if subject:
                subject_paired.setdefault(subject, moment)
        elif kind == "ended" and pair:
            inputs.ended.setdefault(pair, (moment, event.value))
        elif kind == "message_relayed" and pair:
            inputs.first_message.setdefault(pair, moment)
        elif kind == "escalation_claimed" and event.value is not None:
            inputs.claim_minutes.append(event.value)
        elif kind == "coping_helpful" and event.value is not None:
            coping[int(event.value)] += 1
        if kind == "checkin_done":
            if subject:
                checked_in[week].add(subject)
            if event.value is not None:
                moods[week].append(event.value)
        if kind in series and subject and event.value is not None:
            series[kind].setdefault(subject, []).append((moment, event.value))
    for subject, moment in first_seen.items():
        key = (role.get(subject, ""), week_of(moment))
        inputs.new_members[key] = inputs.new_members.get(key, 0) + 1
    inputs.kind_counts = dict(counts)
    inputs.checkins = {
        week: sum(1 for s in subjects if role.get(s, "mentee") == "mentee")
        for week, subjects in checked_in.items()
    }
    inputs.moods = {week: (statistics.fmean(values), len(values)) for week, values in moods.items()}
    inputs.coping = dict(coping)
    for kind, by_subject in series.items():
        inputs.changes[kind] = []
        for subject, points in by_subject.items():
            start = subject_paired.get(subject)
            after = [value for moment, value in points if start is not None and moment >= start]
            if len(after) >= 2:
                inputs.changes[kind].append(after[-1] - after[0])
    return inputs


def build_report(
    events: Sequence[EngagementEvent],
    now: datetime,
    operational: Mapping[str, int] | None = None,
) -> Report:
    """Compute and suppress every figure (operational: stand-alone counts such as open alerts)."""
    return report_from_inputs(inputs_from_events(events), now, operational)


def _active_pairs(inputs: ReportInputs, weeks: Sequence[str], now: datetime) -> dict[str, int]:
    """Pairs active at the start of each week: formed before it and not ended before it."""
    formed = sorted(inputs.paired_at.values())
    gone = sorted(
        max(inputs.paired_at[pair], end)
        for pair, (end, _) in inputs.ended.items()
        if pair in inputs.paired_at
    )
    active = {}
    for week in weeks:
        start = datetime.fromisoformat(week).replace(tzinfo=now.tzinfo)
        active[week] = bisect_left(formed, start) - bisect_left(gone, start)
    return active


def report_from_inputs(
    inputs: ReportInputs, now: datetime, operational: Mapping[str, int] | None = None
) -> Report:
    """Compute and suppress every figure from aggregated inputs."""
    weeks = (
        weeks_between(inputs.first, max(now, inputs.last)) if inputs.first and inputs.last else []
    )
    counts: dict[str, int] = defaultdict(int)
    for name in FLOW_COLUMNS + STOCK_COLUMNS:
        for week in weeks:
            counts[f"{name}:{week}"] = 0
    for (role, week), number in inputs.new_members.items():
        column = {"mentee": "new_mentees", "mentor": "new_mentors"}.get(role, "new_unassigned")
        counts[f"{column}:{week}"] += number
    for (kind, week), number in inputs.kind_counts.items():
        counts[f"{_EVENT_COLUMN[kind]}:{week}"] += number
    active = _active_pairs(inputs, weeks, now)
    for week in weeks:
        counts[f"checkins:{week}"] = inputs.checkins.get(week, 0)
        counts[f"active_pairs:{week}"] = active[week]
    ended_pairs = sum(1 for pair in inputs.ended if pair in inputs.paired_at)
    counts["pairs:formed"] = len(inputs.paired_at)
    counts["pairs:ended"] = ended_pairs
    counts["pairs:active"] = len(inputs.paired_at) - ended_pairs
    for name in FLOW_COLUMNS:
        counts[f"{name}:total"] = sum(counts[f"{name}:{week}"] for week in weeks)

    for k in RETENTION_WEEKS:
        kept = dropped = 0
        for pair, paired in inputs.paired_at.items():
            if now - paired < timedelta(weeks=k):
                continue
            end = inputs.ended.get(pair)
            early = end is not None and end[0] < paired + timedelta(weeks=k)
            if early and end is not None and end[1] != END_REASONS["completed"]:
                dropped += 1
            else:
                kept += 1
        counts[f"retention{k}:kept"], counts[f"retention{k}:ended"] = kept, dropped
        counts[f"retention{k}:pairs"] = kept + dropped

    contact_hours = [
        (inputs.first_message[pair] - paired).total_seconds() / 3600
        for pair, paired in inputs.paired_at.items()
        if pair in inputs.first_message and inputs.first_message[pair] >= paired
    ]
    claim_minutes = inputs.claim_minutes
    mood_changes = inputs.changes.get("checkin_done", [])
    who5_changes = inputs.changes.get("who5_score", [])
    stats = {
        "mood_change": Stat(
            statistics.fmean(mood_changes) if mood_changes else None, len(mood_changes)
        ),
        "who5_change": Stat(
            statistics.fmean(who5_changes) if who5_changes else None, len(who5_changes)
        ),
        "first_contact_hours": Stat(
            statistics.median(contact_hours) if contact_hours else None, len(contact_hours)
        ),
        "claim_minutes": Stat(
            statistics.median(claim_minutes) if claim_minutes else None, len(claim_minutes)
        ),
    }
    for name, stat in stats.items():
        counts[f"n:{name}"] = stat.n
    for name, value in (operational or {}).items():
        counts[f"now:{name}"] = value

    groups: list[Group] = [weekly_group(name, weeks) for name in FLOW_COLUMNS]
    groups.append(Group(("pairs:active", "pairs:ended"), "pairs:formed"))
    groups += [
        Group((f"retention{k}:kept", f"retention{k}:ended"), f"retention{k}:pairs")
        for k in RETENTION_WEEKS
    ]
    cells = suppress(dict(counts), groups)

    def published(key: str) -> int | None:
        return cells.published(key)

    weekly_mood = {week: mean for week, (mean, n) in inputs.moods.items() if n >= THRESHOLD}
    completion = {}
    for week in weeks:
        done, due = published(f"checkins:{week}"), published(f"active_pairs:{week}")
        if done is not None and due:
            completion[week] = min(100.0, 100.0 * done / due)
    retention = {}
    for k in RETENTION_WEEKS:
        stayed, total = published(f"retention{k}:kept"), published(f"retention{k}:pairs")
        if stayed is not None and total and cells.shown[f"retention{k}:ended"] is Shown.VALUE:
            retention[k] = 100.0 * stayed / total
    top = sorted(
        ((n, votes) for n, votes in inputs.coping.items() if votes >= THRESHOLD),
        key=lambda item: (-item[1], item[0]),
    )[:3]
    return Report(weeks, cells, weekly_mood, completion, stats, retention, top, tuple(groups))
