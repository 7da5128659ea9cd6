from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.notifications.domain.planning import (
    GUARDIAN,
    PROVIDER,
    Contact,
    PlanSettings,
    confirmation,
    plan,
)
from services.notifications.domain.templates import render
from shared.due_dates import DueTargets
from shared.phones import to_e164

FAMILY = Contact(
    child_id="c-1",
    given_name="Фарзона",
    phone="+992931234567",
    language="ru",
    sms_consent=True,
    district_code="rudaki",
)
REFERRAL = "3f2a1b9c-1234-4567-89ab-0123456789ab"
PROVIDER_CONTACT = {
    "name": "Нур",
    "phone": "+992372223344",
    "address": "Рӯдакӣ 5",
    "language": "ru",
}


def only(drafts):
    assert len(drafts) == 1
    return drafts[0]


def test_registration_tells_the_family_by_when_a_case_manager_calls():
    payload = {"registered_at": "2026-11-25T10:00:00+00:00", "screening": {"urgent": True}}
    draft = only(plan("child.registered", payload, FAMILY, PlanSettings(DueTargets(3, 14))))
    assert (draft.recipient, draft.template, draft.language) == (GUARDIAN, "child_registered", "ru")
    assert draft.to == "+992931234567"
    text = render(draft.template, draft.language, draft.values)
    assert "Фарзона" in text and "28.11.2026" in text
    routine = only(plan("child.registered", {**payload, "screening": {"urgent": False}}, FAMILY))
    assert "09.12.2026" in render(routine.template, "ru", routine.values)


def test_assessment_scheduled_carries_local_date_time_and_place():
    payload = {"assessment_id": "a-1", "scheduled_for": "2026-12-01T10:00:00+05:00", "place": "дом"}
    draft = only(plan("assessment.scheduled", payload, replace(FAMILY, language="tg")))
    assert render(draft.template, "tg", draft.values) == (
        "Фарзона: арзёбӣ 01.12.2026 соати 10:00. Ҷой: дар хона (боздид)."
    )
    assert draft.subject_id == "a-1"


@pytest.mark.parametrize(
    ("place", "language", "shown"),
    [
        ("home visit", "tg", "дар хона (боздид)"),
        ("home visit", "ru", "на дому (визит)"),
        ("Centre", "ru", "центр"),
        ("clinic", "tg", "дармонгоҳ"),
        ("Маркази «Нур», кӯчаи Расулов 14", "ru", "Маркази «Нур», кӯчаи Расулов 14"),
    ],
)
def test_a_bare_place_type_is_translated_and_an_address_is_kept(place, language, shown):
    payload = {"assessment_id": "a-1", "scheduled_for": "2026-12-01T10:00:00+05:00", "place": place}
    family = replace(FAMILY, language=language)
    draft = only(plan("assessment.scheduled", payload, family))
    assert draft.values["place"] == shown


@pytest.mark.parametrize(
    ("language", "name"),
    [("tg", 'Маркази рӯзонаи "Нур", Сино'), ("ru", 'Дневной центр "Нур", Сино')],
)
def test_the_provider_is_named_in_the_familys_language(language, name):
    provider = {
        **PROVIDER_CONTACT, "name": "Day-care centre «Nur», Sino",
        "name_tg": "Маркази рӯзонаи «Нур», Сино", "name_ru": "Дневной центр «Нур», Сино",
    }  # fmt: skip
    payload = {"referral_id": REFERRAL, "provider": provider, "start_date": "2026-12-10"}
    draft = only(plan("referral.accepted", payload, replace(FAMILY, language=language)))
    assert name in render(draft.template, language, draft.values)


def test_referral_accepted_names_the_provider_for_the_family():
    payload = {"referral_id": REFERRAL, "provider": PROVIDER_CONTACT, "start_date": "2026-12-10"}
    draft = only(plan("referral.accepted", payload, FAMILY))
    assert draft.values["start_date"] == date(2026, 12, 10)
    text = render(draft.template, "ru", draft.values)
    assert "Нур" in text and "+992372223344" in text and "Рӯдакӣ 5" in text


def test_provider_gets_the_new_referral_in_its_language_with_a_short_reference():
    payload = {
        "referral_id": REFERRAL,
        "provider": PROVIDER_CONTACT,
        "respond_by": "2026-11-28T10:00:00+00:00",
    }
    draft = only(plan("referral.sent", payload, None))
    assert (draft.recipient, draft.to, draft.language) == (PROVIDER, "+992372223344", "ru")
    assert render(draft.template, "ru", draft.values) == (
        "Новое направление № 3F2A1B9C. Ответьте до 28.11.2026 15:00."
    )
    reminder = only(plan("referral.reminder", payload, None))
    assert reminder.template == "provider_referral_reminder"


def test_provider_without_a_phone_gets_nothing():
    payload = {"referral_id": REFERRAL, "respond_by": "2026-11-28T10:00:00+00:00"}
    assert plan("referral.sent", payload, None) == []


def test_no_sms_without_consent_phone_or_known_child():
    payload = {"referral_id": REFERRAL}
    assert plan("referral.declined", payload, None) == []
    no_consent = Contact("c-1", "Фарзона", "+992931234567", "tg", sms_consent=False)
    assert plan("referral.declined", payload, no_consent) == []
    no_phone = Contact("c-1", "Фарзона", None, "tg", sms_consent=True)
    assert plan("referral.declined", payload, no_phone) == []
    landline = Contact("c-1", "Фарзона", "+992372223344", "tg", True, sms_capable=False)
    assert plan("referral.declined", payload, landline) == []
    erased = Contact("c-1", None, None, None, sms_consent=False, erased=True)
    assert plan("referral.declined", payload, erased) == []


def test_events_without_a_message_plan_nothing():
    assert plan("referral.cancelled", {"referral_id": REFERRAL}, FAMILY) == []
    assert plan("child.updated", {}, FAMILY) == []


def test_family_language_defaults_to_tajik():
    contact = Contact("c-1", "Фарзона", "+992931234567", None, sms_consent=True)
    assert only(plan("referral.expired", {"referral_id": REFERRAL}, contact)).language == "tg"


def test_confirmations_of_opt_out_and_opt_in():
    assert confirmation("opted_out", "+992931234567", None).language == "tg"
    assert confirmation("opted_in", "+992931234567", "ru").template == "opted_in"


def test_phone_numbers_are_normalised_to_e164():
    assert to_e164("+992931234567") == "+992931234567"
    assert to_e164("992931234567") == "+992931234567"
    assert to_e164("00992 93 123 45 67") == "+992931234567"
    assert to_e164("93 123 4567") == "+992931234567"
    assert to_e164("12") is None
    assert to_e164("") is None
    assert to_e164(None) is None


def test_times_in_events_may_be_datetimes_already():
    payload = {"scheduled_for": datetime(2026, 12, 1, 5, tzinfo=UTC), "place": "дом"}
    draft = only(plan("assessment.scheduled", payload, FAMILY))
    assert "10:00" in render(draft.template, "ru", draft.values)
