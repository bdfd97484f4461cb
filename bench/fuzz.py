"""Fuzz the whole bot: 10,000+ hypothesis-generated updates through the sandboxed Application.

    python bench/fuzz.py [--updates 10000] [--seed 1]

Prints counts per action, unhandled exceptions (log records at ERROR), Bot API violations, the
database checks and the time taken; exits 1 if anything was found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sandbox.fuzz import FuzzStats, run_fuzz
from bot.sandbox.spec import spec_path


def main() -> int:
    """Run the fuzzer and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    shown = [0]

    def progress(stats: FuzzStats) -> None:
        if stats.updates - shown[0] >= 1000:
            shown[0] = stats.updates
            print(f"  ... {stats.updates:,} updates, {len(stats.errors)} exceptions", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        stats = run_fuzz(
            Path(folder), updates=args.updates, seed_value=args.seed, progress=progress
        )
    print(f"Bot API spec checks:   {spec_path() or 'off (built-in checks only)'}")
    print(stats.summary())
    for problem in stats.signed_odd_errors[:5]:
        print(f"  signed odd payload: {problem[:300]}")
    return 0 if stats.ok else 1


if __name__ == "__main__":
    sys.exit(main())
