"""Chaos: a busy simulated week while Telegram fails 20% of requests.

    python bench/chaos.py [--pairs 40] [--seed 3] [--rate-429 0.10 --rate-5xx 0.05 --rate-timeout 0.05]

The whole Application runs in-process against the sandbox with Telegram's pace in the bot's rate
limiter (25 messages/s, 1/s per chat; the coordinators' group at 10/s instead of 20/min, or a
few alerts would take the run hours of real time). The fake Telegram answers
10% of requests with 429 (retry_after 1 s), 5% with 500 and times out 5% (half of those AFTER
Telegram delivered the message, as happens when a response is lost). Seeded active pairs live a
week, hour by hour on the fake clock (sweeps run every simulated hour): they write (relay),
press the buttons of their latest message (check-ins...), ask for help, and now and then reach
for crisis support; a coordinator claims alerts and sends two broadcasts, and crises arrive
while a broadcast is draining.

Figures: updates, what Telegram accepted, faults injected, member updates left without any
answer (lost replies), outbox rows lost (failed for a reason other than a blocked bot, or due
and never sent), duplicates (a message Telegram accepted twice because a timed-out send that
had in fact arrived was retried), and for every crisis: the reply to the member and the alert
to the coordinators, how long each took, and how many lower-lane messages went out first.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chaos_parts import ChaosSandbox, ChaosTelegram, track_lanes

from bot.delivery.sweep import run_sweeps
from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.fake_telegram import SEND_METHODS
from bot.sandbox.harness import sandbox_settings
from bot.sandbox.population import seed_pairs

CRISIS_WORDS = "I can't go on like this, I want to end it all"
TEXTS = [
    "Had a rough day but I went for a walk",
    "Thanks for yesterday <3 & see you",
    "Can we talk on Thursday?",
    "Feeling a bit better this week",
    "🙂 all good",
    "I tried the breathing thing",
    "Busy week at work",
]
LOW_LANES = ("scheduled", "broadcast")


class Week:
    """The cast and the figures of one chaotic week."""

    def __init__(self, sandbox: ChaosSandbox, fake: ChaosTelegram, seed_value: int) -> None:
        self.sandbox, self.fake = sandbox, fake
        self.random = random.Random(seed_value)
        self.people: list[SandboxUser] = []
        self.updates: Counter[str] = Counter()
        self.unanswered: Counter[str] = Counter()
        self.never_answered: Counter[str] = Counter()
        # (chat, kind, index into fake.accepted when it was sent): answers are judged after the
        # drain, since some come through the outbox (a relay's "delivered", a handed-over reply).
        self.asked: list[tuple[int, str, int, bool]] = []  # ..., answered while handled
        self.crises: list[dict[str, Any]] = []
        self.errors: list[str] = []

    async def setup(self, pair_count: int) -> None:
        """Seed the pairs and make them people who can talk."""
        sandbox = self.sandbox
        self.coordinator = sandbox.group.coordinator("Cleo")
        seeded = await seed_pairs(
            sandbox.db,
            count=pair_count,
            now=sandbox.clock.now(),
            first_telegram_id=30_000_000,
            approved_by=self.coordinator.id,
        )
        for pair in seeded:
            for telegram_id in (pair.mentee, pair.mentor):
                self.people.append(sandbox.user(f"M{telegram_id}", user_id=telegram_id))

    def _answers_to(self, chat: Any) -> int:
        return sum(
            1
            for _, method, target, _ in self.fake.accepted
            if target == chat and method != "getChatMember"
        )

    async def act(self, person: SandboxUser) -> None:
        """One thing a member does; notes whether Telegram accepted any answer to it."""
        latest = [m for m in person.bot_messages()[-2:] if m.buttons]
        roll = self.random.random()
        if latest and roll < 0.45:
            data = self.random.choice([d for row in latest[-1].buttons for _, d in row if d])
            kind = "press"
            before = len(self.fake.accepted)
            await person.press(latest[-1], data)
            answered = any(
                m == "answerCallbackQuery" or c == person.id
                for _, m, c, _ in self.fake.accepted[before:]
            )
        else:
            text = (
                "/crisis" if roll < 0.47 else "/help" if roll < 0.52 else self.random.choice(TEXTS)
            )
            kind = "crisis" if text == "/crisis" else "message"
            before = len(self.fake.accepted)
            started = time.perf_counter()
            await person.send(text)
            answered = any(c == person.id for _, _, c, _ in self.fake.accepted[before:])
            if kind == "crisis":
                self.crises.append(
                    {"chat": person.id, "started": started, "answered": answered, "index": before}
                )
        self.updates[kind] += 1
        self.asked.append((person.id, kind, before, answered))

    async def crisis_words(self, person: SandboxUser) -> None:
        """Crisis language in free text: the member's reply and the coordinators' alert."""
        before = len(self.fake.accepted)
        started = time.perf_counter()
        await person.send(CRISIS_WORDS)
        answered = any(c == person.id for _, _, c, _ in self.fake.accepted[before:])
        self.crises.append(
            {
                "chat": person.id,
                "started": started,
                "answered": answered,
                "index": before,
                "alert": True,
            }
        )
        self.updates["crisis words"] += 1
        self.asked.append((person.id, "crisis words", before, answered))

    async def coordinator_round(self) -> None:
        """The coordinator claims open alerts shown in the group."""
        for message in self.sandbox.group.bot_messages()[-15:]:
            for _, data in (b for row in message.buttons for b in row):
                if data.startswith("co:esc:claim"):
                    await self.coordinator.press(message, data)
                    self.updates["claim"] += 1

    async def broadcast(self, text: str) -> bool:
        """/broadcast everyone ...: preview, then Send (if this version has broadcasts)."""
        replies = await self.coordinator.send(f"/broadcast everyone {text}")
        self.updates["broadcast"] += 1
        for message in replies:
            for _, data in (b for row in message.buttons for b in row):
                if data.startswith("co:bc:send"):
                    await self.coordinator.press(SandboxMessage(message.raw), data)
                    return True
        return False

    async def hour(self, actions: int, crisis_during_broadcast: bool = False) -> None:
        """One simulated hour: sweeps, then members act while the outbox drains."""
        sandbox = self.sandbox
        sandbox.clock.advance(timedelta(hours=1))
        await run_sweeps(sandbox.services)  # type: ignore[arg-type]
        chosen = self.random.sample(self.people, min(actions, len(self.people)))
        work = [self.act(person) for person in chosen]
        if crisis_during_broadcast:
            work += [self.crisis_words(person) for person in self.random.sample(self.people, 3)]
        if self.random.random() < 0.5:
            work.append(self.coordinator_round())
        # The production sender runs all the time (bot/app.py); here it runs while the hour's
        # members act, so an alert goes out as soon as it is queued, not when the hour is over.
        acting = True
        assert sandbox.app is not None and sandbox.services is not None
        sender = asyncio.create_task(
            sandbox.services.outbox.run_forever(
                sandbox.app.bot, idle_seconds=0.05, running=lambda: acting
            )
        )
        await asyncio.gather(*work)
        acting = False
        await sender
        await sandbox.flush_outbox()

    def count_unanswered(self) -> None:
        """Updates after which nothing reached the member before they next acted ("late"), and
        of those, the ones after which nothing reached them at all before the end ("never")."""
        following: dict[int, int] = {}  # chat -> index where that member's next update began
        for chat, kind, index, answered in reversed(self.asked):
            until = following.get(chat, len(self.fake.accepted))
            later = [target for _, _, target, _ in self.fake.accepted[index:]]
            if not answered and chat not in later[: until - index]:
                self.unanswered[kind] += 1
                if chat not in later:
                    self.never_answered[kind] += 1
            following[chat] = index

    async def drain(self) -> int:
        """After the week: keep the clock moving until nothing due is left (bounded)."""
        sandbox = self.sandbox
        for rounds in range(1, 200):
            sandbox.clock.advance(timedelta(minutes=10))
            await sandbox.tick()
            due = await sandbox.db.fetch_value(
                "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') "
                "AND not_before <= ?",
                (sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%S"),),
            )
            if not due:
                return rounds
        return 200


def crisis_figures(week: Week) -> dict[str, Any]:
    """Reply and alert timing for each crisis, and lower-lane sends that went first."""
    fake = week.fake
    replies_ms, alerts_ms, lower_first, alerts_missing = [], [], [], 0
    group = week.sandbox.group.chat_id
    for crisis in week.crises:
        later = fake.accepted[crisis["index"] :]
        reply = next((t for t, m, c, _ in later if c == crisis["chat"]), None)
        if reply is not None:
            replies_ms.append((reply - crisis["started"]) * 1000)
        if not crisis.get("alert"):
            continue
        alert_at = next(
            (i for i, (_, m, c, _) in enumerate(later) if c == group and m == "sendMessage"), None
        )
        if alert_at is None:
            alerts_missing += 1
            continue
        alerts_ms.append((later[alert_at][0] - crisis["started"]) * 1000)
        lower_first.append(
            sum(
                1
                for _, m, c, text in later[:alert_at]
                if m in SEND_METHODS and fake.lane_of_text.get((c, text)) in LOW_LANES
            )
        )
    return {
        "replies_ms": replies_ms,
        "alerts_ms": alerts_ms,
        "lower_first": lower_first,
        "alerts_missing": alerts_missing,
    }


async def run(args: argparse.Namespace) -> int:
    """The week, then the figures."""
    errors: list[str] = []
    kinds: Counter[str] = Counter()

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            error = record.exc_info[1] if record.exc_info else None
            kinds[type(error).__name__ if error else record.name] += 1
            # Where in our code it came from (the deepest frame in handlers/ or bot/).
            frames = traceback.extract_tb(error.__traceback__) if error else []
            ours = [
                f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno}"
                for f in frames
                if "/handlers/" in f.filename or "/bot/" in f.filename
            ]
            where = f" at {ours[-1]}" if ours else ""
            errors.append(f"{record.name}: {record.getMessage()}{where}"[:300])

    catcher = Catch(level=logging.ERROR)
    logging.getLogger().addHandler(catcher)
    fake = ChaosTelegram()
    with tempfile.TemporaryDirectory() as folder:
        # Telegram's global and per-chat pace; the group's 20 a minute would make the run last
        # hours of wall-clock time for a handful of alerts, so the group is paced at 10 a second.
        settings = sandbox_settings(
            Path(folder),
            rate_global_per_second=25.0,
            rate_chat_per_second=1.0,
            rate_group_per_minute=600.0,
        )
        sandbox = ChaosSandbox(settings, fake=fake)
        await sandbox.start()
        track_lanes(sandbox, fake)
        week = Week(sandbox, fake, args.seed)
        await week.setup(args.pairs)
        fake.faults.rate_429, fake.faults.rate_5xx = args.rate_429, args.rate_5xx
        fake.faults.rate_timeout, fake.faults.retry_after = args.rate_timeout, 1
        fake.faults.random = random.Random(args.seed)
        started = time.perf_counter()
        broadcasts = 0
        for hour in range(7 * 24):
            day, clock_hour = divmod(hour, 24)
            busy = 8 <= clock_hour <= 22
            during_broadcast = False
            if clock_hour == 10 and day in (1, 4):
                broadcasts += await week.broadcast(f"Week news {day} <b>&</b> thanks")
                during_broadcast = True
            elif clock_hour == 16 and day in (2, 5):
                during_broadcast = True  # crises on an ordinary afternoon, for comparison
            await week.hour(args.actions if busy else args.actions // 4, during_broadcast)
            if hour % 24 == 23 or args.verbose:
                print(
                    f"  day {day + 1}: {sum(week.updates.values()):,} updates, "
                    f"{len(fake.accepted):,} accepted, {sum(fake.injected.values()):,} faults, "
                    f"{time.perf_counter() - started:.0f} s",
                    flush=True,
                )
        fake.faults.rate_429 = fake.faults.rate_5xx = fake.faults.rate_timeout = 0.0
        drain_rounds = await week.drain()
        week.count_unanswered()
        rows = {
            (status, reason or ""): count
            for status, reason, count in await sandbox.db.fetch_all(
                "SELECT status, last_error, COUNT(*) FROM outbox GROUP BY 1, 2"
            )
        }
        due_left = await sandbox.db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND not_before <= ?",
            (sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%S"),),
        )
        integrity = await sandbox.db.fetch_value("PRAGMA integrity_check")
        by_kind = {
            kind: count
            for kind, count in await sandbox.db.fetch_all(
                "SELECT kind, COUNT(*) FROM outbox GROUP BY kind ORDER BY 2 DESC"
            )
        }
        handed = {
            status: count
            for status, count in await sandbox.db.fetch_all(
                "SELECT status, COUNT(*) FROM outbox WHERE kind = 'reply' GROUP BY status"
            )
        }
        assert sandbox.services is not None
        apology_texts = {sandbox.services.t(lang, "common.error") for lang in ("en", "es")}
        await sandbox.stop()
    logging.getLogger().removeHandler(catcher)
    seconds = time.perf_counter() - started
    failed_updates = {
        int(m.group(1)) for line in errors if (m := re.search(r"while handling update (\d+)", line))
    }
    apologies = sum(
        1
        for _, method, _, text in fake.accepted
        if method == "sendMessage" and text in apology_texts
    )
    crisis = crisis_figures(week)
    lost_rows = sum(
        count
        for (status, reason), count in rows.items()
        if status == "failed" and "forbidden" not in reason
    )
    print(
        f"week:                  {7 * 24} simulated hours in {seconds:.0f} s; drained in "
        f"{drain_rounds} ten-minute steps; {broadcasts} broadcasts sent"
    )
    print(f"updates:               {sum(week.updates.values()):,} {dict(week.updates)}")
    print(f"faults injected:       {dict(fake.injected)} of {len(fake.calls):,} requests")
    print(f"accepted by Telegram:  {len(fake.accepted):,} requests")
    print(
        f"lost replies:          {len(failed_updates)} updates whose handler's reply failed "
        f"(the person got the apology instead: {apologies}); "
        f"{sum(week.unanswered.values())} member updates got no answer before they next acted "
        f"{dict(week.unanswered)}, {sum(week.never_answered.values())} none at all "
        f"{dict(week.never_answered)}"
    )
    print(
        f"outbox rows:           {dict(sorted((f'{s}:{r}' if r else s, c) for (s, r), c in rows.items()))}"
    )
    print(f"outbox rows by kind:   {by_kind}")
    print(f"lost outbox rows:      {lost_rows} failed, {due_left} due and never sent")
    print(
        f"handed over:           {sum(handed.values())} direct replies Telegram kept failing "
        f"went to the outbox {handed}"
    )
    print(f"duplicates:            {fake.duplicates} (timed-out sends that had arrived, retried)")
    if crisis["replies_ms"]:
        print(
            f"crisis replies:        {len(crisis['replies_ms'])}/{len(week.crises)} answered; "
            f"median {statistics.median(crisis['replies_ms']):.0f} ms, "
            f"max {max(crisis['replies_ms']):.0f} ms"
        )
    if crisis["alerts_ms"]:
        print(
            f"crisis alerts:         {len(crisis['alerts_ms'])} reached the coordinators "
            f"({crisis['alerts_missing']} not during the run); median "
            f"{statistics.median(crisis['alerts_ms']):.0f} ms, max "
            f"{max(crisis['alerts_ms']):.0f} ms; lower-lane messages sent "
            f"before the alert: median {statistics.median(crisis['lower_first']):.0f}, "
            f"max {max(crisis['lower_first'])}"
        )
    print(
        f"unhandled errors:      {len(errors)}; Bot API violations {len(fake.violations)}; "
        f"integrity {integrity}"
    )
    print(f"  by kind: {dict(kinds)}; {len(errors) - len(failed_updates)} besides failed replies")
    for line in errors[:8]:
        print(f"  {line}")
    return 0 if not errors and not fake.violations and not lost_rows and not due_left else 1


def main() -> int:
    """Parse arguments and run the chaotic week."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--actions", type=int, default=10, help="member actions per busy hour")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="a line every simulated hour")
    parser.add_argument("--rate-429", type=float, default=0.10)
    parser.add_argument("--rate-5xx", type=float, default=0.05)
    parser.add_argument("--rate-timeout", type=float, default=0.05)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
