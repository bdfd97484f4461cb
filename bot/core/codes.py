"""Short human codes for members (M7K2Q) and pairs (P4F9X): unambiguous letters, no names."""

from __future__ import annotations

# Codes are minted where their rows are written: storage/codes.py.


def normalise_code(text: str) -> str:
    """Codes typed by hand: trim and upper-case."""
    return text.strip().upper()
