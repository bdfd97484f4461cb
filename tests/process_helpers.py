"""Starting the real `python -m bot` process against the HTTP sandbox, for process tests."""

from __future__ import annotations

import os
from pathlib import Path

from bot.sandbox.harness import COORDINATOR_CHAT_ID, SANDBOX_TOKEN

REPO = Path(__file__).resolve().parents[1]


def bot_env(base_url: str, folder: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a bot process talking to the sandbox at `base_url`, its files in `folder`."""
    return {
        **os.environ,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "COORDINATOR_CHAT_ID": str(COORDINATOR_CHAT_ID),
        "TELEGRAM_BASE_URL": base_url,
        "DATABASE_PATH": str(folder / "db.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(folder / "key"),
        "PYTHONPATH": str(REPO),
        **(extra or {}),
    }
