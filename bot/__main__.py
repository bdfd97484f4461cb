"""Command line: `python -m bot [run|demo|check-content|backup PATH|restore PATH|status|
evaluation|find-group|screen|train-risk]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from importlib import resources
from pathlib import Path

from telegram.error import InvalidToken

from bot import __version__
from bot.catalog._base import ContentError
from bot.ops.setup_check import SetupError
from bot.settings import SettingsError, load_settings
from storage.db import DatabaseError

SHIPPED_SCRIPTS = ("walkthrough", "members_walkthrough")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="run the bot (default): polling, or webhook if WEBHOOK_URL is set"
    )
    demo = commands.add_parser("demo", help="try the bot in the terminal against a local sandbox")
    demo.add_argument(
        "--script",
        help="run a scripted walkthrough and print it: a file, or "
        f"the name of a shipped one ({', '.join(SHIPPED_SCRIPTS)})",
    )
    demo.add_argument("--database", type=Path, help="keep the demo's data in this file")
    demo.add_argument(
        "--files", type=Path, help="where charts and exports are saved (default: demo-output)"
    )
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
    commands.add_parser(
        "status",
        help="schema version, counts, outbox backlog, open escalations; "
        "exits 1 when something needs a person",
    )
    evaluation = commands.add_parser(
        "evaluation", help="the evaluation report: a PDF and a CSV beside it (anonymised)"
    )
    evaluation.add_argument("--from", dest="start", help="first day (YYYY-MM-DD)")
    evaluation.add_argument("--to", dest="end", help="last day (YYYY-MM-DD)")
    evaluation.add_argument(
        "--cohort",
        action="store_true",
        help="members who joined between --from and --to, followed to today",
    )
    evaluation.add_argument(
        "--out",
        type=Path,
        default=Path("evaluation.pdf"),
        help="PDF to write (the CSV goes beside it)",
    )
    evaluation.add_argument("--database", type=Path, help="database file (default: settings)")
    evaluation.add_argument("--language", default=None, help="en or es")
    find = commands.add_parser(
        "find-group", help="print the id of a group the bot is added to (needs only BOT_TOKEN)"
    )
    find.add_argument("--rounds", type=int, default=30, help="polls of 10 s before giving up")
    screen = commands.add_parser(
        "screen", help="run the crisis screen on lines or a labelled TSV (recall, false positives)"
    )
    screen.add_argument("path", type=Path, nargs="?", help="file (default: standard input)")
    screen.add_argument("--role", choices=["mentor", "mentee"], help="screen as this role")
    screen.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")
    train = commands.add_parser(
        "train-risk",
        help="rebuild content/risk/model.npz from the corpus and print held-out figures",
    )
    train.add_argument(
        "--sealed",
        action="store_true",
        help="also report the sealed test (content/risk/corpus/sealed_test_3.tsv), once",
    )
    return parser


def _operate(command: str, args: argparse.Namespace) -> int:
    """backup, restore and status: they need only the database's path, never the token."""
    from pydantic import ValidationError

    from bot.ops import operations
    from bot.settings import StorageSettings, format_settings_error

    try:
        settings = StorageSettings()
    except ValidationError as exc:
        raise SettingsError(format_settings_error(exc)) from None
    database = settings.database_path
    if command == "backup":
        print(asyncio.run(operations.backup(database, args.path, force=args.force)))
    elif command == "restore":
        print(asyncio.run(operations.restore(database, args.path)))
    else:
        from bot.ops.health import check_file, report

        print(asyncio.run(operations.status(database)))
        alerts, failing = asyncio.run(operations.alert_status(database))
        print(alerts)
        problems = asyncio.run(check_file(settings))
        print(report(problems))
        # 1: something needs a person (2: cannot even look)
        return 1 if problems or failing else 0
    return 0


def demo_script(name: str | None) -> Path | None:
    """A script file, or one shipped with the package by name (works from an installed wheel)."""
    if name is None or Path(name).is_file() or name not in SHIPPED_SCRIPTS:
        return None if name is None else Path(name)
    return Path(str(resources.files("bot.sandbox") / "demo_scripts" / f"{name}.txt"))


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for problems an operator must fix)."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "demo":
            from bot.sandbox.demo import run_demo

            script = demo_script(args.script)
            if script is not None and not script.is_file():
                print(
                    f"No demo script {args.script!r}: give a file, or one of "
                    f"{', '.join(SHIPPED_SCRIPTS)}.",
                    file=sys.stderr,
                )
                return 2
            return asyncio.run(run_demo(script=script, database=args.database, files=args.files))
        if command == "check-content":
            from bot.content import load_content

            content = load_content(args.dir)
            print(
                f"Content OK: {len(content.crisis.countries)} countries with crisis lines, "
                f"{sum(len(f.strategies) for f in content.coping.feelings.values())} coping "
                f"strategies, {len(content.training.modules)} training modules, "
                f"{len(content.locales)} languages."
            )
            return 0
        if command == "evaluation":
            from bot.console.evaluation_cli import run_evaluation

            return asyncio.run(run_evaluation(args))
        if command == "find-group":
            return asyncio.run(_find_group(args.rounds))
        if command == "screen":
            from bot.screen.risk_cli import run_screen

            return run_screen(args.path, args.role, args.dir)
        if command == "train-risk":
            from bot.screen.risk_cli import run_train

            return run_train(args.sealed)
        if command in ("backup", "restore", "status"):
            return _operate(command, args)
        settings = load_settings()
        from bot.runner import run

        return asyncio.run(run(settings))
    except (SettingsError, SetupError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except ContentError as exc:
        print(f"The content files have problems; fix them and try again.\n{exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    except InvalidToken:
        print(
            "Telegram rejected BOT_TOKEN. Copy the token again from @BotFather into .env "
            "(or revoke and create a new one).",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


async def _find_group(rounds: int) -> int:
    """`find-group`: wait for the bot to be added to a group (or a message there); print its id."""
    from telegram import Bot

    from bot.ops.setup_check import find_group

    # Any negative id passes validation: this command only needs the token.
    settings = load_settings(coordinator_chat_id=-1)
    print("Add the bot to the coordinators' group now (or send a message there)...", flush=True)
    async with Bot(settings.token, base_url=settings.telegram_base_url) as bot:
        found = await find_group(bot, rounds)
    if not found:
        print(
            "No group seen. Add the bot to the group, or send a message there, and run this again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
