"""mypy stays clean on bot/, storage/ and handlers/ (the files and options in pyproject.toml).

The cache goes to a temporary directory, never into the repository, so every run is a cold
run (about ten seconds on two cores) and checks the code as it is, not as a cache remembers it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_mypy_is_clean(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), "--no-pretty"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,  # a hung checker should fail the suite, not stall it
    )
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
    assert "Success: no issues found" in result.stdout
