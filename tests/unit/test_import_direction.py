"""Dependencies point one way: handlers -> bot -> storage, and no module imports itself back.

Imports are read with `ast`, so imports inside functions and under TYPE_CHECKING count too:
hiding a wrong-way import from the interpreter does not hide it from a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")

# The composition root registers the handlers, and the sandbox (a stand-in for Telegram that
# drives the whole application, demo included) sits above them: the only bot modules that may
# import handlers.
HANDLER_USERS = ("bot.app", "bot.sandbox")

# Import cycles tolerated for now: each entry is the set of modules of one strongly connected
# group. Empty, and meant to stay so: a new cycle is a design problem, not an entry here.
ALLOWED_CYCLES: list[frozenset[str]] = []


def module_name(path: Path) -> str:
    """Dotted module name of a file under the repository root."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    """Every module of the three packages, by dotted name."""
    return {module_name(path): path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that `name` refers to (`bot.core.clock.to_db` -> `bot.core.clock`)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules that `module` imports anywhere in its file."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from bot import outbox` imports the module bot.delivery.outbox; `from bot.core.clock import to_db`
            # imports bot.core.clock (the name is no module, so it resolves to its parent).
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            hit = resolve(target, known)
            if hit and hit != module:
                found.add(hit)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports."""
    known = all_modules()
    return {module: imports_of(module, path, known) for module, path in known.items()}


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        # Iterative, so a deep import chain never hits the recursion limit.
        nonlocal counter
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def cycle_path(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One concrete loop inside a strongly connected group, for a readable failure."""
    members = set(group)
    start = group[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [start]
                    while node != start:
                        path.append(node)
                        node = previous[node]
                    return [start, *reversed(path[1:]), start]
                if child not in previous:
                    previous[child] = node
                    nxt.append(child)
        frontier = nxt
    return group


def test_storage_never_imports_bot_or_handlers() -> None:
    graph = import_graph()
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if package_of(module) == "storage"
        for target in targets
        if package_of(target) in ("bot", "handlers")
    )
    assert not wrong, "storage must not import bot or handlers:\n" + "\n".join(wrong)


def test_bot_never_imports_handlers() -> None:
    graph = import_graph()
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if package_of(module) == "bot" and not module.startswith(HANDLER_USERS)
        for target in targets
        if package_of(target) == "handlers"
    )
    assert not wrong, "bot must not import handlers:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = [group for group in cycles(graph) if frozenset(group) not in ALLOWED_CYCLES]
    report = ["  " + " -> ".join(cycle_path(group, graph)) + f"  (group: {', '.join(group)})" for group in found]
    assert not found, "import cycles:\n" + "\n".join(report)


def test_the_checker_sees_hidden_imports_and_cycles(tmp_path: Path) -> None:
    """The reader counts imports inside functions and under TYPE_CHECKING, and finds a loop."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bot import services\n"
        "def later():\n    import storage.db\n"
    )
    tree_file = REPO / "bot" / "core" / "clock.py"
    known = {"bot.core.clock": tree_file, "bot.services": tree_file, "storage.db": tree_file}
    probe = tmp_path / "probe.py"
    probe.write_text(source, "utf-8")
    assert imports_of("bot.core.clock", probe, known) == {"bot.services", "storage.db"}
    loop = cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert loop == [["a", "b", "c"]]
    assert cycle_path(loop[0], {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
