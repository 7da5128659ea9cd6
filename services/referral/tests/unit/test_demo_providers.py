"""The demo providers are usable as they stand: known districts, SMS-capable phones, all regions."""

import json
from datetime import date
from pathlib import Path

import phonenumbers

from services.referral.domain.matching import SERVICE_TYPES

from .helpers import geography

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo_providers.json"
PROVIDERS = json.loads(DEMO.read_text(encoding="utf-8"))["providers"]
GEO = geography()


def test_providers_cover_all_five_regions_and_every_service_type():
    regions = {GEO.region_of(p["district_code"]) for p in PROVIDERS}
    assert regions == {"TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"}
    offered = {kind for p in PROVIDERS for kind in p["service_types"]}
    assert offered == set(SERVICE_TYPES)
    assert 15 <= len(PROVIDERS) <= 25


def test_districts_are_known_codes():
    for p in PROVIDERS:
        assert GEO.region_of(p["district_code"]), p["name"]
        assert all(GEO.region_of(code) for code in p["districts_served"]), p["name"]


def test_phones_are_e164_tajik_mobiles_for_sms_alerts():
    for p in PROVIDERS:
        number = phonenumbers.parse(p["phone"])
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == p["phone"]
        assert phonenumbers.region_code_for_number(number) == "TJ"
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def test_values_are_sensible():
    for p in PROVIDERS:
        assert p["places"] > 0 and 0 <= p["min_age"] <= p["max_age"] <= 17, p["name"]
        assert set(p["service_types"]) <= set(SERVICE_TYPES)
        assert set(p["languages"]) <= {"tg", "ru", "uz", "ky", "en"}
        if p["last_inspection_date"]:
            assert date.fromisoformat(p["last_inspection_date"]) <= date(2026, 11, 25)


def test_providers_sit_near_their_district_centre():
    for p in PROVIDERS:
        lat, lon = GEO.centre_of(p["district_code"])
        assert abs(p["latitude"] - lat) < 0.1 and abs(p["longitude"] - lon) < 0.1, p["name"]


def test_names_are_unique():
    assert len({p["name"] for p in PROVIDERS}) == len(PROVIDERS)


TAJIK_LETTERS = set("ғӣқӯҳҷҒӢҚӮҲҶ")


def test_every_provider_has_its_name_in_tajik_and_russian():
    for p in PROVIDERS:
        assert TAJIK_LETTERS & set(p["name_tg"]), p["name"]
        assert p["name_ru"] and not TAJIK_LETTERS & set(p["name_ru"]), p["name"]
        # An SMS shows at most 45 characters of a name (notifications' limits).
        assert max(len(p["name_tg"]), len(p["name_ru"])) <= 45, p["name"]
