import pytest

from services.intake.domain.phones import InvalidPhone, normalise_phone


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
