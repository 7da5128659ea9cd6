"""Each event's recipients and texts, in Tajik and Russian; consent and erasure."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from services.notifications.handlers import HANDLERS
from services.notifications.models import OptOut
from services.notifications.tests.integration import events as ev
from services.notifications.tests.integration.support import drain, emitted, handle, only, rows
from shared.handling import handle_many

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "tg",
            "Фарзона барои кӯмаки барвақт сабт шуд. "
            "Корманди иҷтимоии ноҳия то 09.12.2026 ба шумо занг мезанад.",
        ),
        (
            "ru",
            "Фарзона: заявка на раннюю помощь принята. "
            "Соцработник района позвонит вам до 09.12.2026.",
        ),
    ],
)
def test_registration_sms_in_the_familys_language(service, language, text):
    registered = ev.registered(language=language)
    handle(service, registered)
    sms = only(rows(service, child_id=registered.payload["child_id"]))
    assert (sms.recipient, sms.to, sms.language, sms.text) == (
        "guardian",
        ev.FAMILY_PHONE,
        language,
        text,
    )
    assert (sms.encoding, sms.segments, sms.characters) == ("UCS-2", 2, len(text))
    assert sms.status == "pending" and sms.event_id == registered.id
    assert "Раҳимова" not in sms.text  # never the surname


def test_urgent_registration_promises_a_call_within_three_days(service):
    registered = ev.registered(urgent=True)
    handle(service, registered)
    assert "28.11.2026" in only(rows(service)).text


PLACE_AT_HOME = {"tg": "дар хона (боздид)", "ru": "на дому (визит)"}


@pytest.mark.parametrize("language", ["tg", "ru"])
def test_each_family_event_sends_its_own_text(service, language):
    registered = ev.registered(language=language)
    child_id = registered.payload["child_id"]
    handle(service, registered)
    expected = {
        # A bare place type ("хона") is said in the family's language.
        "assessment.scheduled": ("01.12.2026", "10:00", PLACE_AT_HOME[language]),
        "referral.accepted": ("Маркази рӯзонаи Нур", "Рӯдакӣ, Гулистон 5", "10.12.2026"),
        "referral.waitlisted": ("3",),
        "referral.declined": (),
        "referral.expired": (),
        "referral.completed": (),
    }
    produced = {
        "assessment.scheduled": ev.scheduled(child_id),
        "referral.accepted": ev.referral_accepted(child_id),
        "referral.waitlisted": ev.waitlisted(child_id),
        "referral.declined": ev.referral("referral.declined", child_id),
        "referral.expired": ev.referral("referral.expired", child_id),
        "referral.completed": ev.referral("referral.completed", child_id),
    }
    handle(service, *produced.values())
    texts = {}
    for event_type, fragments in expected.items():
        sms = only(rows(service, event_type=event_type))
        assert sms.recipient == "guardian" and sms.language == language
        assert sms.text.startswith("Фарзона")
        assert all(fragment in sms.text for fragment in fragments), sms.text
        texts[event_type] = sms.text
    assert len(set(texts.values())) == len(texts)


def test_provider_is_asked_to_answer_and_reminded_in_its_language(service):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    referral_id = str(uuid.uuid4())
    handle(service, registered, ev.referral_sent(child_id, referral_id))
    handle(service, ev.referral_reminder(child_id, referral_id))
    asked = only(rows(service, event_type="referral.sent"))
    reminded = only(rows(service, event_type="referral.reminder"))
    assert (asked.recipient, asked.to, asked.language) == ("provider", ev.PROVIDER_PHONE, "ru")
    ref = referral_id.replace("-", "")[:8].upper()
    assert asked.text == f"Новое направление № {ref}. Ответьте до 28.11.2026 10:00."
    assert reminded.text.startswith("Напоминание") and ref in reminded.text
    assert "Фарзона" not in asked.text  # providers learn the child in the system, not by SMS
    assert asked.district_code == "rudaki"


def test_answered_referral_drops_the_providers_waiting_reminder(service):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    referral_id = str(uuid.uuid4())
    handle(service, registered, ev.referral_reminder(child_id, referral_id))
    handle(service, ev.referral_accepted(child_id, referral_id))
    reminder = only(rows(service, event_type="referral.reminder"))
    assert reminder.status == "cancelled"


def test_same_event_five_times_creates_one_sms(service):
    registered = ev.registered()
    handle(service, *[registered] * 5)
    assert len(rows(service)) == 1


def test_no_sms_without_consent_or_phone(service):
    handle(service, ev.registered(consent=False), ev.registered(phone=None))
    assert rows(service) == []


def test_consent_withdrawal_cancels_waiting_sms_and_erases_phones_and_texts(service):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    handle(service, registered, ev.scheduled(child_id))
    handle(service, ev.consent_withdrawn(child_id))
    left = rows(service, child_id=child_id)
    assert {n.status for n in left} == {"cancelled"}
    assert all(n.to is None and n.text is None and n.to_masked is None for n in left)
    handle(service, ev.referral("referral.declined", child_id))
    assert len(rows(service, child_id=child_id)) == 2  # nothing new after withdrawal
    assert emitted(service, "notification.sent") == []


def test_family_phone_change_goes_to_the_new_number(service, gateway):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    handle(service, registered)
    handle(service, ev.updated(child_id, guardian={"phone": "+992901112233", "language": "ru"}))
    waiting = only(rows(service, event_type="child.registered"))
    assert (waiting.status, waiting.to) == ("pending", "+992901112233")
    assert waiting.to_masked == "+992*****2233"
    handle(service, ev.scheduled(child_id))
    moved = only(rows(service, event_type="assessment.scheduled"))
    assert (moved.to, moved.language) == ("+992901112233", "ru")
    drain(service)
    assert gateway.sent_to(ev.FAMILY_PHONE) == []
    assert len(gateway.sent_to("+992901112233")) == 2


def test_a_landline_family_gets_the_missed_welcome_once_the_phone_is_a_mobile(service, gateway):
    registered = ev.registered(phone="+992372223344")
    registered.payload["guardian"]["sms_capable"] = False
    child_id = registered.payload["child_id"]
    handle(service, registered)
    assert rows(service, child_id=child_id) == []

    mobile = {"phone": "+992901112233", "sms_capable": True}
    handle(service, ev.updated(child_id, guardian=mobile))
    handle(service, ev.updated(child_id, guardian={"language": "ru"}))
    handle(service, ev.updated(child_id, guardian={"phone": "+992931112233", "sms_capable": True}))

    welcome = only(rows(service, child_id=child_id))
    assert (welcome.event_type, welcome.template) == ("child.registered", "child_registered")
    assert "09.12.2026" in welcome.text  # the promise counts from the registration day
    drain(service)
    assert len(gateway.sent_to("+992931112233")) == 1


def test_sms_consent_withdrawn_in_an_update_cancels_waiting_sms(service):
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    handle(service, registered)
    handle(service, ev.updated(child_id, guardian={"sms_consent": False}))
    assert only(rows(service)).status == "cancelled"
    handle(service, ev.scheduled(child_id))
    assert len(rows(service)) == 1


def test_district_change_moves_the_sms_to_the_new_case_manager(service):
    registered = ev.registered(district="rudaki")
    child_id = registered.payload["child_id"]
    handle(service, registered)
    handle(service, ev.updated(child_id, district_code="vahdat"))
    assert only(rows(service)).district_code == "vahdat"


def test_events_handled_in_one_batch_end_as_they_would_one_by_one(service):
    # A consumer's batch writes its rows at commit: later events must still see earlier ones.
    registered = ev.registered()
    child_id = registered.payload["child_id"]
    other = ev.registered(phone="+992907654321")
    other_id = other.payload["child_id"]
    batch = [
        registered,
        ev.updated(child_id, guardian={"phone": "+992901112233"}),
        ev.scheduled(child_id),
        other,
        registered,  # the same event again, inside the batch
        ev.consent_withdrawn(other_id),
    ]
    assert handle_many(service.runtime, HANDLERS, batch) == [True, True, True, True, False, True]
    mine = rows(service, child_id=child_id)
    assert sorted((n.event_type, n.status, n.to) for n in mine) == [
        ("assessment.scheduled", "pending", "+992901112233"),
        ("child.registered", "pending", "+992901112233"),
    ]
    erased = only(rows(service, child_id=other_id))
    assert (erased.status, erased.to) == ("cancelled", None)


def test_a_new_sms_wakes_the_sender_once_committed(service):
    wake = service.runtime.wake_event("sms-sender")
    wake.clear()
    handle(service, ev.registered(consent=False))  # nothing to send: nobody is woken
    assert not wake.is_set()
    handle(service, ev.registered())
    assert wake.is_set()


def test_a_late_welcome_promises_a_call_counted_from_today(service, clock):
    registered = ev.registered(phone="+992372223344")
    registered.payload["guardian"]["sms_capable"] = False
    child_id = registered.payload["child_id"]
    handle(service, registered)
    clock.set(datetime(2026, 12, 20, 6, 0, tzinfo=UTC))  # the promised 09.12 has passed

    handle(service, ev.updated(child_id, guardian={"phone": "+992901112233", "sms_capable": True}))

    assert "03.01.2027" in only(rows(service, child_id=child_id)).text


def test_a_batch_asks_for_contacts_and_opt_outs_once_and_still_honours_every_stop(service):
    # Eight families, one of which answered STOP before, and a referral to a provider whose
    # phone answered STOP too: the batch reads what it needs ahead.
    batch = [ev.registered(phone=f"+99290700000{i}") for i in range(8)]
    batch.append(ev.referral_sent(batch[0].payload["child_id"]))
    with service.runtime.db.session() as session:
        for phone in ("+992907000003", ev.PROVIDER_PHONE):
            session.add(OptOut(phone=phone, opted_out=True, changed_at=service.clock.now))
    statements: list[str] = []
    listen = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(service.runtime.db.engine, "before_cursor_execute", listen)
    try:
        assert handle_many(service.runtime, HANDLERS, batch) == [True] * 9
    finally:
        event.remove(service.runtime.db.engine, "before_cursor_execute", listen)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in selects if "FROM contacts" in s]) == 1
    assert len([s for s in selects if "FROM opt_outs" in s]) == 1
    assert len([s for s in selects if "FROM child_versions" in s]) == 1
    stopped = {("guardian", "+992907000003"), ("provider", ev.PROVIDER_PHONE)}
    sms = [((n.recipient, n.to), n.status) for n in rows(service)]
    assert {status for to, status in sms if to in stopped} == {"cancelled"}
    assert len([to for to, _ in sms if to in stopped]) == 2
    assert {status for to, status in sms if to not in stopped} == {"pending"}
