"""Benchmark: kill -9 the real bot while inbound messages are being handled; count the lost.

Each round pushes a batch of messages (half crisis words, half /help, each from its own chat)
into the HTTP sandbox, starts `python -m bot`, waits for the first answer of the batch, lets it
run a random moment more and SIGKILLs it. A last process then finishes the work. Every message
must be answered (lost: target 0); an answer that arrives twice, or an extra coordinators'
alert, counts as a duplicate. `--latency` delays every Bot API call, so more messages are in
hand at the kill.

    python bench/crash_inbound.py [--chats 40] [--kills 10] [--latency 0 0.15] [--code PATH]

`--code` runs another checkout (e.g. the code before the durable inbox) for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._seed import wait_for
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.http import SandboxHttpServer

ROOT = Path(__file__).resolve().parents[1]
COORDINATORS = -1001000000001
CRISIS = "i want to end it all"


def message(chat: int, text: str) -> dict[str, Any]:
    """A private text message from a person who has not joined (commands with their entity)."""
    user = {"id": chat, "is_bot": False, "first_name": "P", "language_code": "en"}
    body: dict[str, Any] = {
        "message_id": 1,
        "date": 0,
        "from": user,
        "text": text,
        "chat": {"id": chat, "type": "private"},
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"message": body}


async def one_run(args: argparse.Namespace, latency: float, code: Path) -> dict[str, Any]:
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="bench-inbound-"))
    fake = FakeTelegram(spec=True)
    fake.faults.latency = latency
    server = await SandboxHttpServer(fake).start()
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "BOT_TOKEN": "123456:CRASH-INBOUND",
        "COORDINATOR_CHAT_ID": str(COORDINATORS),
        "DATABASE_PATH": str(folder / "db.sqlite3"),
        "PSEUDONYM_KEY_FILE": str(folder / "key"),
        "TELEGRAM_BASE_URL": server.base_url,
        "LOG_LEVEL": "WARNING",
    }
    log = open(folder / "bot.log", "wb")  # noqa: SIM115, ASYNC230 (a benchmark; closed at the end)

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-W", "ignore", "-m", "bot"],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def answers(chat: int) -> list[str]:
        return [m.get("text", "") for m in fake.messages.get(chat, {}).values()]

    def repeated_replies(chats: list[int]) -> int:
        return sum(max(0, len(answers(chat)) - 1) for chat in chats)

    def repeated_alerts() -> int:
        return max(0, len(answers(COORDINATORS)) - sum(1 for c in crisis_chats if answers(c)))

    def duplicates(chats: list[int]) -> int:
        return repeated_replies(chats) + repeated_alerts()

    chats: list[int] = []
    crisis_chats: list[int] = []
    per_kill: list[int] = []
    in_hand: list[int] = []
    next_chat = 9_000_001
    for _ in range(args.kills):
        batch = list(range(next_chat, next_chat + args.chats))
        next_chat += args.chats
        for number, chat in enumerate(batch):
            crisis = number % 2 == 0
            fake.push_update(message(chat, CRISIS if crisis else "/help"))
            (crisis_chats if crisis else []).append(chat)
        chats += batch
        before = duplicates(chats)
        process = start()
        if not await wait_for(lambda batch=batch: any(answers(c) for c in batch), 60, every=0.01):
            process.kill()
            raise SystemExit("the bot did not answer within 60 s; see " + str(folder))
        await asyncio.sleep(rng.uniform(0.0, args.window))
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait)
        in_hand.append(sum(1 for chat in batch if not answers(chat)))
        per_kill.append(duplicates(chats) - before)
    before = duplicates(chats)
    process = start()
    await wait_for(lambda: all(answers(chat) for chat in chats), limit=120, every=0.01)
    await asyncio.sleep(1.0)  # a late duplicate would show now
    process.send_signal(signal.SIGTERM)
    await asyncio.to_thread(process.wait)
    per_kill[-1] += duplicates(chats) - before
    await server.stop()
    log.close()
    lost = sum(1 for chat in chats if not answers(chat))
    kinds = Counter(
        "crisis" if chat in crisis_chats else "help" for chat in chats if not answers(chat)
    )
    return {
        "messages": len(chats),
        "unanswered at kills": sum(in_hand),
        "lost": lost,
        "lost by kind": dict(kinds),
        "duplicates": duplicates(chats),
        "repeated replies": repeated_replies(chats),
        "repeated alerts": repeated_alerts(),
        "per kill": per_kill,
        "violations": len(fake.violations),
        "folder": folder,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=40, help="messages per round")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.15])
    parser.add_argument(
        "--window",
        type=float,
        default=0.4,
        help="the kill lands up to this long after the round's first answer",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    print(
        f"{args.kills} rounds of {args.chats} messages (half crisis words, half /help), "
        f"SIGKILL 0-{args.window:g} s after each round's first answer; code: {args.code}"
    )
    for latency in args.latency:
        result = await one_run(args, latency, args.code)
        kills = args.kills
        print(
            f"latency {latency * 1000:.0f} ms: {result['messages']} messages, "
            f"{result['unanswered at kills']} still unanswered at the kills · "
            f"lost: {result['lost']} {result['lost by kind'] or ''}· "
            f"duplicates: {result['duplicates']} ({result['duplicates'] / kills:.2f} per kill, "
            f"most in one kill: {max(result['per kill'])}; {result['repeated replies']} "
            f"replies, {result['repeated alerts']} coordinators' alerts) · "
            f"API violations: {result['violations']}",
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
