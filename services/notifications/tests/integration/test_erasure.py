"""Consent withdrawal reaches every copy here: replies, confirmations and the outbox."""

import json

import pytest
from sqlalchemy import select

from services.notifications.models import InboundMessage, Notification
from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.support import drain, handle

from .test_gateway_callbacks import reply

pytestmark = pytest.mark.integration


def stored_text(service) -> str:
    """Every reply, SMS and outbox body this service keeps, as one text."""
    outbox = service.runtime.tables.outbox
    with service.runtime.db.session() as session:
        replies = [(m.phone, m.text) for m in session.scalars(select(InboundMessage))]
        sms = [(n.to, n.to_masked, n.text) for n in session.scalars(select(Notification))]
        bodies = list(session.execute(select(outbox.c.body)).scalars())
    return json.dumps([replies, sms, bodies], ensure_ascii=False)


def test_a_shared_phones_replies_go_when_its_last_child_is_withdrawn(service):
    first, second = ev.registered(), ev.registered()  # siblings: one guardian, one phone
    handle(service, first, second)
    reply(service, "Кай меоед? Модари Фарзона")
    reply(service, "СТОП", at="2026-11-25T06:05:00+05:00")
    drain(service)  # the confirmation goes out; notification.sent lands in the outbox

    handle(service, ev.consent_withdrawn(first.payload["child_id"]))
    assert "Кай меоед?" in stored_text(service)  # the sibling is still with us

    handle(service, ev.consent_withdrawn(second.payload["child_id"]))
    text = stored_text(service)
    for personal in ("Кай меоед?", "Фарзона", ev.FAMILY_PHONE, "4567"):
        assert personal not in text
