"""Signed callback data, so a button the bot never sent (a forged callback) is refused.

Format: ``<namespace>:<action>[:<arg>...]~<8-char signature>``. Telegram limits callback_data to
64 bytes, so the payload may use 55. The gate checks the signature before any handler sees the
press; handlers are registered with `shape(...)` patterns that match the whole payload, so a
signed payload of another shape (a button from an older version) reaches no handler and is
answered as expired by the last fallback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

SEPARATOR = "~"
MAX_PAYLOAD_BYTES = 55

# Pieces of payload shapes. NUMBER stops at 18 digits: every id is a SQLite integer (64-bit),
# and a longer number would overflow there. VALUE is one free argument its handler validates.
NUMBER = r"\d{1,18}"
CODE = r"[0-9A-Z]{2,12}"  # a member or pair code (bot/core/codes.py)
SLUG = r"[a-z0-9_-]{1,40}"  # a content id: feeling, strategy, category, service
VALUE = r"[^:~]+"


class CallbackSigner:
    """Signs and verifies callback payloads with a key derived from the pseudonym key."""

    def __init__(self, key: bytes) -> None:
        # A distinct derived key: the pseudonym key itself is never used for two purposes.
        self._key = hmac.new(key, b"callback-data-v1", hashlib.sha256).digest()

    def _signature(self, payload: str) -> str:
        # surrogatepass: text from a JSON update may hold lone surrogates, which must not raise.
        digest = hmac.new(
            self._key, payload.encode("utf-8", "surrogatepass"), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest[:6]).decode()

    def sign(self, *parts: object) -> str:
        """Build signed callback data from payload parts."""
        payload = ":".join(str(part) for part in parts)
        if SEPARATOR in payload or len(payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"callback payload too long or malformed: {payload!r}")
        return f"{payload}{SEPARATOR}{self._signature(payload)}"

    def verify(self, data: str | None) -> list[str] | None:
        """The payload parts if the signature is ours, else None."""
        if not data or SEPARATOR not in data:
            return None
        payload, _, signature = data.rpartition(SEPARATOR)
        # Bytes, not text: compare_digest raises TypeError on non-ASCII text, and an exception
        # in the gate lets the update go on to the handlers unverified.
        given = signature.encode("utf-8", "surrogatepass")
        if not hmac.compare_digest(given, self._signature(payload).encode()):
            return None
        return payload.split(":")


def payload_parts(data: str | None) -> list[str]:
    """Split already-verified callback data into its parts (handlers use this)."""
    payload = (data or "").rpartition(SEPARATOR)[0]
    return payload.split(":") if payload else []


def choice(*words: str) -> str:
    """A shape part that is exactly one of `words`."""
    return "(?:" + "|".join(re.escape(word) for word in words) + ")"


def shape(*parts: str) -> str:
    """An anchored pattern for one whole payload; each part is a regular expression.

    shape("pair", "in", NUMBER) matches "pair:in:12~<signature>" but not "pair:in:x~..." nor
    "pair:in:12:3~...".
    """
    return "^" + ":".join(parts) + SEPARATOR
