"""Fuzzing the whole Application through the sandbox with hypothesis-generated updates.

Used by `bench/fuzz.py` (10,000+ updates) and `tests/flows/test_fuzz.py` (a fixed-seed sample).
Needs hypothesis (the test extra). Every generated action becomes one or more real updates
delivered through `Sandbox.deliver` (the application's own processor, gate, handlers, error
handler, persistence and outbox). Findings are counted, never raised mid-run:

- exceptions: every log record at ERROR or above (the error handler, the outbox, sweeps and
  asyncio all log there) plus anything that escaped `deliver` itself;
- violations: requests the fake Telegram refused (unparsable HTML, text too long, bad params);
- the database: `PRAGMA integrity_check` and `PRAGMA foreign_key_check` at the end.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from bot.sandbox.client import GroupMember, SandboxMessage, SandboxUser, _Participant
from bot.sandbox.fuzz_cast import assemble_cast, final_checks
from bot.sandbox.fuzz_parts import (
    CHANNEL_ID,
    ODD_ARGS,
    ArchivingTelegram,
    ErrorCatcher,
    FuzzStats,
    command_names,
    texts,
)
from bot.sandbox.harness import Sandbox, sandbox_settings


class Fuzzer:
    """A cast of people around one sandboxed bot, acting out generated actions."""

    def __init__(self, sandbox: Sandbox, stats: FuzzStats) -> None:
        self.sandbox, self.stats = sandbox, stats
        self.users: list[SandboxUser] = []
        self.group_people: list[GroupMember] = []
        self.strangers: list[GroupMember] = []
        self.prefixes: list[list[str]] = []
        self.commands = command_names()

    async def setup(self, people: int = 8) -> None:
        """Users in every state: never consented, mid-consent, consented; coordinators; strangers."""
        cast = await assemble_cast(self.sandbox, self.stats, people)
        self.users, self.group_people = cast.users, cast.group_people
        self.strangers, self.prefixes = cast.strangers, cast.prefixes

    # ---- actions ------------------------------------------------------------------------
    def actions(self) -> st.SearchStrategy[tuple[Any, ...]]:
        """One generated action: (kind, who, details...)."""
        who = st.integers(0, 10_000)
        pick = st.integers(0, 10_000)
        arg = st.one_of(st.sampled_from(ODD_ARGS), st.text(max_size=30))
        command = st.tuples(
            st.sampled_from(self.commands),
            arg,
            st.sampled_from(["", "@companion_sandbox_bot", "@other_bot", "UPPER"]),
            st.booleans(),
        )
        signed_odd = st.tuples(
            pick, st.lists(st.sampled_from([*ODD_ARGS[:14], "1", "x"]), max_size=3)
        )
        text = st.tuples(st.just("text"), who, texts())
        press = st.tuples(st.just("press_current"), who, pick)
        typed = st.tuples(st.just("command"), who, command)
        return st.one_of(  # repeated entries weigh the common actions more
            text,
            text,
            text,
            typed,
            typed,
            typed,
            press,
            press,
            press,
            st.tuples(st.just("press_stale"), who, pick, pick),
            st.tuples(st.just("press_forged"), who, st.text(max_size=64)),
            st.tuples(st.just("press_signed_odd"), who, signed_odd),
            st.tuples(
                st.just("media"),
                who,
                st.sampled_from(["sticker", "photo", "voice"]),
                st.one_of(st.none(), texts()),
            ),
            st.tuples(st.just("edit"), who, pick, texts()),
            st.tuples(st.just("reply_to"), who, pick, texts()),
            st.tuples(st.just("group"), who, st.one_of(command, texts())),
            st.tuples(st.just("group_press"), who, pick, pick),
            st.tuples(st.just("other_group"), st.one_of(command, texts())),
            st.tuples(st.just("channel_post"), st.one_of(command, texts())),
            st.tuples(st.just("block"), who, st.booleans()),
            st.tuples(st.just("advance"), st.sampled_from([1, 7, 31, 180, 1440, 4320])),
        )

    async def run(self, action: tuple[Any, ...]) -> None:
        """Act one action out; anything escaping the application is a harness error."""
        kind = action[0]
        self.stats.actions[kind] += 1
        if sum(self.stats.actions.values()) % 200 == 0:
            self._prune()
        try:
            await getattr(self, f"_do_{kind}")(*action[1:])
        except Exception as exc:
            self.stats.harness_errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:400])

    def _prune(self, keep: int = 60) -> None:
        """Forget all but the latest messages and calls, so a long run does not slow down.

        (The test client copies a whole chat to find new replies; old messages are still
        pressed as stale buttons while they are among the latest `keep`.)
        """
        fake = self.sandbox.fake
        for chat_id, stored in fake.messages.items():
            if len(stored) > keep:
                items = list(stored.items())
                if isinstance(fake, ArchivingTelegram):  # still there for the bot to edit
                    fake.archive.setdefault(chat_id, {}).update(items[:-keep])
                fake.messages[chat_id] = dict(items[-keep:])
        if len(fake.calls) > 2_000:
            self.stats.bot_calls += len(fake.calls) - 1_000
            del fake.calls[:-1_000]

    def _user(self, who: int) -> SandboxUser:
        return self.users[who % len(self.users)]

    def _command_text(self, spec: tuple[str, str, str, bool]) -> tuple[str, bool]:
        name, argument, suffix, with_entity = spec
        if suffix == "UPPER":
            name, suffix = name.upper(), ""
        return f"/{name}{suffix} {argument}".rstrip(
            " "
        ) if argument else f"/{name}{suffix}", with_entity

    async def _send(self, person: _Participant, spec: Any, **extra: Any) -> None:
        if isinstance(person, SandboxUser) and person.id in self.sandbox.fake.blocked:
            await person.unblock()  # writing to a bot unblocks it, as in Telegram
            self.stats.updates += 1
        if isinstance(spec, tuple):
            text, with_entity = self._command_text(spec)
            content: dict[str, Any] = {"text": text}
            if with_entity:
                length = len(text.split()[0].encode("utf-16-le")) // 2 if text.split() else 1
                content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        else:
            content = {"text": spec}
        await person._message(**content, **extra)
        self.stats.updates += 1

    async def _do_text(self, who: int, text: str) -> None:
        await self._send(self._user(who), text)

    async def _do_command(self, who: int, spec: tuple[str, str, str, bool]) -> None:
        await self._send(self._user(who), spec)

    async def _press(
        self, person: _Participant, messages: list[SandboxMessage], pick: int, button: int
    ) -> None:
        with_buttons = [m for m in messages if m.buttons]
        if not with_buttons:
            return
        message = with_buttons[pick % len(with_buttons)]
        flat = [data for row in message.buttons for _, data in row if data]
        if not flat:
            return
        await person.press(message, flat[button % len(flat)])
        self.stats.updates += 1

    async def _do_press_current(self, who: int, button: int) -> None:
        person = self._user(who)
        messages = person.bot_messages()[-1:]
        await self._press(person, messages, 0, button)

    async def _do_press_stale(self, who: int, pick: int, button: int) -> None:
        person = self._user(who)
        await self._press(person, person.bot_messages(), pick, button)

    async def _anchor(self, person: _Participant) -> SandboxMessage:
        sent = person.bot_messages()
        if sent:
            return sent[-1]
        return SandboxMessage(
            {
                "message_id": 1,
                "chat": person._chat(),
                "date": 0,
                "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
            }
        )

    async def _do_press_forged(self, who: int, data: str) -> None:
        person = self._user(who)
        await person.press(await self._anchor(person), data or "x")
        self.stats.updates += 1

    async def _do_press_signed_odd(self, who: int, spec: tuple[int, list[str]]) -> None:
        """A correctly signed button with arguments no handler ever produced (old versions, bugs)."""
        pick, arguments = spec
        if not self.prefixes:
            return
        prefix = self.prefixes[pick % len(self.prefixes)]
        assert self.sandbox.services is not None
        try:
            data = self.sandbox.services.signer.sign(*prefix, *arguments)
        except ValueError:  # too long to be signed: Telegram could not carry it either
            return
        person: _Participant = self._user(who)
        if prefix[0] == "co":
            person = self.group_people[who % len(self.group_people)]
        await person.press(await self._anchor(person), data)
        self.stats.signed_odd_updates.add(self.sandbox.fake.updates[-1]["update_id"])
        self.stats.updates += 1

    async def _do_media(self, who: int, kind: str, caption: str | None) -> None:
        person = self._user(who)
        if kind == "sticker":
            await person.send_sticker()
        elif kind == "photo":
            await person.send_photo(caption[:1024] if caption else None)
        else:
            await person.send_voice()
        self.stats.updates += 1

    async def _do_edit(self, who: int, pick: int, text: str) -> None:
        person = self._user(who)
        own = [
            SandboxMessage(m)
            for m in self.sandbox.fake.sent_to(person.chat_id)
            if not m.get("from", {}).get("is_bot") and m.get("text")
        ]
        if not own:
            return
        await person.edit(own[pick % len(own)], text)
        self.stats.updates += 1

    async def _do_reply_to(self, who: int, pick: int, text: str) -> None:
        person = self._user(who)
        sent = person.bot_messages()
        if not sent:
            return
        await self._send(person, text, reply_to_message=sent[pick % len(sent)].raw)

    async def _do_group(self, who: int, spec: Any) -> None:
        await self._send(self.group_people[who % len(self.group_people)], spec)

    async def _do_group_press(self, who: int, pick: int, button: int) -> None:
        person = self.group_people[who % len(self.group_people)]
        await self._press(person, self.sandbox.group.bot_messages()[-12:], pick, button)

    async def _do_other_group(self, spec: Any) -> None:
        await self._send(self.strangers[0], spec)

    async def _do_channel_post(self, spec: Any) -> None:
        text = self._command_text(spec)[0] if isinstance(spec, tuple) else spec
        chat = {"id": CHANNEL_ID, "type": "channel", "title": "Some channel"}
        await self.sandbox.deliver(
            {
                "channel_post": {
                    "message_id": self.sandbox.fake.next_message_id(CHANNEL_ID),
                    "chat": chat,
                    "sender_chat": chat,
                    "date": int(time.time()),
                    "text": text,
                }
            }
        )
        self.stats.updates += 1

    async def _do_block(self, who: int, blocked: bool) -> None:
        person = self._user(who)
        if blocked and person.id not in self.sandbox.fake.blocked:
            await person.block()
            self.stats.updates += 1
        elif not blocked and person.id in self.sandbox.fake.blocked:
            await person.unblock()
            self.stats.updates += 1

    async def _do_advance(self, minutes: int) -> None:
        await self.sandbox.advance(timedelta(minutes=minutes))

    async def finish(self) -> None:
        """Database checks at the end of the run."""
        await final_checks(self.sandbox, self.stats)


def run_fuzz(
    folder: Path,
    *,
    updates: int,
    seed_value: int = 0,
    batch: int = 25,
    progress: Callable[[FuzzStats], None] | None = None,
    content: Any = None,
) -> FuzzStats:
    """Deliver at least `updates` generated updates to a fresh sandboxed bot; return the figures."""
    stats = FuzzStats()
    catcher = ErrorCatcher(stats.errors)
    root = logging.getLogger()
    root.addHandler(catcher)
    started = time.perf_counter()
    with asyncio.Runner() as runner:
        sandbox = Sandbox(sandbox_settings(folder), content=content, fake=ArchivingTelegram())
        runner.run(sandbox.start())
        fuzzer = Fuzzer(sandbox, stats)
        try:
            runner.run(fuzzer.setup())
            strategy = st.lists(fuzzer.actions(), min_size=1, max_size=batch)
            round_number = 0
            while stats.updates < updates:

                @settings(
                    max_examples=max(1, (updates - stats.updates) // (batch // 2) + 1),
                    database=None,
                    phases=[Phase.generate],
                    derandomize=False,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                )
                @seed(seed_value * 1_000 + round_number)
                @given(strategy)
                def one_batch(actions: list[tuple[Any, ...]]) -> None:
                    if stats.updates >= updates:
                        return
                    for action in actions:
                        runner.run(fuzzer.run(action))
                    if progress is not None:
                        progress(stats)

                one_batch()
                round_number += 1
            runner.run(fuzzer.finish())
            stats.classify()
        finally:
            runner.run(sandbox.stop())
            root.removeHandler(catcher)
    stats.seconds = time.perf_counter() - started
    return stats
