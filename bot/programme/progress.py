"""/progress: a member's own trend, never anyone else's (Telegram-free: text and a PNG).

A mentee sees their check-ins by week (mood, sleep, stress) and their WHO-5 scores with a plain
reading; a low latest score brings the same gentle suggestion and crisis wording as the check-in.
A mentor sees their own weekly pulse. matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.clock import from_db
from bot.core.i18n import Html
from bot.programme.checkins import trend
from storage import progress
from storage.members import Member
from storage.progress import Pulse, Score, WeekAnswers

if TYPE_CHECKING:
    from bot.services import Services

WEEKS_SHOWN = 12
MEANINGFUL_WHO5_CHANGE = 10  # points on the 0-100 WHO-5 scale
WIDTH_PX, HEIGHT_PX, DPI = 800, 600, 100


def _draw(
    title: str,
    week_label: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None], int]],
) -> bytes:
    """Stacked small line charts sharing the week axis; (label, values, top of scale) each."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=13)
    axes_list = figure.subplots(len(series), 1, sharex=True)
    xs = list(range(len(periods)))
    for axes, (label, values, top) in zip(axes_list, series, strict=True):
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        axes.plot([x for x, _ in points], [v for _, v in points], marker="o")
        axes.set_ylim(0.5, top + 0.5)
        axes.set_yticks(range(1, top + 1))
        axes.set_title(label, fontsize=10, loc="left")
        axes.grid(axis="y", alpha=0.3)
    axes_list[-1].set_xticks(xs, [p.split("-")[-1] for p in periods], fontsize=8)
    axes_list[-1].set_xlabel(week_label)
    figure.subplots_adjust(left=0.08, right=0.97, top=0.88, bottom=0.1, hspace=0.5)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def checkin_chart(words: dict[str, str], weeks: Sequence[WeekAnswers]) -> bytes:
    """Mood (1-5), sleep (1-3) and stress (1-3) by week."""
    return _draw(
        words["title"],
        words["week"],
        [w.period for w in weeks],
        [
            (words["mood"], [w.mood for w in weeks], 5),
            (words["sleep"], [w.answers.get("sleep") for w in weeks], 3),
            (words["stress"], [w.answers.get("stress") for w in weeks], 3),
        ],
    )


def pulse_chart(words: dict[str, str], pulses: Sequence[Pulse]) -> bytes:
    """How the mentoring goes and how the mentor is (1-5), by week."""
    return _draw(
        words["pulse_title"],
        words["week"],
        [p.period for p in pulses],
        [
            (words["going"], [p.going for p in pulses], 5),
            (words["wellbeing"], [p.wellbeing for p in pulses], 5),
        ],
    )


def who5_reading(scores: Sequence[Score]) -> tuple[str, int]:
    """'up', 'down', 'same' or 'one' (only one score yet), and the points of change."""
    if len(scores) < 2:
        return "one", 0
    change = scores[-1].score - scores[0].score
    if change >= MEANINGFUL_WHO5_CHANGE:
        return "up", change
    if change <= -MEANINGFUL_WHO5_CHANGE:
        return "down", -change
    return "same", abs(change)


def _day(moment: str, language: str) -> str:
    taken: datetime | None = from_db(moment)
    return taken.date().isoformat() if taken else moment[:10]


def chart_words(services: Services, language: str) -> dict[str, str]:
    """The chart's labels in the member's language (plain text)."""
    keys = ("title", "week", "mood", "sleep", "stress", "pulse_title", "going", "wellbeing")
    return {key: html.unescape(services.t(language, f"progress.chart_{key}")) for key in keys}


async def progress_for(services: Services, member: Member) -> tuple[Html, bytes | None]:
    """The member's own progress: text, and a PNG when there is something to draw."""
    t, language = services.t, member.language
    if member.role == "mentor":
        pulses = await progress.pulse_history(services.db, member.id, WEEKS_SHOWN)
        if not pulses:
            return t(language, "progress.mentor_nothing"), None
        lines: list[str] = [
            t(language, "progress.title_mentor"),
            t(language, "progress.pulse_lines", count=len(pulses)),
            t(language, "progress.private"),
        ]
        return Html("\n\n".join(lines)), pulse_chart(chart_words(services, language), pulses)
    weeks = await progress.checkin_history(services.db, member.id, WEEKS_SHOWN)
    scores = await progress.scores(services.db, member.id)
    if not weeks and not scores:
        return t(language, "progress.nothing_yet"), None
    lines = [t(language, "progress.title_mentee")]
    if weeks:
        lines.append(
            t(
                language,
                "progress.checkins",
                count=len(weeks),
                trend=trend([w.mood for w in weeks[-6:]]),
            )
        )
    lines += _measure_lines(services, member, scores)
    extra = await _goal_lines(services, member)
    lines += extra
    lines.append(t(language, "progress.private"))
    chart = checkin_chart(chart_words(services, language), weeks) if weeks else None
    return Html("\n\n".join(lines)), chart


def _measure_lines(services: Services, member: Member, scores: Sequence[Score]) -> list[str]:
    """WHO-5 (and PHQ-2 when used) over time, the plain reading, and help when low."""
    from bot.programme.checkin_summary import low_result_text

    t, language = services.t, member.language
    lines: list[str] = []
    who5 = [s for s in scores if s.instrument == "who5"]
    if who5:
        listed = " → ".join(
            t(language, "progress.score", score=s.score, date=_day(s.taken_at, language))
            for s in who5
        )
        lines.append(t(language, "progress.who5_title", scores=Html(listed)))
        reading, points = who5_reading(who5)
        lines.append(t(language, f"progress.who5_{reading}", points=points))
    phq2 = [s for s in scores if s.instrument == "phq2"]
    if phq2:
        listed = " → ".join(
            t(language, "progress.score", score=s.score, date=_day(s.taken_at, language))
            for s in phq2
        )
        lines.append(t(language, "progress.phq2_title", scores=Html(listed)))
    measures = services.content.checkins.measures
    low = False
    for measure, results in ((measures.get("who5"), who5), (measures.get("phq2"), phq2)):
        if results and measure is not None and measure.band(results[-1].score).low:
            low = True
    if low:
        lines.append(low_result_text(services, member))
    return lines


async def _goal_lines(services: Services, member: Member) -> list[str]:
    """The member's goals and how far they got (nothing if they set none)."""
    from bot.programme.checkin_extras import goal_lines

    lines = await goal_lines(services, member, member.language)
    return (
        [services.t(member.language, "goals.progress_title") + "\n" + "\n".join(lines)]
        if lines
        else []
    )
