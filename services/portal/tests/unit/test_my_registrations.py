"""'My registrations': each child's stage comes from one call to the referral service."""

from __future__ import annotations

import re

WAITING = "11111111-2222-4333-8444-555555555551"
REFERRED = "11111111-2222-4333-8444-555555555552"
NOT_YET = "11111111-2222-4333-8444-555555555553"


def _child(child_id: str, name: str) -> dict:
    return {
        "id": child_id, "registered_at": "2026-11-20T09:00:00+05:00",
        "child": {"given_name": name, "family_name": "Раҳимова", "date_of_birth": "2023-04-12",
                  "district_code": "rudaki"},
        "registered_by": {"sub": "phw-1", "role": "phw"},
    }  # fmt: skip


def _stage(child_id: str, stage: str, **times: str) -> dict:
    return {"child_id": child_id, "stage": stage, "stages": {"registered": "2026-11-20", **times}}


def _card(page: str, child_id: str) -> str:
    match = re.search(rf'data-child-id="{child_id}">(.*?)</li>', page, re.S)
    assert match, f"no card for {child_id}"
    return match.group(1)


def _children(fake_apis) -> None:
    items = [_child(WAITING, "Фарзона"), _child(REFERRED, "Зарина"), _child(NOT_YET, "Шабнам")]
    fake_apis.intake.answer("GET", "/children", {"items": items, "total": 3})


def test_each_registration_shows_its_stage_and_next_step_in_russian(client, login, fake_apis):
    login(client, "phw")
    _children(fake_apis)
    fake_apis.referral.answer("GET", "/children/stages", {"items": [
        _stage(WAITING, "waitlisted", waitlisted="2026-11-25"),
        _stage(REFERRED, "referred", referred="2026-11-24"),
    ]})  # fmt: skip
    page = client.get("/children?lang=ru").text
    referred = _card(page, REFERRED)
    assert "stage-referred" in referred and "Поставщик ответит на направление." in referred
    assert "stage-waiting" in _card(page, WAITING) and "В листе ожидания" in page
    assert "stage-registered" in _card(page, NOT_YET)
    calls = [c for c in fake_apis.referral.calls if c.path == "/children/stages"]
    assert len(calls) == 1
    assert sorted(calls[0].params["child_id"]) == sorted([WAITING, REFERRED, NOT_YET])
    assert not fake_apis.assessment.calls


def test_an_assessment_without_difficulty_needs_nothing_more(client, login, fake_apis):
    login(client, "sah_worker")
    _children(fake_apis)
    fake_apis.referral.answer("GET", "/children/stages", {"items": [
        _stage(WAITING, "assessed", assessed="2026-11-22"),
        _stage(REFERRED, "assessed", assessed="2026-11-22", with_difficulty="2026-11-22"),
        _stage(NOT_YET, "scheduled", scheduled="2026-11-21"),
    ]})  # fmt: skip
    page = client.get("/children?lang=en").text
    assert "Assessment scheduled" in _card(page, NOT_YET)
    assert "Nothing more is needed for now." in _card(page, WAITING)
    assert "will refer the child to a service" in _card(page, REFERRED)


def test_the_referral_service_down_keeps_the_list_with_a_plain_notice(client, login, fake_apis):
    login(client, "phw")
    _children(fake_apis)
    fake_apis.referral.down = True
    answer = client.get("/children?lang=en")
    assert answer.status_code == 200
    assert "a service is not reachable" in answer.text
    assert all("stage-registered" in _card(answer.text, c) for c in (WAITING, REFERRED, NOT_YET))
