"""handlers/__init__.py is the one place listing handlers: every handler module is in it once,
each exposes handlers(wiring), and no handler module imports another (shared pieces live in
`_`-prefixed helper modules)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import handlers

HANDLERS = Path(handlers.__file__).parent
# The error handler is added apart (app.add_error_handler); every other entry module is listed.
NOT_LISTED = {"errors"}


def handler_modules() -> set[str]:
    return {
        path.stem for path in HANDLERS.glob("*.py") if not path.stem.startswith("_")
    } - NOT_LISTED


def listed() -> list[str]:
    return [*(f.__module__ for f in handlers.GATES), *(f.__module__ for _, f in handlers.ROUTES)]


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


def handler_imports(path: Path) -> set[str]:
    """The handlers.* modules a file imports (``from handlers import x`` names each x)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("handlers.")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "handlers":
            found |= {f"handlers.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("handlers."):
            found.add(node.module or "")
        elif isinstance(node, ast.ImportFrom) and node.level > 0:  # relative: from . import x
            base = "handlers" + (f".{node.module}" if node.module else "")
            found |= {base} if node.module else {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_handler_modules_import_only_helpers_from_handlers() -> None:
    # Entry modules (and helpers) may import `_`-prefixed helpers only; never an entry module.
    found = {
        (path.stem, target)
        for path in HANDLERS.glob("*.py")
        if path.stem != "__init__"
        for target in handler_imports(path)
        if not target.removeprefix("handlers.").split(".")[0].startswith("_")
    }
    assert not found, sorted(found)


def test_the_import_check_sees_every_way_of_importing_an_entry_module(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "import handlers.relay\nfrom handlers import intake, _common\n"
        "from handlers.screening import respond\nfrom . import report\n"
        "from handlers._edits import remove_buttons\n",
        "utf-8",
    )
    assert handler_imports(source) == {
        "handlers.relay",
        "handlers.intake",
        "handlers._common",
        "handlers.screening",
        "handlers.report",
        "handlers._edits",
    }


def test_handlers_leave_the_engagement_counts_to_bot() -> None:
    # The counts sit beside the state change they describe, in bot/'s feature functions.
    found = sorted(
        path.name
        for path in HANDLERS.glob("*.py")
        if any(
            isinstance(node, ast.ImportFrom)
            and node.module in ("storage", "storage.engagement")
            and any(
                alias.name == "engagement" or node.module == "storage.engagement"
                for alias in node.names
            )
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
        )
    )
    assert not found, found
