"""Style is part of the suite: `ruff check` and `ruff format --check` run with the tests (pinned ruff)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("ruff", reason="ruff comes with the test extra")


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_check_is_clean() -> None:
    result = _ruff("check")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-1000:]


def test_code_is_formatted() -> None:
    result = _ruff("format", "--check")
    assert result.returncode == 0, (
        "run `ruff format .`\n" + result.stdout[-4000:] + result.stderr[-1000:]
    )
