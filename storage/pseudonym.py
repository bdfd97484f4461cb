"""Keyed pseudonyms the anonymised tables store: HMAC of a member's secret, or of a pair's code.

A plain SHA-256 of a Telegram id is reversible by trying every id (there are only billions);
with a secret key kept outside the database that brute force is useless. The engagement log's
subject is the HMAC of a member's own random secret (storage: member_secrets), not of their id:
/forget deletes the secret, so even someone holding the key can no longer tell whose events
they were (crypto-shredding).
"""

from __future__ import annotations

import hashlib
import hmac

SUBJECT_HEX_CHARS = 16  # 64 bits: no collisions in practice for a programme's members


def member_subject(key: bytes, secret: bytes) -> str:
    """The engagement-log subject of a member: truncated HMAC-SHA256(key, their secret)."""
    digest = hmac.new(key, b"member-secret:" + bytes(secret), hashlib.sha256).hexdigest()
    return digest[:SUBJECT_HEX_CHARS]


def pair_ref(key: bytes, pair_code: str) -> str:
    """The engagement-log reference for a pair (not its code, which coordinators can see)."""
    digest = hmac.new(key, f"pair:{pair_code}".encode(), hashlib.sha256).hexdigest()
    return digest[:SUBJECT_HEX_CHARS]
