"""Short human codes for members (M7K2Q) and pairs (P4F9X): unambiguous letters, no names."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, so a coordinator can read a code aloud without mistakes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(prefix: str, length: int = 4) -> str:
    """A random code like M7K2Q (prefix + `length` characters)."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
