"""The worker on a real broker: events in, one SMS out, status events back on the exchange."""

import pytest

from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.conftest import RECEIPT_SECRET
from services.notifications.tests.integration.support import only, rows
from shared.messaging.publisher import Outgoing, Publisher
from shared.messaging.topology import topology_for
from shared.testing import EventTap, wait_for

pytestmark = pytest.mark.integration


def publish(service, event, times=1):
    """Put an event on the platform exchange as its producer's relay would, `times` times."""
    topology = topology_for(service.runtime.settings)
    publisher = Publisher(service.runtime.settings.broker_url, topology=topology)
    message = Outgoing(
        body=event.to_json(),
        exchange=topology.events,
        routing_key=event.type,
        message_id=event.id,
        mandatory=True,
        correlation_id=event.correlation_id,
    )
    try:
        assert publisher.publish([message] * times) == [event.id] * times
    finally:
        publisher.close()


@pytest.fixture
def running(service, rabbitmq_url):
    tap = EventTap(rabbitmq_url, service.namespace, pattern="notification.*")
    service.start_worker()
    yield service, tap
    service.stop_worker()
    tap.close()


def test_event_delivered_five_times_sends_one_sms_and_reports_it(running, gateway):
    service, tap = running
    registered = ev.registered()
    publish(service, registered, times=5)
    wait_for(lambda: service.worker.consumer.handled >= 5, timeout=20, message="5 deliveries")
    sent = tap.wait_for("notification.sent", timeout=20)
    assert sent["payload"]["to"] == "+992*****4567"
    assert sent["correlation_id"] == registered.payload["child_id"]
    sms = only(gateway.sent_to(ev.FAMILY_PHONE))
    assert sms.text.startswith("Фарзона барои кӯмаки барвақт сабт шуд.")
    assert len(rows(service)) == 1


def test_receipt_is_reported_as_delivered_on_the_exchange(running, gateway):
    service, tap = running
    publish(service, ev.registered())
    sent = tap.wait_for("notification.sent", timeout=20)
    answer = service.client.post(
        "/delivery-receipts",
        json={"notification_id": sent["payload"]["notification_id"], "status": "DELIVRD"},
        headers={"X-Gateway-Secret": RECEIPT_SECRET},
    )
    assert answer.status_code == 200
    delivered = tap.wait_for("notification.delivered", timeout=20)
    assert delivered["payload"]["notification_id"] == sent["payload"]["notification_id"]


def test_retries_then_failure_reach_the_exchange(running, gateway):
    service, tap = running
    gateway.fail_next(3, status=500)
    publish(service, ev.registered())
    failed = tap.wait_for("notification.failed", timeout=20)
    assert "500" in failed["payload"]["reason"]
    assert gateway.sent_to(ev.FAMILY_PHONE) == []
