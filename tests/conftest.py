"""Shared fixtures: a whole bot in a sandbox, with a throwaway database and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.content import Content, load_content
from bot.sandbox.harness import Sandbox, sandbox_settings

# No per-example deadline: CI machines are shared and slow examples are not failures. Examples are
# derived from the test itself (derandomized), so a failure reproduces exactly.
settings.register_profile(
    "project", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("project")


@lru_cache(maxsize=1)
def shipped_content() -> Content:
    """The shipped content, parsed once per test run (it is immutable)."""
    return load_content()


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """A started bot against FakeTelegram; fails the test on any Bot API violation."""
    box = Sandbox(sandbox_settings(tmp_path), content=shipped_content())
    await box.start()
    yield box
    await box.stop()
    assert box.violations == [], f"Bot API violations: {box.violations}"
