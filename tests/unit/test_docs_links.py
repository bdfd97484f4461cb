"""The README stays short and true: its commands are CI's, and every local link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", page.read_text("utf-8"), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
        found.add(slug.replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(REPO).as_posix())
def test_every_local_link_resolves(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (anchor and file.suffix == ".md" and anchor not in anchors(file)):
            broken.append(target)
    assert not broken, f"{page.name}: links to nothing: {broken}"


def test_the_readme_is_short_and_its_test_command_is_ci() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 150
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    ci = (REPO / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1]
    assert commands[:2] == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e . && python -m bot demo",
        ci,
    ]
    assert ci.endswith("python -m pytest -q")


def test_the_anchor_check_would_catch_a_typo() -> None:
    assert "the-crisis-path" in anchors(REPO / "docs" / "safety.md")
    assert "no-such-heading" not in anchors(REPO / "docs" / "safety.md")


def test_every_setting_is_documented_and_in_the_env_example() -> None:
    from bot.settings import Settings

    running = (REPO / "docs" / "running.md").read_text("utf-8")
    table = running.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    example = (REPO / ".env.example").read_text("utf-8")
    names = [name.upper() for name in Settings.model_fields]
    assert len(names) > 20
    assert [name for name in names if f"`{name}`" not in table] == []
    assert [name for name in names if not re.search(rf"^#? ?{name}=", example, re.M)] == []
