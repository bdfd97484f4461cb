"""One demo session: the cast, what you type and the clock (the printing is in demo_transcript)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.core.clock import FakeClock
from bot.programme.invites import make_payload
from bot.sandbox.client import SandboxMessage
from bot.sandbox.demo_cast import CAST
from bot.sandbox.demo_seed import Seeded
from bot.sandbox.demo_time import USAGE, steps, target_of
from bot.sandbox.demo_transcript import Person, Transcript
from bot.sandbox.harness import Sandbox
from storage import members, pairs

PLACEHOLDER = re.compile(r"\{([a-z]+)\}", re.IGNORECASE)


class StepFailed(Exception):
    """A scripted line could not be carried out (no such button, nothing to press)."""


class Demo(Transcript):
    """Keeps track of the cast and prints whatever the bot sends, wherever it sends it."""

    def __init__(
        self,
        sandbox: Sandbox,
        out: Callable[[str], None] = print,
        files: Path | None = None,
        strict: bool = False,
    ) -> None:
        self.sandbox, self.out, self.strict = sandbox, out, strict
        self.files = files or Path("demo-output")
        self.people, self.names_by_chat, self.seen, self.saved = {}, {}, {}, []
        self.seeded: Seeded | None = None
        self.current = ""
        self.calls_seen = 0  # how many Bot API calls have been looked at for pop-ups and buttons
        self.pressed = None  # (chat, message) whose button was pressed
        # The message with buttons each chat saw last (sent or edited): a typed number presses
        # its buttons, not an older message's that happens to have a later id.
        self.last_buttons = {}

    def add_person(self, key: str, person: Person, name: str | None = None) -> None:
        """Make someone available to /as."""
        self.people[key.lower()] = person
        self.names_by_chat.setdefault(person.chat_id, name or key)
        if not self.current:
            self.current = key.lower()

    async def handle(self, line: str) -> bool:
        """Act on one typed line; returns False to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in {"/quit", "/exit"}:
            return False
        if line == "/who":
            await self.who_now()
        elif line.startswith("/as"):
            self._switch(line[3:].strip().lower())
        elif line.startswith("/wait"):
            await self.wait(line[5:])
        else:
            await self._act(await self.fill_codes(line))
        self.show_new()
        return True

    async def fill_codes(self, line: str) -> str:
        """Replace {tom} with Tom's member code and {pair} with Sam and Max's pair code.

        Codes are random in each run, so a script (or a person) names people instead.
        """

        async def code_of(match: re.Match[str]) -> str:
            key = match.group(1).lower()
            if key == "pair" and self.seeded is not None:
                return self.seeded.pair_code
            if key == "invite":
                return await self._last_invite()
            persona = next((p for p in CAST if p.key == key), None)
            member = (
                await members.get_by_telegram_id(self.sandbox.db, persona.telegram_id)
                if persona
                else None
            )
            if member is None:
                self._problem(f"{{{key}}}: no member code for {key!r}")
                return match.group(0)
            return member.code

        parts, last = [], 0
        for match in PLACEHOLDER.finditer(line):
            parts += [line[last : match.start()], await code_of(match)]
            last = match.end()
        return "".join(parts) + line[last:]

    async def _last_invite(self) -> str:
        """The start parameter of the newest invite link (as /invite printed it)."""
        row = await self.sandbox.db.fetch_one(
            "SELECT id, role, cohort FROM invites ORDER BY id DESC LIMIT 1"
        )
        services = self.sandbox.services
        if row is None or services is None:
            self._problem("{invite}: no invite link yet; try /as group then /invite mentor")
            return "{invite}"
        return make_payload(services.pseudonym_key, int(row[0]), str(row[1]), row[2])

    def _switch(self, key: str) -> None:
        if key not in self.people:
            self._problem(f"no one called {key!r}; try /who")
        else:
            self.current = key
            self.out(f"  (you are now {key})")

    async def _act(self, line: str) -> None:
        """Send a line as the current person, or press a button by its number."""
        person = self.people[self.current]
        if not line.isdigit():
            await (person.send_sticker() if line == "/sticker" else person.send(line))
            return
        message = self._buttons_of(person)
        if message is None:
            self._problem("there is no message with buttons here")
            return
        labels, index = message.button_labels, int(line) - 1
        if not 0 <= index < len(labels):
            self._problem(f"press a number from 1 to {len(labels)}")
            return
        self.pressed = (person.chat_id, message.id)
        await person.click(message, labels[index])

    def _buttons_of(self, person: Person) -> SandboxMessage | None:
        """The message whose buttons a number presses: the last one shown with buttons."""
        tracked = self.last_buttons.get(person.chat_id)
        raw = self.sandbox.fake.messages.get(person.chat_id, {}).get(tracked or 0)
        if raw is not None and SandboxMessage(raw).button_labels:
            return SandboxMessage(raw)
        try:
            return person.last_with_buttons()
        except AssertionError:
            return None

    def _problem(self, text: str) -> None:
        """Tell the person; in a scripted run it is a failure."""
        if self.strict:
            raise StepFailed(text)
        self.out(f"  {text}")

    async def wait(self, argument: str) -> None:
        """Move the demo clock, stopping every hour so due work happens at its own time."""
        clock = self.sandbox.clock
        assert isinstance(clock, FakeClock)
        try:
            target = target_of(argument, clock.now())
        except ValueError:
            self._problem(USAGE)
            return
        self.out(f"  ⏩ waiting until {target:%a %d %b %H:%M} UTC")
        self.show_new()
        for moment in steps(clock.now(), target):
            clock.set(moment)
            await self.sandbox.tick()
            if self._unseen():
                self.out(f"\n  ⏰ {moment:%a %d %b %H:%M}")
                self.show_new()

    def who(self, seeded: Seeded | None = None) -> None:
        """Print the cast: who they are, their code, how to become them."""
        if seeded is not None:
            self.seeded = seeded
        codes = self.seeded
        for persona in CAST:
            code = codes.codes.get(persona.key) if codes else None
            mark = " ←you" if persona.key == self.current else ""
            self.out(
                f"  /as {persona.key:<5} {persona.name} ({code or 'no code yet'}): "
                f"{persona.story}{mark}"
            )
        mark = " ←you" if self.current == "group" else ""
        self.out(f"  /as group  Cleo, a coordinator, in the coordinators' group{mark}")
        if codes:
            self.out(
                f"  Sam and Max are pair {codes.pair_code}; a past cohort of 36 pairs left "
                "anonymised history for /dashboard."
            )

    async def who_now(self) -> None:
        """Print everyone as they are now: code, role, stage and current pairs."""
        db = self.sandbox.db
        for persona in CAST:
            member = await members.get_by_telegram_id(db, persona.telegram_id)
            mark = " ←you" if persona.key == self.current else ""
            if member is None:
                self.out(f"  /as {persona.key:<5} {persona.name}: not a member{mark}")
                continue
            partners = []
            for pair in await pairs.current_pairs_of(db, member.id):
                other = await members.get_by_id(db, pair.partner_of(member.id) or 0)
                partners.append(
                    f"{pair.code} with {other.display_alias if other else '?'} ({pair.status})"
                )
            paired = f", pairs: {'; '.join(partners)}" if partners else ""
            self.out(
                f"  /as {persona.key:<5} {persona.name} ({member.code}): "
                f"{member.role or 'no role yet'}, {member.status}{paired}{mark}"
            )
        mark = " ←you" if self.current == "group" else ""
        self.out(f"  /as group  Cleo, a coordinator, in the coordinators' group{mark}")
