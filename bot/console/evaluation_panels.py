"""The evaluation report's drawing parts: the page frame, notes in words, bars and spreads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.console.evaluation_stats import Spread, Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Words = Callable[..., str]  # (key, **params) -> plain text in the report's language
WIDTH_IN, HEIGHT_IN, DPI = 11.69, 8.27, 100  # A4 landscape; a page PNG is 1169 x 827 pixels
NOTE_COLOR = "#555555"


def page_frame(words: Words, title_key: str, says_key: str) -> Figure:
    """An empty A4 page with its title and the sentence on what it shows."""
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


def note(axes: Axes, text: str, *, hide_axes: bool = True) -> None:
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


def bars(
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
        note(axes, words("not_enough_data"))
        return
    if not table.any_shown:
        note(axes, words("hidden_small"))
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
                count_words(words, table.texts[name]),
                spot,
                fontsize=8,
                color=NOTE_COLOR,
                ha="left" if horizontal else "center",
                va="center" if horizontal else "bottom",
            )


def spread_bars(
    axes: Axes, words: Words, spreads: dict[str, Spread | None], title: str, unit: str
) -> None:
    """Median and 90th percentile of one or more spreads, or why they are missing."""
    axes.set_title(title, fontsize=11)
    usable = {name: s for name, s in spreads.items() if s is not None and s.shown}
    if not usable:
        anyone = any(s is not None and s.n > 0 for s in spreads.values())
        note(axes, words("hidden_small" if anyone else "not_enough_data"))
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


def p_text(value: float | None) -> str:
    """A p-value as the report prints it."""
    if value is None:
        return "-"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def count_words(words: Words, text: str) -> str:
    """A published count as words: '<11' reads 'fewer than 11', '*' and '-' read 'hidden'."""
    return {"<11": words("fewer"), "*": words("share_hidden"), "-": words("share_hidden")}.get(
        text, text
    )
