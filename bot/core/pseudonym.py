"""Pseudonyms for the anonymised engagement log: keyed HMAC, never a plain hash.

The pseudonyms the database stores are made in storage/pseudonym.py (re-exported here); this
module adds the ones that never reach a table.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib

from storage.pseudonym import SUBJECT_HEX_CHARS
from storage.pseudonym import member_subject as member_subject
from storage.pseudonym import pair_ref as pair_ref


def subject(key: bytes, telegram_id: int) -> str:
    """A pseudonym for someone by Telegram id, for keys held in memory only (never stored)."""
    digest = hmac.new(key, f"member:{telegram_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:SUBJECT_HEX_CHARS]


def content_number(content_id: str) -> int:
    """A stable number for a public content id (e.g. a coping strategy) in the engagement log.

    Content ids are public (they ship with the bot), so no key is needed: this only turns a
    slug into the one number an engagement row can hold.
    """
    return zlib.crc32(content_id.encode())
