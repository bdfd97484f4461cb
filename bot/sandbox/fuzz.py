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
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from bot.sandbox.fuzz_cast import assemble_cast, final_checks
from bot.sandbox.fuzz_moves import FuzzMoves
from bot.sandbox.fuzz_parts import (
    ODD_ARGS,
    ArchivingTelegram,
    ErrorCatcher,
    FuzzStats,
    command_names,
    texts,
)
from bot.sandbox.harness import Sandbox, sandbox_settings


class Fuzzer(FuzzMoves):
    """A cast of people around one sandboxed bot, acting out generated actions."""

    def __init__(self, sandbox: Sandbox, stats: FuzzStats) -> None:
        self.sandbox, self.stats = sandbox, stats
        self.users, self.group_people, self.strangers, self.prefixes = [], [], [], []
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
