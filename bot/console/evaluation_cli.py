"""`python -m bot evaluation`: the evaluation report from a database file, without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import datetime

from bot.console.evaluation_report import BadScope, build, parse_scope, words_for
from bot.content import load_content
from bot.core.clock import SystemClock, from_db
from bot.core.i18n import Translator
from storage.db import Database


async def _bot_now(db: Database) -> datetime:
    """Now, or the bot's own clock at its last sweep if that is earlier (the demo's database
    lives in March 2026), so pairs still running are followed up to the bot's present."""
    now = SystemClock().now()
    last = from_db(await db.fetch_value("SELECT value FROM kv WHERE key = 'last_sweep_at'"))
    return min(now, last) if last is not None else now


async def run_evaluation(args: argparse.Namespace) -> int:
    """Write the PDF to --out and the CSV beside it; 2 for dates or settings an operator must fix."""
    words_in = (["cohort"] if args.cohort else []) + [d for d in (args.start, args.end) if d]
    try:
        scope = parse_scope(words_in)
    except BadScope:
        print(
            "Give both --from and --to as YYYY-MM-DD (from on or before to); --cohort needs both.",
            file=sys.stderr,
        )
        return 2
    if args.database is not None:
        database, content_dir, language = args.database, None, args.language or "en"
    else:
        from bot.settings import load_settings

        settings = load_settings()
        database, content_dir = settings.database_path, settings.content_dir
        language = args.language or settings.default_language
    if not database.exists():
        print(f"No database at {database}.", file=sys.stderr)
        return 2
    content = load_content(content_dir)
    words = words_for(Translator(content.locales, language), language)
    db = await Database.open(database)
    started = time.perf_counter()
    try:
        built = await build(db, words, await _bot_now(db), scope, asyncio.Lock())
    finally:
        await db.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(built.pdf)
    csv_path = args.out.with_suffix(".csv")
    csv_path.write_bytes(built.csv)
    print(
        f"{built.scope_text}\nWrote {args.out} and {csv_path} in "
        f"{time.perf_counter() - started:.1f} s."
    )
    return 0
