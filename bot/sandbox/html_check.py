"""A checker for Telegram's HTML parse mode that fails where Telegram would.

Telegram rejects a message whose HTML it cannot parse ("Bad Request: can't parse entities"):
an unescaped `<` or `&`, an unknown tag, or a tag left open. We check the same rules so a
missing `html.escape` shows up in tests, not in a member's chat.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class HtmlError(ValueError):
    """Raised with Telegram-like wording when HTML would be rejected."""


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML, or raise HtmlError like Telegram would."""
    visible: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if not match:
                raise HtmlError(
                    f"Can't parse entities: unsupported start tag at byte offset {position}"
                )
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise HtmlError(
                    f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {position}'
                )
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise HtmlError(
                        f'Can\'t parse entities: unexpected end tag "{name}" at byte offset {position}'
                    )
                open_tags.pop()
            else:
                if name == "a" and "href" not in match.group(3):
                    raise HtmlError("Can't parse entities: tag a must have href")
                open_tags.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if not match:
                raise HtmlError(
                    f"Can't parse entities: unsupported entity at byte offset {position}"
                )
            body = match.group(1)
            if body.startswith("#x"):
                visible.append(chr(int(body[2:], 16)))
            elif body.startswith("#"):
                visible.append(chr(int(body[1:])))
            elif body in NAMED_ENTITIES:
                visible.append(NAMED_ENTITIES[body])
            else:
                raise HtmlError(f'Can\'t parse entities: unsupported entity "{body}"')
            position = match.end()
        else:
            visible.append(char)
            position += 1
    if open_tags:
        raise HtmlError(
            f"Can't parse entities: can't find end tag corresponding to start tag \"{open_tags[-1]}\""
        )
    return "".join(visible)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
