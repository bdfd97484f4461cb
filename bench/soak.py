"""The whole-week soak: the real `python -m bot` process, 500 pairs, a simulated week in minutes.

    python bench/soak.py [--pairs 500] [--minutes 6] [--rate 6] [--latency 0.08]

The defaults keep what the bot must send under Telegram's ceiling of 30 messages a second: a
week of prompts, fit checks and pulses for 1,000 members squeezed into 6 minutes is about 13 a
second, and members writing 6 times a second add about 10 more (each relayed message is a copy
and a "delivered"). `--minutes 3 --rate 12` asks for well over 30 a second: no bot can keep up,
so it shows what overload does (replies stay fast, scheduled messages wait, nothing is lost).

Loopback only. An HTTP sandbox (bot/sandbox/http.py) stands in for Telegram, with Telegram's
flood limits enforced. The database is seeded with active pairs before the bot starts; the bot
runs with SANDBOX_TIME_SCALE so its clock covers a week in `--minutes` of real time (the setting
is ignored unless the Bot API is on loopback, see bot/core/clock.py) and sweeps every second instead
of every 30. Members write, press the buttons of their latest message (check-ins, relay,
anything the features ask), ask for help and, rarely, for crisis support, at `--rate` updates a
second; a coordinator looks at the console now and then.

Prints: updates handled, replies, p50/p99 reply latency (update queued -> the bot's first call
to that chat), peak and sampled memory (VmRSS of the bot process from /proc), the outbox
backlog, 429s, Bot API violations and errors (ERROR lines or tracebacks in the bot's log).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.core.clock import SystemClock  # noqa: E402
from bot.sandbox.fake_telegram import FakeTelegram  # noqa: E402
from bot.sandbox.harness import COORDINATOR_CHAT_ID, SANDBOX_TOKEN  # noqa: E402
from bot.sandbox.http import SandboxHttpServer  # noqa: E402
from bot.sandbox.population import seed_pairs  # noqa: E402
from storage.db import Database  # noqa: E402

WEEK_SECONDS = 7 * 24 * 3600
FIRST_MEMBER_ID = 20_000_000
CRISIS_WORDS = "I can't go on like this, I want to end it all"
COORDINATOR_ID = 990_001
GROUP_PER_MINUTE = 120
DRAIN_LIMIT_SECONDS = 300


async def seed(database: Path, pair_count: int) -> list[int]:
    """Members and active pairs, as weeks of intake and matching would leave them."""
    db = await Database.open(database)
    try:
        seeded = await seed_pairs(
            db,
            count=pair_count,
            now=SystemClock().now(),
            first_telegram_id=FIRST_MEMBER_ID,
            approved_by=COORDINATOR_ID,
        )
    finally:
        await db.close()
    return [telegram_id for pair in seeded for telegram_id in (pair.mentee, pair.mentor)]


class Watch:
    """Reply latency per update: queued -> first Bot API call for that chat."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.waiting: dict[int, float] = {}  # chat id -> when its update was queued
        self.waiting_kind: dict[int, str] = {}  # chat id -> what that update was
        self.by_kind: dict[str, list[float]] = {}
        self.callbacks: dict[str, int] = {}  # callback query id -> chat id
        self.latencies: list[float] = []
        self.sends = 0
        fake.on_call.append(self.on_call)

    def on_call(self, method: str, params: dict[str, Any]) -> None:
        """The bot called the Bot API: close the chat's open update, if any."""
        chat = params.get("chat_id")
        if method == "answerCallbackQuery":
            chat = self.callbacks.pop(str(params.get("callback_query_id")), None)
        if method.startswith(("send", "copy")):
            self.sends += 1
        if isinstance(chat, int) and chat in self.waiting:
            latency = time.perf_counter() - self.waiting.pop(chat)
            self.latencies.append(latency)
            self.by_kind.setdefault(self.waiting_kind.pop(chat, "?"), []).append(latency)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def backlog(database: Path) -> tuple[int, int]:
    """(rows due but not sent yet, failed rows), read beside the running bot (WAL).

    "Due" is judged at the bot's own (sped-up) time, which its last sweep wrote down.
    """
    reader = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    with contextlib.closing(reader) as connection, connection:
        pending = connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND not_before <= "
            "COALESCE((SELECT value FROM kv WHERE key = 'last_sweep_at'), '')"
        ).fetchone()[0]
        failed = connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'failed'"
        ).fetchone()[0]
    return int(pending), int(failed)


class Driver:
    """Members and a coordinator acting at a steady rate."""

    def __init__(self, fake: FakeTelegram, watch: Watch, ids: list[int], seed_value: int) -> None:
        self.fake, self.watch, self.ids = fake, watch, ids
        self.random = random.Random(seed_value)
        self.callback_ids = itertools.count(1)
        self.kinds: dict[str, int] = {}
        self.next_message: dict[int, itertools.count[int]] = {}

    def _user(self, telegram_id: int) -> dict[str, Any]:
        return {
            "id": telegram_id,
            "is_bot": False,
            "first_name": f"M{telegram_id}",
            "language_code": "en",
        }

    def _message(self, chat: dict[str, Any], sender: int, text: str) -> dict[str, Any]:
        message_id = self.fake.next_message_id(chat["id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self._user(sender),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        self.fake.messages.setdefault(chat["id"], {})[message_id] = message
        return message

    def act(self) -> None:
        """One update from someone who is not waiting for an answer."""
        roll = self.random.random()
        if roll < 0.03:
            self._coordinator()
            return
        telegram_id = self.random.choice(self.ids)
        if telegram_id in self.watch.waiting:
            return
        chat = self.fake.chat(telegram_id)
        latest = [
            m
            for m in self.fake.sent_to(telegram_id)[-3:]
            if m.get("from", {}).get("is_bot") and m.get("reply_markup")
        ]
        if latest and self.random.random() < 0.5:
            message = latest[-1]
            buttons = [
                b
                for row in message["reply_markup"]["inline_keyboard"]
                for b in row
                if "callback_data" in b
            ]
            if buttons:
                query_id = str(next(self.callback_ids))
                self.watch.callbacks[query_id] = telegram_id
                self._push(
                    "press",
                    telegram_id,
                    {
                        "callback_query": {
                            "id": query_id,
                            "from": self._user(telegram_id),
                            "chat_instance": "soak",
                            "message": message,
                            "data": self.random.choice(buttons)["callback_data"],
                        }
                    },
                )
                return
        pick = self.random.random()
        if pick < 0.004:
            kind, text = "crisis", CRISIS_WORDS
        elif pick < 0.01:
            kind, text = "crisis", "/crisis"
        elif pick < 0.05:
            kind, text = "command", self.random.choice(["/start", "/help"])
        else:
            kind, text = (
                "text",
                self.random.choice(
                    [
                        "Had a rough day but I went for a walk",
                        "Thanks for yesterday <3 & see you",
                        "Can we talk on Thursday?",
                        "Feeling a bit better this week",
                        "🙂 all good",
                    ]
                ),
            )
        self._push(kind, telegram_id, {"message": self._message(chat, telegram_id, text)})

    def _coordinator(self) -> None:
        group = self.fake.chat(COORDINATOR_CHAT_ID)
        if COORDINATOR_CHAT_ID in self.watch.waiting:
            return
        for message in self.fake.sent_to(COORDINATOR_CHAT_ID)[-10:]:
            claim = [
                b
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
                if b.get("callback_data", "").startswith("co:esc:claim")
            ]
            if claim:  # a coordinator takes every open alert
                query_id = str(next(self.callback_ids))
                self.watch.callbacks[query_id] = COORDINATOR_CHAT_ID
                self._push(
                    "claim",
                    COORDINATOR_CHAT_ID,
                    {
                        "callback_query": {
                            "id": query_id,
                            "from": self._user(COORDINATOR_ID),
                            "chat_instance": "soak",
                            "message": message,
                            "data": claim[0]["callback_data"],
                        }
                    },
                )
                return
        text = self.random.choice(["/help", "/pending", "/audit", "/escalations"])
        self._push(
            "coordinator",
            COORDINATOR_CHAT_ID,
            {"message": self._message(group, COORDINATOR_ID, text)},
        )

    def _push(self, kind: str, chat_id: int, payload: dict[str, Any]) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if chat_id not in self.watch.waiting:
            self.watch.waiting[chat_id] = time.perf_counter()
            self.watch.waiting_kind[chat_id] = kind
        self.fake.push_update(payload)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def soak(args: argparse.Namespace) -> int:
    """Run it and print the figures; returns the exit code."""
    # Long polls still open when the sandbox stops are cancelled: expected, not worth a traceback.
    asyncio.get_running_loop().set_exception_handler(
        lambda loop, context: (
            None
            if isinstance(context.get("exception"), asyncio.CancelledError)
            else loop.default_exception_handler(context)
        )
    )
    fake = FakeTelegram()
    fake.faults.latency = args.latency  # every Bot API call answered after one round trip
    fake.limits.enforce = True  # Telegram's flood limits: the bot must pace itself
    fake.limits.group_per_minute = GROUP_PER_MINUTE  # compressed time: see the bot's env below
    fake.chat_members[COORDINATOR_CHAT_ID] = {COORDINATOR_ID: "member"}
    server = await SandboxHttpServer(fake).start()
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    database = folder / "companion.sqlite3"
    started = time.perf_counter()
    ids = await seed(database, args.pairs)
    print(
        f"seeded {len(ids)} members in {args.pairs} active pairs "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    duration = args.minutes * 60
    scale = WEEK_SECONDS / duration
    env = {
        **os.environ,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "COORDINATOR_CHAT_ID": str(COORDINATOR_CHAT_ID),
        "TELEGRAM_BASE_URL": server.base_url,
        "DATABASE_PATH": str(database),
        "PSEUDONYM_KEY_FILE": str(folder / "pseudonym.key"),
        "PYTHONPATH": str(REPO),
        "SANDBOX_TIME_SCALE": f"{scale:.3f}",
        "LOG_LEVEL": "INFO",
        # Re-alerts run on simulated time but the group's 20 messages a minute on real time:
        # at this speed 15 simulated minutes are a fraction of a real second.
        "ESCALATION_REALERT_MINUTES": "1440",
        # Likewise a week of coordinator-group posts must fit in minutes: the group's pace is
        # raised to 2/s on both sides (Telegram's 20 a minute would hold a week's alerts
        # and nudges for hours of real time; 3 in any second stays the ceiling).
        "RATE_GROUP_PER_MINUTE": str(GROUP_PER_MINUTE),
    }
    log_path = folder / "bot.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=folder,
            env=env,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
        watch = Watch(fake)
        driver = Driver(fake, watch, ids, args.seed)
        for _ in range(600):  # wait until the bot is up (bounded)
            if any(method == "setMyCommands" for method, _ in fake.calls):
                break
            await asyncio.sleep(0.1)
        memory: list[tuple[float, int]] = []
        backlogs: list[int] = []
        begin = time.perf_counter()
        next_sample = begin
        interval = 1.0 / args.rate
        while (elapsed := time.perf_counter() - begin) < duration and process.returncode is None:
            driver.act()
            if time.perf_counter() >= next_sample:
                memory.append((elapsed, rss_kib(process.pid)))
                if len(memory) % 5 == 0:
                    backlogs.append(backlog(database)[0])
                next_sample += 1.0
                if len(memory) % 30 == 0:
                    print(
                        f"  {elapsed:5.0f} s (simulated day {elapsed * scale / 86400:.1f}): "
                        f"{len(watch.latencies)} replies, RSS {memory[-1][1] / 1024:.0f} MiB, "
                        f"backlog {backlogs[-1] if backlogs else 0}",
                        flush=True,
                    )
            await asyncio.sleep(interval)
        for _ in range(200):  # let the last answers arrive (bounded)
            if not watch.waiting:
                break
            await asyncio.sleep(0.1)
        end_backlog, failed = backlog(database)
        # With the members quiet, how long until every due row has gone (bounded)?
        draining = time.perf_counter()
        drained = end_backlog == 0
        while not drained and time.perf_counter() - draining < DRAIN_LIMIT_SECONDS:
            await asyncio.sleep(1.0)
            drained = backlog(database)[0] == 0
        drain = (
            f"{time.perf_counter() - draining:.0f} s after the members stopped"
            if drained
            else f"NOT within {DRAIN_LIMIT_SECONDS} s"
        )
        memory.append((time.perf_counter() - begin, rss_kib(process.pid)))
        unanswered = len(watch.waiting)
        stopping = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=120)
            shutdown = f"{time.perf_counter() - stopping:.1f} s, exit code {process.returncode}"
        except TimeoutError:
            process.kill()
            await process.wait()
            shutdown = "did NOT finish within 120 s (killed)"
    await server.stop()
    log_text = log_path.read_text(errors="replace")
    errors = [line for line in log_text.splitlines() if " ERROR " in line or "Traceback" in line]
    updates = sum(driver.kinds.values())
    rss = [kib for _, kib in memory]
    half = len(rss) // 2
    first_half_peak = max(rss[:half] or [0])
    second_half_peak = max(rss[half:] or [0])
    latencies_ms = [value * 1000 for value in watch.latencies]
    print(f"Telegram round trip:   {args.latency * 1000:.0f} ms (fake latency per call)")
    print(
        f"simulated week:        {duration:.0f} s of real time at {scale:.0f}x "
        f"(sweep every 1 s = {scale / 60:.0f} simulated minutes)"
    )
    print(f"updates sent:          {updates:,} {dict(sorted(driver.kinds.items()))}")
    print(f"updates handled:       {fake.confirmed_offset - 1:,} (offset confirmed at shutdown)")
    print(f"bot messages sent:     {watch.sends:,}; Bot API calls {len(fake.calls):,}")
    print(
        f"reply latency:         p50 {statistics.median(latencies_ms):.0f} ms, "
        f"p99 {percentile(latencies_ms, 0.99):.0f} ms, max {max(latencies_ms):.0f} ms "
        f"({len(latencies_ms):,} replies; {unanswered} updates got no reply)"
    )
    for kind, values in sorted(watch.by_kind.items()):
        kind_ms = [value * 1000 for value in values]
        print(
            f"  {kind + ':':21s}p50 {statistics.median(kind_ms):.0f} ms, "
            f"p99 {percentile(kind_ms, 0.99):.0f} ms ({len(kind_ms):,})"
        )
    print(
        f"memory (VmRSS):        start {rss[0] / 1024:.0f} MiB, peak {max(rss) / 1024:.0f} MiB "
        f"(first half {first_half_peak / 1024:.0f}, second half "
        f"{second_half_peak / 1024:.0f}), end {rss[-1] / 1024:.0f} MiB"
    )
    print(
        f"outbox backlog (due):  max sampled {max(backlogs or [0])}, at the end {end_backlog}; "
        f"{failed} rows failed; drained {drain}"
    )
    print(f"429s from Telegram:    {fake.counts_429}")
    print(f"Bot API violations:    {len(fake.violations)}")
    print(f"errors in the log:     {len(errors)}")
    print(f"shutdown on SIGTERM:   {shutdown}")
    for line in errors[:5]:
        print(f"  {line[:240]}")
    for violation in fake.violations[:5]:
        print(f"  violation {violation}")
    print(f"bot log: {log_path}")
    return 0 if not errors and not fake.violations and process.returncode == 0 else 1


def main() -> int:
    """Parse arguments and run the soak."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--rate", type=float, default=6.0, help="updates per second")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="Telegram's round trip in seconds (e.g. 0.08, 0.15)",
    )
    return asyncio.run(soak(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
