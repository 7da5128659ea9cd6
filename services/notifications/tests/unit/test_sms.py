import pytest

from services.notifications.domain.sms import GSM7, UCS2, analyse, detect_encoding, gsm_friendly


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_latin_text_is_gsm7_with_160_single_and_153_per_part(length, segments):
    info = analyse("a" * length)
    assert (info.encoding, info.characters, info.segments) == (GSM7, length, segments)


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_cyrillic_text_is_ucs2_with_70_single_and_67_per_part(length, segments):
    info = analyse("ҷ" * length)
    assert (info.encoding, info.characters, info.segments) == (UCS2, length, segments)


def test_one_cyrillic_letter_turns_a_latin_text_into_ucs2():
    info = analyse("a" * 69 + "ӯ")
    assert info.encoding == UCS2
    assert info.segments == 1
    assert analyse("a" * 70 + "ӯ").segments == 2


@pytest.mark.parametrize("char", list("^{}\\[~]|€"))
def test_extension_characters_count_double(char):
    info = analyse(char + "a" * 158)
    assert info.encoding == GSM7
    assert info.characters == 160
    assert info.segments == 1
    assert analyse(char + "a" * 159).segments == 2


def test_escape_pair_is_not_split_across_parts():
    # 152 plain septets fill part one to 152; the euro needs two, so it moves to part two.
    text = "a" * 152 + "€" + "a" * 152
    info = analyse(text)
    assert info.characters == 306
    assert info.segments == 3


def test_ucs2_counts_utf16_code_units_and_keeps_surrogate_pairs_whole():
    assert analyse("🙂").characters == 2
    assert analyse("я" * 68 + "🙂").segments == 1
    assert analyse("я" * 69 + "🙂").segments == 2
    # 134 code units would fit two parts, but the pair straddles the first boundary.
    straddling = analyse("я" * 66 + "🙂" + "я" * 66)
    assert (straddling.characters, straddling.segments) == (134, 3)


def test_gsm_specials_stay_gsm7():
    text = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà"
    assert detect_encoding(text) == GSM7


def test_typographic_punctuation_is_replaced_so_latin_text_stays_gsm7():
    raw = "Centre \u201cNur\u201d \u2013 Rudaki\u2019s branch"
    assert detect_encoding(raw) == UCS2
    assert detect_encoding(gsm_friendly(raw)) == GSM7
    assert gsm_friendly(raw) == 'Centre "Nur" - Rudaki\'s branch'
