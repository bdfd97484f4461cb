"""Pseudonyms for the anonymised engagement log: keyed HMAC, never a plain hash.

A plain SHA-256 of a Telegram id is reversible by trying every id (there are only billions);
with a secret key kept outside the database that brute force is useless.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib

SUBJECT_HEX_CHARS = 16  # 64 bits: no collisions in practice for a programme's members


def subject(key: bytes, telegram_id: int) -> str:
    """The engagement-log subject for a person: truncated HMAC-SHA256(key, id)."""
    digest = hmac.new(key, f"member:{telegram_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:SUBJECT_HEX_CHARS]


def pair_ref(key: bytes, pair_code: str) -> str:
    """The engagement-log reference for a pair (not its code, which coordinators can see)."""
    digest = hmac.new(key, f"pair:{pair_code}".encode(), hashlib.sha256).hexdigest()
    return digest[:SUBJECT_HEX_CHARS]


def content_number(content_id: str) -> int:
    """A stable number for a public content id (e.g. a coping strategy) in the engagement log.

    Content ids are public (they ship with the bot), so no key is needed: this only turns a
    slug into the one number an engagement row can hold.
    """
    return zlib.crc32(content_id.encode())
