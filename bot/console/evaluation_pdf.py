"""The evaluation report drawn as pages (matplotlib, headless; imported only when drawing).

Each page has a title, its panels and one plain sentence on what it shows and its limits. A
hidden figure is never drawn at its height: its panel or bar says "Hidden: fewer than 11
people" in words, and a series nobody is eligible for says "Not enough data yet".
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.console.evaluation import MEANINGFUL_CHANGE, Evaluation
from bot.console.evaluation_stats import Spread, Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Words = Callable[..., str]  # (key, **params) -> plain text in the report's language
WIDTH_IN, HEIGHT_IN, DPI = 11.69, 8.27, 100  # A4 landscape; a page PNG is 1169 x 827 pixels
NOTE_COLOR = "#555555"
INSTRUMENT_NAMES = {"who5": "WHO-5", "phq2": "PHQ-2"}


def _figure(words: Words, title_key: str, says_key: str) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(words(title_key), fontsize=15, x=0.04, ha="left")
    figure.text(
        0.04, 0.03, words(says_key), fontsize=9, color=NOTE_COLOR, wrap=True, ha="left", va="bottom"
    )
    figure.subplots_adjust(left=0.07, right=0.97, top=0.86, bottom=0.2, wspace=0.3, hspace=0.55)
    return figure


def _note(axes: Axes, text: str, *, hide_axes: bool = True) -> None:
    """A panel that can only speak: the reason there is nothing to draw."""
    if hide_axes:
        axes.set_xticks([])
        axes.set_yticks([])
    axes.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=axes.transAxes,
        fontsize=12,
        color=NOTE_COLOR,
        wrap=True,
    )


def _bars(
    axes: Axes,
    words: Words,
    table: Table | None,
    title: str,
    labels: dict[str, str] | None = None,
    *,
    horizontal: bool = False,
) -> None:
    """One bar per published category; hidden ones are named with 'fewer than 11'."""
    axes.set_title(title, fontsize=11)
    if table is None or not table.texts or all(v == 0 for v in table.published.values()):
        _note(axes, words("not_enough_data"))
        return
    if not table.any_shown:
        _note(axes, words("hidden_small"))
        return
    names = list(table.texts)
    shown = [(labels or {}).get(n, n) for n in names]
    values = [table.published[n] or 0 for n in names]
    positions = range(len(names))
    if horizontal:
        axes.barh(list(positions)[::-1], values, color="#4c72b0")
        axes.set_yticks(list(positions)[::-1], shown, fontsize=8)
        axes.set_xlabel(words("people"))
    else:
        axes.bar(positions, values, color="#4c72b0")
        axes.set_xticks(list(positions), shown, fontsize=8, rotation=20)
        axes.set_ylabel(words("people"))
    for position, name in zip(positions, names, strict=True):
        if table.published[name] is None:  # hidden: a word on the axis, never a height
            spot = (0, len(names) - 1 - position) if horizontal else (position, 0)
            axes.annotate(
                _words_count(words, table.texts[name]),
                spot,
                fontsize=8,
                color=NOTE_COLOR,
                ha="left" if horizontal else "center",
                va="center" if horizontal else "bottom",
            )


def _spread_bars(
    axes: Axes, words: Words, spreads: dict[str, Spread | None], title: str, unit: str
) -> None:
    """Median and 90th percentile of one or more spreads, or why they are missing."""
    axes.set_title(title, fontsize=11)
    usable = {name: s for name, s in spreads.items() if s is not None and s.shown}
    if not usable:
        anyone = any(s is not None and s.n > 0 for s in spreads.values())
        _note(axes, words("hidden_small" if anyone else "not_enough_data"))
        return
    names = list(usable)
    xs = range(len(names))
    axes.bar(
        [x - 0.2 for x in xs],
        [usable[n].median or 0 for n in names],
        width=0.4,
        label=words("median"),
        color="#4c72b0",
    )
    axes.bar(
        [x + 0.2 for x in xs],
        [usable[n].p90 or 0 for n in names],
        width=0.4,
        label=words("p90"),
        color="#dd8452",
    )
    axes.set_xticks(list(xs), [f"{n} (n={usable[n].n})" for n in names], fontsize=9)
    axes.set_ylabel(unit)
    axes.legend(fontsize=8)


def page_cover(report: Evaluation, words: Words, scope_text: str) -> Figure:
    """Title, scope, privacy rules and the limits of the whole report."""
    figure = _figure(words, "title", "cover_limits")
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
    figure = _figure(words, "page_outcomes", "says_outcomes")
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
            _note(axes, words("hidden_small" if n else "not_enough_data"))
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
                    p=_p(result.p_value),
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
                    improved=_words_count(words, result.changed["improved"]),
                    same=_words_count(words, result.changed["no_change"]),
                    worse=_words_count(words, result.changed["worsened"]),
                )
            )
        if result is not None:
            lines.append(words("outcome_one_score", count=_words_count(words, result.n_one_score)))
        text_axes.text(
            0, 0.9, "\n\n".join(lines) or words("not_enough_data"), fontsize=10, va="top", wrap=True
        )
    return figure


def _p(value: float | None) -> str:
    if value is None:
        return "-"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def _words_count(words: Words, text: str) -> str:
    """A published count as words: '<11' reads 'fewer than 11', '*' and '-' read 'hidden'."""
    return {"<11": words("fewer"), "*": words("share_hidden"), "-": words("share_hidden")}.get(
        text, text
    )


def page_engagement(report: Evaluation, words: Words) -> Figure:
    """Time to match, acceptance, weekly check-in completion, messages per pair-week."""
    figure = _figure(words, "page_engagement", "says_engagement")
    grid = figure.subplots(2, 2)
    _spread_bars(
        grid[0][0],
        words,
        {words("days"): report.time_to_match},
        words("match_title"),
        words("days"),
    )
    _bars(
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
        _note(
            completion, words("hidden_small" if report.completion_eligible else "not_enough_data")
        )
    messages = grid[1][1]
    messages.set_axis_off()
    messages.set_title(words("messages_title"), fontsize=11)
    spread = report.messages_per_pair_week
    if spread is not None and spread.shown:
        _note(
            messages,
            words(
                "messages_text", median=f"{spread.median:.1f}", p90=f"{spread.p90:.1f}", n=spread.n
            ),
        )
    else:
        _note(messages, words("hidden_small" if spread and spread.n else "not_enough_data"))
    return figure


def page_pairs(report: Evaluation, words: Words) -> Figure:
    """Pair survival by programme week (censored), closure reasons, exit-survey answers."""
    figure = _figure(words, "page_pairs", "says_pairs")
    survival = figure.add_subplot(2, 2, 1)
    survival.set_title(
        words("survival_title", n=_words_count(words, report.pairs_followed[0])), fontsize=11
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
        _note(
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
    _bars(
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
        _bars(axes, words, report.exit_survey.get(question), words(f"survey_{question}"))
    return figure


def page_safety(report: Evaluation, words: Words) -> Figure:
    """Alerts per 100 member-weeks; minutes to claim and to resolve."""
    figure = _figure(words, "page_safety", "says_safety")
    rate_axes, time_axes = figure.subplots(1, 2)
    rate_axes.set_axis_off()
    rate_axes.set_title(words("alerts_title"), fontsize=11)
    if report.alerts_per_100 is not None:
        _note(
            rate_axes,
            words(
                "alerts_text",
                count=report.alerts[0],
                weeks=f"{report.member_weeks:.0f}",
                rate=f"{report.alerts_per_100:.1f}",
            ),
        )
    else:
        _note(rate_axes, words("hidden_small" if report.alerts[1] != 0 else "not_enough_data"))
    _spread_bars(
        time_axes,
        words,
        {words("claim"): report.claim, words("resolve"): report.resolve},
        words("claim_title"),
        words("minutes"),
    )
    return figure


def page_mentors(report: Evaluation, words: Words) -> Figure:
    """Caseload, the pulse answers, step-backs and training completion."""
    figure = _figure(words, "page_mentors", "says_mentors")
    grid = figure.subplots(2, 2)
    _bars(grid[0][0], words, report.caseload, words("caseload_title"))
    _bars(
        grid[0][1],
        words,
        report.pulse_wellbeing,
        f"{words('pulse_title')}: {words('pulse_wellbeing')}",
    )
    _bars(grid[1][0], words, report.pulse_going, f"{words('pulse_title')}: {words('pulse_going')}")
    _bars(
        grid[1][1],
        words,
        report.training,
        words("training_title"),
        {"trained": words("training_trained"), "not_yet": words("training_not_yet")},
    )
    figure.text(
        0.55,
        0.12,
        words("stepbacks_text", count=_words_count(words, report.stepbacks[0])),
        fontsize=10,
    )
    return figure


def page_needs(report: Evaluation, words: Words) -> Figure:
    """Focus areas and languages named at intake."""
    figure = _figure(words, "page_needs", "says_needs")
    focus, languages = figure.subplots(1, 2)
    _bars(focus, words, report.focus, words("focus_title"), horizontal=True)
    _bars(languages, words, report.languages, words("languages_title"), horizontal=True)
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
