"""Spotting personal details in a relayed message: phone numbers, @handles, e-mails, links, meetings.

Pure: no I/O, no Telegram. It never keeps or logs the text; it only names the kinds it found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import phonenumbers

KINDS = ("phone", "handle", "email", "link", "meeting")
CODES = {"phone": "p", "handle": "h", "email": "e", "link": "l", "meeting": "m"}
# Telegram entity types that mean the same as our kinds (Telegram finds them for us too).
ENTITY_KINDS = {
    "phone_number": "phone",
    "mention": "handle",
    "text_mention": "handle",
    "email": "email",
    "url": "link",
    "text_link": "link",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
# Telegram usernames: 5-32 characters, letters, digits, underscores, starting with a letter.
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_LINK = re.compile(
    r"(https?://\S+|www\.\S+|\bt\.me/\S+|"
    r"\b[a-z0-9-]{2,}\.(com|org|net|io|me|info|co|es|mx|uk|de|app|ly|gg)(/\S*)?\b)",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _normalise(text: str) -> str:
    """Lowercase, accents and apostrophes removed, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("'", "").replace("’", ""))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return f" {_NON_WORD.sub(' ', plain).strip()} "


def _has_phone(text: str, region: str | None) -> bool:
    """A valid phone number for the member's country (or any written with +country code)."""
    for candidate_region in dict.fromkeys([(region or "US").upper(), "ZZ"]):
        try:
            matcher = phonenumbers.PhoneNumberMatcher(
                text, candidate_region, leniency=phonenumbers.Leniency.VALID
            )
            if matcher.has_next():
                return True
        except Exception:  # phonenumbers raises on odd input; no match is the safe reading
            continue
    return False


def detect(
    text: str,
    *,
    region: str | None,
    meeting_phrases: Mapping[str, Sequence[str]],
    entity_types: Iterable[str] = (),
) -> list[str]:
    """The kinds of personal detail in `text`, in KINDS order (empty when none)."""
    found = {ENTITY_KINDS[kind] for kind in entity_types if kind in ENTITY_KINDS}
    without_emails = _EMAIL.sub(" ", text)
    if _EMAIL.search(text):
        found.add("email")
    if _HANDLE.search(without_emails):
        found.add("handle")
    if _LINK.search(without_emails):
        found.add("link")
    if _has_phone(text, region):
        found.add("phone")
    normalised = _normalise(text)
    for phrases in meeting_phrases.values():
        if any(f" {_normalise(phrase).strip()} " in normalised for phrase in phrases):
            found.add("meeting")
            break
    return [kind for kind in KINDS if kind in found]


def encode(kinds: Sequence[str]) -> str:
    """Kinds as a short code for callback data ('phone', 'link' -> 'pl')."""
    return "".join(CODES[kind] for kind in kinds)


def decode(code: str) -> list[str]:
    """The inverse of `encode` (unknown letters ignored)."""
    names = {letter: kind for kind, letter in CODES.items()}
    return [names[letter] for letter in code if letter in names]
