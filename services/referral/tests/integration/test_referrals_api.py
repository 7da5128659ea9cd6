"""Sending a referral: the consent gate, eligibility, one open referral, and who sees what."""

from datetime import timedelta

import pytest

from .support import (
    act,
    add_provider,
    assess,
    case_manager,
    iso,
    outbox,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration


def test_referral_is_sent_with_a_respond_by_time_and_an_event(service, clock):
    provider = add_provider(service)
    child = register_child(service)
    assess(service, child, priority="urgent")
    response = refer(service, child, provider["id"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["fhir_status"], body["priority"]) == (
        "sent",
        "requested",
        "urgent",
    )
    assert iso(body["respond_by"]) == clock.now + timedelta(hours=72)
    [event] = outbox(service, "referral.sent")
    assert event["correlation_id"] == child
    assert event["payload"]["referral_id"] == body["id"]
    assert event["payload"]["provider"]["phone"] == "+992939021144"
    assert iso(event["payload"]["respond_by"]) == iso(body["respond_by"])


def test_response_window_comes_from_configuration(service_harness, clock):
    from .support import make_referral_service

    service = make_referral_service(
        service_harness, clock=clock, env={"REFERRAL_RESPONSE_HOURS": "1.5"}
    )
    provider, child = add_provider(service), register_child(service)
    body = refer(service, child, provider["id"]).get_json()
    assert iso(body["respond_by"]) == clock.now + timedelta(hours=1.5)


@pytest.mark.parametrize(
    ("env", "due"),
    [
        # Sent at 10:00 on Wednesday in Dushanbe: 12 hours run out at 22:00, at night.
        ({"REFERRAL_RESPONSE_HOURS": "12"}, "2026-11-26T18:00:00+05:00"),
        # 72 hours end on Saturday, a day off in a five-day week.
        ({"REFERRAL_WORKING_DAYS": "mon-fri"}, "2026-11-30T18:00:00+05:00"),
        (
            {"REFERRAL_RESPONSE_HOURS": "12", "REFERRAL_WORKING_HOURS": "08:00-23:00"},
            "2026-11-25T22:00:00+05:00",
        ),
    ],
)
def test_respond_by_never_falls_outside_working_hours(service_harness, clock, env, due):
    from .support import make_referral_service

    service = make_referral_service(service_harness, clock=clock, env=env)
    provider, child = add_provider(service), register_child(service)
    body = refer(service, child, provider["id"]).get_json()
    assert iso(body["respond_by"]) == iso(due)
    [event] = outbox(service, "referral.sent")
    assert iso(event["payload"]["respond_by"]) == iso(due)


def test_no_referral_without_the_familys_consent(service):
    provider, child = add_provider(service), register_child(service, consent=False)
    response = refer(service, child, provider["id"])
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "consent_required"
    assert outbox(service, "referral.sent") == []


@pytest.mark.parametrize(
    ("provider_change", "reason"),
    [
        ({"districts_served": ["khujand"]}, "does not serve Rudaki"),
        ({"min_age": 7}, "takes ages 7–17; child is 5"),
        ({"service_types": ["home_based"]}, "does not offer day care"),
        ({"active": False}, "not active"),
    ],
)
def test_ineligible_provider_is_refused_with_the_reason(service, provider_change, reason):
    provider = add_provider(service, **provider_change)
    response = refer(service, register_child(service), provider["id"])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "provider_ineligible"
    assert reason in error["fields"]["provider_id"]


def test_one_open_referral_per_service_type(service):
    first, second = add_provider(service), add_provider(service, name="Second centre")
    child = register_child(service)
    assert refer(service, child, first["id"]).status_code == 201
    again = refer(service, child, second["id"])
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "open_referral_exists"
    assert len(outbox(service, "referral.sent")) == 1


def test_case_manager_of_another_district_gets_404(service):
    provider, child = add_provider(service), register_child(service)
    response = refer(service, child, provider["id"], districts=("khujand",))
    assert response.status_code == 404
    created = refer(service, child, provider["id"]).get_json()
    other = service.client.get(
        f"/referrals/{created['id']}", headers=case_manager(service, ["khujand"])
    )
    assert other.status_code == 404


def test_unknown_provider_or_malformed_ids_are_422(service):
    child = register_child(service)
    unknown = refer(service, child, "00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 422
    malformed = refer(service, "not-a-uuid", "also-not")
    assert set(malformed.get_json()["error"]["fields"]) == {"child_id", "provider_id"}


def test_provider_sees_only_its_own_referrals(service):
    mine, theirs = add_provider(service), add_provider(service, name="Other centre")
    referral = refer(service, register_child(service), mine["id"]).get_json()
    other = provider_user(service, theirs["id"])
    assert service.client.get(f"/referrals/{referral['id']}", headers=other).status_code == 404
    assert (
        act(service, referral["id"], "accept", {"start_date": "2026-12-01"}, other).status_code
        == 404
    )
    listed = service.client.get("/referrals", headers=other).get_json()
    assert listed["total"] == 0
    own = service.client.get("/referrals?status=sent", headers=provider_user(service, mine["id"]))
    assert [r["id"] for r in own.get_json()["items"]] == [referral["id"]]


def test_provider_sees_names_and_phone_only_after_accepting(service):
    provider = add_provider(service)
    referral = refer(service, register_child(service), provider["id"]).get_json()
    staff = provider_user(service, provider["id"])
    before = service.client.get(f"/referrals/{referral['id']}", headers=staff).get_json()
    assert before["guardian"] is None
    assert before["child"]["given_name"] is None
    assert (before["child"]["age_years"], before["child"]["district_code"]) == (5, "rudaki")
    after = act(service, referral["id"], "accept", {"start_date": "2026-12-01"}, staff).get_json()
    assert after["guardian"] == {"name": "Гулнора Раҳимова", "phone": "+992931234567"}
    assert after["child"]["given_name"] == "Фарзона"


def test_other_roles_cannot_refer(service):
    provider, child = add_provider(service), register_child(service)
    body = {"child_id": child, "provider_id": provider["id"], "service_type": "day_care"}
    phw = service.client.post("/referrals", json=body, headers=service.auth("phw", ["rudaki"]))
    assert phw.status_code == 403
    staff = service.client.post(
        "/referrals", json=body, headers=provider_user(service, provider["id"])
    )
    assert staff.status_code == 403
