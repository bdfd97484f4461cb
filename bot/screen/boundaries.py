"""Spotting personal details in a relayed message: phone numbers, @handles, e-mails, links, meetings.

Pure: no I/O, no Telegram. It never keeps or logs the text; it only names the kinds it found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import phonenumbers

from bot.catalog.relay import Boundaries

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
    r"\b[a-z0-9-]{2,}\.(com|org|net|info|app)\b|"
    # Short country-like endings are also words ("cansada.me voy", "bien.Es que", typed without
    # a space): a bare domain with one of them counts only in lower case with a path or a
    # second ending ("site.co.uk", "tienda.com.mx", "bio.me/ana").
    r"\b[a-z0-9-]{2,}(\.(co|com|org))?\.(io|me|co|es|mx|uk|de|ly|gg)(/\S+|\b(?=\.)))",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _normalise(text: str) -> str:
    """Lowercase, accents and apostrophes removed, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("'", "").replace("’", ""))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return f" {_NON_WORD.sub(' ', plain).strip()} "


@dataclass(frozen=True)
class MeetingRules:
    """Normalised meeting phrases (all languages at once: members may write in either).

    `always` flags on its own; `with_partner` only in a sentence that also has a word addressing
    the partner (`partner_words`: you, we, let's...); `never` is removed first, so "nice to meet
    you" or "meet up with my sister" is not read as a plan to meet.
    """

    always: tuple[str, ...]
    with_partner: tuple[str, ...]
    partner_words: frozenset[str]
    never: tuple[str, ...]
    openers: tuple[str, ...] = ()  # partner phrases that count at a sentence's start only

    @classmethod
    def from_content(cls, content: Boundaries) -> MeetingRules:
        """Rules from content/relay.yaml's `boundaries` section."""

        def phrases(by_language: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
            found = {_normalise(phrase) for values in by_language.values() for phrase in values}
            # Longest first, so a longer "never" phrase is removed before a shorter one inside it.
            return tuple(sorted(found, key=lambda phrase: (-len(phrase), phrase)))

        values = [value for values in content.partner_words.values() for value in values]
        words = {
            word
            for value in values
            if not value.startswith("^")
            for word in _normalise(value).split()
        }
        openers = tuple(_normalise(value[1:]) for value in values if value.startswith("^"))
        return cls(
            phrases(content.meeting_phrases),
            phrases(content.meeting_with_partner),
            frozenset(words),
            phrases(content.not_meeting),
            openers,
        )


_SENTENCE = re.compile(r"[.!?;:\n¡¿]+")


def _plans_to_meet(text: str, rules: MeetingRules) -> bool:
    """Whether any sentence of `text` reads as a plan to meet in person."""
    for sentence in _SENTENCE.split(text):
        normalised = _normalise(sentence)
        for phrase in rules.never:
            normalised = normalised.replace(phrase, " | ")
        if any(phrase in normalised for phrase in rules.always):
            return True
        if any(phrase in normalised for phrase in rules.with_partner) and (
            rules.partner_words & set(normalised.split())
            or any(normalised.startswith(opener) for opener in rules.openers)
        ):
            return True
    return False


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
    meeting: MeetingRules,
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
    if _plans_to_meet(text, meeting):
        found.add("meeting")
    return [kind for kind in KINDS if kind in found]


def encode(kinds: Sequence[str]) -> str:
    """Kinds as a short code for callback data ('phone', 'link' -> 'pl')."""
    return "".join(CODES[kind] for kind in kinds)


def decode(code: str) -> list[str]:
    """The inverse of `encode` (unknown letters ignored)."""
    names = {letter: kind for kind, letter in CODES.items()}
    return [names[letter] for letter in code if letter in names]
