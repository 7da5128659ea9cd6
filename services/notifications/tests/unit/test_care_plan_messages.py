"""Care plan reviews reach the family by SMS, in the family's language."""

from services.notifications.domain import planning


def contact(language: str = "ru") -> planning.Contact:
    return planning.Contact(
        child_id="c1", given_name="Фарзона", phone="+992931234567", language=language,
        sms_consent=True, sms_capable=True, district_code="rudaki", erased=False,
    )  # fmt: skip


def test_a_scheduled_review_is_sent_to_the_guardian_with_its_date():
    payload = {"plan_id": "p1", "referral_id": "r1", "child_id": "c1", "provider_id": "x",
               "service_type": "day_care", "review_date": "2027-02-25"}  # fmt: skip
    (draft,) = planning.plan("care_plan.review_scheduled", payload, contact())
    assert (draft.recipient, draft.template, draft.language) == (
        "guardian", "care_plan_review_scheduled", "ru",
    )  # fmt: skip
    assert str(draft.values["review_date"]) == "2027-02-25"


def test_a_held_review_is_told_and_nothing_goes_without_consent():
    payload = {"plan_id": "p1", "referral_id": "r1", "child_id": "c1", "provider_id": "x",
               "service_type": "day_care", "reviewed_on": "2026-11-25", "progress": {}}  # fmt: skip
    (draft,) = planning.plan("care_plan.reviewed", payload, contact("tg"))
    assert draft.template == "care_plan_reviewed"
    silent = planning.Contact(**{**contact().__dict__, "sms_consent": False})
    assert planning.plan("care_plan.reviewed", payload, silent) == []
