"""The dashboard chart is drawn again only when what it shows changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_reports import START, programme

from bot.console import chart_worker
from bot.console.reports import build_report


async def test_the_same_figures_are_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[bytes] = []

    def draw(inputs: bytes) -> bytes:
        drawn.append(inputs)
        return f"png {len(drawn)}".encode()

    monkeypatch.setattr(chart_worker, "start_worker", lambda: None)  # drawn in a thread instead
    monkeypatch.setattr(chart_worker, "_render_pickled", draw)
    monkeypatch.setattr(chart_worker, "_last", None)
    now = START + timedelta(weeks=8)
    report = build_report(programme(), now)
    first = await chart_worker.render_off_loop(report, {1: "Walk"})
    assert await chart_worker.render_off_loop(build_report(programme(), now), {1: "Walk"}) == first
    assert len(drawn) == 1
    assert await chart_worker.render_off_loop(report, {1: "Breathe"}) == b"png 2"  # a title changed
    assert (
        await chart_worker.render_off_loop(build_report(programme(dropouts=3), now), {1: "Breathe"})
        == b"png 3"
    )
    assert (
        await chart_worker.render_off_loop(report, {1: "Breathe"}) == b"png 4"
    )  # only the last kept
