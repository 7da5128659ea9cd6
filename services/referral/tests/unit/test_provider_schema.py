"""Provider input: phones become E.164, districts and service types must be known."""

import pytest
from marshmallow import ValidationError

from services.referral.schemas.providers import ProviderInputSchema, normalise_phone
from shared.phones import sms_capable

BASE = {
    "name": "Centre",
    "service_types": ["day_care"],
    "districts_served": ["rudaki"],
    "places": 5,
}


@pytest.mark.parametrize(
    "written",
    ["93 123 4567", "931234567", "+992931234567", "992 93 123 45 67", "00992 93 123 45 67"],
)
def test_the_ways_people_write_a_mobile_number(written):
    assert normalise_phone(written) == "+992931234567"


def test_dushanbe_fixed_line_is_accepted_but_cannot_take_sms():
    phone = normalise_phone("(37) 222-33-44")
    assert phone == "+992372223344"
    assert not sms_capable(phone)
    assert sms_capable("+992931234567")


@pytest.mark.parametrize("written", ["12345", "+7 912 345 67 89", "call the office"])
def test_invalid_or_foreign_numbers_are_refused(written):
    with pytest.raises(ValidationError):
        normalise_phone(written)


def test_schema_normalises_and_deduplicates():
    data = ProviderInputSchema().load(
        {**BASE, "phone": "93 123 4567", "districts_served": ["rudaki", "rudaki", "vahdat"]}
    )
    assert data["phone"] == "+992931234567"
    assert data["districts_served"] == ["rudaki", "vahdat"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"districts_served": ["atlantis"]}, "districts_served"),
        ({"district_code": "atlantis"}, "district_code"),
        ({"service_types": []}, "service_types"),
        ({"places": -1}, "places"),
        ({"min_age": 10, "max_age": 5}, "min_age"),
        ({"phone": "123"}, "phone"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_invalid_input_names_the_field(change, field):
    with pytest.raises(ValidationError) as caught:
        ProviderInputSchema().load({**BASE, **change})
    assert field in caught.value.messages
