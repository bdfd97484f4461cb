"""Member-facing text: content/locales/<language>/<area>.yaml, flattened to "area.key" ids."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from bot.catalog._base import ContentError, ContentProblem, read_yaml
from bot.core.i18n import Locales


def placeholders(template: str) -> set[str]:
    """The {names} a template expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _flatten(
    prefix: str, node: Any, out: dict[str, str], problems: list[ContentProblem], file: str
) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, problems, file)
    elif isinstance(node, str):
        out[prefix] = node
    else:
        problems.append(ContentProblem(file, prefix, "", "must be text or a mapping of texts"))


def load(content_dir: Path) -> Locales:
    """Every locale; English is the reference and the others must match it key for key."""
    root = content_dir / "locales"
    locales: Locales = {}
    problems: list[ContentProblem] = []
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        texts: dict[str, str] = {}
        for file in sorted(folder.glob("*.yaml")):
            try:
                data = read_yaml(file, content_dir)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
            _flatten(file.stem, data or {}, texts, problems, str(file.relative_to(content_dir)))
        locales[folder.name] = texts
    if "en" not in locales:
        problems.append(ContentProblem("locales/en", "", "", "the English locale is required"))
    else:
        for language, texts in locales.items():
            problems += _compare(locales["en"], texts, language)
    if problems:
        raise ContentError(problems)
    return locales


def _compare(
    reference: dict[str, str], texts: dict[str, str], language: str
) -> list[ContentProblem]:
    """Every locale has every key, with the same placeholders as English."""
    problems = []
    file = f"locales/{language}"
    for key in sorted(reference.keys() - texts.keys()):
        problems.append(ContentProblem(file, key, "", "missing (English has it)"))
    for key in sorted(texts.keys() - reference.keys()):
        problems.append(ContentProblem(file, key, "", "not in English (typo or stale key?)"))
    for key in sorted(reference.keys() & texts.keys()):
        if placeholders(reference[key]) != placeholders(texts[key]):
            problems.append(
                ContentProblem(
                    file,
                    key,
                    "",
                    f"placeholders {sorted(placeholders(texts[key]))} differ from "
                    f"English {sorted(placeholders(reference[key]))}",
                )
            )
    return problems
