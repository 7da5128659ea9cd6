"""Events travel through the real broker: intake's and assessment's in, referral's out."""

import uuid

import pytest

from services.referral.flows.timers import expire_due, remind_due
from services.referral.models import ChildRecord, Need
from shared.events import make_event
from shared.messaging.publisher import Outgoing, Publisher
from shared.messaging.topology import topology_for
from shared.testing import EventTap, wait_for
from shared.worker import Timer

from .support import add_provider, refer

pytestmark = pytest.mark.integration


@pytest.fixture
def tap(service, rabbitmq_url):
    service.start_worker(
        timers=[Timer("expire", 0.1, expire_due), Timer("remind", 0.1, remind_due)]
    )
    listener = EventTap(rabbitmq_url, service.namespace)
    yield listener
    listener.close()


def publish(service, event_type, payload, producer):
    """Publish an event on the exchange as another service's relay would."""
    topology = topology_for(service.runtime.settings)
    publisher = Publisher(service.runtime.settings.broker_url, topology=topology)
    event = make_event(event_type, payload, producer=producer, correlation_id=payload["child_id"])
    message = Outgoing(
        body=event.to_json(),
        exchange=topology.events,
        routing_key=event.type,
        message_id=event.id,
        correlation_id=event.correlation_id,
    )
    try:
        assert publisher.publish([message]) == [event.id]
    finally:
        publisher.close()


def registration(child_id):
    return {
        "child_id": child_id,
        "child": {
            "given_name": "Алишер",
            "family_name": "Назаров",
            "sex": "male",
            "date_of_birth": "2022-06-15",
            "district_code": "rudaki",
        },
        "guardian": {
            "name": "Мадина Назарова",
            "relationship": "mother",
            "phone": "+992901112233",
            "language": "ru",
            "sms_consent": True,
        },
        "consent": {"data_sharing": True},
        "screening": {"concerns": ["communication"], "urgent": True},
        "registered_by": {"sub": "sah-7", "role": "sah_worker"},
        "registered_at": "2026-11-25T05:00:00+00:00",
    }


def stored(service, model, **where):
    with service.runtime.db.session() as session:
        return session.query(model).filter_by(**where).one_or_none()


def test_child_and_assessment_events_open_a_need_and_referral_events_go_out(service, tap, clock):
    child_id = str(uuid.uuid4())
    publish(service, "child.registered", registration(child_id), "intake")
    wait_for(lambda: stored(service, ChildRecord, id=child_id), 20, message="child stored")
    publish(
        service,
        "assessment.completed",
        {
            "assessment_id": str(uuid.uuid4()),
            "child_id": child_id,
            "age_group": "2_4",
            "domains": {"communication": {"difficulty": True}},
            "functional_difficulty": True,
            "priority": "urgent",
            "recommended_service_types": ["home_based", "day_care"],
        },
        "assessment",
    )
    need = wait_for(lambda: stored(service, Need, child_id=child_id, service_type="day_care"), 20)
    assert (need.priority, need.status) == ("urgent", "open")

    provider = add_provider(service)
    referral = refer(service, child_id, provider["id"]).get_json()
    sent = tap.wait_for("referral.sent", lambda e: e["payload"]["referral_id"] == referral["id"])
    assert (sent["producer"], sent["correlation_id"], sent["version"]) == ("referral", child_id, 1)
    assert sent["payload"]["priority"] == "urgent"

    clock.advance(hours=48)
    tap.wait_for("referral.reminder", timeout=20)
    clock.advance(hours=24)
    expired = tap.wait_for("referral.expired", timeout=20)
    assert expired["payload"]["referral_id"] == referral["id"]


def test_consent_withdrawal_arriving_by_the_broker_erases_the_child(service, tap):
    child_id = str(uuid.uuid4())
    publish(service, "child.registered", registration(child_id), "intake")
    wait_for(lambda: stored(service, ChildRecord, id=child_id), 20, message="child stored")
    provider = add_provider(service)
    referral = refer(service, child_id, provider["id"]).get_json()
    publish(service, "child.consent_withdrawn", {"child_id": child_id}, "intake")
    cancelled = tap.wait_for("referral.cancelled", timeout=20)
    assert cancelled["payload"]["referral_id"] == referral["id"]
    child = stored(service, ChildRecord, id=child_id)
    assert child.given_name is None and child.guardian_phone is None
