"""Reminder and expiry against an injected clock, and timers safe with several workers."""

import threading

import pytest

from services.referral.bootstrap import runtime_from
from services.referral.flows.timers import expire_due, remind_due

from .support import act, add_provider, case_manager, outbox, provider_user, refer, register_child

pytestmark = pytest.mark.integration


def sent_referral(service):
    provider = add_provider(service)
    return provider, refer(service, register_child(service), provider["id"]).get_json()


def test_one_reminder_24_hours_before_the_deadline(service, clock):
    _, referral = sent_referral(service)
    clock.advance(hours=47, minutes=59)
    assert remind_due(service.runtime) == 0
    clock.advance(minutes=1)
    assert remind_due(service.runtime) == 1
    clock.advance(hours=1)
    assert remind_due(service.runtime) == 0
    [event] = outbox(service, "referral.reminder")
    assert event["payload"]["referral_id"] == referral["id"]
    assert event["payload"]["provider"]["phone"] == "+992939021144"


def test_expiry_at_respond_by_and_the_need_goes_back(service, clock):
    _, referral = sent_referral(service)
    clock.advance(hours=72, seconds=-1)
    assert expire_due(service.runtime) == 0
    clock.advance(seconds=1)
    assert expire_due(service.runtime) == 1
    read = service.client.get(
        f"/referrals/{referral['id']}", headers=case_manager(service)
    ).get_json()
    assert (read["status"], read["fhir_status"]) == ("expired", "failed")
    [event] = outbox(service, "referral.expired")
    assert event["payload"]["provider_id"] == referral["provider_id"]
    needs = service.client.get("/needs?status=open", headers=case_manager(service)).get_json()
    assert [n["child_id"] for n in needs["items"]] == [referral["child_id"]]


def test_answered_referrals_neither_expire_nor_get_reminders(service, clock):
    provider, referral = sent_referral(service)
    act(
        service,
        referral["id"],
        "accept",
        {"start_date": "2026-12-01"},
        provider_user(service, provider["id"]),
    )
    clock.advance(hours=100)
    assert remind_due(service.runtime) == 0
    assert expire_due(service.runtime) == 0


def test_no_reminder_after_expiry(service, clock):
    sent_referral(service)
    clock.advance(hours=80)
    assert expire_due(service.runtime) == 1
    assert remind_due(service.runtime) == 0
    assert outbox(service, "referral.reminder") == []


def test_several_workers_expire_each_referral_exactly_once(service, clock):
    provider = add_provider(service, places=30)
    for _ in range(12):
        refer(service, register_child(service), provider["id"])
    clock.advance(hours=73)
    workers = [runtime_from(service.config) for _ in range(3)]
    for runtime in workers:
        runtime.clock = clock
    barrier = threading.Barrier(len(workers))
    done = []

    def run(runtime):
        barrier.wait()
        done.append(expire_due(runtime))

    threads = [threading.Thread(target=run, args=(rt,)) for rt in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for runtime in workers:
        runtime.db.dispose()
    assert sum(done) == 12
    expired = [e["payload"]["referral_id"] for e in outbox(service, "referral.expired")]
    assert len(expired) == len(set(expired)) == 12
