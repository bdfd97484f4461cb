"""Command line: `python -m bot [run|demo|check-content|backup PATH|restore PATH|status]`."""

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
    backup.add_argument("--force", action="store_true", help="replace an existing file at PATH")
    restore = commands.add_parser(
        "restore", help="put a backup in place of the database (stop the bot first)"
    )
    restore.add_argument("path", type=Path)
    commands.add_parser("status", help="schema version, counts, outbox backlog, open escalations")
    return parser


def _operate(command: str, args: argparse.Namespace) -> int:
    """backup, restore and status: they need only the database's path, never the token."""
    from bot import operations
    from bot.settings import StorageSettings

    database = StorageSettings().database_path
    if command == "backup":
        print(asyncio.run(operations.backup(database, args.path, force=args.force)))
    elif command == "restore":
        print(asyncio.run(operations.restore(database, args.path)))
    else:
        print(asyncio.run(operations.status(database)))
    return 0


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
        if command in ("backup", "restore", "status"):
            return _operate(command, args)
        settings = load_settings()
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
