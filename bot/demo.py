"""`python -m bot demo`: the real bot against the local sandbox, in the terminal.

You type as a member or as the coordinators' group; the bot's replies are printed with their
buttons numbered; type a number to press a button. Demo controls (handled here, not by the bot):
  /as NAME      act as someone else (/as group: the coordinators' group)
  /who          list everyone and their ids
  /wait 1d      move the clock (30m, 2h, 1d, 1w) and run what became due
  /quit         leave
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.sandbox.client import GroupMember, SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox, sandbox_settings

DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """'30m', '2h', '1d', '1w' -> timedelta."""
    match = DURATION.match(text.strip().lower())
    if not match:
        raise ValueError("use a number and m, h, d or w, e.g. /wait 1d")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


class Demo:
    """Keeps track of personas and prints whatever the bot sends, wherever it sends it."""

    def __init__(self, sandbox: Sandbox, out: Callable[[str], None] = print) -> None:
        self.sandbox, self.out = sandbox, out
        self.people: dict[str, SandboxUser | GroupMember] = {}
        self.names_by_chat: dict[int, str] = {}
        self.seen: dict[tuple[int, int], int] = {}
        self.current = ""

    def add_person(self, key: str, person: SandboxUser | GroupMember) -> None:
        """Make someone available to /as."""
        self.people[key.lower()] = person
        self.names_by_chat.setdefault(person.chat_id, key)
        if not self.current:
            self.current = key.lower()

    def show_new(self) -> None:
        """Print every bot message (or edit) not shown yet, in any chat."""
        for chat_id, messages in self.sandbox.fake.messages.items():
            for raw in list(messages.values()):
                if not raw.get("from", {}).get("is_bot"):
                    continue
                key, version = (chat_id, raw["message_id"]), raw.get("edited", 0) + 1
                if self.seen.get(key, 0) >= version:
                    continue
                edited = key in self.seen
                self.seen[key] = version
                self._print(chat_id, SandboxMessage(raw), edited)

    def _print(self, chat_id: int, message: SandboxMessage, edited: bool) -> None:
        who = self.names_by_chat.get(chat_id, str(chat_id))
        label = f"bot → {who}" + (" (edited)" if edited else "")
        body = (
            message.text
            if message.html
            else "[photo/file]"
            if message.raw.get("photo") or message.raw.get("document")
            else "[copied message]"
        )
        self.out(f"\n{label}:\n" + "\n".join("  " + line for line in body.splitlines()))
        numbered = [f"[{i}] {text}" for i, text in enumerate(message.button_labels, start=1)]
        if numbered:
            self.out("  " + "  ".join(numbered))

    async def handle(self, line: str) -> bool:
        """Act on one typed line; returns False to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        person = self.people[self.current]
        if line in {"/quit", "/exit"}:
            return False
        if line == "/who":
            for key, someone in self.people.items():
                self.out(
                    f"  {key}{' (you)' if key == self.current else ''}: chat {someone.chat_id}"
                )
            return True
        if line.startswith("/as "):
            key = line[4:].strip().lower()
            if key not in self.people:
                self.out(f"  no one called {key!r}; try /who")
            else:
                self.current = key
                self.out(f"  you are now {key}")
            return True
        if line.startswith("/wait "):
            await self.wait(line[6:])
        elif line.isdigit():
            try:
                message = person.last_with_buttons()
                labels = message.button_labels
                index = int(line) - 1
                if not 0 <= index < len(labels):
                    raise AssertionError(f"press 1 to {len(labels)}")
                await person.click(message, labels[index])
            except AssertionError as exc:
                self.out(f"  {exc}")
        elif line == "/sticker":
            await person.send_sticker()
        else:
            await person.send(line)
        self.show_new()
        return True

    async def wait(self, text: str) -> None:
        """Move the demo clock and run whatever became due."""
        try:
            delta = parse_duration(text)
        except ValueError as exc:
            self.out(f"  {exc}")
            return
        assert isinstance(self.sandbox.clock, FakeClock)
        now = self.sandbox.clock.advance(delta)
        self.out(f"  ⏩ it is now {now:%a %d %b %H:%M} UTC")
        tick = self.sandbox.services.extras.get("tick") if self.sandbox.services else None
        if tick is not None:
            await tick()


def seed_people(demo: Demo) -> None:
    """The demo's cast."""
    sandbox = demo.sandbox
    demo.add_person("ana", sandbox.user("Ana", language_code="en", user_id=111))
    demo.add_person("eva", sandbox.user("Eva", language_code="es", user_id=222))
    demo.add_person("sam", sandbox.user("Sam", language_code="en", user_id=333))
    coordinator = sandbox.group.coordinator("Cleo", user_id=999)
    demo.add_person("group", coordinator)


async def run_demo(
    script: Path | None = None, database: Path | None = None, out: Callable[[str], None] = print
) -> int:
    """Start the sandboxed bot and read lines from the terminal (or a script)."""
    with tempfile.TemporaryDirectory(prefix="companion-demo-") as folder:
        overrides: dict[str, Any] = {}
        if database is not None:
            overrides["database_path"] = database
        settings = sandbox_settings(Path(folder), **overrides)
        start = datetime.now(UTC).replace(second=0, microsecond=0)
        sandbox = Sandbox(settings, clock=FakeClock(start))
        await sandbox.start()
        demo = Demo(sandbox, out)
        seed_people(demo)
        try:
            out(__doc__ or "")
            out("People: " + ", ".join(demo.people) + f". You are {demo.current}. Try /start.")
            lines: Iterable[str] = (
                script.read_text("utf-8").splitlines() if script else _stdin(demo)
            )
            for line in lines:
                if script:
                    out(f"\n{demo.current}> {line}")
                if not await demo.handle(line):
                    break
        finally:
            await sandbox.stop()
        violations = sandbox.fake.violations
        if violations:
            out(f"\n{len(violations)} Bot API violation(s): {violations}")
            return 1
    return 0


def _stdin(demo: Demo) -> Iterable[str]:
    while True:
        try:
            yield input(f"\n{demo.current}> ")
        except EOFError:
            return
