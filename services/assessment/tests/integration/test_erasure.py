"""Consent withdrawal also reaches the events this idle_assessment still holds in its outbox."""

import json

import pytest
from sqlalchemy import select, update

from services.assessment import handlers
from shared.events import make_event
from shared.handling import handle_once
from shared.testing.deadletters import dead_letter_ids, put_dead_letter
from shared.testing.stories import child_story

pytestmark = pytest.mark.integration

PLACE = "Гулистон, кӯчаи Сомонӣ 12, хонаи Раҳимовҳо"


def outbox_payloads(idle_assessment, published: bool) -> list[dict]:
    table = idle_assessment.runtime.tables.outbox
    sent = table.c.published_at.is_not(None) if published else table.c.published_at.is_(None)
    with idle_assessment.runtime.db.session() as session:
        bodies = session.execute(select(table.c.body).where(sent)).scalars()
        return [json.loads(body)["payload"] for body in bodies]


def schedule(idle_assessment, child_id: str) -> None:
    cm = idle_assessment.auth("case_manager", ["rudaki"], sub="cm-rudaki")
    [item] = idle_assessment.client.get(f"/assessments?child_id={child_id}", headers=cm).get_json()[
        "items"
    ]
    when = {"scheduled_for": "2026-12-01T10:00:00+05:00", "place": PLACE}
    answer = idle_assessment.client.post(
        f"/assessments/{item['id']}/schedule", json=when, headers=cm
    )
    assert answer.status_code == 200, answer.get_json()


def test_withdrawal_blanks_the_place_in_waiting_events_and_empties_sent_ones(idle_assessment):
    sent_child, waiting_child = child_story()[0], child_story()[0]
    for registered in (sent_child, waiting_child):
        handle_once(idle_assessment.runtime, handlers.HANDLERS, registered)
    schedule(idle_assessment, sent_child.payload["child_id"])
    table = idle_assessment.runtime.tables.outbox
    with idle_assessment.runtime.db.session() as session:
        session.execute(update(table).values(published_at=idle_assessment.runtime.now()))
    schedule(idle_assessment, waiting_child.payload["child_id"])

    for registered in (sent_child, waiting_child):
        child_id = registered.payload["child_id"]
        withdrawn = make_event("child.consent_withdrawn", {"child_id": child_id},
                               producer="intake", correlation_id=child_id)  # fmt: skip
        handle_once(idle_assessment.runtime, handlers.HANDLERS, withdrawn)

    [waiting] = outbox_payloads(idle_assessment, published=False)
    assert waiting["place"] == "" and waiting["child_id"] == waiting_child.payload["child_id"]
    [sent] = outbox_payloads(idle_assessment, published=True)
    assert sent == {"child_id": sent_child.payload["child_id"], "erased": True}


def test_the_worker_deletes_dead_letters_about_an_erased_child(idle_assessment):
    erased, kept = child_story()[0], child_story()[0]
    erased_id = erased.payload["child_id"]
    withdrawn = make_event("child.consent_withdrawn", {"child_id": erased_id},
                           producer="intake", correlation_id=erased_id)  # fmt: skip
    handle_once(idle_assessment.runtime, handlers.HANDLERS, withdrawn)
    settings = idle_assessment.runtime.settings
    for event in (erased, kept):
        put_dead_letter(settings, event.to_json(), event.id, correlation_id=event.correlation_id)
    [timer] = [t for t in handlers.TIMERS if t.name == "dead-letter-erasure"]

    timer.run(idle_assessment.runtime)

    assert dead_letter_ids(settings) == [kept.id]
