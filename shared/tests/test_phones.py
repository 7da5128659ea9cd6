import pytest

from shared.phones import (
    InvalidPhone,
    mask_phone,
    mask_phones_in_text,
    normalise_phone,
    sms_capable,
    to_e164,
)


@pytest.mark.parametrize(
    "written",
    [
        "93 123 4567",
        "931234567",
        "+992931234567",
        "992 93 123 45 67",
        "992931234567",
        "00992931234567",
        "00 992 93 123 45 67",
        "93-123-45-67",
        "(93) 123-45-67",
        "+992 (93) 123-45-67",
        "93.123.45.67",
        "  93 123 4567  ",
        "93\u00a0123\u00a04567",
    ],
)
def test_the_ways_people_write_a_mobile_number_give_one_e164(written):
    phone = normalise_phone(written)
    assert phone.e164 == "+992931234567"
    assert phone.sms_capable is True
    assert phone.kind == "mobile"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("92 700 1122", "+992927001122"),
        ("90 555 6677", "+992905556677"),
        ("98 765 4321", "+992987654321"),
        ("55 123 4567", "+992551234567"),
        ("77 123 4567", "+992771234567"),
        ("50 123 4567", "+992501234567"),
    ],
)
def test_numbers_of_each_mobile_operator_are_sms_capable(written, e164):
    phone = normalise_phone(written)
    assert (phone.e164, phone.sms_capable) == (e164, True)


@pytest.mark.parametrize(
    "written",
    ["(37) 222-33-44", "+992 37 222 3344", "372223344", "00992 37 222 33 44"],
)
def test_a_dushanbe_landline_is_accepted_but_not_sms_capable(written):
    phone = normalise_phone(written)
    assert phone.e164 == "+992372223344"
    assert phone.sms_capable is False
    assert phone.kind == "fixed_line"


def test_a_khujand_landline_is_accepted_but_not_sms_capable():
    phone = normalise_phone("(3422) 6-12-34")
    assert (phone.e164, phone.sms_capable) == ("+992342261234", False)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("93 123 456", "too short"),
        ("12", "too short"),
        ("+992", "too short"),
        ("93 123 45678", "too long"),
        ("+992 93 123 45 678", "too long"),
        ("+7 916 123 4567", "Only Tajik numbers"),
        ("0079161234567", "Only Tajik numbers"),
        ("+998 90 123 4567", "Only Tajik numbers"),
        ("+1 202 555 0143", "Only Tajik numbers"),
        ("93 123 4567 ext 2", "digits only"),
        ("nine three", "digits only"),
        ("++992931234567", "digits only"),
        ("93 123 45 6a", "digits only"),
        ("", "Enter a phone number"),
        ("   ", "Enter a phone number"),
        ("60 123 4567", "not a valid Tajik"),
    ],
)
def test_invalid_short_long_and_foreign_numbers_are_refused(written, message):
    with pytest.raises(InvalidPhone, match=message):
        normalise_phone(written)


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("8 93 123 4567", "+992931234567"),
        ("8 (93) 123-45-67", "+992931234567"),
        ("8931234567", "+992931234567"),
        ("0 93 123 45 67", "+992931234567"),
        ("8 (37) 222-33-44", "+992372223344"),
        ("8 (3422) 6-12-34", "+992342261234"),
        ("8 10 992 93 123 4567", "+992931234567"),
        ("810 992 93 123 45 67", "+992931234567"),
    ],
)
def test_numbers_written_with_the_trunk_or_international_prefix_are_accepted(written, e164):
    assert normalise_phone(written).e164 == e164


@pytest.mark.parametrize("written", ["+992 8 93 123 4567", "7 93 123 4567", "8 93 123 45678"])
def test_a_trunk_prefix_is_not_guessed_where_it_cannot_be_one(written):
    with pytest.raises(InvalidPhone):
        normalise_phone(written)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+992931234567", "+992*****4567"),
        ("+992372223344", "+992*****3344"),
        ("+79161234567", "+7******4567"),
        ("992931234567", "+992*****4567"),
        ("1234", "****"),
        ("", ""),
        (None, None),
    ],
)
def test_only_country_code_and_last_four_digits_remain(phone, masked):
    assert mask_phone(phone) == masked


def test_phones_inside_log_text_are_masked_but_dates_and_ids_are_not():
    text = "to +992931234567 at 2026-12-01 10:00:00, also 93 123 4567, id 3f2a1b9c-1234"
    masked = mask_phones_in_text(text)
    assert "931234567" not in masked and "93 123 4567" not in masked
    assert "+992*****4567" in masked
    assert "2026-12-01 10:00:00" in masked and "3f2a1b9c-1234" in masked


def test_a_tajik_number_written_with_dashes_is_masked_in_text():
    assert mask_phones_in_text("call +992-93-123-45-67 today") == "call +992*****4567 today"
    assert mask_phones_in_text("00992 93 123 45 67") == "**********4567"


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("992931234567", "+992931234567"),
        ("00992 93 123 45 67", "+992931234567"),
        ("+79161234567", "+79161234567"),
        ("12", None),
        ("", None),
        (None, None),
    ],
)
def test_a_sender_as_a_gateway_writes_it_becomes_e164(written, e164):
    assert to_e164(written) == e164


def test_only_mobiles_can_take_sms():
    assert sms_capable("+992931234567")
    assert not sms_capable("+992372223344")
    assert not sms_capable(None) and not sms_capable("not a number")
