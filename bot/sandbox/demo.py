"""`python -m bot demo`: the real bot and a seeded programme against the local sandbox, in the terminal.

You type as any member or as the coordinators' group; the bot's replies are printed with their
buttons numbered; type a number to press a button. Demo controls (handled here, not by the bot):
  /as NAME                  act as someone else (/as group: the coordinators' group)
  /who                      who is who now: member code, role, stage, pairs
  /wait 30m|2h|1d|1w        move the clock and run whatever became due on the way
  /wait until monday 18:00  ... or until a moment (also: /wait until the morning)
  {tom}, {pair}             in anything you type: Tom's member code, Sam and Max's pair code
  {invite}                  ... the start parameter of the last /invite link (/as kim, then
                            /start {invite}: Kim and Noa are new, not in the seeded programme)
  /quit                     leave
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.core.clock import FakeClock
from bot.sandbox.demo_cast import CAST, COORDINATOR_ID, DEMO_START
from bot.sandbox.demo_resume import resume, save_point
from bot.sandbox.demo_seed import seed_programme
from bot.sandbox.demo_session import Demo, StepFailed
from bot.sandbox.harness import Sandbox, sandbox_settings

__all__ = ["Demo", "StepFailed", "run_demo"]
NEWCOMERS = (("Kim", 888), ("Noa", 999))


class ErrorLog(logging.Handler):
    """Collects ERROR records (a handler crashed, a send failed) so a scripted run can fail."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember the message and the exception type (never update contents)."""
        kind = f" ({record.exc_info[0].__name__})" if record.exc_info and record.exc_info[0] else ""
        self.records.append(f"{record.name}: {record.getMessage()}{kind}")


def cast(demo: Demo) -> None:
    """Give every persona a chat, plus Cleo in the coordinators' group."""
    for persona in CAST:
        user = demo.sandbox.user(
            persona.name, language_code=persona.language, user_id=persona.telegram_id
        )
        demo.add_person(persona.key, user, persona.name)
    demo.add_person(
        "group", demo.sandbox.group.coordinator("Cleo", user_id=COORDINATOR_ID), "group"
    )
    # People from outside the seeded programme, to open invite links.
    for name, user_id in NEWCOMERS:
        demo.add_person(name.lower(), demo.sandbox.user(name, user_id=user_id), name)


async def run_demo(
    script: Path | None = None,
    database: Path | None = None,
    out: Callable[[str], None] = print,
    files: Path | None = None,
) -> int:
    """Start the seeded, sandboxed bot and read lines from the terminal (or run a script).

    A scripted run returns 1 if a step fails, a button is missing, a handler logs an error or
    the bot breaks a Bot API rule; 0 otherwise.
    """
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        with tempfile.TemporaryDirectory(prefix="companion-demo-") as folder:
            return await _run(script, database, out, files, Path(folder), errors)
    finally:
        logging.getLogger().removeHandler(errors)


async def _run(
    script: Path | None,
    database: Path | None,
    out: Callable[[str], None],
    files: Path | None,
    folder: Path,
    errors: ErrorLog,
) -> int:
    overrides: dict[str, Any] = {"digest_enabled": True}
    if database is not None:
        overrides["database_path"] = database
    settings = sandbox_settings(folder, **overrides)
    sandbox = Sandbox(settings, clock=FakeClock(DEMO_START))
    await sandbox.start()
    assert sandbox.services is not None
    demo = Demo(sandbox, out, files, strict=script is not None)
    cast(demo)
    failure = ""
    try:
        fresh = await sandbox.db.fetch_one("SELECT COUNT(*) FROM members")
        seeded = None
        if fresh is not None and fresh[0] == 0:
            seeded = await seed_programme(
                sandbox.db, sandbox.services.pseudonym_key, sandbox.services.content
            )
        else:  # the same --database again: the story carries on where it stopped
            await resume(sandbox)
        out(__doc__ or "")
        out(f"It is {sandbox.clock.now():%A %d %B %Y, %H:%M} UTC. The programme so far:")
        if seeded is None:
            await demo.who_now()
        else:
            demo.who(seeded)
        demo.current = "ana"
        out("You are ana. Try /start, or /as group then /help.")
        lines: Iterable[str] = script.read_text("utf-8").splitlines() if script else _stdin(demo)
        narrating = False
        for number, line in enumerate(lines, start=1):
            if script and line.startswith("#"):
                out(line if narrating else f"\n{line}")
            elif script and line.strip():
                out(f"{demo.current}> {line}")
            narrating = line.startswith("#")
            try:
                if not await demo.handle(line):
                    break
                if database is not None:
                    await save_point(sandbox)
            except Exception as exc:  # a script must stop; a person at the keyboard goes on
                if script:
                    failure = f"line {number} ({line!r}) failed: {type(exc).__name__}: {exc}"
                    break
                out(f"  that did not work: {type(exc).__name__}: {exc}")
            if script and errors.records:
                failure = f"line {number} ({line!r}) logged an error: {errors.records[0]}"
                break
    finally:
        await sandbox.stop()
    if demo.saved:
        out(f"\nFiles the bot sent are in {demo.files.resolve()}")
    problems = [failure] if failure else []
    if sandbox.fake.violations:
        problems.append(
            f"{len(sandbox.fake.violations)} Bot API violation(s): {sandbox.fake.violations}"
        )
    problems += [f"error logged: {record}" for record in errors.records if record not in failure]
    for problem in problems:
        out(f"\n✗ {problem}")
    return 1 if problems and script else 0


def _stdin(demo: Demo) -> Iterable[str]:
    while True:
        try:
            yield input(f"\n{demo.current}> ")
        except EOFError:
            return
