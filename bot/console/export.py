"""The /export CSV: the dashboard's aggregates by week, with the same suppression."""

from __future__ import annotations

import csv
import io

from bot.console.reports import FLOW_COLUMNS, STOCK_COLUMNS, Report

COLUMNS = (
    "week_start",
    *FLOW_COLUMNS,
    *STOCK_COLUMNS,
    "checkin_completion_pct",
    "mean_mood",
)
NOTE = (
    "# counts 1-10 are shown as <11; * = hidden so that no small count can be worked out "
    "from the totals; percentages and means only where 11 or more people stand behind them"
)


def report_csv(report: Report) -> bytes:
    """UTF-8 CSV (with a header, one row per week and a total row); works on an empty report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for week in report.weeks:
        completion = report.weekly_completion.get(week)
        mood = report.weekly_mood.get(week)
        writer.writerow(
            [
                week,
                *(report.text(f"{name}:{week}") for name in FLOW_COLUMNS),
                *(report.text(f"{name}:{week}") for name in STOCK_COLUMNS),
                "" if completion is None else f"{completion:.0f}",
                "" if mood is None else f"{mood:.2f}",
            ]
        )
    totals = [report.text(f"{name}:total") if report.weeks else "0" for name in FLOW_COLUMNS]
    writer.writerow(["total", *totals, *([""] * (len(STOCK_COLUMNS) + 2))])
    writer.writerow([NOTE])
    return buffer.getvalue().encode("utf-8")
