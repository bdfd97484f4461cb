"""Time the crisis screen per message (run from the repo root: python bench/risk_speed.py).

The whole layered screen (lexicon + classifier per clause and per message) and, for comparison
in the same run, the lexicon alone. Also prints the model file's size.

With ``--against REV`` (e.g. ``--against e7e71e7``) it also times the screen of that git revision
(its bot/ and content/risk/ exported to a temporary folder and run in a child process on the same
500-character messages), before and after the current code, and prints the ratio of medians.

Messages are built from the words of the evaluation sets plus emoji and punctuation, with mixed
lengths up to Telegram's 4096 characters; about one in ten contains a risk phrase so the slower
path (exclusions, every rule, negation) is timed too. Prints mean / p50 / p99 / max microseconds
of wall-clock time and of this thread's CPU time (the latter is not inflated by a busy machine).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.risk_eval import load_examples, load_screen  # noqa: E402
from bot.screen.risk import RiskScreen  # noqa: E402
from bot.screen.risk_lexicon import LexiconScreen  # noqa: E402

MESSAGES = 20_000
MAX_CHARS = 4096
NOISE = ["😭", "😂", "!!", "...", "?", ",", "💔", "lol", "ugh", "jaja", "—", "🙏"]


def build_corpus(rng: random.Random) -> tuple[list[str], list[str]]:
    """(ordinary words, risk messages) taken from the evaluation sets."""
    words: list[str] = []
    risky: list[str] = []
    for language in ("en", "es"):
        for example in load_examples(language):
            (
                words.extend(example.text.split())
                if example.label is None
                else risky.append(example.text)
            )
    rng.shuffle(words)
    return words, risky


def make_message(rng: random.Random, words: list[str], risky: list[str], length: int) -> str:
    """A message of about ``length`` characters (never over 4096)."""
    parts: list[str] = []
    size = 0
    while size < length:
        piece = rng.choice(NOISE) if rng.random() < 0.08 else rng.choice(words)
        parts.append(piece)
        size += len(piece) + 1
    if rng.random() < 0.1:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(risky))
    return " ".join(parts)[:MAX_CHARS]


def random_length(rng: random.Random) -> int:
    """Mostly chat-sized messages, with a tail of long ones up to 4096 characters."""
    roll = rng.random()
    if roll < 0.70:
        return rng.randint(5, 200)
    if roll < 0.95:
        return rng.randint(200, 1000)
    return rng.randint(1000, MAX_CHARS)


def time_messages(
    screen: RiskScreen | LexiconScreen, messages: list[str]
) -> tuple[list[float], list[float]]:
    """(wall-clock, thread CPU) microseconds taken by screen() for each message."""
    wall, cpu = [], []
    for message in messages:
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        screen.screen(message)
        cpu.append((time.thread_time_ns() - start_cpu) / 1000)
        wall.append((time.perf_counter_ns() - start) / 1000)
    return wall, cpu


def report(title: str, timings: tuple[list[float], list[float]]) -> None:
    """Print mean, p50, p99 and max of wall-clock and CPU time."""
    for kind, values in zip(("wall", "cpu"), timings, strict=True):
        ordered = sorted(values)
        p50, p99 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]
        print(
            f"{title:34} {kind:4} n={len(ordered):5}  mean {statistics.fmean(ordered):7.1f} µs  "
            f"p50 {p50:7.1f} µs  p99 {p99:7.1f} µs  max {ordered[-1]:8.1f} µs"
        )


_CHILD = """
import json, sys, time
from pathlib import Path
from bot.screen.risk import RiskScreen
screen = RiskScreen.load(Path("content"))
messages = json.loads(Path(sys.argv[1]).read_text("utf-8"))
for message in messages[:300]:
    screen.screen(message)
cpu = []
for message in messages:
    start = time.thread_time_ns()
    screen.screen(message)
    cpu.append((time.thread_time_ns() - start) / 1000)
print(sorted(cpu)[len(cpu) // 2])
"""


def median_cpu(folder: Path, messages_file: Path) -> float:
    """Median thread-CPU microseconds per message of the screen in ``folder`` (a child process)."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(messages_file)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def against(revision: str, messages: list[str]) -> None:
    """Median CPU time of this tree's screen and of ``revision``'s, alternated, and the ratio."""
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "old"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", revision, "bot", "content"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        messages_file = Path(folder) / "messages.json"
        messages_file.write_text(json.dumps(messages), "utf-8")
        new_times, old_times = [], []
        for _ in range(2):  # alternated, so a busy moment hurts both alike
            new_times.append(median_cpu(ROOT, messages_file))
            old_times.append(median_cpu(old, messages_file))
        new, previous = min(new_times), min(old_times)
        print(
            f"500-character messages, median CPU: this tree {new:.1f} µs, {revision} "
            f"{previous:.1f} µs: {previous / new:.2f}x faster"
        )


def main() -> int:
    """Build the screens once, then time mixed, 500-character and 4096-character messages."""
    rng = random.Random(1234)
    started = time.perf_counter()
    screen = RiskScreen.load(ROOT / "content")
    print(
        f"load lexicons + model: {(time.perf_counter() - started) * 1000:.1f} ms; model file "
        f"{(ROOT / 'content' / 'risk' / 'model.npz').stat().st_size / 1024:.0f} KiB"
    )
    lexicon = load_screen()
    words, risky = build_corpus(rng)
    mixed = [make_message(rng, words, risky, random_length(rng)) for _ in range(MESSAGES)]
    at_500 = [make_message(rng, words, risky, 500)[:500] for _ in range(2_000)]
    at_max = [make_message(rng, words, risky, MAX_CHARS) for _ in range(500)]
    time_messages(screen, mixed[:500])  # warm-up
    for name, tested in (("layered screen", screen), ("lexicon alone", lexicon)):
        print(name)
        report(
            f"mixed lengths (mean {statistics.fmean(map(len, mixed)):.0f} chars)",
            time_messages(tested, mixed[:5_000]),
        )
        report("500-character messages", time_messages(tested, at_500))
        report("4096-character messages", time_messages(tested, at_max))
    if "--against" in sys.argv:
        against(sys.argv[sys.argv.index("--against") + 1], at_500)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
