"""The evaluation report: figures, suppression, bad input, and every page drawn readably."""

from __future__ import annotations

import asyncio
import struct
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.console.evaluation import Scope, build_evaluation
from bot.console.evaluation_panels import DPI, HEIGHT_IN, WIDTH_IN
from bot.console.evaluation_pdf import pages, render_pdf, render_png
from bot.console.evaluation_report import BadScope, Busy, build, parse_scope, report_csv, words_for
from bot.console.evaluation_stats import survival
from bot.content import load_content
from bot.core.i18n import Translator
from storage.engagement import END_REASONS, EngagementEvent

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
START = NOW - timedelta(weeks=20)


def hour(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:00:00")


def event(
    kind: str,
    moment: datetime,
    subject: str | None = None,
    role: str | None = None,
    pair: str | None = None,
    value: float | None = None,
) -> EngagementEvent:
    return EngagementEvent(hour(moment), kind, role, subject, pair, value)


def programme(people: int, *, scores: int = 2) -> list[EngagementEvent]:
    """`people` pairs, each mentee with `scores` WHO-5 scores going up by 12 points each time."""
    events = []
    for index in range(people):
        mentee, mentor, pair = f"e{index}", f"o{index}", f"p{index}"
        joined = START + timedelta(days=index)
        paired = joined + timedelta(days=3)
        events += [
            event("consented", joined, mentee),
            event("consented", joined, mentor),
            event("intake_done", joined, mentor, "mentor"),
            event("trained", joined, mentor, "mentor"),
        ]
        for who, role in ((mentee, "mentee"), (mentor, "mentor")):
            events += [
                event("paired", paired, who, role, pair),
                event("accepted", paired, who, role, pair),
            ]
        for week in range(12):
            events.append(
                event(
                    "checkin_done",
                    paired + timedelta(weeks=week, days=1),
                    mentee,
                    "mentee",
                    pair,
                    3,
                )
            )
        for number in range(scores):
            events.append(
                event(
                    "who5_score",
                    paired + timedelta(weeks=4 * number, days=1),
                    mentee,
                    "mentee",
                    pair,
                    40 + 12 * number,
                )
            )
        if index % 2:
            events.append(
                event(
                    "ended",
                    paired + timedelta(weeks=12),
                    mentee,
                    "mentee",
                    pair,
                    END_REASONS["completed"],
                )
            )
    return events


@pytest.fixture(scope="module")
def words():
    content = load_content(None)
    return words_for(Translator(content.locales, "en"), "en")


def test_outcomes_paired_test_and_meaningful_change() -> None:
    report = build_evaluation(programme(14), [], {}, Scope(), NOW)
    who5 = report.outcomes["who5"]
    assert who5.shown and who5.n_paired == 14
    assert who5.median_change == 12 and who5.ci == (12.0, 12.0)
    assert who5.p_value is not None and who5.p_value < 0.01
    assert who5.changed == {"improved": "14", "no_change": "0", "worsened": "0"}
    assert who5.improved_share == 100.0
    assert report.time_to_match is not None and report.time_to_match.median == 3.0
    assert report.completion[1] == 100.0


def test_fewer_than_eleven_people_publish_no_statistic(words) -> None:
    report = build_evaluation(programme(7), [], {}, Scope(), NOW)
    who5 = report.outcomes["who5"]
    assert not who5.shown and who5.median_change is None and who5.baseline == ()
    assert report.time_to_match is not None and not report.time_to_match.shown
    assert all(value is None for value in report.completion.values())
    assert all(value is None for value in report.survival.values())
    text = report_csv(report, "scope").decode()
    assert "median_change" not in text and "members_compared,<11" in text
    assert "engagement,introductions,both,<11" in text


def test_members_with_one_score_are_counted_not_compared() -> None:
    report = build_evaluation(programme(12, scores=1), [], {}, Scope(), NOW)
    who5 = report.outcomes["who5"]
    assert who5.n_paired == 0 and who5.n_one_score == "12" and not who5.shown


def test_corrupt_and_unknown_rows_are_left_out_and_counted() -> None:
    bad = [
        EngagementEvent("yesterday", "who5_score", "mentee", "x", None, 50),
        EngagementEvent(hour(NOW), "made_up_kind", None, "x", None, 1),
        EngagementEvent(hour(NOW), "who5_score", "mentee", "x", None, float("nan")),
    ]
    report = build_evaluation(programme(12) + bad, [], {}, Scope(), NOW)
    assert report.skipped_rows == 3 and report.outcomes["who5"].n_paired == 12
    assert "3 unreadable log rows" in report_csv(report, "s").decode()


def test_a_date_range_without_data_is_a_clear_empty_report(words) -> None:
    scope = Scope(date(2020, 1, 1), date(2020, 2, 1))
    report = build_evaluation(programme(12), [], {}, scope, NOW)
    assert report.empty and not report.outcomes
    pdf = render_pdf(report, words, "range")
    assert pdf.startswith(b"%PDF")


def test_cohort_follows_only_people_who_joined_in_it() -> None:
    first_week = Scope(START.date(), (START + timedelta(days=5)).date(), cohort=True)
    report = build_evaluation(programme(14), [], {}, first_week, NOW)
    assert report.outcomes["who5"].n_paired == 6 and not report.outcomes["who5"].shown
    assert report.pairs_followed[0] == "<11"


def test_survival_steps_never_stand_for_fewer_than_eleven_pairs() -> None:
    durations = [3.0] * 5 + [12.0] * 20  # five pairs ended in week 3
    curve = survival(durations, [True] * 5 + [False] * 20, 12)
    assert curve[1] == curve[2] == 100.0
    assert all(curve[week] is None for week in range(3, 13))
    curve = survival([3.0] * 11 + [12.0] * 20, [True] * 11 + [False] * 20, 12)
    assert curve[3] == pytest.approx(100 * 20 / 31)


def test_scope_parsing_and_bad_dates() -> None:
    assert parse_scope([]) == Scope()
    assert parse_scope(["2026-01-01", "2026-03-31"]) == Scope(date(2026, 1, 1), date(2026, 3, 31))
    assert parse_scope(["cohort", "2026-01-01", "2026-03-31"]).cohort
    for bad in (["2026-01-01"], ["cohort"], ["2026-03-31", "2026-01-01"], ["soon", "later"]):
        with pytest.raises(BadScope):
            parse_scope(bad)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("people", [0, 14])
def test_every_page_renders_as_a_png_of_the_expected_size(words, people: int) -> None:
    survey = [(hour(NOW), "p1", "mentee", "helpfulness", 4.0)] * 12
    needs = {"focus": {"anxiety": 12, "grief": 3}, "languages": {"en": 15}}
    report = build_evaluation(programme(people), survey, needs, Scope(), NOW)
    figures = pages(report, words, "scope")
    assert len(figures) == 7
    for figure in figures:
        assert png_size(render_png(figure)) == (round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI))
        titles = [axes.get_title() for axes in figure.axes if axes.axison]
        assert all(titles), "every panel has a title"
        assert figure.texts, "every page says what it shows"


def test_hidden_panels_say_so_in_words(words) -> None:
    report = build_evaluation(programme(7), [], {}, Scope(), NOW)
    figure = pages(report, words, "scope")[1]  # outcomes
    texts = [text.get_text() for axes in figure.axes for text in axes.texts]
    assert "Hidden: fewer than 11 people" in texts
    empty = build_evaluation([], [], {}, Scope(), NOW)
    figure = pages(empty, words, "scope")[3]  # pairs
    texts = [text.get_text() for axes in figure.axes for text in axes.texts]
    assert "Not enough data yet" in texts


async def test_a_second_request_while_one_is_being_built_is_told_to_wait(words, tmp_path) -> None:
    from storage.db import Database

    db = await Database.open(tmp_path / "e.sqlite3")
    lock = asyncio.Lock()
    first = asyncio.create_task(build(db, words, NOW, Scope(), lock))
    await asyncio.sleep(0)
    with pytest.raises(Busy):
        await build(db, words, NOW, Scope(), lock)
    built = await first
    assert built.pdf.startswith(b"%PDF") and built.csv.startswith(b"section,")
    await db.close()


def test_phq2_counts_a_fall_as_better() -> None:
    events = []
    for index in range(12):
        for number, score in enumerate((4, 1)):
            events.append(
                event(
                    "phq2_score",
                    START + timedelta(weeks=4 * number),
                    f"e{index}",
                    "mentee",
                    None,
                    score,
                )
            )
    report = build_evaluation(events, [], {}, Scope(), NOW)
    phq2 = report.outcomes["phq2"]
    assert phq2.median_change == -3 and phq2.changed is not None
    assert phq2.changed["improved"] == "12" and phq2.improved_share == 100.0
    assert "who5" not in report.outcomes


def test_command_line_writes_pdf_and_csv_and_refuses_bad_input(tmp_path, capsys) -> None:
    from bot.__main__ import main
    from storage.db import Database

    missing = tmp_path / "none.sqlite3"
    assert main(["evaluation", "--database", str(missing)]) == 2
    assert main(["evaluation", "--database", str(missing), "--from", "2026-01-01"]) == 2

    async def create() -> None:
        db = await Database.open(tmp_path / "bot.sqlite3")
        await db.close()

    asyncio.run(create())
    out = tmp_path / "reports" / "evaluation.pdf"
    code = main(
        [
            "evaluation",
            "--database",
            str(tmp_path / "bot.sqlite3"),
            "--out",
            str(out),
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--language",
            "es",
        ]
    )
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert out.with_suffix(".csv").read_text("utf-8").startswith("section,measure")
    assert "Eventos del 2026-01-01 al 2026-03-31" in capsys.readouterr().out
