"""The evaluation report drawn as pages (matplotlib, headless; imported only when drawing).

Each page has a title, its panels and one plain sentence on what it shows and its limits. A
hidden figure is never drawn at its height: its panel or bar says "Hidden: fewer than 11
people" in words, and a series nobody is eligible for says "Not enough data yet".
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from bot.console.evaluation import MEANINGFUL_CHANGE, Evaluation
from bot.console.evaluation_panels import (
    DPI,
    Words,
    bars,
    count_words,
    note,
    p_text,
    page_frame,
    spread_bars,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTRUMENT_NAMES = {"who5": "WHO-5", "phq2": "PHQ-2"}


def page_cover(report: Evaluation, words: Words, scope_text: str) -> Figure:
    """Title, scope, privacy rules and the limits of the whole report."""
    figure = page_frame(words, "title", "cover_limits")
    lines = [scope_text, "", words("cover_intro"), "", words("cover_privacy")]
    if report.empty:
        lines += ["", words("cover_empty")]
    if report.skipped_rows:
        lines += ["", words("cover_skipped", count=report.skipped_rows)]
    lines += ["", words("cover_pages")]
    lines += [
        f"  {number}. {words(key)}"
        for number, key in enumerate(
            (
                "page_outcomes",
                "page_engagement",
                "page_pairs",
                "page_safety",
                "page_mentors",
                "page_needs",
            ),
            start=2,
        )
    ]
    figure.text(0.04, 0.8, "\n".join(lines), fontsize=12, va="top", wrap=True)
    return figure


def page_outcomes(report: Evaluation, words: Words) -> Figure:
    """Baseline vs latest per instrument: boxes (10th-90th percentile whiskers) and the test."""
    figure = page_frame(words, "page_outcomes", "says_outcomes")
    instruments = list(report.outcomes) or ["who5"]
    for row, instrument in enumerate(instruments):
        result = report.outcomes.get(instrument)
        name = INSTRUMENT_NAMES.get(instrument, instrument)
        axes = figure.add_subplot(len(instruments), 2, 2 * row + 1)
        text_axes = figure.add_subplot(len(instruments), 2, 2 * row + 2)
        text_axes.set_axis_off()
        n = result.n_paired if result else 0
        axes.set_title(words("outcome_title", name=name, n=n), fontsize=11)
        if result is None or not result.shown:
            note(axes, words("hidden_small" if n else "not_enough_data"))
        else:
            axes.boxplot([result.baseline, result.latest], whis=(10, 90), showfliers=False)
            axes.set_xticks([1, 2], [words("outcome_start"), words("outcome_latest")])
            axes.set_ylabel(words("outcome_axis"))
        lines = []
        if result is not None and result.shown and result.ci and result.changed:
            threshold = f"{MEANINGFUL_CHANGE.get(instrument, 0.0):g}"
            lines.append(
                words(
                    "outcome_summary",
                    change=f"{result.median_change:+g}",
                    low=f"{result.ci[0]:+.1f}",
                    high=f"{result.ci[1]:+.1f}",
                    p=p_text(result.p_value),
                )
            )
            if result.improved_share is not None:
                lines.append(
                    words(
                        "outcome_share", share=f"{result.improved_share:.0f}", threshold=threshold
                    )
                )
            lines.append(
                words(
                    "outcome_counts",
                    threshold=threshold,
                    improved=count_words(words, result.changed["improved"]),
                    same=count_words(words, result.changed["no_change"]),
                    worse=count_words(words, result.changed["worsened"]),
                )
            )
        if result is not None:
            lines.append(words("outcome_one_score", count=count_words(words, result.n_one_score)))
        text_axes.text(
            0, 0.9, "\n\n".join(lines) or words("not_enough_data"), fontsize=10, va="top", wrap=True
        )
    return figure


def page_engagement(report: Evaluation, words: Words) -> Figure:
    """Time to match, acceptance, weekly check-in completion, messages per pair-week."""
    figure = page_frame(words, "page_engagement", "says_engagement")
    grid = figure.subplots(2, 2)
    spread_bars(
        grid[0][0],
        words,
        {words("days"): report.time_to_match},
        words("match_title"),
        words("days"),
    )
    bars(
        grid[0][1],
        words,
        report.acceptance,
        words("acceptance_title"),
        {k: words(f"acceptance_{k}") for k in ("both", "declined", "waiting")},
    )
    completion = grid[1][0]
    completion.set_title(words("completion_title"), fontsize=11)
    points = {w: v for w, v in report.completion.items() if v is not None}
    if points:
        completion.plot(list(points), list(points.values()), marker="o")
        completion.set_xlim(0.5, max(report.completion) + 0.5)
        completion.set_ylim(0, 105)
        completion.set_xlabel(words("programme_week"))
        completion.set_ylabel(words("percent"))
    else:
        note(completion, words("hidden_small" if report.completion_eligible else "not_enough_data"))
    messages = grid[1][1]
    messages.set_axis_off()
    messages.set_title(words("messages_title"), fontsize=11)
    spread = report.messages_per_pair_week
    if spread is not None and spread.shown:
        note(
            messages,
            words(
                "messages_text", median=f"{spread.median:.1f}", p90=f"{spread.p90:.1f}", n=spread.n
            ),
        )
    else:
        note(messages, words("hidden_small" if spread and spread.n else "not_enough_data"))
    return figure


def page_pairs(report: Evaluation, words: Words) -> Figure:
    """Pair survival by programme week (censored), closure reasons, exit-survey answers."""
    figure = page_frame(words, "page_pairs", "says_pairs")
    survival = figure.add_subplot(2, 2, 1)
    survival.set_title(
        words("survival_title", n=count_words(words, report.pairs_followed[0])), fontsize=11
    )
    points = {w: v for w, v in report.survival.items() if v is not None}
    if points:
        weeks = [0, *points]
        survival.step(weeks, [100.0, *points.values()], where="post", marker="o")
        survival.set_ylim(0, 105)
        survival.set_xlim(0, max(report.survival) + 0.5)
        survival.set_xlabel(words("programme_week"))
        survival.set_ylabel(words("percent"))
    else:
        note(
            survival, words("hidden_small" if report.pairs_followed[1] != 0 else "not_enough_data")
        )
    reasons = {
        name: words(f"reason_{name}")
        for name in (
            "completed",
            "mentee_left",
            "mentor_left",
            "coordinator",
            "forgot",
            "no_fit",
            "unreachable",
            "other",
        )
    }
    bars(
        figure.add_subplot(2, 2, 2),
        words,
        report.closure,
        words("closure_title"),
        reasons,
        horizontal=True,
    )
    questions = list(report.exit_survey) or ["helpfulness"]
    for index, question in enumerate(questions[:4]):
        axes = figure.add_subplot(2, 4, 5 + index)
        bars(axes, words, report.exit_survey.get(question), words(f"survey_{question}"))
    return figure


def page_safety(report: Evaluation, words: Words) -> Figure:
    """Alerts per 100 member-weeks; minutes to claim and to resolve."""
    figure = page_frame(words, "page_safety", "says_safety")
    rate_axes, time_axes = figure.subplots(1, 2)
    rate_axes.set_axis_off()
    rate_axes.set_title(words("alerts_title"), fontsize=11)
    if report.alerts_per_100 is not None:
        note(
            rate_axes,
            words(
                "alerts_text",
                count=report.alerts[0],
                weeks=f"{report.member_weeks:.0f}",
                rate=f"{report.alerts_per_100:.1f}",
            ),
        )
    else:
        note(rate_axes, words("hidden_small" if report.alerts[1] != 0 else "not_enough_data"))
    spread_bars(
        time_axes,
        words,
        {words("claim"): report.claim, words("resolve"): report.resolve},
        words("claim_title"),
        words("minutes"),
    )
    return figure


def page_mentors(report: Evaluation, words: Words) -> Figure:
    """Caseload, the pulse answers, step-backs and training completion."""
    figure = page_frame(words, "page_mentors", "says_mentors")
    grid = figure.subplots(2, 2)
    bars(grid[0][0], words, report.caseload, words("caseload_title"))
    bars(
        grid[0][1],
        words,
        report.pulse_wellbeing,
        f"{words('pulse_title')}: {words('pulse_wellbeing')}",
    )
    bars(grid[1][0], words, report.pulse_going, f"{words('pulse_title')}: {words('pulse_going')}")
    bars(
        grid[1][1],
        words,
        report.training,
        words("training_title"),
        {"trained": words("training_trained"), "not_yet": words("training_not_yet")},
    )
    figure.text(
        0.55,
        0.12,
        words("stepbacks_text", count=count_words(words, report.stepbacks[0])),
        fontsize=10,
    )
    return figure


def page_needs(report: Evaluation, words: Words) -> Figure:
    """Focus areas and languages named at intake."""
    figure = page_frame(words, "page_needs", "says_needs")
    focus, languages = figure.subplots(1, 2)
    bars(focus, words, report.focus, words("focus_title"), horizontal=True)
    bars(languages, words, report.languages, words("languages_title"), horizontal=True)
    return figure


def pages(report: Evaluation, words: Words, scope_text: str) -> list[Any]:
    """Every page of the report, in order."""
    return [
        page_cover(report, words, scope_text),
        page_outcomes(report, words),
        page_engagement(report, words),
        page_pairs(report, words),
        page_safety(report, words),
        page_mentors(report, words),
        page_needs(report, words),
    ]


def render_pdf(report: Evaluation, words: Words, scope_text: str) -> bytes:
    """The whole report as one multi-page PDF."""
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": words("title"), "Creator": "companion bot"}) as pdf:
        for figure in pages(report, words, scope_text):
            pdf.savefig(figure)
    return buffer.getvalue()


def render_png(figure: Figure) -> bytes:
    """One page as a PNG of exactly WIDTH_IN x HEIGHT_IN at DPI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
