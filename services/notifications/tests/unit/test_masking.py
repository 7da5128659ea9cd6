import pytest

from services.notifications.domain.masking import mask_phone, mask_phones_in_text


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+992931234567", "+992*****4567"),
        ("+992372223344", "+992*****3344"),
        ("+79161234567", "+7******4567"),
        ("992931234567", "********4567"),
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
