"""docs/architecture.md's folder map names every module by its path, and only paths that exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")
TOP = ("bot", "handlers", "storage", "content", "tests", "examples", "bench")
PATH = re.compile(r"\b((?:" + "|".join(TOP) + r")/[\w/]+\.py)\b")
FOLDER = re.compile(r"`((?:" + "|".join(TOP) + r")/[\w/<>]*?)/`")


def folder_map() -> str:
    """The text of the '## The folder map' section, up to the next '## ' heading."""
    page = (REPO / "docs" / "architecture.md").read_text("utf-8")
    assert "\n## The folder map\n" in page, "docs/architecture.md: no '## The folder map' section"
    return page.split("\n## The folder map\n", 1)[1].split("\n## ", 1)[0]


def test_every_module_is_in_the_map_by_path() -> None:
    named = set(PATH.findall(folder_map()))
    missing = [
        path.relative_to(REPO).as_posix()
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if path.name != "__init__.py" and path.relative_to(REPO).as_posix() not in named
    ]
    assert not missing, f"add these to the folder map in docs/architecture.md: {missing}"


def test_the_map_names_only_real_paths() -> None:
    text = folder_map()
    named = set(PATH.findall(text))
    invented = sorted(path for path in named if not (REPO / path).is_file())
    assert not invented, f"the folder map in docs/architecture.md names missing files: {invented}"
    folders = set(FOLDER.findall(text))
    for folder in folders:
        assert "<" in folder or (REPO / folder).is_dir(), f"no such folder: {folder}/"
    # a module is named by its path, so a bare "outbox.py" cannot hide a move to a sub-package
    bare = sorted(set(re.findall(r"(?<![\w/])([a-z_][a-z0-9_]*\.py)\b", text)))
    assert not bare, (
        f"name these by path (e.g. bot/delivery/outbox.py) in docs/architecture.md: {bare}"
    )


def test_paths_in_sub_packages_are_read() -> None:
    """The extraction finds paths in sub-packages, so a moved module must be renamed in the map."""
    found = PATH.findall("- `bot/delivery/outbox.py`: the sender; `handlers/x.py`")
    assert found == ["bot/delivery/outbox.py", "handlers/x.py"]


def test_every_dependency_is_justified() -> None:
    """Each runtime dependency and extra of pyproject.toml has a row in the dependency table."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = project["dependencies"] + [
        requirement for extra in project["optional-dependencies"].values() for requirement in extra
    ]
    page = (REPO / "docs" / "architecture.md").read_text("utf-8")
    table = page.split("\n## Dependencies\n", 1)[1].lower()
    names = {re.split(r"[\[~=<>! ]", requirement, maxsplit=1)[0].lower() for requirement in wanted}
    missing = sorted(name for name in names if name not in table)
    assert not missing, (
        f"say why these are needed under '## Dependencies' in docs/architecture.md: {missing}"
    )
