"""Programme evaluation from the anonymised log (pure: plain rows in, suppressed figures out).

Reads only what the live bot writes (storage.engagement.VOCABULARY, the exit-survey answers and
aggregate intake answers), so it can later be fed by SQL aggregates instead of raw rows. Every
count goes through bot.console.disclosure (1-10 shown as "<11", complementary suppression within each
published group); medians, rates and tests are published only when 11 or more people stand
behind them. Statistics that need scipy live in bot.console.evaluation_stats (imported lazily).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.console.disclosure import THRESHOLD, Shown
from bot.console.evaluation_stats import (
    Outcome,
    Spread,
    Table,
    outcome,
    single,
    spread,
    survival,
    table,
)
from bot.core.clock import from_db
from storage.engagement import END_REASONS, KINDS, EngagementEvent

PROGRAMME_WEEKS = 12
MEANINGFUL_CHANGE = {"who5": 10.0, "phq2": 2.0}  # WHO-5: 10 points; PHQ-2: a rough 2 points
HIGHER_IS_BETTER = {"who5": True, "phq2": False}
REASON_NAMES = {code: name for name, code in END_REASONS.items()}
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Scope:
    """Which data a report covers: a date range of events, or a cohort who joined in it."""

    start: date | None = None
    end: date | None = None  # inclusive
    cohort: bool = False

    def contains(self, moment: datetime) -> bool:
        """Is a moment inside the range?"""
        day = moment.date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass
class Evaluation:
    """Every figure of the evaluation report, already safe to publish."""

    scope: Scope
    now: datetime
    skipped_rows: int = 0
    empty: bool = True
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    time_to_match: Spread | None = None
    acceptance: Table | None = None
    completion: dict[int, float | None] = field(default_factory=dict)  # week -> % or hidden
    completion_eligible: int = 0  # the most mentees due a check-in in any programme week
    messages_per_pair_week: Spread | None = None
    survival: dict[int, float | None] = field(default_factory=dict)
    pairs_followed: tuple[str, int | None] = ("0", 0)
    closure: Table | None = None
    exit_survey: dict[str, Table] = field(default_factory=dict)
    alerts: tuple[str, int | None] = ("0", 0)
    alerts_per_100: float | None = None
    member_weeks: float = 0.0
    claim: Spread | None = None
    resolve: Spread | None = None
    caseload: Table | None = None
    pulse_wellbeing: Table | None = None
    pulse_going: Table | None = None
    stepbacks: tuple[str, int | None] = ("0", 0)
    training: Table | None = None
    focus: Table | None = None
    languages: Table | None = None


def _clean(events: Iterable[EngagementEvent]) -> tuple[list[tuple[datetime, EngagementEvent]], int]:
    """Events with a known kind and a readable time, oldest first; and how many were skipped."""
    kept, skipped = [], 0
    for event in events:
        try:
            moment = from_db(event.hour)
        except (TypeError, ValueError):
            moment = None
        value = event.value
        if moment is None or event.kind not in KINDS or (value is not None and value != value):
            skipped += 1  # an unknown kind or a corrupt row never becomes a figure
            continue
        kept.append((moment, event))
    kept.sort(key=lambda item: item[0])
    return kept, skipped


def _in_scope(
    timed: list[tuple[datetime, EngagementEvent]], scope: Scope
) -> list[tuple[datetime, EngagementEvent]]:
    """A date range keeps events inside it; a cohort keeps everything of people who joined in it."""
    if not scope.cohort:
        return [(m, e) for m, e in timed if scope.contains(m)]
    cohort = {
        e.subject for m, e in timed if e.kind == "consented" and e.subject and scope.contains(m)
    }
    pairs = {e.pair_ref for _, e in timed if e.kind == "paired" and e.subject in cohort}
    return [(m, e) for m, e in timed if e.subject in cohort or (e.pair_ref and e.pair_ref in pairs)]


def build_evaluation(
    events: Sequence[EngagementEvent],
    survey_answers: Sequence[tuple[str, str | None, str, str, float]],
    needs: Mapping[str, Mapping[str, int]],
    scope: Scope,
    now: datetime,
) -> Evaluation:
    """Compute and suppress every figure (needs: {"focus": {...}, "languages": {...}} counts)."""
    timed, skipped = _clean(events)
    timed = _in_scope(timed, scope)
    if scope.end is not None:
        now = min(
            now,
            datetime.combine(scope.end + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo),
        )
    report = Evaluation(scope, now, skipped_rows=skipped, empty=not timed)
    by_kind: dict[str, list[tuple[datetime, EngagementEvent]]] = defaultdict(list)
    for moment, event in timed:
        by_kind[event.kind].append((moment, event))
    for instrument in ("who5", "phq2"):
        series: dict[str, list[float]] = defaultdict(list)
        for _, event in by_kind[f"{instrument}_score"]:
            if event.subject and event.value is not None:
                series[event.subject].append(event.value)
        if series:
            report.outcomes[instrument] = outcome(
                series, MEANINGFUL_CHANGE[instrument], HIGHER_IS_BETTER[instrument]
            )
    _engagement(report, by_kind, now)
    _safety(report, by_kind, timed, now)
    _mentors(report, by_kind)
    kept_pairs = {e.pair_ref for _, e in by_kind["paired"]}
    questions: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for hour, pair, _role, question, value in survey_answers:
        answered = from_db(hour)
        inside = (
            pair in kept_pairs
            if scope.cohort
            else answered is not None and scope.contains(answered)
        )
        if inside:
            questions[question][f"{value:g}"] += 1
    if questions:
        report.exit_survey = {q: table(dict(sorted(c.items()))) for q, c in questions.items()}
    report.focus = table(dict(needs.get("focus", {})), with_total=False)
    report.languages = table(dict(needs.get("languages", {})), with_total=False)
    return report


def _pairs(by_kind: Mapping[str, list[tuple[datetime, EngagementEvent]]]) -> dict[str, dict]:
    """pair_ref -> paired time, mentee subject, acceptances, end (time, reason)."""
    pairs: dict[str, dict] = {}
    for moment, event in by_kind.get("paired", []):
        if event.pair_ref:
            info = pairs.setdefault(event.pair_ref, {"at": moment, "accepted": set(), "end": None})
            if event.role == "mentee":
                info["mentee"] = event.subject
            if event.role == "mentor":
                info["mentor"] = event.subject
    for _, event in by_kind.get("accepted", []):
        if event.pair_ref in pairs and event.role:
            pairs[event.pair_ref]["accepted"].add(event.role)
    for moment, event in by_kind.get("ended", []):
        if event.pair_ref in pairs and pairs[event.pair_ref]["end"] is None:
            pairs[event.pair_ref]["end"] = (moment, event.value)
    return pairs


def _engagement(report: Evaluation, by_kind: Mapping, now: datetime) -> None:
    pairs = _pairs(by_kind)
    joined = {e.subject: m for m, e in by_kind.get("consented", []) if e.subject}
    waits = [
        (info["at"] - joined[info["mentee"]]).total_seconds() / 86400
        for info in pairs.values()
        if info.get("mentee") in joined and info["at"] >= joined[info["mentee"]]
    ]
    report.time_to_match = spread(waits)
    outcome_counts = {"both": 0, "declined": 0, "waiting": 0}
    for info in pairs.values():
        if {"mentee", "mentor"} <= info["accepted"]:
            outcome_counts["both"] += 1
        elif info["end"] is not None:
            outcome_counts["declined"] += 1
        else:
            outcome_counts["waiting"] += 1
    report.acceptance = table(outcome_counts)
    checkins: dict[str, list[datetime]] = defaultdict(list)
    for moment, event in by_kind.get("checkin_done", []):
        if event.subject:
            checkins[event.subject].append(moment)
    for week in range(1, PROGRAMME_WEEKS + 1):
        due = done = 0
        for info in pairs.values():
            start, stop = info["at"] + (week - 1) * WEEK, info["at"] + week * WEEK
            end = info["end"][0] if info["end"] else now
            if info.get("mentee") is None or end < stop or now < stop:
                continue
            due += 1
            done += any(start <= m < stop for m in checkins.get(info["mentee"], ()))
        report.completion_eligible = max(report.completion_eligible, due)
        cells = table({"done": done, "missed": due - done})
        shown = all(v is not None for v in cells.published.values()) and due >= THRESHOLD
        report.completion[week] = 100.0 * done / due if shown else None
    relayed: dict[str, int] = defaultdict(int)
    for _, event in by_kind.get("message_relayed", []):
        if event.pair_ref in pairs:
            relayed[event.pair_ref] += 1
    rates = []
    for ref, info in pairs.items():
        end = info["end"][0] if info["end"] else now
        weeks = (end - info["at"]) / WEEK
        if weeks >= 1:
            rates.append(relayed.get(ref, 0) / weeks)
    report.messages_per_pair_week = spread(rates)
    durations, ended = [], []
    for info in pairs.values():
        end = info["end"]
        stop = end[0] if end else now
        durations.append(max(0.0, (stop - info["at"]) / WEEK))
        ended.append(end is not None and end[1] != END_REASONS["completed"])
    report.pairs_followed = single(len(durations))
    report.survival = survival(durations, ended, PROGRAMME_WEEKS)
    reasons: dict[str, int] = defaultdict(int)
    for info in pairs.values():
        if info["end"] is not None:
            reasons[REASON_NAMES.get(int(info["end"][1] or 0), "other")] += 1
    report.closure = table(dict(sorted(reasons.items())))


def _safety(report: Evaluation, by_kind: Mapping, timed: Sequence, now: datetime) -> None:
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for moment, event in timed:
        if event.subject and event.role in ("mentee", "mentor"):
            first.setdefault(event.subject, moment)
            if event.kind == "forgot":
                last[event.subject] = moment
    report.member_weeks = sum(
        max(0.0, (last.get(s, now) - start) / WEEK) for s, start in first.items()
    )
    raised = len(by_kind.get("escalation_raised", []))
    report.alerts = single(raised)
    published = report.alerts[1]
    if published is not None and report.member_weeks > 0 and len(first) >= THRESHOLD:
        report.alerts_per_100 = 100.0 * published / report.member_weeks
    report.claim = spread(
        [e.value for _, e in by_kind.get("escalation_claimed", []) if e.value is not None]
    )
    report.resolve = spread(
        [e.value for _, e in by_kind.get("escalation_resolved", []) if e.value is not None]
    )


def _mentors(report: Evaluation, by_kind: Mapping) -> None:
    caseload: dict[str, set[str]] = defaultdict(set)
    for _, event in by_kind.get("paired", []):
        if event.role == "mentor" and event.subject and event.pair_ref:
            caseload[event.subject].add(event.pair_ref)
    sizes = {"1": 0, "2": 0, "3+": 0}
    for refs in caseload.values():
        sizes["3+" if len(refs) >= 3 else str(len(refs))] += 1
    report.caseload = table(sizes)
    for kind, attribute in (("pulse_done", "pulse_wellbeing"), ("pulse_going", "pulse_going")):
        answers = {str(v): 0 for v in range(1, 6)}
        for _, event in by_kind.get(kind, []):
            if event.value is not None and 1 <= event.value <= 5:
                answers[str(int(event.value))] += 1
        setattr(report, attribute, table(answers))
    report.stepbacks = single(sum(1 for _, e in by_kind.get("stepped_back", []) if e.value == 1))
    mentors = {e.subject for _, e in by_kind.get("intake_done", []) if e.role == "mentor"}
    mentors |= {e.subject for _, e in by_kind.get("trained", [])}
    trained = {e.subject for _, e in by_kind.get("trained", [])}
    report.training = table({"trained": len(trained), "not_yet": len(mentors - trained)})


def shown(table_: Table | None) -> bool:
    """Does a table have anything to draw?"""
    return table_ is not None and table_.any_shown


__all__ = ["Evaluation", "Outcome", "Scope", "Shown", "Spread", "Table", "build_evaluation"]
