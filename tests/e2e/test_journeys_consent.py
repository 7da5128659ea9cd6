"""What the family decides: consent withdrawn mid-way, consent to share refused, STOP by SMS.

Through HTTP only, with all eight processes running; SMS go to a local stand-in gateway that can
be switched off, as an SMS centre outage would, so an SMS can be caught still waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.checks import (
    assert_correlated,
    assert_each_sms_once,
    assert_no_personal_data,
    assert_templates,
    events_of,
    family_sms,
    personal_data_in,
)
from tests.e2e.steps import Family, Users
from tests.e2e.wiring import Chain, chain_running

pytestmark = [pytest.mark.e2e, pytest.mark.long(seconds=20)]

ASSESSED = ["child_registered", "assessment_scheduled", "assessment_completed"]
START = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()


@pytest.fixture(scope="module")
def chain(postgres_url, rabbitmq_url, tmp_path_factory) -> Iterator[Chain]:
    """The platform; an SMS refused by the gateway keeps being retried (no early `failed`)."""
    workdir = tmp_path_factory.mktemp("consent")
    extra = {"SMS_MAX_ATTEMPTS": "50"}
    # Copies of the migrated templates: the platform of conftest.py migrates as deployed.
    with chain_running(postgres_url, rabbitmq_url, workdir, extra, migrate=False) as running:
        yield running


@pytest.fixture(scope="module")
def users(chain: Chain) -> Users:
    return Users(chain)


def _erased_everywhere(users: Users, family: Family, assessment_id: str, referral_id: str):
    """Read the child through every service's API; return the answers once none is personal."""
    reads = {
        "intake": users.call("intake", "GET", f"/children/{family.child_id}", "phw",
                             districts=[family.district]),
        "assessment": users.manager(family, "assessment", "GET", f"/assessments/{assessment_id}"),
        "referral": users.manager(family, "referral", "GET", f"/referrals/{referral_id}"),
        "notifications": users.notifications(family),
    }  # fmt: skip
    return None if any(personal_data_in(r, family) for r in reads.values()) else reads


def test_consent_withdrawn_midway_cancels_the_referral_and_the_waiting_sms_and_erases(chain, users):
    provider = users.add_provider("sino", "Маркази рӯзонаи Сино")
    family = users.assessed(501, "sino", "Парвина")
    assessment = users.assessment(family)
    referral = users.refer(family, provider["id"])
    users.wait(  # what the family was told so far has arrived before the SMS centre goes down
        lambda: len(chain.sms_to(family.phone)) >= len(ASSESSED), "the family's first SMS"
    )
    chain.gateway.down.set()  # the SMS centre is down: the family's next SMS has to wait
    try:
        users.answer(referral, "accept", {"start_date": START})
        waiting = users.wait(
            lambda: _refused_once(users, family), "the accepted SMS refused and waiting"
        )
        tombstone = users.withdraw_consent(family)
        assert_no_personal_data(tombstone, family, "the withdrawal's answer")
        cancelled = users.wait_referral(
            family, lambda r: r["status"] == "cancelled", "the open referral cancelled"
        )
        assert cancelled["cancel_reason"] == "consent_withdrawn"
        users.wait(
            lambda: family_sms(users, family)["referral.accepted"]["status"] == "cancelled",
            "the waiting SMS cancelled",
        )
    finally:
        chain.gateway.down.clear()
    reads = users.wait(
        lambda: _erased_everywhere(users, family, assessment["id"], referral["id"]),
        "personal data gone from every service's API",
    )
    assert reads["intake"]["status"] != "active" and "guardian" not in reads["intake"]
    assert waiting["id"] in {n["id"] for n in reads["notifications"]}

    neighbour = users.register(502, "sino", "Ситора")  # the gateway is back: SMS flow again
    users.sms_arrived(neighbour.phone, "Ситора", "сабт шуд")
    assert_templates(chain.sms_to(family.phone), "tg", ASSESSED)
    expected = ["child.registered", "referral.sent", "referral.accepted",
                "child.consent_withdrawn", "referral.cancelled"]  # fmt: skip
    assert_correlated(chain.tap, family.child_id, expected)


def _refused_once(users: Users, family: Family) -> dict | None:
    sms = family_sms(users, family).get("referral.accepted")
    return sms if sms and sms["status"] == "pending" and sms["attempts"] >= 1 else None


def test_without_consent_to_share_no_referral_is_made_and_the_family_hears_nothing_wrong(
    chain, users
):
    provider = users.add_provider("vahdat", "Маркази рӯзонаи Ваҳдат")
    family = users.assessed(601, "vahdat", "Шаҳло", data_sharing=False)
    child = users.call("intake", "GET", f"/children/{family.child_id}", "phw",
                       districts=["vahdat"])  # fmt: skip
    assert child["consent"]["data_sharing"] is False and child["referral_allowed"] is False

    refused = users.refer(family, provider["id"], expect=(422,))
    assert refused["error"]["code"] == "consent_required"
    body = {"child_id": family.child_id, "service_type": "day_care"}
    waitlisted = users.manager(family, "referral", "POST", "/waitlist", json=body, expect=(422,))
    assert waitlisted["error"]["code"] == "consent_required"
    assert users.referrals(family) == []

    users.wait(lambda: len(chain.sms_to(family.phone)) == 3, "the family's three SMS")
    assert_templates(chain.sms_to(family.phone), "tg", ASSESSED)
    assert chain.sms_to(provider["phone"]) == []
    assert_correlated(chain.tap, family.child_id, ["child.registered", "assessment.completed"])
    assert not [e for e in events_of(chain.tap, family.child_id) if e["type"].startswith("ref")]


def test_a_family_that_replies_stop_gets_no_more_sms_while_the_case_goes_on(chain, users):
    provider = users.add_provider("kulob", "Маркази рӯзонаи Кӯлоб")
    family = users.register(701, "kulob", "Мадина")
    users.sms_arrived(family.phone, "Мадина", "сабт шуд")
    reply = users.reply(family.phone, "СТОП")
    assert reply.status_code == 200 and reply.json()["action"] == "opted_out", reply.text
    users.sms_arrived(family.phone, "SMS-ҳо қатъ шуданд")

    assessment = users.assessment(family)
    users.schedule(family, assessment["id"])
    users.complete(family, assessment["id"])
    users.needs(family)
    referral = users.refer(family, provider["id"])
    users.sms_arrived(provider["phone"], referral["id"].replace("-", "")[:8].upper())
    assert users.answer(referral, "accept", {"start_date": START})["status"] == "accepted"

    silenced = ("assessment.scheduled", "assessment.completed", "referral.accepted")
    sms = users.wait(lambda: _all_cancelled(users, family, silenced), "the silenced SMS")
    assert all("opted out" in sms[t]["reason"] for t in silenced), sms
    assert_templates(chain.sms_to(family.phone), "tg", ["child_registered", "opted_out"])
    done = users.manager(family, "assessment", "GET", f"/assessments/{assessment['id']}")
    assert done["status"] == "completed"
    expected = ["child.registered", "assessment.scheduled", "assessment.completed",
                "referral.sent", "referral.accepted"]  # fmt: skip
    assert_correlated(chain.tap, family.child_id, expected)
    assert_each_sms_once(users, family)


def _all_cancelled(users: Users, family: Family, types: tuple[str, ...]) -> dict | None:
    sms = family_sms(users, family)
    return sms if all(sms.get(t, {}).get("status") == "cancelled" for t in types) else None
