"""Logs of a whole run carry no token and no member's words; private files are mode 0600."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ops.operations import backup
from bot.runner import configure_logging
from bot.sandbox.harness import SANDBOX_TOKEN, Sandbox, sandbox_settings
from bot.settings import load_or_create_key
from storage.db import Database
from tests.flows.matching_helpers import mentee, mentor, with_button


class Collect(logging.Handler):
    """Every formatted record, exceptions included."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted line."""
        self.lines.append(self.format(record))


@pytest.fixture
def debug_logs() -> Iterator[Collect]:
    """The production logging set-up at DEBUG, collected (restored afterwards)."""
    names = ["", "httpx", "httpcore", "telegram", "apscheduler", "telegram.ext", "aiosqlite"]
    levels = {name: logging.getLogger(name).level for name in names}
    root = logging.getLogger()
    handlers = list(root.handlers)
    configure_logging("DEBUG", SANDBOX_TOKEN)
    root.setLevel(logging.DEBUG)  # basicConfig leaves the level alone when pytest has handlers
    # Added after configure_logging, so the token-masking filter does not help it: whatever
    # reaches this handler is exactly what the code logged.
    collect = Collect()
    root.addHandler(collect)
    try:
        yield collect
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        for handler in handlers:
            handler.filters.clear()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_debug_logs_of_a_whole_run_hold_no_token_and_no_member_words(
    sandbox: Sandbox, debug_logs: Collect
) -> None:
    words = [
        "zebra-canary-4411",
        "<b>quokka-canary</b>",
        "i want to die tonight canary-77",
        "my address is 12 canary lane",
    ]
    newcomer = sandbox.user("Nia")
    await newcomer.send(words[0])
    consent = (await newcomer.send("/start"))[1]
    await newcomer.send(words[1])
    await newcomer.click(consent, "I agree")
    for text in words:
        await newcomer.send(text)
    await newcomer.send("/crisis")
    await newcomer.send("/dashboard canary-arg-13")  # refused: logged, without its words
    await newcomer.press(newcomer.last_message(), "forged-canary-data~AAAAAAAA")
    ana, ana_m = await mentee(sandbox, "Ana-canary-alias")
    ben, _ = await mentor(sandbox, "Ben-canary-alias")
    coord = sandbox.group.coordinator("Cleo")
    await coord.send("/pending")
    posted = await coord.send("/suggest")
    await coord.click(with_button(posted, "Approve"), "Approve")
    await ana.click(with_button(ana.bot_messages(), "I'm in"), "I'm in")
    for text in words:
        await ana.send(text)
        await ben.send(text)
    await coord.send(f"/unpair {ana_m.code} reason-canary-99 private words")
    await ana.send_photo(caption="caption-canary-55")
    logs = "\n".join(debug_logs.lines)
    assert SANDBOX_TOKEN not in logs and SANDBOX_TOKEN.split(":")[1] not in logs
    assert "refused" in logs  # the refusals were logged (so the capture works)
    for canary in (
        "zebra-canary",
        "quokka-canary",
        "canary-77",
        "canary lane",
        "reason-canary",
        "caption-canary",
        "canary-alias",
        "canary-arg",
        "forged-canary",
    ):
        assert canary not in logs, canary


def modes(*paths: Path) -> dict[str, int]:
    """Permission bits of each existing file."""
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in paths if p.exists()}


async def test_database_wal_shm_key_and_backup_files_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0)  # even when the operator's umask would make files world-readable
    try:
        settings = sandbox_settings(tmp_path / "data")
        box = Sandbox(settings)
        await box.start()
        ana = box.user("Ana")
        await ana.click((await ana.send("/start"))[1], "I agree")
        db_path = Path(settings.database_path)
        live = [
            db_path,
            Path(f"{db_path}-wal"),
            Path(f"{db_path}-shm"),
            Path(settings.pseudonym_key_file),
        ]
        assert {p.name for p in live} <= set(modes(*live))  # WAL and SHM exist while running
        assert set(modes(*live).values()) == {0o600}
        await backup(settings.database_path, tmp_path / "backups" / "copy.sqlite3")
        assert modes(tmp_path / "backups" / "copy.sqlite3") == {"copy.sqlite3": 0o600}
        await box.stop()
        reopened = await Database.open(db_path)
        await reopened.close()
        assert set(modes(*live).values()) == {0o600}
        fresh_key = tmp_path / "other" / "key"
        load_or_create_key(fresh_key)
        assert modes(fresh_key) == {"key": 0o600}
    finally:
        os.umask(old_umask)
