"""District centres cover every district and distances come out right."""

import pytest

from services.referral.domain.geography import haversine_km
from shared.districts import DISTRICTS

from .helpers import geography


def test_every_district_has_a_centre_inside_tajikistan():
    geo = geography()
    assert set(geo.centres) == set(geo.places) == set(DISTRICTS)
    for lat, lon in geo.centres.values():
        assert 36.6 <= lat <= 41.1 and 67.3 <= lon <= 75.2


def test_dushanbe_to_khujand_is_about_200_km():
    geo = geography()
    km = haversine_km(geo.centre_of("ismoili_somoni"), geo.centre_of("khujand"))
    assert km == pytest.approx(200, abs=15)


def test_unknown_district_has_no_region_and_keeps_its_code_as_name():
    geo = geography()
    assert geo.region_of("atlantis") is None
    assert geo.name_of("atlantis") == "atlantis"
    assert geo.centre_of("atlantis") is None
    assert geo.region_of("rudaki") == "TJ-RA"
    assert geo.region_name_of("sino") == "Dushanbe"
