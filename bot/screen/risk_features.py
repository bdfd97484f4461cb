"""Text -> units and n-gram features for the risk model (shared by training and the running bot).

A message is scored as a whole and clause by clause. Clauses end at sentence punctuation, emoji
and line breaks, and also just before words that open a new thought ("but", "now", "pero",
"ahora"...), so "two years ago I wanted to die, now I'm well" yields a past clause and a present
one. Features, on ``normalise``d text (lower case, no accents, runs of 3+ letters cut to 2):
character 2-5-grams inside word boundaries (" kil", "ill ", robust to typos and verb endings),
plus word 1-3-grams. Weights are sublinear TF x IDF; the character block and the word block are
each L2-normalised (so both weigh the same whatever the message length).
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np

from bot.screen.risk_lexicon import normalise

CHAR_MIN, CHAR_MAX = 2, 5
WORD_PREFIX = "="  # never in normalised text, so word n-grams cannot collide with char n-grams
MAX_UNITS = 24  # clauses scored per message (a 4,096-character message stays fast)
_SENTENCE_END = re.compile('[.;:!?\n\u2026\u2014\u2013,()"\u2600-\u27bf\U0001f000-\U0001faff]+')
# A new clause starts before these words (kept in the clause they open).
_OPENERS = re.compile(
    r"\s(?=(?:but|though|although|however|now|nowadays|today|tonight|these days|lately|"
    r"pero|aunque|sin embargo|ahora|hoy|esta noche|ultimamente|estos dias)\b)"
)
_MIN_CLAUSE_WORDS = 3  # shorter pieces join the clause before ("see u", "lol")
# Chat spellings read as the words they stand for, before both layers see the text (so the
# lexicon and the model share one vocabulary): "kms", "xq", "kiero", "k1ll", "m4t4rm3".
_SLANG = {
    "kms": "kill myself",
    "kmss": "kill myself",
    "unalive": "kill",
    "unaliving": "killing",
    "sewerslide": "suicide",
    "sewer slide": "suicide",
    "idk": "i dont know",
    "idc": "i dont care",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "tho": "though",
    "ppl": "people",
    "smth": "something",
    "rly": "really",
    "ded": "dead",
    "od": "overdose",
    "oding": "overdosing",
    "q": "que",
    "k": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "tmb": "tambien",
    "tb": "tambien",
    "kiero": "quiero",
    "kero": "quiero",
    "xfa": "por favor",
    "porfa": "por favor",
    "dsp": "despues",
    "nd": "nada",
    "ntp": "no te preocupes",
    "bn": "bien",
    "aki": "aqui",
    "nadie m": "nadie me",
    "x": "por",
    "tqm": "te quiero mucho",
}
_SLANG_WORDS = re.compile(
    r"(?<![\w'\u2019])(" + "|".join(sorted(_SLANG, key=len, reverse=True)) + r")(?![\w'\u2019])",
    re.IGNORECASE,
)
# Digits or symbols standing for letters inside a word that starts with a letter ("k1ll", "su1c1d3").
_LEET = re.compile(r"(?<![\w@$])[a-z][a-z]*[0-9@$][a-z0-9@$]*(?![\w@$])", re.IGNORECASE)
_DIGIT = re.compile("[a-z][0-9@$]", re.IGNORECASE)  # a letter then a digit: maybe leetspeak
_SLANG_FIRST = frozenset(key.split(" ")[0] for key in _SLANG)
_LETTERS = re.compile(r"[a-z]+")
_LEET_TABLE = str.maketrans("0134579@$", "oieastgas")


def expand(text: str) -> str:
    """Chat spellings and leetspeak written out (punctuation and everything else kept)."""
    if _DIGIT.search(text):
        text = _LEET.sub(_unleet, text)
    # Most messages hold no chat spelling: a set test is much cheaper than the regex.
    if _SLANG_FIRST.isdisjoint(_LETTERS.findall(text.lower())):
        return text
    return _SLANG_WORDS.sub(_slang, text)


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    # "mp3", "ps5", "covid19": trailing digits only after 2+ letters read as a name, not leet.
    if re.fullmatch(r"[a-z]{2,}\d+", word, re.IGNORECASE):
        return word
    return word.translate(_LEET_TABLE)


def _slang(match: re.Match[str]) -> str:
    return _SLANG[match.group(0).lower()]


def clauses(text: str) -> list[str]:
    """The message's clauses, normalised, in order (at most MAX_UNITS, very short ones merged)."""
    return _merged(_pieces(text))[:MAX_UNITS]


def clause_spans(text: str, whole: str) -> list[tuple[int, int]] | None:
    """The clauses of ``text`` as (first word, end word) spans over ``whole`` (its normalised
    form), so one featurisation pass serves them all; None if they do not line up with it."""
    merged = _merged(_pieces(text))
    if " ".join(merged) != whole:
        return None
    spans: list[tuple[int, int]] = []
    start = 0
    for clause in merged[:MAX_UNITS]:
        end = start + clause.count(" ") + 1
        spans.append((start, end))
        start = end
    return spans


def _pieces(text: str) -> list[str]:
    """Normalised pieces between sentence punctuation and before clause openers."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for piece in _OPENERS.split(normalise(sentence)):
            if piece:
                pieces.append(piece)
    return pieces


def _merged(pieces: list[str]) -> list[str]:
    """Very short pieces joined to a neighbour."""
    merged: list[str] = []
    for piece in pieces:  # "lol" or "ok" alone says nothing: attach it to the clause before
        if merged and len(piece.split()) < _MIN_CLAUSE_WORDS:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and len(merged[0].split()) < _MIN_CLAUSE_WORDS:
        merged[1] = f"{merged[0]} {merged[1]}"
        del merged[0]
    return merged


def char_ngrams(word: str) -> Iterator[str]:
    """Character n-grams of one word padded with spaces (scikit-learn's "char_wb")."""
    padded = f" {word} "
    size = len(padded)
    for n in range(CHAR_MIN, CHAR_MAX + 1):
        for start in range(size - n + 1):
            yield padded[start : start + n]


def word_terms(normalised: str) -> Iterator[str]:
    """Every n-gram of a normalised text: char n-grams, words and word pairs (repeats kept)."""
    words = normalised.split()
    for word in words:
        yield from char_ngrams(word)
        yield WORD_PREFIX + word
    for first, second in itertools.pairwise(words):
        yield f"{WORD_PREFIX}{first} {second}"
    for first, second, third in zip(words, words[1:], words[2:], strict=False):
        yield f"{WORD_PREFIX}{first} {second} {third}"


def term_counts(normalised: str) -> Counter[str]:
    """How often each n-gram occurs."""
    return Counter(word_terms(normalised))


class Vectoriser:
    """Maps normalised text to (feature indices, weights), caching each word's n-grams."""

    def __init__(self, vocabulary: Iterable[str], idf: Iterable[float]) -> None:
        self.index = {term: position for position, term in enumerate(vocabulary)}
        self._idf = np.asarray(list(idf), dtype=np.float64)
        self._is_word = np.array([term.startswith(WORD_PREFIX) for term in self.index], dtype=bool)
        self._words: dict[str, np.ndarray] = {}
        # First words of the known word pairs and triples: most words start none.
        self._starts = frozenset(
            term[1:].split(" ", 1)[0]
            for term in self.index
            if term.startswith(WORD_PREFIX) and " " in term
        )
        # Known word pairs and triples by their words, and the pairs that start a known triple.
        self._pairs: dict[tuple[str, str], int] = {}
        self._triples: dict[tuple[str, str, str], int] = {}
        for term, position in self.index.items():
            if term.startswith(WORD_PREFIX) and " " in term:
                # Interned: a few thousand words make every pair and triple (~3.5 MB less).
                words = tuple(sys.intern(word) for word in term[1:].split(" "))
                if len(words) == 2:
                    self._pairs[words] = position
                elif len(words) == 3:
                    self._triples[words] = position
        self._triple_starts = frozenset(words[:2] for words in self._triples)

    def _word(self, word: str) -> np.ndarray:
        """Known n-gram indices of one word (bounded cache: text is never kept beyond it)."""
        found = self._words.get(word)
        if found is None:
            index = self.index
            terms = [*char_ngrams(word), WORD_PREFIX + word]
            found = np.array([index[t] for t in terms if t in index], dtype=np.intp)
            if len(self._words) > 50_000:
                self._words.clear()
            self._words[word] = found
        return found

    def transform(self, normalised: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF row: known feature indices and their weights (as ``weights``, in numpy)."""
        words = normalised.split()
        parts = [self._word(word) for word in words]
        index, starts = self.index, self._starts
        grams: list[int] = []
        for position, first in enumerate(words):  # only words that start a known word pair
            if first in starts:
                following = words[position + 1 : position + 3]
                for size in range(1, len(following) + 1):
                    found = index.get(WORD_PREFIX + " ".join((first, *following[:size])))
                    if found is not None:
                        grams.append(found)
        if grams:
            parts.append(np.asarray(grams, dtype=np.intp))
        if not parts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        indices, counts = np.unique(np.concatenate(parts), return_counts=True)
        if not len(indices):
            return indices, np.zeros(0)
        values = (1.0 + np.log(counts)) * self._idf[indices]
        word = self._is_word[indices]
        squares = values * values
        char_norm = math.sqrt(float(squares[~word].sum())) or 1.0
        word_norm = math.sqrt(float(squares[word].sum())) or 1.0
        return indices, values / np.where(word, word_norm, char_norm)

    def transform_units(
        self, words: list[str], spans: list[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows of several word spans of one message in one pass: (unit of each entry,
        feature indices, weights), sorted by unit. Each word's n-grams are looked up once."""
        vectors = [self._word(word) for word in words]
        pairs, triples, triple_starts = self._pairs, self._triples, self._triple_starts
        grams: list[tuple[int, int, int]] = []  # (first word, end word, feature)
        for position, pair in enumerate(itertools.pairwise(words)):
            found = pairs.get(pair)
            if found is not None:
                grams.append((position, position + 2, found))
            if pair in triple_starts and position + 2 < len(words):
                found = triples.get((*pair, words[position + 2]))
                if found is not None:
                    grams.append((position, position + 3, found))
        size = len(self.index)
        # Every word's n-grams side by side: a span's words are one slice of ``flat``.
        offsets = [0, *itertools.accumulate(len(vector) for vector in vectors)]
        flat = np.concatenate(vectors) if vectors else np.zeros(0, dtype=np.intp)
        keyed: list[np.ndarray] = []
        extra: list[int] = []  # word pairs and triples inside each span, keyed by unit
        opening = [start for start, _, _ in grams]  # in order: a unit's grams are a slice
        for unit, (first, end) in enumerate(spans):
            keyed.append(flat[offsets[first] : offsets[end]] + unit * size)
            low, high = bisect.bisect_left(opening, first), bisect.bisect_left(opening, end)
            extra += [gram + unit * size for _, stop, gram in grams[low:high] if stop <= end]
        keyed.append(np.asarray(extra, dtype=np.intp))
        keys, counts = np.unique(np.concatenate(keyed), return_counts=True)
        units, indices = np.divmod(keys, size)
        values = (1.0 + np.log(counts)) * self._idf[indices]
        block = units * 2 + self._is_word[indices]
        norms = np.sqrt(np.bincount(block, values * values, minlength=2 * len(spans)))
        norms[norms == 0.0] = 1.0
        return units, indices, values / norms[block]


def weights(
    counts: Counter[int], idf: list[float], is_word: list[bool]
) -> tuple[list[int], list[float]]:
    """Sublinear TF x IDF, each block (characters, words) L2-normalised; empty if nothing known."""
    indices = sorted(counts)
    values = [(1.0 + math.log(counts[i])) * idf[i] for i in indices]
    norms = [0.0, 0.0]
    for i, value in zip(indices, values, strict=True):
        norms[is_word[i]] += value * value
    roots = [math.sqrt(norms[0]) or 1.0, math.sqrt(norms[1]) or 1.0]
    return indices, [v / roots[is_word[i]] for i, v in zip(indices, values, strict=True)]
