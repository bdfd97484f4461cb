"""Dependencies point one way: handlers -> bot -> storage, no module imports itself back, and
bot/'s sub-packages follow one map (MAY_IMPORT below, drawn in docs/architecture.md).

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
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
    }


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
            # `from bot.delivery import outbox` imports the module bot.delivery.outbox;
            # `from bot.core.clock import to_db` imports bot.core.clock (the name is no module,
            # so it resolves to its parent).
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
    report = [
        "  " + " -> ".join(cycle_path(group, graph)) + f"  (group: {', '.join(group)})"
        for group in found
    ]
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
    assert cycle_path(loop[0], {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        "a",
        "b",
        "c",
        "a",
    ]


# ---------------------------------------------------------------- packages
# The folders are the architecture: each part may import only the parts listed for it (and
# itself). Read bottom-up: storage knows nothing of the bot; core is the shared vocabulary;
# catalog loads content/, the screen reads text, content bundles both; delivery moves messages
# and knows no feature; services is what every feature is handed; the features (safety,
# programme, console) and the operator's side (ops) use all of that; handlers adapt Telegram to
# them; the composition root (composition, app, runner, __main__) wires everything. A new
# sub-package, or a new module at bot/'s top level, fails here until it is placed on purpose.
BELOW_FEATURES = {
    "storage",
    "bot.core",
    "bot.catalog",
    "bot.screen",
    "bot.content",
    "bot.settings",
    "bot.delivery",
    "bot.services",
}
MAY_IMPORT: dict[str, set[str]] = {
    "storage": set(),
    "bot": set(),  # bot/__init__.py: the version, nothing else
    "bot.core": {"storage"},
    "bot.catalog": {"bot.core"},
    "bot.screen": {"bot.core", "bot.catalog"},
    "bot.content": {"bot.catalog", "bot.screen"},
    "bot.settings": set(),
    "bot.delivery": {"storage", "bot.core", "bot.settings"},
    "bot.services": {
        "storage",
        "bot.core",
        "bot.catalog",
        "bot.screen",
        "bot.content",
        "bot.settings",
        "bot.delivery",
    },
    "bot.safety": BELOW_FEATURES,
    "bot.programme": BELOW_FEATURES | {"bot.safety"},
    "bot.console": BELOW_FEATURES | {"bot.safety", "bot.programme"},
    "bot.ops": BELOW_FEATURES,
    "handlers": BELOW_FEATURES | {"bot.safety", "bot.programme", "bot.console", "bot.ops"},
    # The one list of sweeps and hooks: it knows every feature, and nothing imports it but the app.
    "bot.composition": BELOW_FEATURES | {"bot.safety", "bot.programme", "bot.console", "bot.ops"},
    "bot.app": BELOW_FEATURES
    | {"bot.safety", "bot.programme", "bot.console", "bot.ops", "bot.composition", "handlers"},
    "bot.sandbox": BELOW_FEATURES
    | {"bot.safety", "bot.programme", "bot.console", "bot.ops", "handlers", "bot.app"},
    "bot.runner": BELOW_FEATURES
    | {"bot.safety", "bot.programme", "bot.console", "bot.ops", "bot.app"},
    "bot.__main__": BELOW_FEATURES
    | {
        "bot",
        "bot.safety",
        "bot.programme",
        "bot.console",
        "bot.ops",
        "bot.app",
        "bot.runner",
        "bot.sandbox",
    },
}
FEATURES = ("bot.safety", "bot.programme", "bot.console")

# Module imports that go against the map today, each with the reason it is still there. Shrink
# this list, never grow it.
KNOWN_WRONG_WAY: set[tuple[str, str]] = set()


def part_of(module: str) -> str:
    """bot.delivery.outbox -> bot.delivery; bot.services -> bot.services; storage.db -> storage."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def part_edges(graph: dict[str, set[str]]) -> dict[tuple[str, str], list[str]]:
    """(part, part it imports) -> the module imports behind that edge."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module, targets in graph.items():
        for target in targets:
            edge = (part_of(module), part_of(target))
            if edge[0] != edge[1]:
                edges.setdefault(edge, []).append(f"{module} -> {target}")
    return edges


def test_every_part_is_on_the_map() -> None:
    parts = {part_of(module) for module in all_modules()}
    unplaced = sorted(parts - MAY_IMPORT.keys())
    assert not unplaced, f"place these in MAY_IMPORT (what may they import?): {unplaced}"


def test_parts_import_only_what_the_map_allows() -> None:
    wrong = []
    for (source, target), imports in sorted(part_edges(import_graph()).items()):
        if target in MAY_IMPORT.get(source, set()):
            continue
        unexplained = [line for line in imports if tuple(line.split(" -> ")) not in KNOWN_WRONG_WAY]
        if unexplained:
            wrong.append(f"{source} -> {target}: " + "; ".join(sorted(unexplained)))
    assert not wrong, "imports against the package map:\n" + "\n".join(wrong)


def test_the_map_is_a_dag_that_keeps_the_rules() -> None:
    """The map itself has no cycle, so following it means no package imports itself back."""
    assert cycles(MAY_IMPORT) == []
    assert MAY_IMPORT["storage"] == set(), "storage never imports bot"
    assert MAY_IMPORT["bot.core"] <= {"storage"}, "core imports no other bot package"
    assert MAY_IMPORT["bot.delivery"] <= {"storage", "bot.core", "bot.settings"}, (
        "delivery knows no feature (settings: validated configuration, imports nothing of bot)"
    )
    assert MAY_IMPORT["bot.settings"] == set()
    for part, allowed in MAY_IMPORT.items():
        if part in FEATURES or part in BELOW_FEATURES:
            assert "bot.sandbox" not in allowed, f"{part} must not import the sandbox"
            assert "handlers" not in allowed, f"{part} must not import handlers"
    for wrong_way in KNOWN_WRONG_WAY:
        assert part_of(wrong_way[1]) not in MAY_IMPORT[part_of(wrong_way[0])], wrong_way


def test_the_package_checker_sees_a_wrong_way_import() -> None:
    graph = {"bot.delivery.outbox": {"bot.console.broadcast"}, "bot.console.broadcast": set()}
    assert part_edges(graph) == {
        ("bot.delivery", "bot.console"): ["bot.delivery.outbox -> bot.console.broadcast"]
    }
    assert "bot.console" not in MAY_IMPORT["bot.delivery"]
