"""Benchmark 3: inbound throughput with 50 ms Bot API latency, per-chat processor vs sequential.

Both runs handle the same updates (several messages from each of many chats, each answered with
one message that takes 50 ms to reach Telegram). Per-chat order is verified: every chat's updates
must start and finish in the order they arrived. Rate limits are lifted: this measures update
handling, not pacing.

    python bench/inbound.py [--chats 50] [--per-chat 6] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import TypeHandler

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import Sandbox, sandbox_settings


async def run(mode: str, chats: int, per_chat: int, latency: float) -> tuple[float, bool, int]:
    """Handle every update; returns (updates per second, order kept, replies)."""
    fake = FakeTelegram(spec=True)
    fake.faults.latency = latency
    sandbox = await Sandbox(
        sandbox_settings(Path(tempfile.mkdtemp(prefix="bench-in-"))), fake=fake
    ).start()
    app = sandbox.app
    assert app is not None
    seen: dict[int, list[int]] = {}

    async def record(update: Update, _context: Any) -> None:
        assert update.effective_chat is not None
        seen.setdefault(update.effective_chat.id, []).append(update.update_id)

    app.add_handler(TypeHandler(Update, record), group=-100)
    updates = []
    for round_ in range(per_chat):
        for chat in range(chats):
            user_id = 7_000_000 + chat
            raw = fake.push_update(
                {
                    "message": {
                        "message_id": round_ + 1,
                        "date": 0,
                        "text": "/help",
                        "chat": {"id": user_id, "type": "private", "first_name": "M"},
                        "from": {"id": user_id, "is_bot": False, "first_name": "M"},
                        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                    }
                }
            )
            updates.append(Update.de_json(raw, app.bot))
    started = time.perf_counter()
    if mode == "per-chat":
        await asyncio.gather(
            *(
                app.update_processor.process_update(update, app.process_update(update))
                for update in updates
            )
        )
    else:  # PTB's default: one update after another
        for update in updates:
            await app.process_update(update)
    elapsed = time.perf_counter() - started
    ordered = all(ids == sorted(ids) for ids in seen.values()) and sum(
        len(ids) for ids in seen.values()
    ) == len(updates)
    replies = sum(1 for method, _ in fake.calls if method == "sendMessage")
    await sandbox.stop()
    return len(updates) / elapsed, ordered, replies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--per-chat", type=int, default=6)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    total = args.chats * args.per_chat
    print(f"{total} updates from {args.chats} chats, Bot API latency {args.latency * 1000:.0f} ms")
    results = {}
    for mode in ("per-chat", "sequential"):
        rate, ordered, replies = await run(mode, args.chats, args.per_chat, args.latency)
        results[mode] = rate
        print(
            f"[{mode:10}] {rate:7.1f} updates/s · per-chat order kept: {ordered} · "
            f"{replies} replies"
        )
    print(f"speed-up: {results['per-chat'] / results['sequential']:.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
