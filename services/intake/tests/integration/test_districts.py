import pytest

from .helpers import auth

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("role", ["phw", "sah_worker", "case_manager", "provider", "admin"])
def test_every_signed_in_user_gets_all_68_districts_in_one_page(service, role):
    provider_id = "5d1c3a8e-0000-4000-8000-000000000001" if role == "provider" else None
    districts = () if role in ("provider", "admin") else ("rudaki",)
    headers = auth(service, role, districts, provider_id=provider_id)
    response = service.client.get("/districts", headers=headers)

    assert response.status_code == 200
    page = response.get_json()
    assert page["total"] == 68
    assert len(page["items"]) == 68
    rudaki = next(d for d in page["items"] if d["code"] == "rudaki")
    assert rudaki == {
        "code": "rudaki",
        "region_code": "TJ-RA",
        "name_tg": "Рӯдакӣ",
        "name_ru": "Рудакинский",
        "name_en": "Rudaki",
    }
    assert "Рӯдакӣ".encode() in response.data


def test_districts_page_and_filter_by_region(service):
    headers = auth(service, "phw")
    second = service.client.get("/districts?page=2&page_size=10", headers=headers).get_json()
    assert (second["total"], second["page"], len(second["items"])) == (68, 2, 10)
    khatlon = service.client.get("/districts?region_code=TJ-KT", headers=headers).get_json()
    assert khatlon["total"] == len(khatlon["items"]) > 0
    assert {d["region_code"] for d in khatlon["items"]} == {"TJ-KT"}


def test_districts_need_a_token(service):
    assert service.client.get("/districts").status_code == 401
