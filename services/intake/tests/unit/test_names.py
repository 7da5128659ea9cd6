import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.names import (
    NAME_MAX_LENGTH,
    InvalidName,
    normalise_name,
    validate_name,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Фарзона  ", "Фарзона"),
        ("Муҳаммад   Алӣ", "Муҳаммад Алӣ"),
        ("Раҳимова\tЗарина\n", "Раҳимова Зарина"),
        ("Гулнора\u00a0Раҳимова", "Гулнора Раҳимова"),
    ],
)
def test_names_are_trimmed_and_spaces_collapsed(raw, stored):
    assert validate_name(raw) == stored


def test_letters_and_case_are_not_rewritten():
    assert validate_name("мАРЬЯМ") == "мАРЬЯМ"
    assert validate_name("farzona") == "farzona"


def test_letter_typed_with_combining_macron_is_stored_as_the_tajik_letter():
    assert validate_name("Али\u0304") == "Алӣ"


@pytest.mark.parametrize(
    "name",
    [
        "Фарзона",
        "Раҳимова",
        "Ғафуров",
        "Қодиров",
        "Ҷамшед",
        "Бӯстон",
        "Алӣ",
        "ҒӢҚӮҲҶ ғӣқӯҳҷ",
        "Юлия Щербакова",
        "Фёдор",
        "Farzona Rahimova",
        "Ma'ruf",
        "Maʼruf",
        "Ma’ruf",
        "Oʻlmas",
        "Abdul-Aziz",
        "Шаҳноза Маъруфова",
        "Rūstam Šarifov",
        "Ли",
    ],
)
def test_tajik_russian_and_latin_names_are_accepted(name):
    assert validate_name(name) == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Farzona2", "digits"),
        ("Фарзона 2-я", "digits"),
        ("Rahimova!", "'!'"),
        ("Али@", "'@'"),
        ("Farzona.", "'.'"),
        ("Ali_Rahimov", "'_'"),
        ("فرزانه", "not a Tajik, Russian or Latin letter"),
        ("Φαρζονα", "not a Tajik, Russian or Latin letter"),
        ("Раҳимоvа", "mixes Cyrillic and Latin"),
        ("-Farzona", "Start the name with a letter"),
        ("Farzona-", "end the name with a hyphen"),
        ("А", "at least 2 letters"),
        ("   ", "Enter a name"),
        ("", "Enter a name"),
    ],
)
def test_bad_names_are_rejected_with_a_message_saying_why(name, message):
    with pytest.raises(InvalidName, match=message):
        validate_name(name)


def test_names_longer_than_the_limit_are_rejected():
    assert validate_name("а" * NAME_MAX_LENGTH) == "а" * NAME_MAX_LENGTH
    with pytest.raises(InvalidName, match=f"at most {NAME_MAX_LENGTH}"):
        validate_name("а" * (NAME_MAX_LENGTH + 1))


def test_length_is_counted_after_trimming():
    assert validate_name("  " + "а" * NAME_MAX_LENGTH + "  ") == "а" * NAME_MAX_LENGTH


def test_a_longer_limit_can_be_asked_for_full_names():
    name = "Гулнора " * 10
    with pytest.raises(InvalidName):
        validate_name(name)
    assert validate_name(name, max_length=120) == name.strip()


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once
