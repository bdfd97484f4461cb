"""How long /evaluation takes on the demo database after the walkthrough (prints figures).

    python bench/evaluation_bench.py [--runs 5]

Runs the shipped walkthrough into a temporary database, then builds the report several times
and prints the median of each part (reading and computing, drawing the PDF, the CSV) and of
the whole. The first build in a process also pays for importing scipy and matplotlib; it is
printed separately.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.console.evaluation import Scope  # noqa: E402
from bot.console.evaluation_cli import _bot_now  # noqa: E402
from bot.console.evaluation_report import gather, report_csv, scope_text, words_for  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core.i18n import Translator  # noqa: E402
from bot.sandbox.demo import run_demo  # noqa: E402
from storage.db import Database  # noqa: E402


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "demo.sqlite3"
        code = await run_demo(
            script=REPO / "examples" / "walkthrough.txt",
            database=database,
            out=lambda _line: None,
            files=Path(folder) / "files",
        )
        assert code == 0, "the walkthrough failed"
        content = load_content(None)
        words = words_for(Translator(content.locales, "en"), "en")
        db = await Database.open(database)
        rows = await db.fetch_value("SELECT COUNT(*) FROM engagement")
        now = await _bot_now(db)
        from bot.console.evaluation_pdf import render_pdf

        timings: dict[str, list[float]] = {"read+compute": [], "pdf": [], "csv": [], "total": []}
        first = 0.0
        for run in range(runs + 1):
            started = time.perf_counter()
            report = await gather(db, Scope(), now)
            computed = time.perf_counter()
            pdf = render_pdf(report, words, scope_text(words, Scope(), now.date()))
            drawn = time.perf_counter()
            report_csv(report, "bench")
            done = time.perf_counter()
            if run == 0:
                first = done - started
                continue
            timings["read+compute"].append(computed - started)
            timings["pdf"].append(drawn - computed)
            timings["csv"].append(done - drawn)
            timings["total"].append(done - started)
        await db.close()
    print(f"demo database after the walkthrough: {rows} engagement rows; PDF {len(pdf)} bytes")
    print(f"first build in a fresh process (imports scipy/matplotlib): {first:.2f} s")
    for name, values in timings.items():
        print(f"{name:>13}: median {statistics.median(values) * 1000:7.0f} ms over {runs} runs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
