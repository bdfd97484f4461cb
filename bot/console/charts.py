"""The dashboard chart: a PNG drawn with matplotlib's headless Agg canvas (no pyplot state).

Hidden counts are never drawn at their true height: a week whose count is "<11" (or hidden to
protect one) gets a grey marker and a label instead, so the picture reveals no more than the text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.console.reports import RETENTION_WEEKS, Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 1200, 750, 100
MAX_WEEKS_SHOWN = 12
HIDDEN_COLOR = "#bbbbbb"
HIDDEN_WORDS = "hidden: fewer than 11 people each week"


def _figure() -> Figure:
    # matplotlib is imported on first use: it costs ~0.4 s and ~40 MB at start-up, and only
    # /dashboard draws.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)  # no bbox_inches: keep the exact pixel size
    return buffer.getvalue()


def _short(week: str) -> str:
    return week[5:]  # "2026-03-02" -> "03-02"


def _bars(axes: Axes, weeks: Sequence[str], series: dict[str, list[int | None]]) -> None:
    """Grouped weekly bars; hidden values drawn as grey crosses on the axis, never at height."""
    width = 0.8 / max(1, len(series))
    tallest = 1
    for index, (label, values) in enumerate(series.items()):
        xs = [position + index * width for position in range(len(weeks))]
        shown = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        hidden = [x for x, v in zip(xs, values, strict=True) if v is None]
        axes.bar([x for x, _ in shown], [v for _, v in shown], width=width, label=label)
        tallest = max([tallest, *(v for _, v in shown)])
        if hidden:
            axes.scatter(
                hidden,
                [0] * len(hidden),
                marker="x",
                s=18,
                color=HIDDEN_COLOR,
                clip_on=False,
                zorder=3,
            )
    every = [v for values in series.values() for v in values]
    if every and all(v is None or v == 0 for v in every) and any(v is None for v in every):
        _note(axes, HIDDEN_WORDS)  # nothing but hidden weeks: say so, never an empty frame
    elif every and all(v == 0 for v in every):
        _note(axes, "none in these weeks")
    from matplotlib.ticker import MaxNLocator

    axes.set_ylim(0, tallest * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xticks([p + 0.4 - width / 2 for p in range(len(weeks))])
    axes.set_xticklabels([_short(w) for w in weeks], rotation=45, fontsize=7)
    axes.legend(fontsize=7, loc="upper left")


def _line(axes: Axes, weeks: Sequence[str], values: dict[str, float], label: str) -> None:
    xs = [i for i, week in enumerate(weeks) if week in values]
    axes.plot(xs, [values[weeks[i]] for i in xs], marker="o", label=label)
    axes.set_xticks(range(len(weeks)))
    axes.set_xticklabels([_short(w) for w in weeks], rotation=45, fontsize=7)
    if not xs:
        _note(axes, "fewer than 11 people per week so far")


def _plain(text: str) -> str:
    """Drop characters the bundled font cannot draw (emoji), which would only warn."""
    return "".join(c for c in text if ord(c) < 0x2000).strip()


def _note(axes: Axes, text: str) -> None:
    axes.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=axes.transAxes,
        fontsize=9,
        color="#666666",
    )


def render_dashboard(report: Report, coping_title: Callable[[int], str]) -> bytes:
    """The six-panel PNG of a report (a friendly placeholder when the programme is empty)."""
    return _png(dashboard_figure(report, coping_title))


def dashboard_figure(report: Report, coping_title: Callable[[int], str]) -> Figure:
    """The six panels; a panel with nothing publishable says why in words."""
    figure = _figure()
    if report.empty:
        axes = figure.add_subplot(1, 1, 1)
        axes.set_axis_off()
        axes.text(0.5, 0.55, "No activity yet", ha="center", fontsize=28)
        axes.text(
            0.5,
            0.42,
            "This chart fills in as members join, pair up and check in.",
            ha="center",
            fontsize=14,
            color="#555555",
        )
        return figure
    weeks = report.weeks[-MAX_WEEKS_SHOWN:]
    offset = len(report.weeks) - len(weeks)

    def column(name: str) -> list[int | None]:
        return report.column(name)[offset:]

    panels = figure.subplots(2, 3)
    figure.suptitle(
        "Programme overview (grey x = hidden: fewer than 11, or hidden to protect such a count)",
        fontsize=12,
    )
    members = panels[0][0]
    _bars(
        members,
        weeks,
        {
            "new mentees": column("new_mentees"),
            "new mentors": column("new_mentors"),
            "active pairs": column("active_pairs"),
        },
    )
    members.set_title("Members and pairs", fontsize=10)

    completion = panels[0][1]
    _line(completion, weeks, report.weekly_completion, "check-in completion %")
    completion.set_ylim(0, 105)
    completion.set_title("Weekly check-in completion (%)", fontsize=10)

    mood = panels[0][2]
    _line(mood, weeks, report.weekly_mood, "mean mood")
    mood.set_ylim(1, 5)
    change = report.stats["mood_change"]
    who5 = report.stats["who5_change"]
    subtitle = []
    if change.shown and change.value is not None:
        subtitle.append(f"mood {change.value:+.1f}")
    if who5.shown and who5.value is not None:
        subtitle.append(f"WHO-5 {who5.value:+.0f}")
    mood.set_title(
        "Mean mood (1-5)" + (f"\nsince pairing: {', '.join(subtitle)}" if subtitle else ""),
        fontsize=10,
    )

    retention = panels[1][0]
    labels = [f"{k} wk" for k in RETENTION_WEEKS]
    values = [report.retention.get(k) for k in RETENTION_WEEKS]
    retention.bar(
        [i for i, v in enumerate(values) if v is not None], [v for v in values if v is not None]
    )
    retention.set_xlim(-0.5, len(labels) - 0.5)
    retention.set_xticks(range(len(labels)))
    retention.set_xticklabels(labels)
    retention.set_ylim(0, 105)
    retention.set_title("Pairs still together (%)", fontsize=10)
    for position, value in enumerate(values):
        if value is None:  # too few pairs followed that long, or hidden: a word, not a blank
            retention.text(
                position,
                4,
                "not enough\ndata yet",
                ha="center",
                va="bottom",
                fontsize=8,
                color="#666666",
            )

    escalations = panels[1][1]
    _bars(
        escalations,
        weeks,
        {
            "raised": column("escalations"),
            "claimed": column("escalations_claimed"),
        },
    )
    claim = report.stats["claim_minutes"]
    escalations.set_title(
        "Escalations"
        + (
            f"; median {claim.value:.0f} min to claim"
            if claim.shown and claim.value is not None
            else ""
        ),
        fontsize=10,
    )

    coping = panels[1][2]
    if report.top_coping:
        names = [_plain(coping_title(number))[:24] for number, _ in report.top_coping]
        coping.barh(names[::-1], [votes for _, votes in report.top_coping][::-1])
        for tick in coping.get_yticklabels():
            tick.set_fontsize(7)
    else:
        coping.set_axis_off()
        _note(coping, "no strategy has 11+ 'this helped' votes yet")
    coping.set_title("Most helpful coping strategies", fontsize=10)
    figure.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.1, wspace=0.35, hspace=0.45)
    return figure
