"""A child's way through the whole platform: referred, declined, expired, waitlisted, placed.

Every step goes through HTTP with the role the contract names; the eight processes carry the
events. Providers answer within 72 s (REFERRAL_RESPONSE_HOURS=0.02): long enough for the other
journeys, short enough that the unanswered referral expires while they run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.e2e.checks import (
    assert_correlated,
    assert_each_sms_once,
    assert_templates,
    family_sms,
)
from tests.e2e.steps import VISIT_PLACE, Users
from tests.e2e.wiring import Chain, chain_running

# The unanswered referral is sent before every journey, so its deadline runs out meanwhile.
pytestmark = [pytest.mark.e2e, pytest.mark.long(seconds=100), pytest.mark.usefixtures("unanswered")]

RESPONSE_HOURS = "0.02"  # 72 s: the 30 s reminder timer always runs inside the last half
ASSESSED = ["child_registered", "assessment_scheduled", "assessment_completed"]
# Today in Dushanbe: a provider may start a service only from its accepted start date.
START = datetime.now(timezone(timedelta(hours=5))).date()
START_SHOWN = START.strftime("%d.%m.%Y")
FULL_JOURNEY = [
    "child.registered",
    "assessment.scheduled",
    "assessment.completed",
    "referral.sent",
    "referral.accepted",
    "referral.started",
    "referral.completed",
]


@pytest.fixture(scope="module")
def chain(postgres_url, rabbitmq_url, tmp_path_factory) -> Iterator[Chain]:
    """The platform with a stand-in SMS gateway and a 72-second answer window for providers."""
    workdir = tmp_path_factory.mktemp("journeys")
    with chain_running(
        postgres_url,
        rabbitmq_url,
        workdir,
        migrate=False,  # the platform of tests/e2e/conftest.py migrates as deployed
        REFERRAL_RESPONSE_HOURS=RESPONSE_HOURS,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def users(chain: Chain) -> Users:
    return Users(chain)


@pytest.fixture(scope="module")
def unanswered(users: Users) -> dict[str, Any]:
    """A referral nobody will answer, sent first so its deadline runs out during the others."""
    first = users.add_provider("bokhtar", "Маркази рӯзонаи Бохтар")
    family = users.assessed(301, "bokhtar", "Сафина")
    referral = users.refer(family, first["id"])
    return {"family": family, "provider": first, "referral": referral}


def reference(referral: dict) -> str:
    """Return the short reference a provider's SMS shows for a referral."""
    return referral["id"].replace("-", "")[:8].upper()


def test_a_child_is_registered_assessed_referred_accepted_and_served(chain, users):
    provider = users.add_provider("hisor", "Маркази рӯзонаи Ҳисор", places=3)
    family = users.register(101, "hisor", "Меҳрона")
    users.sms_arrived(family.phone, "Меҳрона", "сабт шуд")
    assessment = users.assessment(family)
    assert assessment["status"] == "pending" and assessment["instrument"] == "cfm_2_4"

    users.schedule(family, assessment["id"])
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%d.%m.%Y")
    users.sms_arrived(family.phone, "арзёбӣ", tomorrow, "10:00", VISIT_PLACE)
    result = users.complete(family, assessment["id"])
    assert result["functional_difficulty"] is True
    assert "day_care" in result["recommended_service_types"]
    needs = users.needs(family)
    assert set(needs) == set(result["recommended_service_types"])
    assert {n["priority"] for n in needs.values()} == {result["priority"]}

    ranked = users.matches(family)
    assert [m["provider"]["id"] for m in ranked["items"]] == [provider["id"]]
    assert "3 of 3 places free" in ranked["items"][0]["reasons"]
    referral = users.refer(family, provider["id"])
    assert (referral["status"], referral["fhir_status"]) == ("sent", "requested")
    users.sms_arrived(provider["phone"], reference(referral))

    taken = users.answer(referral, "accept", {"start_date": START.isoformat()})
    assert taken["status"] == "accepted" and taken["guardian"] is not None
    text = users.sms_arrived(family.phone, provider["address"])
    assert provider["name"] in text and START_SHOWN in text and provider["phone"] in text
    assert users.answer(referral, "start")["fhir_status"] == "in-progress"
    done = users.answer(referral, "complete", {"outcome": "goals met"})
    assert (done["status"], done["fhir_status"]) == ("completed", "completed")
    users.sms_arrived(family.phone, "хизматрасонӣ анҷом ёфт")

    assert_correlated(chain.tap, family.child_id, FULL_JOURNEY)
    assert_templates(
        chain.sms_to(family.phone), "tg", [*ASSESSED, "referral_accepted", "referral_completed"]
    )
    assert_each_sms_once(users, family)
    _assert_closed_everywhere(users, family, assessment["id"], provider["id"])


def _assert_closed_everywhere(users: Users, family, assessment_id: str, provider_id: str) -> None:
    """Check each service's own record of the finished journey."""
    sms = users.wait(lambda: _all_sent(users, family, 5), "five family SMS recorded as sent")
    assert {n["language"] for n in sms.values()} == {"tg"}
    child = users.call("intake", "GET", f"/children/{family.child_id}", "phw",
                       districts=[family.district])  # fmt: skip
    assert child["status"] == "active"
    final = users.manager(family, "assessment", "GET", f"/assessments/{assessment_id}")
    assert final["status"] == "completed" and final["result"]["functional_difficulty"] is True
    provider_now = users.call("referral", "GET", f"/providers/{provider_id}", "admin")
    assert provider_now["places_taken"] == 0  # the place is free again


def _all_sent(users: Users, family, count: int) -> dict | None:
    sms = family_sms(users, family)
    sent = {k: n for k, n in sms.items() if n["status"] in ("sent", "delivered")}
    return sent if len(sent) == count else None


def test_a_declined_child_is_referred_to_the_next_provider_and_accepted(chain, users):
    full = users.add_provider("isfara", "Маркази рӯзонаи Исфара")
    spare = users.add_provider("isfara", "Хонаи Умед, Исфара")
    family = users.assessed(102, "isfara", "Zarina", language="ru")

    first = users.refer(family, full["id"])
    users.sms_arrived(full["phone"], reference(first))
    declined = users.answer(first, "decline", {"reason": "no_capacity", "note": ""})
    assert (declined["status"], declined["fhir_status"]) == ("declined", "rejected")
    users.sms_arrived(family.phone, "не смогла принять")

    second = users.refer(family, spare["id"])
    users.sms_arrived(spare["phone"], reference(second))
    users.answer(second, "accept", {"start_date": START.isoformat()})
    accepted = users.sms_arrived(family.phone, "примет с", spare["address"])
    assert spare["name"] in accepted and START_SHOWN in accepted

    statuses = {r["provider_id"]: r["status"] for r in users.referrals(family)}
    assert statuses == {full["id"]: "declined", spare["id"]: "accepted"}
    expected = [*FULL_JOURNEY[:4], "referral.declined", "referral.sent", "referral.accepted"]
    assert_correlated(chain.tap, family.child_id, expected)
    assert_templates(
        chain.sms_to(family.phone), "ru", [*ASSESSED, "referral_declined", "referral_accepted"]
    )
    assert_each_sms_once(users, family)


def test_a_waitlisted_child_is_referred_when_a_place_frees(chain, users):
    provider = users.add_provider("khorugh", "Маркази рӯзонаи Хоруғ", places=1)
    occupant = users.assessed(401, "khorugh", "Dilnoza")
    holding = users.refer(occupant, provider["id"])
    users.answer(holding, "accept", {"start_date": START.isoformat()})

    family = users.assessed(402, "khorugh", "Нигина")
    assert users.matches(family)["can_waitlist"] is True
    entry = users.waitlist(family)
    assert (entry["position"], entry["status"]) == (1, "waiting")
    users.sms_arrived(family.phone, "дар навбат аст", "рақами 1")

    users.answer(holding, "start")
    users.answer(holding, "complete", {"outcome": "goals met"})
    offered = users.wait_referral(family, lambda r: r["status"] == "sent", "the automatic referral")
    assert offered["automatic"] is True and offered["provider_id"] == provider["id"]
    users.sms_arrived(provider["phone"], reference(offered))
    users.answer(offered, "accept", {"start_date": START.isoformat()})
    users.sms_arrived(family.phone, provider["address"])

    waiting = users.call("referral", "GET", "/waitlist", "case_manager", districts=["khorugh"])
    assert waiting["total"] == 0, waiting
    expected = [*FULL_JOURNEY[:3], "referral.waitlisted", "referral.sent", "referral.accepted"]
    assert_correlated(chain.tap, family.child_id, expected)
    assert_templates(
        chain.sms_to(family.phone), "tg", [*ASSESSED, "referral_waitlisted", "referral_accepted"]
    )
    assert_each_sms_once(users, family)


def test_an_unanswered_referral_reminds_expires_and_the_child_is_referred_again(
    chain, users, unanswered
):
    family, first, referral = unanswered["family"], unanswered["provider"], unanswered["referral"]
    second = users.add_provider("bokhtar", "Хонаи Меҳр, Бохтар")
    ref = reference(referral)
    users.wait(lambda: len(chain.sms_to(first["phone"])) >= 2, "the reminder", timeout=120)
    users.sms_arrived(first["phone"], "Ёдрасонӣ", ref)

    expired = users.wait_referral(family, lambda r: r["status"] == "expired", "the expiry")
    assert expired["fhir_status"] == "failed" and expired["id"] == referral["id"]
    users.sms_arrived(family.phone, "муассиса ҷавоб надод")
    again = users.refer(family, second["id"])
    users.sms_arrived(second["phone"], reference(again))

    assert_templates(
        chain.sms_to(first["phone"]), "tg", ["provider_referral_sent", "provider_referral_reminder"]
    )
    assert_templates(chain.sms_to(family.phone), "tg", [*ASSESSED, "referral_expired"])
    expected = [*FULL_JOURNEY[:4], "referral.reminder", "referral.expired", "referral.sent"]
    assert_correlated(chain.tap, family.child_id, expected)
    assert_each_sms_once(users, family)
