"""The coordinators' dashboard and export: gather, compute, suppress, render (no Telegram here)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.console.chart_worker import render_off_loop
from bot.console.export import report_csv
from bot.console.reports import Report, Stat, build_report, report_from_inputs
from bot.core.i18n import Html
from bot.core.pseudonym import content_number
from storage import console, engagement
from storage.report_queries import open_read_only, read_inputs

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Dashboard:
    """What /dashboard sends: a PNG and a short text."""

    png: bytes
    text: Html
    empty: bool


async def current_report(services: Services) -> Report:
    """The report as of now: the engagement log plus today's operational counts.

    The log's roll-ups (storage.report_queries) are read on a read-only connection in a worker
    thread, so a year of history neither holds the bot's connection nor stalls the loop."""
    counts = await console.operational_counts(services.db)
    now = services.clock.now()
    if services.db.path == ":memory:":  # no second connection can see an in-memory database
        return build_report(await engagement.events(services.db), now, counts)
    return await asyncio.to_thread(_report_from_file, services.db.path, now, counts)


def _report_from_file(path: str, now: datetime, counts: dict[str, int]) -> Report:
    connection = open_read_only(path)
    try:
        inputs = read_inputs(connection)
    finally:
        connection.close()
    return report_from_inputs(inputs, now, counts)


def coping_title_map(services: Services) -> dict[int, str]:
    """The numbers stored for coping strategies, with their titles (current content)."""
    language = services.settings.default_language
    titles: dict[int, str] = {}
    for feeling in services.content.coping.feelings.values():
        for strategy in feeling.strategies:
            titles[content_number(strategy.id)] = getattr(strategy.title, language)
    return titles


def coping_titles(services: Services) -> Callable[[int], str]:
    """Map the numbers stored for coping strategies back to their titles (current content)."""
    titles = coping_title_map(services)
    return lambda number: titles.get(number, "?")


def _stat(services: Services, stat: Stat, unit: str, fmt: str) -> str:
    language = services.settings.default_language
    if not stat.shown or stat.value is None:
        return services.t(language, "console.not_enough")
    return services.t(language, f"console.{unit}", value=format(stat.value, fmt))


def dashboard_text(services: Services, report: Report) -> Html:
    """The short text that goes with the chart (every count already suppressed)."""
    t, language = services.t, services.settings.default_language
    if report.empty:
        return t(language, "console.dashboard_empty")
    not_enough = t(language, "console.not_enough")

    def percent(value: float | None) -> str:
        return not_enough if value is None else t(language, "console.percent", value=f"{value:.0f}")

    last_full_week = report.weeks[-2] if len(report.weeks) > 1 else None
    titles = coping_titles(services)
    strategies = ", ".join(f"{titles(n)} ({votes})" for n, votes in report.top_coping)
    mood, who5 = report.stats["mood_change"], report.stats["who5_change"]
    lines = [
        t(language, "console.dashboard_title"),
        t(
            language,
            "console.dashboard_members",
            mentees=report.text("new_mentees:total"),
            mentors=report.text("new_mentors:total"),
            unassigned=report.text("new_unassigned:total"),
        ),
        t(
            language,
            "console.dashboard_pairs",
            formed=report.text("pairs:formed"),
            active=report.text("pairs:active"),
            ended=report.text("pairs:ended"),
        ),
        t(
            language,
            "console.dashboard_checkins",
            checkins=report.text("checkins:total"),
            completion=percent(report.weekly_completion.get(last_full_week or "")),
        ),
        t(
            language,
            "console.dashboard_change",
            mood=f"{mood.value:+.1f}" if mood.shown and mood.value is not None else not_enough,
            who5=f"{who5.value:+.0f}" if who5.shown and who5.value is not None else not_enough,
        ),
        t(
            language,
            "console.dashboard_contact",
            hours=_stat(services, report.stats["first_contact_hours"], "hours", ".0f"),
        ),
        t(
            language,
            "console.dashboard_retention",
            **{f"r{k}": percent(report.retention.get(k)) for k in (4, 8, 12)},
        ),
        t(
            language,
            "console.dashboard_escalations",
            raised=report.text("escalations:total"),
            claimed=report.text("escalations_claimed:total"),
            minutes=_stat(services, report.stats["claim_minutes"], "minutes", ".0f"),
            # Open alerts are work for the coordinators, who see each one in /escalations:
            # hiding "3 open" as "<11" protects no one and hides the workload.
            open=report.cells.values.get("now:open_escalations", 0),
        ),
        t(language, "console.dashboard_coping", strategies=strategies or not_enough),
    ]
    return Html("\n".join(lines))


async def build_dashboard(services: Services) -> Dashboard:
    """Compute the report and draw the chart (in a worker process: drawing takes CPU seconds
    on a busy machine and holds the GIL)."""
    report = await current_report(services)
    png = await render_off_loop(report, coping_title_map(services))
    return Dashboard(png, dashboard_text(services, report), report.empty)


async def build_export(services: Services) -> bytes:
    """The CSV of the current report (written in a thread: one row per week of history)."""
    return await asyncio.to_thread(report_csv, await current_report(services))
