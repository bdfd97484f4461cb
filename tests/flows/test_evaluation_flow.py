"""Real check-ins through the sandbox reach the dashboard, the export and the evaluation report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.sandbox.harness import Sandbox
from storage import engagement
from tests.flows.pairing_helpers import make_member, make_pair
from tests.flows.test_checkin import answer_checkin, answer_who5
from tests.flows.test_console import sent_files

MENTEES = 11  # the smallest group whose figures may be published


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def evaluation_figure(data: bytes, measure: str, category: str) -> str:
    """One cell of the evaluation CSV (section, measure, category, value, n)."""
    for row in rows_of(data):
        if len(row) >= 4 and row[1] == measure and row[2] == category:
            return row[3]
    return ""


async def reports(sandbox: Sandbox) -> tuple[str, list[list[str]], bytes, bytes]:
    """Dashboard text, export rows, evaluation PDF and CSV, as a coordinator gets them."""
    cleo = sandbox.group.coordinator("Cleo")
    dashboard = (await cleo.send("/dashboard"))[-1].text
    await cleo.send("/export")
    export = rows_of(sent_files(sandbox, "sendDocument")[-1]["document"])
    await cleo.send("/evaluation")
    pdf, csv_data = (p["document"] for p in sent_files(sandbox, "sendDocument")[-2:])
    return dashboard, export, pdf, csv_data


def total(export: list[list[str]], column: str) -> str:
    header, last = export[0], next(row for row in export if row[0] == "total")
    return last[header.index(column)]


async def check_in_everyone(sandbox: Sandbox, users: list, anchor: str) -> None:
    for user in users:
        replies = await user.send("/checkin")
        replies = await answer_checkin(user, replies[-1], note=None, contact=False)
        replies = await answer_who5(user, replies[-1], anchor)
        assert any("Your check-in is saved" in reply.text for reply in replies)


async def test_live_checkins_change_dashboard_export_and_evaluation(sandbox: Sandbox) -> None:
    assert sandbox.services is not None
    users = []
    for index in range(MENTEES):
        mentee_user, mentor_user = sandbox.user(f"Mentee{index}"), sandbox.user(f"Mentor{index}")
        mentee = await make_member(sandbox, mentee_user, "mentee", f"Sun{index}")
        mentor = await make_member(sandbox, mentor_user, "mentor", f"Oak{index}")
        pair = await make_pair(sandbox, mentee, mentor)
        for member in (mentee, mentor):  # what bot.programme.pairing logs when a pair is formed
            await engagement.record(
                sandbox.db,
                sandbox.services.pseudonym_key,
                kind="paired",
                now=sandbox.clock.now(),
                telegram_id=member.telegram_id,
                role=member.role,
                pair_code=pair.code,
            )
        users.append(mentee_user)
    before_dashboard, before_export, pdf, before_csv = await reports(sandbox)
    assert pdf.startswith(b"%PDF")
    assert total(before_export, "checkins") == "0" and total(before_export, "who5_scores") == "0"
    assert evaluation_figure(before_csv, "who5", "median_change") == ""

    sandbox.clock.advance(timedelta(hours=2))
    await check_in_everyone(sandbox, users, "Less than half of the time")  # 2*5*4 = 40
    sandbox.clock.advance(timedelta(weeks=4))
    await check_in_everyone(sandbox, users, "Most of the time")  # 4*5*4 = 80
    live = await engagement.events(sandbox.db, "who5_score")
    assert sorted(e.value for e in live) == [40.0] * MENTEES + [80.0] * MENTEES

    dashboard, export, pdf, after_csv = await reports(sandbox)
    assert dashboard != before_dashboard
    assert "WHO-5 +40" in dashboard  # the live scores, not seeded ones
    assert total(export, "checkins") == str(2 * MENTEES)
    assert total(export, "who5_scores") == str(2 * MENTEES)
    assert (
        pdf.startswith(b"%PDF")
        and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + pdf.count(b"/Type /Page ")
        >= 1
    )
    assert evaluation_figure(after_csv, "who5", "median_change") == "+40.00"
    assert evaluation_figure(after_csv, "who5", "improved") == str(MENTEES)
    assert evaluation_figure(after_csv, "who5", "improved_pct") == "100.0"
    assert evaluation_figure(after_csv, "who5", "wilcoxon_p") not in ("", "1.0000")
    audit = await sandbox.db.fetch_value(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation'"
    )
    assert audit == 2


async def test_bad_dates_get_the_usage_and_members_cannot_ask(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    for words in (
        "/evaluation 2026-13-01 2026-12-31",
        "/evaluation 2026-03-01",
        "/evaluation cohort",
        "/evaluation 2026-03-31 2026-03-01",
    ):
        replies = await cleo.send(words)
        assert "couldn't read those dates" in replies[-1].text
    assert not sent_files(sandbox, "sendDocument")
    ana = sandbox.user("Ana")
    replies = await ana.send("/evaluation")
    assert "don't know that command" in replies[-1].text


async def test_a_failure_is_a_plain_message_and_a_busy_builder_says_wait(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.console.evaluation_report import Busy
    from handlers import evaluation

    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    async def busy(*_: object) -> None:
        raise Busy

    cleo = sandbox.group.coordinator("Cleo")
    monkeypatch.setattr(evaluation, "build", broken)
    replies = await cleo.send("/evaluation")
    assert "could not be built this time" in replies[-1].text and "boom" not in replies[-1].text
    monkeypatch.setattr(evaluation, "build", busy)
    replies = await cleo.send("/evaluation")
    assert "being built right now" in replies[-1].text
    assert not sent_files(sandbox, "sendDocument")
