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
from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np

from bot.screen.risk_lexicon import normalise

CHAR_MIN, CHAR_MAX = 2, 5
WORD_PREFIX = "="  # never in normalised text, so word n-grams cannot collide with char n-grams
_FILTER_MASK = (1 << 21) - 1  # a 2-million-bit filter in front of the vocabulary's hashes
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
    """Maps normalised text to (feature indices, weights), caching each word's n-grams.

    The vocabulary is kept as a sorted array of 64-bit hashes, not as strings in dicts: ~20
    bytes a term instead of ~180 (about 13 MiB less for the shipped model). A word pair or
    triple is keyed by the hash of its tuple of words (no string is built to look one up); a character
    n-gram or a single word by the hash of its string. Python's string hash is fixed for the
    life of a process, which is all a lookup table built at start needs. An unknown n-gram
    matches a known one only on a 64-bit collision (odds ~1e-14 a lookup).
    """

    def __init__(self, vocabulary: Iterable[str], idf: Iterable[float]) -> None:
        keys: list[int] = []
        is_word: list[bool] = []
        for term in vocabulary:
            word = term.startswith(WORD_PREFIX)
            is_word.append(word)
            if word and " " in term:
                keys.append(hash(tuple(term[1:].split(" "))))
            else:
                keys.append(hash(term))
        hashes = np.asarray(keys, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        self._keys = hashes[order]
        self._positions = order.astype(np.intp)
        bits = np.zeros(_FILTER_MASK + 1, dtype=bool)
        bits[hashes & _FILTER_MASK] = True
        self._filter = np.packbits(bits, bitorder="little")
        self.size = len(keys)
        self._idf = np.asarray(list(idf), dtype=np.float64)
        self._is_word = np.asarray(is_word, dtype=bool)
        self._words: dict[str, np.ndarray] = {}

    def _known(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows of ``wanted`` that are known hashes, their feature indices)."""
        if not self.size:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        low = wanted & _FILTER_MASK
        # The bit filter answers most unknown n-grams from 256 KB; a binary search over the
        # whole key array for each would be ~3x slower (cache misses).
        (maybe,) = np.nonzero((self._filter[low >> 3] >> (low & 7).astype(np.uint8)) & 1)
        candidates = wanted[maybe]
        found = np.searchsorted(self._keys, candidates).clip(max=self.size - 1)
        hit = self._keys[found] == candidates
        return maybe[hit], self._positions[found[hit]]

    def _lookup(self, keys: list[int]) -> np.ndarray:
        """Feature indices of the known n-grams among hashed ``keys`` (unknown ones dropped)."""
        return self._known(np.asarray(keys, dtype=np.int64))[1]

    def _grams(self, words: list[str]) -> list[tuple[int, int, int]]:
        """Known word pairs and triples in order: (first word, end word, feature)."""
        pairs = list(itertools.pairwise(words))
        if not pairs:
            return []
        triples = list(zip(words, words[1:], words[2:], strict=False))
        wanted = np.asarray([hash(gram) for gram in (*pairs, *triples)], dtype=np.int64)
        rows, features = self._known(wanted)
        grams = []
        for row, feature in zip(rows.tolist(), features.tolist(), strict=True):
            start = row if row < len(pairs) else row - len(pairs)
            grams.append((start, start + (2 if row < len(pairs) else 3), feature))
        grams.sort()
        return grams

    def _word(self, word: str) -> np.ndarray:
        """Known n-gram indices of one word (bounded cache: text is never kept beyond it)."""
        found = self._words.get(word)
        if found is None:
            found = self._lookup([hash(term) for term in (*char_ngrams(word), WORD_PREFIX + word)])
            if len(self._words) > 50_000:
                self._words.clear()
            self._words[word] = found
        return found

    def transform(self, normalised: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF row: known feature indices and their weights (as ``weights``, in numpy)."""
        words = normalised.split()
        _, indices, values = self.transform_units(words, [(0, len(words))])
        return indices, values

    def transform_units(
        self, words: list[str], spans: list[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows of several word spans of one message in one pass: (unit of each entry,
        feature indices, weights), sorted by unit. Each word's n-grams are looked up once."""
        vectors = [self._word(word) for word in words]
        grams = self._grams(words)
        size = self.size
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
