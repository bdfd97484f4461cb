"""handlers/__init__.py is the one place listing handlers: every handler module is in it once,
each exposes handlers(wiring), and no handler module imports another (helpers live in _common)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import handlers

HANDLERS = Path(handlers.__file__).parent
# Modules with no handlers of their own: the error handler, and the steps and questions the
# onboarding and /settings flows reuse, the bot's own group membership (reachability.py calls it).
NOT_LISTED = {"errors", "intake", "questions", "group_membership"}


def handler_modules() -> set[str]:
    return {path.stem for path in HANDLERS.glob("*.py")
            if not path.stem.startswith("_")} - NOT_LISTED


def listed() -> list[str]:
    return [*(f.__module__ for f in handlers.GATES),
            *(f.__module__ for _, f in handlers.ROUTES)]


def test_every_handler_module_is_listed_once_and_exposes_handlers() -> None:
    names = [name.removeprefix("handlers.") for name in listed()]
    assert sorted(names) == sorted(handler_modules())
    for name in names:
        module = importlib.import_module(f"handlers.{name}")
        assert callable(module.handlers), name
        assert module.handlers.__doc__, name


def test_the_gates_come_before_the_screen_and_the_fallbacks_come_last() -> None:
    groups = [group for group, _ in handlers.ROUTES]
    assert groups == sorted(groups)
    assert handlers.FIRST_GATE + len(handlers.GATES) <= groups[0]
    assert handlers.ROUTES[-1][1].__module__ == "handlers.fallback"
    relay = [f.__module__ for _, f in handlers.ROUTES].index("handlers.relay")
    assert relay == len(handlers.ROUTES) - 2  # after every flow, before the fallbacks


def test_handler_modules_import_only_helpers_from_handlers() -> None:
    allowed = {"handlers._common", "handlers._edits"}
    # Reused pieces still shared between flows (see docs/handlers.md).
    known = {("intake", "handlers.questions"), ("settings", "handlers.questions"),
             ("onboarding", "handlers.intake"), ("onboarding", "handlers.invite"),
             ("reachability", "handlers.group_membership"),
             ("relay_buttons", "handlers.relay"),
             ("report", "handlers.screening"), ("checkin", "handlers.screening")}
    found = set()
    for path in HANDLERS.glob("*.py"):
        if path.stem == "__init__":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("handlers"):
                targets = ([node.module] if node.module != "handlers"
                           else [f"handlers.{alias.name}" for alias in node.names])
                found |= {(path.stem, target) for target in targets if target not in allowed}
    assert found <= known, sorted(found - known)
