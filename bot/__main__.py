"""Command line: `python -m bot [run|demo|check-content|backup PATH|restore PATH|status|screen|train-risk]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from telegram.error import InvalidToken

from bot.catalog._base import ContentError
from bot.settings import SettingsError, load_settings
from storage.db import DatabaseError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="run the bot (default): polling, or webhook if WEBHOOK_URL is set"
    )
    demo = commands.add_parser("demo", help="try the bot in the terminal against a local sandbox")
    demo.add_argument("--script", type=Path, help="run a scripted walkthrough and print it")
    demo.add_argument("--database", type=Path, help="keep the demo's data in this file")
    demo.add_argument("--files", type=Path, help="where charts and exports are saved "
                      "(default: demo-output)")
    check = commands.add_parser("check-content", help="validate content/ and list every problem")
    check.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")
    backup = commands.add_parser(
        "backup", help="consistent copy of the database, safe while running"
    )
    backup.add_argument("path", type=Path)
    restore = commands.add_parser(
        "restore", help="put a backup in place of the database (stop the bot first)"
    )
    restore.add_argument("path", type=Path)
    commands.add_parser("status", help="schema version, counts, outbox backlog, open escalations")
    screen = commands.add_parser(
        "screen", help="run the crisis screen on lines or a labelled TSV (recall, false positives)"
    )
    screen.add_argument("path", type=Path, nargs="?", help="file (default: standard input)")
    screen.add_argument("--role", choices=["mentor", "mentee"], help="screen as this role")
    screen.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")
    train = commands.add_parser(
        "train-risk", help="rebuild content/risk/model.npz from the corpus and print dev figures"
    )
    train.add_argument("--sealed", action="store_true",
                       help="also report the sealed test (content/risk/corpus/test.tsv), once")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for problems an operator must fix)."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "demo":
            from bot.demo import run_demo

            return asyncio.run(run_demo(script=args.script, database=args.database, files=args.files))
        if command == "check-content":
            from bot.catalog.bundle import load_content

            content = load_content(args.dir)
            print(
                f"Content OK: {len(content.crisis.countries)} countries with crisis lines, "
                f"{sum(len(f.strategies) for f in content.coping.feelings.values())} coping "
                f"strategies, {len(content.training.modules)} training modules, "
                f"{len(content.locales)} languages."
            )
            return 0
        if command == "screen":
            from bot.risk_cli import run_screen

            return run_screen(args.path, args.role, args.dir)
        if command == "train-risk":
            from bot.risk_cli import run_train

            return run_train(args.sealed)
        settings = load_settings()
        if command == "backup":
            from bot.operations import backup

            print(asyncio.run(backup(settings, args.path)))
            return 0
        if command == "restore":
            from bot.operations import restore

            print(asyncio.run(restore(settings, args.path)))
            return 0
        if command == "status":
            from bot.operations import status

            print(asyncio.run(status(settings)))
            return 0
        from bot.runner import run

        return asyncio.run(run(settings))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ContentError as exc:
        print(f"The content files have problems; fix them and try again.\n{exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    except InvalidToken:
        print("Telegram rejected BOT_TOKEN. Copy the token again from @BotFather into .env "
              "(or revoke and create a new one).", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
