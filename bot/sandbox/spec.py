"""Validation of bot requests the way Telegram would judge them.

Two layers: limits every run checks (PTB's own constants plus our HTML parser), and, when the
official Bot API description is available (`../shared/telegram-bot-api.json` or the path in
`SANDBOX_BOT_API_SPEC`), a full check of every method, parameter and nested object against it.
The JSON is third-party data, so it is read from where it lives and never copied into the project.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.sandbox.html_check import HtmlError, parse_html, utf16_length

SPEC_ENV = "SANDBOX_BOT_API_SPEC"
_REPO_ROOT = Path(__file__).resolve().parents[2]


class RequestViolation(ValueError):
    """A request Telegram would refuse with 400 Bad Request."""


def spec_path() -> Path | None:
    """Where the Bot API description is, if it is on this machine."""
    configured = os.environ.get(SPEC_ENV)
    candidates = [Path(configured)] if configured else []
    candidates.append(_REPO_ROOT.parent / "shared" / "telegram-bot-api.json")
    return next((path for path in candidates if path.is_file()), None)


@lru_cache(maxsize=4)
def load_spec(path: Path | None) -> ApiSpec | None:
    """Parse the spec once per process."""
    if path is None:
        return None
    with path.open(encoding="utf-8") as handle:
        return ApiSpec(json.load(handle))


class ApiSpec:
    """The official method/type list, used to check names, required fields and types."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version = raw.get("version", "?")
        self.methods: dict[str, Any] = raw["methods"]
        self.types: dict[str, Any] = raw["types"]

    def field_types(self, method: str, name: str) -> list[str]:
        """The declared types of one method parameter ([] if unknown)."""
        for field in self.methods.get(method, {}).get("fields", []):
            if field["name"] == name:
                return list(field["types"])
        return []

    def check_call(self, method: str, params: dict[str, Any]) -> None:
        """Raise RequestViolation for an unknown method/parameter, missing or mistyped one."""
        if method not in self.methods:
            raise RequestViolation(f"Not Found: method {method} does not exist")
        fields = {field["name"]: field for field in self.methods[method].get("fields", [])}
        for name in params:
            if name not in fields:
                raise RequestViolation(f"{method}: unknown parameter {name!r}")
        for name, field in fields.items():
            if field["required"] and name not in params:
                raise RequestViolation(f"{method}: required parameter {name!r} is missing")
            if name in params and not any(self._matches(params[name], t) for t in field["types"]):
                raise RequestViolation(f"{method}: parameter {name!r} is not {field['types']}")

    def _matches(self, value: Any, type_name: str) -> bool:
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            return isinstance(value, list) and all(self._matches(item, inner) for item in value)
        if type_name == "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if type_name in {"Float", "Float number"}:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if type_name == "String":
            return isinstance(value, str)
        if type_name in {"Boolean", "True"}:
            return isinstance(value, bool)
        if type_name == "InputFile":
            return True
        definition = self.types.get(type_name)
        if definition is None or not isinstance(value, dict):
            return False
        if definition.get("subtypes"):
            return any(self._matches(value, subtype) for subtype in definition["subtypes"])
        fields = {field["name"]: field for field in definition.get("fields", [])}
        if set(value) - set(fields):
            return False
        for name, field in fields.items():
            if name not in value:
                if field["required"]:
                    return False
                continue
            if not any(self._matches(value[name], t) for t in field["types"]):
                return False
        return True


def check_limits(method: str, params: dict[str, Any]) -> None:
    """Checks every run makes, spec or not: text length, HTML, callback_data size."""
    parse_mode = params.get("parse_mode")
    for key, limit in (
        ("text", MessageLimit.MAX_TEXT_LENGTH),
        ("caption", MessageLimit.CAPTION_LENGTH),
    ):
        if key not in params:
            continue
        value = params[key]
        if not isinstance(value, str):
            raise RequestViolation(f"{method}: {key} must be a string")
        visible = value
        if parse_mode == "HTML":
            try:
                visible = parse_html(value)
            except HtmlError as exc:
                raise RequestViolation(f"{method}: {exc}") from None
        if key == "text" and not visible.strip():
            raise RequestViolation(f"{method}: message text is empty")
        if utf16_length(visible) > limit:
            raise RequestViolation(
                f"{method}: {key} is too long ({utf16_length(visible)} > {limit})"
            )
    markup = params.get("reply_markup")
    if isinstance(markup, dict):
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if (
                    data is not None
                    and len(data.encode()) > InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
                ):
                    raise RequestViolation(
                        f"{method}: BUTTON_DATA_INVALID (callback_data over 64 bytes)"
                    )
                if not button.get("text"):
                    raise RequestViolation(f"{method}: button text is empty")


def decode_form_value(spec: ApiSpec | None, method: str, name: str, raw: str) -> Any:
    """Turn a form-encoded value back into what the bot meant (PTB JSON-encodes non-strings)."""
    declared = spec.field_types(method, name) if spec else []
    if declared == ["String"]:
        return raw
    try:
        decoded = json.loads(raw)
    except ValueError:
        return raw
    if (
        isinstance(decoded, int | float)
        and not isinstance(decoded, bool)
        and declared
        and not ({"Integer", "Float"} & set(declared))
    ):
        return raw
    return decoded
