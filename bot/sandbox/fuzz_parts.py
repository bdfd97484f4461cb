"""Building blocks of the fuzzer: text strategies, counters, an archiving fake Telegram,
and discovery of commands and signed button prefixes (used by bot/sandbox/fuzz.py)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from telegram.ext import CallbackQueryHandler

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import Sandbox
from bot.services import BotContext

OTHER_GROUP_ID = -1007777777777
CHANNEL_ID = -1008888888888
HTML_BITS = [
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "<b>",
    "</b>",
    "<i>",
    "</a>",
    '<a href="x">',
    "<script>",
    '"',
    "'",
    "&#",
    "&#x110000;",
    "<tg-spoiler>",
    "<pre><code>",
    "<br/>",
]
ODD_BITS = [
    "\u202e",
    "\u200d",
    "\ufeff",
    "\x00",
    "\n",
    "\t",
    "\r\n",
    "🙂",
    "👩‍👩‍👧",
    "𝔘",
    "é",
    "ß",
    "İ",
    "ﷺ",
    "\u0301",
    " ",
    "~",
    ":",
    "/",
    "@",
    "\\",
]
ODD_ARGS = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "MAAAAA",
    "PAAAAA",
    "M",
    "m0000a",
    "MAAAAA MBBBBB",
    "a b c d e f",
    "' OR 1=1 --",
    "%s%s",
    "{code}",
    "<b>x</b>",
    "&",
    "\u202e",
    "🙂" * 30,
    "x" * 300,
    "@companion_sandbox_bot",
    "\n\n",
]


def _risk_phrases() -> list[str]:
    """A few labelled phrases from the screening evaluation set, to walk the crisis path."""
    data = Path(__file__).resolve().parents[2] / "tests" / "data" / "risk_eval_en.tsv"
    if not data.exists():
        return ["I feel hopeless", "I can't go on"]
    rows = [line.split("\t", 1) for line in data.read_text("utf-8").splitlines()[1:]]
    return [text for label, text in rows if label != "none"][::7]


def texts() -> st.SearchStrategy[str]:
    """Random Unicode, HTML-special soup, long repeats up to 4,096 characters, risk phrases."""
    soup = st.lists(st.sampled_from(HTML_BITS + ODD_BITS + ["word", "hello", "5"]), max_size=40)
    return st.one_of(
        st.text(max_size=80),
        soup.map("".join),
        st.builds(
            lambda part, n: (part * n)[:4096] or "x",
            st.text(min_size=1, max_size=24),
            st.integers(1, 4096),
        ),
        st.sampled_from(_risk_phrases()),
        st.sampled_from(["yes", "no", "1", "5", "Good", "skip", "stop", "help", "hola"]),
    )


@dataclass
class FuzzStats:
    """What a fuzz run did and found."""

    updates: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    harness_errors: list[str] = field(default_factory=list)
    # Correctly signed payloads with arguments no handler ever produced (a bug, or buttons from
    # an older version): reported apart, since only the bot itself can sign such data.
    signed_odd_updates: set[int] = field(default_factory=set)
    signed_odd_errors: list[str] = field(default_factory=list)
    violations: list[tuple[str, str]] = field(default_factory=list)
    integrity: str = ""
    foreign_key_problems: int = 0
    seconds: float = 0.0
    pairs_seeded: int = 0
    bot_calls: int = 0

    @property
    def ok(self) -> bool:
        """Nothing found."""
        return (
            not (self.errors or self.harness_errors or self.violations or self.foreign_key_problems)
            and self.integrity == "ok"
        )

    def classify(self) -> None:
        """Move errors raised by signed-but-odd presses to their own list."""
        keep = []
        for error in self.errors:
            found = re.search(r"handling update (\d+)", error)
            if found and int(found.group(1)) in self.signed_odd_updates:
                self.signed_odd_errors.append(error)
            else:
                keep.append(error)
        self.errors = keep

    def summary(self) -> str:
        """One paragraph of figures."""
        rate = self.updates / self.seconds if self.seconds else 0.0
        lines = [
            f"updates delivered:     {self.updates:,} in {self.seconds:.1f} s ({rate:,.0f}/s)",
            f"actions:               {dict(sorted(self.actions.items()))}",
            f"pairs seeded:          {self.pairs_seeded}; Bot API calls made: {self.bot_calls:,}",
            f"unhandled exceptions:  {len(self.errors)} (log records at ERROR or above)",
            f"harness errors:        {len(self.harness_errors)}",
            f"signed odd payloads:   {len(self.signed_odd_updates)} presses, "
            f"{len(self.signed_odd_errors)} handler errors (reported apart)",
            f"Bot API violations:    {len(self.violations)}",
            f"integrity_check:       {self.integrity}",
            f"foreign_key_check:     {self.foreign_key_problems} problem rows",
        ]
        for problem in (self.errors + self.harness_errors)[:5]:
            lines.append(f"  e.g. {problem[:300]}")
        for method, problem in self.violations[:5]:
            lines.append(f"  violation {method}: {problem[:200]}")
        return "\n".join(lines)


class ArchivingTelegram(FakeTelegram):
    """A fake Telegram whose old messages can be moved out of the test client's sight.

    The test client copies a whole chat to find new replies, which slows a long run down; old
    messages go to an archive where the bot can still edit them, as in Telegram.
    """

    def __init__(self) -> None:
        super().__init__()
        self.archive: dict[int, dict[int, dict[str, Any]]] = {}

    def _find(self, params: dict[str, Any]) -> dict[str, Any] | None:
        found = super()._find(params)
        if found is None:
            found = self.archive.get(int(params.get("chat_id", 0)), {}).get(
                int(params.get("message_id", 0))
            )
        return found


class ErrorCatcher(logging.Handler):
    """Collects every ERROR record (exception type and logger only: never message text)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        """Keep a short description with the traceback's last line."""
        detail = ""
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            detail = f" {type(error).__name__}: {error}"
            tb = error.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                detail += f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        self.sink.append(f"{record.name}: {record.getMessage()}{detail}")


def callback_handlers(sandbox: Sandbox) -> list[CallbackQueryHandler[BotContext, Any]]:
    """Every button handler registered, those inside conversations (entry, states, fallbacks) too."""
    assert sandbox.app is not None
    found = []
    for group in sandbox.app.handlers.values():
        for handler in group:
            nested = getattr(handler, "entry_points", []) + getattr(handler, "fallbacks", [])
            for state in getattr(handler, "states", {}).values():
                nested += state
            found += [h for h in [handler, *nested] if isinstance(h, CallbackQueryHandler)]
    return found


def signed_prefixes(sandbox: Sandbox) -> list[list[str]]:
    """Callback payload prefixes the handlers route on (e.g. ["pair", "in"]), from their patterns."""
    found: set[tuple[str, ...]] = set()
    for handler in callback_handlers(sandbox):
        if isinstance(handler.pattern, re.Pattern):
            literal = re.match(r"\^([a-z0-9_:]+)", handler.pattern.pattern)
            if literal:
                found.add(tuple(p for p in literal.group(1).split(":") if p))
    return [list(parts) for parts in sorted(found)]


def command_names() -> list[str]:
    """Every member and coordinator command the bot declares, plus a few it does not."""
    from bot.programme.help_menu import COORDINATOR_COMMANDS, ROLE_COMMANDS
    from handlers._coordinators import COORDINATOR_ONLY

    names = {name for names in ROLE_COMMANDS.values() for name in names}
    names |= set(COORDINATOR_COMMANDS) | set(COORDINATOR_ONLY)
    names |= {
        "start",
        "crisis",
        "sos",
        "help",
        "cancel",
        "stop",
        "settings",
        "forget",
        "mydata",
        "checkin",
        "pause",
        "resume",
        "broadcast",
        "approve",
        "escalations",
        "reload",
        "report",
        "cope",
        "resources",
        "frobnicate",
    }
    return sorted(names)
