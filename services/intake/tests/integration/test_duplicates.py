import pytest

from services.intake.models import Child

from .conftest import count
from .helpers import register, registration

pytestmark = pytest.mark.integration

LATIN = registration(
    child={"given_name": "Farzona", "family_name": "Rakhimova", "date_of_birth": "2023-05-02"},
    guardian={"name": "Gulnora Rakhimova", "phone": "90 555 6677"},
)


def test_a_latin_spelling_of_a_cyrillic_registration_answers_409_with_the_candidate(service):
    first = register(service).get_json()

    response = register(service, LATIN)

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "likely_duplicate"
    [candidate] = error["candidates"]
    assert candidate["id"] == first["id"]
    assert candidate["given_name"] == "Фарзона"
    assert candidate["family_name"] == "Раҳимова"
    assert candidate["date_of_birth"] == "2023-04-12"
    assert candidate["reasons"] == ["similar_name_in_same_district"]
    assert count(service, Child) == 1


def test_a_cyrillic_spelling_of_a_latin_registration_is_found_too(service):
    first = register(service, LATIN).get_json()
    response = register(service)
    assert response.status_code == 409
    assert [c["id"] for c in response.get_json()["error"]["candidates"]] == [first["id"]]


def test_confirmed_new_registers_the_child_anyway(service):
    register(service)
    body = {**LATIN, "confirmed_new": True}
    assert register(service, body).status_code == 201
    assert count(service, Child) == 2


def test_same_birth_date_and_guardian_phone_is_a_likely_duplicate(service):
    first = register(service).get_json()
    twin = registration(child={"given_name": "Зарина", "family_name": "Саидова"})

    response = register(service, twin)

    assert response.status_code == 409
    [candidate] = response.get_json()["error"]["candidates"]
    assert candidate["id"] == first["id"]
    assert candidate["reasons"] == ["same_date_of_birth_and_guardian_phone"]


def test_a_similar_name_in_another_district_is_not_a_duplicate(service):
    register(service)
    elsewhere = registration(
        child={"district_code": "vahdat", "date_of_birth": "2022-01-01"},
        guardian={"phone": "90 555 6677"},
    )
    response = register(service, elsewhere, districts=("vahdat",))
    assert response.status_code == 201


def test_a_different_child_with_a_similar_family_name_is_not_a_duplicate(service):
    register(service)
    other = registration(
        child={"given_name": "Farzona", "family_name": "Karimova", "date_of_birth": "2021-06-01"},
        guardian={"phone": "90 555 6677"},
    )
    assert register(service, other).status_code == 201


def test_a_candidate_outside_the_workers_districts_is_only_counted_and_the_probe_audited(service):
    first = register(service, districts=("rudaki",)).get_json()
    moved = registration(child={"given_name": "Зарина", "district_code": "vahdat"})

    response = register(service, moved, districts=("vahdat",))

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["candidates"] == [] and error["other_districts"] == 1
    text = response.get_data(as_text=True)
    for revealing in (first["id"], "same_date_of_birth", first["child"]["family_name"]):
        assert revealing not in text
    trail = service.client.get(f"/children/{first['id']}/audit", headers=service.auth("admin"))
    probes = [e for e in trail.get_json()["items"] if e["action"] == "duplicate_probe"]
    assert [e["actor"] for e in probes] == [{"sub": "phw-vahdat", "role": "phw"}]
