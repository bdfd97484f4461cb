"""The README's "How it is built" overview names every module, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")


def overview() -> str:
    """The code block under '## How it is built'."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## How it is built", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, "README.md: no code block under '## How it is built'"
    # Modules added while the README is being split into docs/ are listed in docs/delivery.md
    # until the module map moves there.
    extra = (REPO / "docs" / "delivery.md").read_text("utf-8").split("## Modules", 1)[1]
    more = re.search(r"```\n(.*?)```", extra, re.S)
    assert more, "docs/delivery.md: no code block under '## Modules'"
    return block.group(1) + more.group(1)


def test_every_module_is_in_the_overview() -> None:
    text = overview()
    named = set(re.findall(r"\b([a-z0-9_]+\.py)\b", text))
    missing = [
        f"{package}/{path.name}"
        for package in PACKAGES
        for path in sorted((REPO / package).glob("*.py"))
        if path.name != "__init__.py" and path.name not in named
    ]
    assert not missing, f"add these to README 'How it is built': {missing}"


def test_the_overview_names_only_real_files() -> None:
    text = overview()
    folders = (*PACKAGES, "bot/sandbox", "bot/catalog", "bench", "examples", "tests")
    existing = {path.name for folder in folders for path in (REPO / folder).rglob("*.py")}
    invented = sorted(set(re.findall(r"\b([a-z0-9_]+\.py)\b", text)) - existing)
    assert not invented, f"README 'How it is built' names files that do not exist: {invented}"
    for folder in re.findall(r"^\s*([a-z_]+)/", text, re.M):
        assert any((REPO / parent / folder).is_dir() for parent in ("", *PACKAGES, "content", "tests")), folder
