"""A fixed-seed fuzz sample through the whole Application (bench/fuzz.py runs 10,000+ updates)."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.fuzz import run_fuzz
from tests.conftest import shipped_content


def test_a_few_hundred_generated_updates_break_nothing(tmp_path: Path) -> None:
    stats = run_fuzz(tmp_path, updates=300, seed_value=7, content=shipped_content())
    assert stats.updates >= 300
    assert stats.pairs_seeded >= 1  # pair and relay handlers are reachable
    assert {
        "text",
        "command",
        "press_stale",
        "press_forged",
        "media",
        "edit",
        "channel_post",
        "other_group",
    } <= set(stats.actions)
    assert stats.errors == []
    assert stats.harness_errors == []
    assert stats.violations == []
    assert stats.integrity == "ok"
    assert stats.foreign_key_problems == 0
