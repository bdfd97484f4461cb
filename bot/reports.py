"""Programme reports from the anonymised engagement log and operational counts (pure logic).

Everything a coordinator sees in /dashboard and /export comes from one `Report`: weekly count
columns (each a suppression group with its total), stand-alone counts, and statistics (means,
medians, percentages) that are published only when every count they rest on is published and
at least THRESHOLD people stand behind them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import from_db
from bot.disclosure import THRESHOLD, Group, Shown, Suppressed, suppress, weekly_group
from storage.engagement import END_REASONS, EngagementEvent

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
JOIN_KINDS = ("consented",)
_EVENT_COLUMN = {
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


@dataclass
class _Facts:
    """Per-person and per-pair facts gathered in one pass over the log."""

    first_seen: dict[str, datetime] = field(default_factory=dict)
    role: dict[str, str] = field(default_factory=dict)
    paired_at: dict[str, datetime] = field(default_factory=dict)  # pair_ref -> first paired
    subject_paired_at: dict[str, datetime] = field(default_factory=dict)
    ended: dict[str, tuple[datetime, float | None]] = field(default_factory=dict)
    first_message: dict[str, datetime] = field(default_factory=dict)
    moods: dict[str, list[tuple[datetime, float]]] = field(default_factory=dict)
    who5: dict[str, list[tuple[datetime, float]]] = field(default_factory=dict)


def _gather(events: Iterable[EngagementEvent]) -> tuple[_Facts, list[tuple[datetime, EngagementEvent]]]:
    facts = _Facts()
    timed = []
    for event in events:
        moment = from_db(event.hour)
        assert moment is not None
        timed.append((moment, event))
        subject, pair = event.subject, event.pair_ref
        if subject and event.role in ("mentee", "mentor"):
            facts.role[subject] = event.role
        if subject and event.kind in JOIN_KINDS:
            facts.first_seen.setdefault(subject, moment)
        if event.kind == "paired":
            if pair:
                facts.paired_at.setdefault(pair, moment)
            if subject:
                facts.subject_paired_at.setdefault(subject, moment)
        elif event.kind == "ended" and pair:
            facts.ended.setdefault(pair, (moment, event.value))
        elif event.kind == "message_relayed" and pair:
            facts.first_message.setdefault(pair, moment)
        elif event.kind == "checkin_done" and subject and event.value is not None:
            facts.moods.setdefault(subject, []).append((moment, event.value))
        elif event.kind == "who5_score" and subject and event.value is not None:
            facts.who5.setdefault(subject, []).append((moment, event.value))
    return facts, timed


def _change_since_pairing(
    series: Mapping[str, list[tuple[datetime, float]]], paired: Mapping[str, datetime]
) -> Stat:
    """Mean of (latest - first) values measured at or after each person's pairing."""
    changes = []
    for subject, points in series.items():
        start = paired.get(subject)
        if start is None:
            continue
        after = [value for moment, value in points if moment >= start]
        if len(after) >= 2:
            changes.append(after[-1] - after[0])
    return Stat(statistics.fmean(changes) if changes else None, len(changes))


def build_report(
    events: Sequence[EngagementEvent],
    now: datetime,
    operational: Mapping[str, int] | None = None,
) -> Report:
    """Compute and suppress every figure (operational: stand-alone counts such as open alerts)."""
    # Oldest first (stable): "first seen", "first message" etc. rely on it.
    facts, timed = _gather(sorted(events, key=lambda event: event.hour))
    weeks = weeks_between(timed[0][0], max(now, timed[-1][0])) if timed else []
    counts: dict[str, int] = defaultdict(int)
    for name in FLOW_COLUMNS + STOCK_COLUMNS:
        for week in weeks:
            counts[f"{name}:{week}"] = 0
    for subject, moment in facts.first_seen.items():
        role = facts.role.get(subject)
        column = {"mentee": "new_mentees", "mentor": "new_mentors"}.get(role or "", "new_unassigned")
        counts[f"{column}:{week_of(moment)}"] += 1
    checked_in: dict[str, set[str]] = defaultdict(set)
    mood_values: dict[str, list[float]] = defaultdict(list)
    claim_minutes: list[float] = []
    coping: dict[int, int] = defaultdict(int)
    for moment, event in timed:
        column = _EVENT_COLUMN.get(event.kind)
        if column:
            counts[f"{column}:{week_of(moment)}"] += 1
        if event.kind == "checkin_done":
            if event.subject and facts.role.get(event.subject, "mentee") == "mentee":
                checked_in[week_of(moment)].add(event.subject)
            if event.value is not None:
                mood_values[week_of(moment)].append(event.value)
        elif event.kind == "escalation_claimed" and event.value is not None:
            claim_minutes.append(event.value)
        elif event.kind == "coping_helpful" and event.value is not None:
            coping[int(event.value)] += 1
    for week in weeks:
        counts[f"checkins:{week}"] = len(checked_in.get(week, ()))
        start = datetime.fromisoformat(week).replace(tzinfo=now.tzinfo)
        counts[f"active_pairs:{week}"] = sum(
            1
            for pair, paired in facts.paired_at.items()
            if paired < start and (pair not in facts.ended or facts.ended[pair][0] >= start)
        )
    ended_pairs = sum(1 for pair in facts.ended if pair in facts.paired_at)
    counts["pairs:formed"] = len(facts.paired_at)
    counts["pairs:ended"] = ended_pairs
    counts["pairs:active"] = len(facts.paired_at) - ended_pairs
    for name in FLOW_COLUMNS:
        counts[f"{name}:total"] = sum(counts[f"{name}:{week}"] for week in weeks)

    for k in RETENTION_WEEKS:
        kept = dropped = 0
        for pair, paired in facts.paired_at.items():
            if now - paired < timedelta(weeks=k):
                continue
            end = facts.ended.get(pair)
            early = end is not None and end[0] < paired + timedelta(weeks=k)
            if early and end is not None and end[1] != END_REASONS["completed"]:
                dropped += 1
            else:
                kept += 1
        counts[f"retention{k}:kept"], counts[f"retention{k}:ended"] = kept, dropped
        counts[f"retention{k}:pairs"] = kept + dropped

    contact_hours = [
        (facts.first_message[pair] - paired).total_seconds() / 3600
        for pair, paired in facts.paired_at.items()
        if pair in facts.first_message and facts.first_message[pair] >= paired
    ]
    stats = {
        "mood_change": _change_since_pairing(facts.moods, facts.subject_paired_at),
        "who5_change": _change_since_pairing(facts.who5, facts.subject_paired_at),
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

    weekly_mood = {
        week: statistics.fmean(values)
        for week, values in mood_values.items()
        if len(values) >= THRESHOLD
    }
    completion = {}
    for week in weeks:
        done, due = published(f"checkins:{week}"), published(f"active_pairs:{week}")
        if done is not None and due:
            completion[week] = min(100.0, 100.0 * done / due)
    retention = {}
    for k in RETENTION_WEEKS:
        kept, total = published(f"retention{k}:kept"), published(f"retention{k}:pairs")
        if kept is not None and total and cells.shown[f"retention{k}:ended"] is Shown.VALUE:
            retention[k] = 100.0 * kept / total
    top = sorted(((n, votes) for n, votes in coping.items() if votes >= THRESHOLD),
                 key=lambda item: (-item[1], item[0]))[:3]
    return Report(weeks, cells, weekly_mood, completion, stats, retention, top, tuple(groups))
