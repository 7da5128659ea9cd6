"""Matching names across Tajik Cyrillic, Russian Cyrillic and Latin spellings."""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from itertools import permutations
from pathlib import Path

from .names import HYPHENS, normalise_name

# Per word: one changed vowel, or one letter in seven, still matches (Farzona/Farzana,
# Qodirov/Kadyrov); two changed consonants do not (Rahimova/Karimova, Ali/Ari).
NAME_MATCH_THRESHOLD = 0.85
# Transliterations disagree on vowels most (Фарзона/Фарзана, Umed/Umid), so they cost less.
VOWEL_SUBSTITUTION_COST = 0.5
BLOCK_LENGTH = 3
MAX_WORDS_ALIGNED = 5
_VOWELS = frozenset("aeiou")

_FOLDING = json.loads((Path(__file__).parent / "data" / "name_folding.json").read_text("utf-8"))
_ENDINGS = sorted(_FOLDING["endings"].items(), key=lambda item: -len(item[0]))
_LONGEST_SEQUENCE = max(len(s) for s in _FOLDING["latin_sequences"])


def name_key(name: str) -> str:
    """Return the Latin matching key: the same for a name's Cyrillic and Latin spellings."""
    return " ".join(key_words(name))


@lru_cache(maxsize=65536)
def key_words(name: str) -> tuple[str, ...]:
    """Return the matching key of each word of a name (hyphens separate words)."""
    text = normalise_name(name).casefold()
    for hyphen in HYPHENS:
        text = text.replace(hyphen, " ")
    words = (_fold_ending(_collapse_doubles(_fold_latin(_plain_latin(w)))) for w in text.split())
    return tuple(w for w in words if w)


def _plain_latin(word: str) -> str:
    cyrillic, latin, dropped = _FOLDING["cyrillic"], _FOLDING["latin_letters"], _FOLDING["dropped"]
    spelled = "".join(cyrillic.get(c, latin.get(c, c)) for c in word if c not in dropped)
    # Drop accents (ā, ū, é …) and anything that is not a plain Latin letter.
    return "".join(c for c in unicodedata.normalize("NFD", spelled) if "a" <= c <= "z")


def _fold_latin(word: str) -> str:
    """Rewrite spelling variants to one form, longest sequence first, left to right."""
    sequences = _FOLDING["latin_sequences"]
    out, i = [], 0
    while i < len(word):
        for size in range(min(_LONGEST_SEQUENCE, len(word) - i), 0, -1):
            chunk = word[i : i + size]
            if chunk in sequences:
                out.append(sequences[chunk])
                i += size
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _collapse_doubles(word: str) -> str:
    return "".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1])


def _fold_ending(word: str) -> str:
    # Longest ending first so -ovna is not read as -ova; keep a stem of at least 3 letters.
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + replacement
    return word


def name_block(name: str, length: int = BLOCK_LENGTH) -> str:
    """Return a coarse key of a name (its first consonant classes) to index and fetch candidates."""
    classes = _FOLDING["block_classes"]
    key = "".join(key_words(name))
    block = _collapse_doubles("".join(classes[c] for c in key if c in classes))
    return (block or key)[:length]


def edit_similarity(a: str, b: str) -> float:
    """Return 1 − edit distance / longer length; one vowel for another costs half an edit."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return max(0.0, 1.0 - _edit_distance(a, b) / max(len(a), len(b)))


def _edit_distance(a: str, b: str) -> float:
    # Optimal string alignment: insert, delete, substitute, or swap two neighbours.
    rows = [[float(j) for j in range(len(b) + 1)]]
    for i in range(1, len(a) + 1):
        row = [float(i)] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(
                rows[i - 1][j] + 1,
                row[j - 1] + 1,
                rows[i - 1][j - 1] + _substitution_cost(a[i - 1], b[j - 1]),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _substitution_cost(x: str, y: str) -> float:
    if x == y:
        return 0.0
    return VOWEL_SUBSTITUTION_COST if x in _VOWELS and y in _VOWELS else 1.0


def name_similarity(a: str, b: str) -> float:
    """Return how alike two names are (0.0–1.0), across scripts, word order and joined words."""
    words_a, words_b = key_words(a), key_words(b)
    if not words_a or not words_b:
        return 0.0
    if len(words_a) < len(words_b):
        words_a, words_b = words_b, words_a
    if len(words_a) > MAX_WORDS_ALIGNED:
        # Real names have a few words; keep the work bounded for anything longer.
        return _word_similarity("".join(words_a), "".join(words_b))
    return max(_best_alignment(merged, words_b) for merged in _merges(words_a, len(words_b)))


def _merges(words: tuple[str, ...], size: int) -> list[tuple[str, ...]]:
    """Join neighbouring words until `size` remain, every way ("Muhammad Ali" ~ "Muhammadali")."""
    if len(words) == size:
        return [words]
    if size == 1:
        return [("".join(words),)]
    results = []
    for cut in range(1, len(words) - size + 2):
        head = "".join(words[:cut])
        results.extend((head, *rest) for rest in _merges(words[cut:], size - 1))
    return results


def _best_alignment(words_a: tuple[str, ...], words_b: tuple[str, ...]) -> float:
    # Every word must match its partner, so the weakest pair decides; try each word order.
    return max(
        min(_word_similarity(x, y) for x, y in zip(words_a, order, strict=True))
        for order in permutations(words_b)
    )


@lru_cache(maxsize=65536)
def _word_similarity(a: str, b: str) -> float:
    return edit_similarity(a, b)
