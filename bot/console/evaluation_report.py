"""Building the evaluation report: read the rows, compute, draw the PDF, write the CSV.

Shared by /evaluation and `python -m bot evaluation`. One report is built at a time per process
(a second request is told to wait rather than doubling the work); drawing runs in a thread.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.console.evaluation import Evaluation, Scope, build_evaluation
from bot.console.evaluation_stats import Spread, Table
from storage import engagement
from storage import evaluation as rows
from storage.db import Database

if TYPE_CHECKING:
    from bot.console.evaluation_panels import Words
    from bot.core.i18n import Translator


class Busy(Exception):
    """Another report is being built."""


class BadScope(ValueError):
    """The dates could not be read."""


@dataclass(frozen=True)
class Built:
    """What a request gets back."""

    pdf: bytes
    csv: bytes
    scope_text: str
    report: Evaluation


def parse_scope(words: list[str]) -> Scope:
    """`[cohort] [FROM TO]` (ISO dates, FROM on or before TO) into a Scope."""
    cohort = bool(words) and words[0].lower() in ("cohort", "cohorte")
    dates = words[1:] if cohort else words
    if len(dates) not in (0, 2) or (cohort and not dates):
        raise BadScope("need no dates, or FROM and TO")
    if not dates:
        return Scope()
    try:
        start, end = date.fromisoformat(dates[0]), date.fromisoformat(dates[1])
    except ValueError as exc:
        raise BadScope(str(exc)) from exc
    if start > end:
        raise BadScope("FROM after TO")
    return Scope(start, end, cohort)


def words_for(t: Translator, language: str) -> Words:
    """Plain-text lookups of the report's words (templates are HTML-safe; charts want text)."""

    def words(key: str, **params: object) -> str:
        return html.unescape(t(language, f"evaluation.{key}", **params))

    return words


def scope_text(words: Words, scope: Scope, today: date) -> str:
    """One line saying what the report covers."""
    start = scope.start.isoformat() if scope.start else words("open_start")
    end = scope.end.isoformat() if scope.end else words("open_end")
    if scope.cohort:
        return words("scope_cohort", start=start, end=end, date=today.isoformat())
    if scope.start or scope.end:
        return words("scope_range", start=start, end=end)
    return words("scope_all", date=today.isoformat())


async def gather(db: Database, scope: Scope, now: datetime) -> Evaluation:
    """Read the anonymised rows and compute every figure."""
    events = await engagement.events(db)
    survey = await rows.survey_rows(db)
    joined_to = (scope.end + timedelta(days=1)).isoformat() if scope.end else None
    needs = await rows.needs(db, scope.start.isoformat() if scope.start else None, joined_to)
    # The statistics (and scipy's first import) run in a thread: the bot keeps answering.
    return await asyncio.to_thread(build_evaluation, events, survey, needs, scope, now)


async def build(
    db: Database, words: Words, now: datetime, scope: Scope, lock: asyncio.Lock
) -> Built:
    """The PDF and CSV for a scope; raises Busy while another report holds `lock`."""
    if lock.locked():
        raise Busy
    async with lock:
        report = await gather(db, scope, now)
        text = scope_text(words, scope, now.date())
        from bot.console.evaluation_pdf import render_pdf

        pdf = await asyncio.to_thread(render_pdf, report, words, text)
        return Built(pdf, report_csv(report, text), text, report)


def _p_text(value: float | None) -> str:
    if value is None:
        return ""
    return "<0.0001" if value < 0.0001 else f"{value:.4f}"


def _spread_rows(section: str, name: str, spread: Spread | None) -> list[list[str]]:
    if spread is None:
        return []
    if not spread.shown:
        return [[section, name, "n", "<11" if spread.n else "0", ""]]
    return [
        [section, name, "median", f"{spread.median:.2f}", str(spread.n)],
        [section, name, "p90", f"{spread.p90:.2f}", str(spread.n)],
    ]


def _table_rows(section: str, name: str, table: Table | None) -> list[list[str]]:
    if table is None:
        return []
    out = [[section, name, category, text, ""] for category, text in table.texts.items()]
    if table.total is not None:
        out.append([section, name, "total", table.total, ""])
    return out


def report_csv(report: Evaluation, scope_line: str) -> bytes:
    """Every figure as long-format CSV: section, measure, category, value, n."""
    lines: list[list[str]] = [["section", "measure", "category", "value", "n"]]
    for instrument, result in report.outcomes.items():
        lines.append(["outcomes", instrument, "members_with_one_score", result.n_one_score, ""])
        if not result.shown:
            lines.append(
                ["outcomes", instrument, "members_compared", "<11" if result.n_paired else "0", ""]
            )
            continue
        n = str(result.n_paired)
        assert result.ci is not None and result.changed is not None
        lines += [
            ["outcomes", instrument, "median_change", f"{result.median_change:+.2f}", n],
            ["outcomes", instrument, "ci95_low", f"{result.ci[0]:+.2f}", n],
            ["outcomes", instrument, "ci95_high", f"{result.ci[1]:+.2f}", n],
            ["outcomes", instrument, "wilcoxon_p", _p_text(result.p_value), n],
            *[["outcomes", instrument, k, v, n] for k, v in result.changed.items()],
        ]
        if result.improved_share is not None:
            lines.append(
                ["outcomes", instrument, "improved_pct", f"{result.improved_share:.1f}", n]
            )
    lines += _spread_rows("engagement", "days_to_match", report.time_to_match)
    lines += _table_rows("engagement", "introductions", report.acceptance)
    for week, value in report.completion.items():
        lines.append(
            [
                "engagement",
                "checkin_completion_pct",
                f"week {week}",
                "" if value is None else f"{value:.1f}",
                "",
            ]
        )
    lines += _spread_rows("engagement", "messages_per_pair_week", report.messages_per_pair_week)
    lines.append(["pairs", "pairs_followed", "", report.pairs_followed[0], ""])
    for week, value in report.survival.items():
        lines.append(
            [
                "pairs",
                "still_together_pct",
                f"week {week}",
                "" if value is None else f"{value:.1f}",
                "",
            ]
        )
    lines += _table_rows("pairs", "closure_reason", report.closure)
    for question, table in report.exit_survey.items():
        lines += _table_rows("exit_survey", question, table)
    lines.append(["safety", "alerts", "", report.alerts[0], ""])
    lines.append(
        [
            "safety",
            "alerts_per_100_member_weeks",
            "",
            "" if report.alerts_per_100 is None else f"{report.alerts_per_100:.2f}",
            "",
        ]
    )
    lines += _spread_rows("safety", "minutes_to_claim", report.claim)
    lines += _spread_rows("safety", "minutes_to_resolve", report.resolve)
    lines += _table_rows("mentors", "mentees_per_mentor", report.caseload)
    lines += _table_rows("mentors", "pulse_wellbeing", report.pulse_wellbeing)
    lines += _table_rows("mentors", "pulse_going", report.pulse_going)
    lines.append(["mentors", "step_backs", "", report.stepbacks[0], ""])
    lines += _table_rows("mentors", "training", report.training)
    lines += _table_rows("needs", "focus_area", report.focus)
    lines += _table_rows("needs", "language", report.languages)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(lines)
    writer.writerow(
        [
            f"# {scope_line}. Counts 1-10 are shown as <11; * = hidden so that no small "
            "count can be worked out; - = withheld; empty = not enough people. No "
            "comparison group."
        ]
    )
    if report.skipped_rows:
        writer.writerow([f"# {report.skipped_rows} unreadable log rows were left out"])
    return buffer.getvalue().encode("utf-8")
