"""Names of children and guardians: normalisation and validation of the script."""

from __future__ import annotations

import unicodedata

NAME_MIN_LETTERS = 2
NAME_MAX_LENGTH = 60
FULL_NAME_MAX_LENGTH = 120

RUSSIAN_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
TAJIK_LETTERS = frozenset("ғӣқӯҳҷ")
CYRILLIC_LETTERS = RUSSIAN_LETTERS | TAJIK_LETTERS
# Latin letters whose base is not a–z but which Tajik and Uzbek Latin spellings use.
EXTRA_LATIN_LETTERS = frozenset("ıßƣƶ")
HYPHENS = frozenset("-‐‑")
# Phones turn ' into ’ on their own; Tajik and Uzbek Latin use ʼ and ʻ.
APOSTROPHES = frozenset("'’‘ʼʻ`")
SEPARATORS = HYPHENS | APOSTROPHES | {" "}


class InvalidName(ValueError):
    """A name that cannot be stored; the message says why, for the person typing it."""


def normalise_name(raw: str) -> str:
    """Trim, collapse runs of whitespace to one space and compose Unicode (NFC)."""
    # NFC only joins a letter typed with a combining macron (и + ̄ → ӣ); the text reads the same.
    return " ".join(unicodedata.normalize("NFC", raw).split())


def validate_name(
    raw: str,
    *,
    max_length: int = NAME_MAX_LENGTH,
    min_letters: int = NAME_MIN_LETTERS,
) -> str:
    """Return the normalised name, or raise InvalidName with a message for the user."""
    name = normalise_name(raw)
    if not name:
        raise InvalidName("Enter a name.")
    if len(name) > max_length:
        raise InvalidName(f"Use at most {max_length} characters.")
    for char in name:
        problem = _character_problem(char)
        if problem:
            raise InvalidName(problem)
    if not is_letter(name[0]):
        raise InvalidName("Start the name with a letter.")
    if name[-1] in HYPHENS:
        raise InvalidName("Do not end the name with a hyphen.")
    if sum(is_letter(c) for c in name) < min_letters:
        raise InvalidName(f"Use at least {min_letters} letters.")
    for word in name.split():
        if any(map(is_cyrillic, word)) and any(map(is_latin, word)):
            raise InvalidName(
                f"'{word}' mixes Cyrillic and Latin letters; write each word in one alphabet."
            )
    return name


def _character_problem(char: str) -> str | None:
    if is_letter(char) or char in SEPARATORS:
        return None
    if char.isdigit():
        return "Names cannot contain digits."
    if char.isalpha():
        return f"'{char}' is not a Tajik, Russian or Latin letter."
    return f"Names cannot contain '{char}'; use letters, spaces, hyphens and apostrophes."


def is_cyrillic(char: str) -> bool:
    """Tell whether a character is a Tajik or Russian Cyrillic letter."""
    return char.lower() in CYRILLIC_LETTERS


def is_latin(char: str) -> bool:
    """Tell whether a character is a Latin letter, accented or not (ā, č, ğ …)."""
    if not char.isalpha():
        return False
    base = unicodedata.normalize("NFD", char)[0].lower()
    return "a" <= base <= "z" or char.lower() in EXTRA_LATIN_LETTERS


def is_letter(char: str) -> bool:
    """Tell whether a character is a letter a name may contain."""
    return is_cyrillic(char) or is_latin(char)
