"""Report maths and the chart: retention, first contact, change since pairing, PNG size."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

from bot.console.charts import HEIGHT_PX, WIDTH_PX, dashboard_figure, render_dashboard
from bot.console.export import report_csv
from bot.console.reports import build_report, week_of, weeks_between
from bot.core.pseudonym import content_number
from storage.engagement import END_REASONS, EngagementEvent

START = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday


def event(
    at: datetime,
    kind: str,
    subject: str | None = None,
    pair: str | None = None,
    value: float | None = None,
    role: str | None = "mentee",
) -> EngagementEvent:
    return EngagementEvent(at.strftime("%Y-%m-%dT%H:00:00"), kind, role, subject, pair, value)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def programme(pairs: int = 12, dropouts: int = 0) -> list[EngagementEvent]:
    events = []
    for i in range(pairs):
        mentee, pair = f"m{i}", f"p{i}"
        events += [
            event(START, "consented", mentee),
            event(START, "consented", f"t{i}", role="mentor"),
        ]
        events.append(event(START, "paired", mentee, pair))
        events.append(event(START + timedelta(hours=2 + i), "message_relayed", mentee, pair))
        events.append(event(START + timedelta(hours=1), "who5_score", mentee, pair, 40))
        events.append(event(START + timedelta(weeks=4), "who5_score", mentee, pair, 52))
        for week in range(6):
            events.append(
                event(
                    START + timedelta(weeks=week, hours=1),
                    "checkin_done",
                    mentee,
                    pair,
                    3 + (week == 5),
                )
            )
        events.append(
            event(
                START + timedelta(minutes=30),
                "coping_helpful",
                mentee,
                None,
                content_number("low-one-tiny-step"),
            )
        )
        if i < dropouts:
            events.append(
                event(START + timedelta(weeks=2), "ended", mentee, pair, END_REASONS["mentee_left"])
            )
    return sorted(events, key=lambda e: e.hour)


def test_weeks_are_mondays() -> None:
    assert week_of(datetime(2026, 1, 7, tzinfo=UTC)) == "2026-01-05"
    assert weeks_between(START, START + timedelta(days=15)) == [
        "2026-01-05",
        "2026-01-12",
        "2026-01-19",
    ]


def test_figures_of_a_programme() -> None:
    report = build_report(programme(pairs=14, dropouts=0), START + timedelta(weeks=9))
    assert report.text("new_mentees:total") == "14" and report.text("pairs:formed") == "14"
    assert report.stats["mood_change"].value == 1 and report.stats["mood_change"].shown
    assert report.stats["who5_change"].value == 12
    assert report.stats["first_contact_hours"].value == 8.5  # median of 2..15 hours
    assert report.retention == {4: 100.0, 8: 100.0}  # 12 weeks not reached yet
    assert report.top_coping == [(content_number("low-one-tiny-step"), 14)]
    assert report.weekly_completion[report.weeks[1]] == 100.0
    assert report.weeks[0] not in report.weekly_completion  # no pair was active at its start


def test_small_groups_hide_means_and_percentages() -> None:
    report = build_report(programme(pairs=5, dropouts=2), START + timedelta(weeks=9))
    assert report.text("new_mentees:total") == "<11"
    assert not report.stats["mood_change"].shown
    assert report.retention == {} and report.weekly_completion == {} and report.top_coping == []
    csv_text = report_csv(report).decode()
    assert ",5," not in csv_text and ",2," not in csv_text


def test_dropouts_count_against_retention_but_completion_does_not() -> None:
    events = programme(pairs=30, dropouts=12)
    for i in range(12, 20):  # these completed the programme early: still "together"
        events.append(
            event(START + timedelta(weeks=3), "ended", f"m{i}", f"p{i}", END_REASONS["completed"])
        )
    report = build_report(sorted(events, key=lambda e: e.hour), START + timedelta(weeks=5))
    assert report.retention == {4: 60.0}


def test_chart_renders_as_a_png_of_the_expected_size() -> None:
    full = build_report(programme(pairs=14), START + timedelta(weeks=9))
    assert png_size(render_dashboard(full, lambda n: "One tiny step 😔")) == (WIDTH_PX, HEIGHT_PX)
    empty = build_report([], START)
    assert empty.empty
    assert png_size(render_dashboard(empty, str)) == (1200, 750)


def test_hidden_and_missing_panels_say_so_in_words() -> None:
    small = build_report(programme(pairs=5, dropouts=2), START + timedelta(weeks=9))
    figure = dashboard_figure(small, str)
    words = [text.get_text() for axes in figure.axes for text in axes.texts]
    assert "hidden: fewer than 11 people each week" in words
    assert words.count("not enough\ndata yet") == 3  # 4, 8 and 12 weeks: none publishable
    full = build_report(programme(pairs=14), START + timedelta(weeks=9))
    words = [t.get_text() for a in dashboard_figure(full, str).axes for t in a.texts]
    assert words.count("not enough\ndata yet") == 1  # 12 weeks not reached yet
