"""Benchmark: how many times an alert nobody claims lands in the coordinators' group.

One member writes crisis words; nobody presses [I'm on it]. The sandboxed bot runs its sweeps
every 15 simulated minutes for a weekend (48 h, the clock is moved, nothing sleeps) under the old
rule (every 15 minutes, no cap) and the shipped one (15, 30, 60 minutes, then hourly, at most 8
a day). Prints the posts per day and in total for each.

    python bench/realerts.py [--hours 48]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content import load_content
from bot.sandbox.harness import Sandbox, sandbox_settings

RULES = {
    "old: every 15 min, no cap": {
        "escalation_realert_minutes": "15",
        "escalation_realerts_per_day": 96,
    },
    "shipped: 15,30,60 then hourly, 8 a day": {},
}


async def weekend(hours: int, overrides: dict[str, object]) -> dict[str, int]:
    """Posts of the alert per UTC day over `hours` of sweeps every 15 minutes."""
    with tempfile.TemporaryDirectory() as folder:
        box = Sandbox(sandbox_settings(Path(folder), **overrides), content=load_content())
        await box.start()
        try:
            ana = box.user("Ana")
            consent = (await ana.send("/start"))[1]
            await ana.click(consent, "I agree")
            await ana.send("i want to kill myself")
            per_day: dict[str, int] = {}
            for _ in range(hours * 4):
                before = len(box.group.bot_messages())
                await box.advance(timedelta(minutes=15))
                posted = len(box.group.bot_messages()) - before
                day = box.clock.now().date().isoformat()
                per_day[day] = per_day.get(day, 0) + posted
            return per_day
        finally:
            await box.stop()


async def main() -> None:
    """Run both rules and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=48)
    hours = parser.parse_args().hours
    for name, overrides in RULES.items():
        per_day = await weekend(hours, overrides)
        days = ", ".join(f"{day}: {count}" for day, count in per_day.items())
        print(f"{name}: {sum(per_day.values())} re-posts in {hours} h ({days})")


if __name__ == "__main__":
    asyncio.run(main())
