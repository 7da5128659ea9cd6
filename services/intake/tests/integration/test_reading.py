import pytest

from .helpers import auth, register, registration

pytestmark = pytest.mark.integration


def _register_many(service):
    """Register four children: three in Rudaki (one in Latin letters), one in Vahdat."""
    bodies = [
        (registration(), ("rudaki",)),
        (
            registration(
                child={
                    "given_name": "Suhrob",
                    "family_name": "Nazarov",
                    "sex": "male",
                    "date_of_birth": "2019-09-01",
                },
                guardian={"name": "Manija Nazarova", "phone": "92 700 1122"},
            ),
            ("rudaki",),
        ),
        (
            registration(
                child={
                    "given_name": "Ҷамшед",
                    "family_name": "Қодиров",
                    "sex": "male",
                    "date_of_birth": "2016-02-29",
                },
                guardian={"name": "Ситора Қодирова", "phone": "98 765 4321"},
            ),
            ("rudaki",),
        ),
        (
            registration(
                child={
                    "given_name": "Мадина",
                    "family_name": "Саидова",
                    "district_code": "vahdat",
                    "date_of_birth": "2021-03-03",
                },
                guardian={"name": "Зебо Саидова", "phone": "55 123 4567"},
            ),
            ("vahdat",),
        ),
    ]
    ids = []
    for body, districts in bodies:
        response = register(service, body, districts=districts)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def _list(service, query="", role="case_manager", districts=("rudaki",)):
    response = service.client.get(f"/children?{query}", headers=auth(service, role, districts))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("role", "districts", "status"),
    [
        ("phw", ("rudaki",), 200),
        ("sah_worker", ("rudaki", "vahdat"), 200),
        ("case_manager", ("rudaki",), 200),
        ("admin", (), 200),
        ("phw", ("vahdat",), 404),
        ("case_manager", ("vahdat",), 404),
    ],
)
def test_a_child_is_read_within_the_readers_districts_only(service, role, districts, status):
    child_id = register(service).get_json()["id"]
    response = service.client.get(f"/children/{child_id}", headers=auth(service, role, districts))
    assert response.status_code == status
    if status == 404:
        assert "Фарзона" not in response.get_data(as_text=True)
    else:
        assert response.get_json()["child"]["given_name"] == "Фарзона"


def test_providers_cannot_read_intake_records(service):
    child_id = register(service).get_json()["id"]
    headers = auth(service, "provider", (), provider_id="provider-1")
    assert service.client.get(f"/children/{child_id}", headers=headers).status_code == 403
    assert service.client.get("/children", headers=headers).status_code == 403


def test_an_unknown_child_is_404(service):
    missing = "0b1d6c1e-7f52-4a8e-9d0e-2c8f0f7c1a11"
    assert service.client.get(f"/children/{missing}", headers=auth(service)).status_code == 404
    assert service.client.get("/children/not-a-uuid", headers=auth(service)).status_code == 404


def test_search_by_name_works_across_scripts(service):
    farzona, suhrob, jamshed, _ = _register_many(service)
    assert [c["id"] for c in _list(service, "q=Rahimova")["items"]] == [farzona]
    assert [c["id"] for c in _list(service, "q=Рахимова Фарзона")["items"]] == [farzona]
    assert [c["id"] for c in _list(service, "q=Назаров")["items"]] == [suhrob]
    assert [c["id"] for c in _list(service, "q=Jamshed Qodirov")["items"]] == [jamshed]
    assert [c["id"] for c in _list(service, "q=qod")["items"]] == [jamshed]
    assert _list(service, "q=Karimova")["total"] == 0


def test_search_by_guardian_phone(service):
    _, suhrob, _, _ = _register_many(service)
    assert [c["id"] for c in _list(service, "q=%2B992927001122")["items"]] == [suhrob]


def test_a_list_shows_only_the_callers_districts_and_admin_sees_all(service):
    _register_many(service)
    assert _list(service, districts=("rudaki",))["total"] == 3
    assert _list(service, districts=("vahdat",))["total"] == 1
    assert _list(service, "district_code=vahdat", districts=("rudaki",))["total"] == 0
    assert _list(service, role="admin", districts=())["total"] == 4


def test_filters_by_birth_dates(service):
    farzona, _, jamshed, _ = _register_many(service)
    page = _list(service, "born_from=2016-01-01&born_to=2019-01-01")
    assert [c["id"] for c in page["items"]] == [jamshed]
    page = _list(service, "born_from=2023-01-01")
    assert [c["id"] for c in page["items"]] == [farzona]


def test_pages_are_stable_and_carry_the_total(service, clock):
    ids = []
    for _minute in range(3):
        for _ in range(3):  # three registrations at the same instant: ties need an order too
            body = {**registration(), "confirmed_new": True}
            ids.append(register(service, body).get_json()["id"])
        clock.advance(minutes=1)

    pages = [_list(service, f"page={n}&page_size=4") for n in (1, 2, 3)]

    assert [p["total"] for p in pages] == [9, 9, 9]
    assert [len(p["items"]) for p in pages] == [4, 4, 1]
    seen = [c["id"] for p in pages for c in p["items"]]
    assert sorted(seen) == sorted(ids)
    again = [c["id"] for n in (1, 2, 3) for c in _list(service, f"page={n}&page_size=4")["items"]]
    assert again == seen
    newest_first = [c["registered_at"] for c in pages[0]["items"]]
    assert newest_first == sorted(newest_first, reverse=True)


def test_page_size_is_bounded(service):
    response = service.client.get("/children?page_size=1000", headers=auth(service))
    assert response.status_code == 422


def test_admins_read_a_childs_audit_trail(service):
    child_id = register(service).get_json()["id"]
    service.client.get(f"/children/{child_id}", headers=auth(service, "case_manager", ("rudaki",)))

    response = service.client.get(f"/children/{child_id}/audit", headers=auth(service, "admin", ()))

    assert response.status_code == 200
    trail = [
        (e["action"], e["actor"]["sub"], e["actor"]["role"]) for e in response.get_json()["items"]
    ]
    assert trail == [
        ("register", "phw-rudaki", "phw"),
        ("read", "case_manager-rudaki", "case_manager"),
    ]
    assert response.get_json()["items"][0]["at"] == "2026-11-25T05:00:00+00:00"


def test_only_admins_read_the_audit_trail(service):
    child_id = register(service).get_json()["id"]
    headers = auth(service, "case_manager", ("rudaki",))
    assert service.client.get(f"/children/{child_id}/audit", headers=headers).status_code == 403
