import pytest

from services.notifications.domain.replies import (
    OTHER,
    START,
    STOP,
    ReplyWords,
    classify_reply,
    load_reply_words,
    parse_word_list,
)

WORDS = load_reply_words()


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop! ",
        "СТОП",
        "стоп.",
        "Стоп стоп",
        "ИСТ",
        "ист!!",
        "Бас",
        "ҚАТЪ",
        "қатъ",
    ],
)
def test_stop_words_in_any_case_spacing_or_punctuation(text):
    assert classify_reply(text, WORDS) == STOP


@pytest.mark.parametrize("text", ["START", "start ", "СТАРТ", "Оғоз", "ОҒОЗ!"])
def test_start_words(text):
    assert classify_reply(text, WORDS) == START


def test_tajik_letters_typed_on_a_russian_keyboard_still_match():
    assert classify_reply("ОГОЗ", WORDS) == START
    assert classify_reply("КАТЪ", WORDS) == STOP


def test_latin_look_alike_letters_still_match():
    # "CTOП" typed with Latin C, T and O.
    assert classify_reply("CTOП", WORDS) == STOP


@pytest.mark.parametrize(
    "text",
    ["", None, "Ташаккур!", "Бас хуб", "Когда приходить?", "stop sending at night please", "1"],
)
def test_anything_but_a_bare_keyword_is_other(text):
    assert classify_reply(text, WORDS) == OTHER


def test_lists_are_configurable():
    words = ReplyWords.from_lists(stop=parse_word_list("NO MORE, ENOUGH"), start=["YES"])
    assert classify_reply("no more", words) == STOP
    assert classify_reply("STOP", words) == OTHER
    assert classify_reply("yes", words) == START


def test_blank_configuration_means_default_lists():
    assert parse_word_list("") is None
    assert parse_word_list(None) is None
    assert parse_word_list(" a , ,b ") == ["a", "b"]
