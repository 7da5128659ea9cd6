"""Classify a family's SMS reply as an opt-out, an opt-in or anything else."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPLY_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "reply_words.json"

STOP = "stop"
START = "start"
OTHER = "other"

# Phones without a Tajik layout type Г for Ғ and so on; mixed keyboards type Latin C for С.
_FOLD = str.maketrans(
    {
        "ғ": "г",
        "ӣ": "и",
        "қ": "к",
        "ӯ": "у",
        "ҳ": "х",
        "ҷ": "ч",
        "ё": "е",
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "x": "х",
        "k": "к",
        "m": "м",
        "t": "т",
        "h": "н",
        "b": "в",
        "y": "у",
    }
)


def normalise(text: str) -> str:
    """Fold case, look-alike letters, punctuation and spacing so replies compare loosely."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    kept = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(kept.split())


@dataclass(frozen=True)
class ReplyWords:
    """Normalised keyword sets for opting out and back in."""

    stop: frozenset[str]
    start: frozenset[str]

    @classmethod
    def from_lists(cls, stop: Iterable[str], start: Iterable[str]) -> ReplyWords:
        """Build keyword sets from raw words as the ministry writes them."""
        return cls(
            stop=frozenset(normalise(w) for w in stop if normalise(w)),
            start=frozenset(normalise(w) for w in start if normalise(w)),
        )


def load_reply_words(path: Path = REPLY_WORDS_FILE) -> ReplyWords:
    """Load the shipped stop/start word lists."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return ReplyWords.from_lists(data["stop"], data["start"])


def parse_word_list(value: str | None) -> list[str] | None:
    """Split a comma-separated configuration value; None or blank means "use the default"."""
    if value is None or not value.strip():
        return None
    return [word.strip() for word in value.split(",") if word.strip()]


def classify_reply(text: str | None, words: ReplyWords) -> str:
    """Return "stop", "start" or "other" for a reply that is nothing but a keyword."""
    cleaned = normalise(text or "")
    if not cleaned:
        return OTHER
    # Only a bare keyword counts: "Бас хуб" (very good) must not opt anyone out.
    for kind, keywords in ((STOP, words.stop), (START, words.start)):
        if cleaned in keywords or all(token in keywords for token in cleaned.split(" ")):
            return kind
    return OTHER
