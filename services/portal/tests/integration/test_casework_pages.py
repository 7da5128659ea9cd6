"""The case manager's pages against stand-in APIs: what is shown, what is sent, what is refused."""

from __future__ import annotations

import copy
import time
from dataclasses import replace

import pytest

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.app import create_app
from services.portal.models import Base
from services.portal.settings import load_portal_settings
from services.portal.tests.integration.casework_fakes import (
    ASSESSMENT_ID,
    CHILD_ID,
    PROVIDER_ID,
    RESULT,
    FakeApis,
)

PAGE = f"/assessments/{ASSESSMENT_ID}"


@pytest.fixture
def apis():
    return FakeApis()


@pytest.fixture
def app(tmp_path, apis):
    settings = load_portal_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}"})
    app = create_app(replace(settings, testing=True), apis=apis)
    app.config["WTF_CSRF_ENABLED"] = False
    Base.metadata.create_all(app.extensions["portal"].db.engine)
    return app


def _login(app, role: str, districts=("rudaki",)):
    from services.portal.accounts import create_user

    portal = app.extensions["portal"]
    with portal.db.session() as db:
        user = create_user(db, username=f"{role}1", password="long enough pass 123", role=role,
                           districts=list(districts), language="en")  # fmt: skip
        uid = user.id
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(uid=uid, epoch=0, seen=int(time.time()), lang="en")
    return client


@pytest.fixture
def manager(app):
    return _login(app, "case_manager")


def _scheduled(apis):
    apis.assessment_record.update(status="scheduled", scheduled_for="2030-12-01T10:00:00+05:00",
                                  place="home visit")  # fmt: skip


def test_worklist_shows_urgent_work_with_due_date_and_family_replies(manager, apis):
    apis.notifications.answer("GET", "/inbound-messages", {"items": [
        {"id": "m1", "child_id": CHILD_ID, "action": "recorded", "text": "Кай меоед?",
         "received_at": "2026-11-26T10:00:00+00:00"}]})  # fmt: skip
    page = manager.get("/worklist").get_data(as_text=True)
    assert "Фарзона Раҳимова" in page and "28.11.2026" in page
    assert "Urgent" in page and "1 reply from the family" in page


def test_worklist_still_works_when_replies_cannot_be_read(manager, apis):
    apis.notifications.down = True
    response = manager.get("/worklist")
    assert response.status_code == 200
    assert "replies cannot be checked" in response.get_data(as_text=True)


def test_worklist_is_only_for_case_managers(app):
    assert _login(app, "phw").get("/worklist").status_code == 403


def test_schedule_sends_local_time_and_place(manager, apis):
    apis.assessment.answer("POST", f"{PAGE}/schedule", {})
    response = manager.post(
        f"{PAGE}/schedule", data={"scheduled_for": "01.12.2030 10:30", "place": "Гулистон"}
    )
    assert response.status_code == 303
    body = apis.assessment.posted(f"{PAGE}/schedule")[0]
    assert body == {"scheduled_for": "2030-12-01T10:30:00+05:00", "place": "Гулистон"}


def test_schedule_errors_are_shown_next_to_the_fields_and_nothing_is_sent(manager, apis):
    response = manager.post(f"{PAGE}/schedule", data={"scheduled_for": "tomorrow", "place": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-scheduled_for-error"' in page and 'aria-invalid="true"' in page
    assert apis.assessment.posted(f"{PAGE}/schedule") == []


def test_questionnaire_hides_questions_not_asked_yet(manager, apis):
    _scheduled(apis)
    page = manager.get(PAGE).get_data(as_text=True)
    assert 'data-code="CF1">' in page or 'data-code="CF1"' in page
    assert 'data-code="CF2" data-asked-if=\'{"CF1": [1]}\' hidden' in page
    assert 'name="CF16"' in page and 'name="CF17"' not in page


def test_without_script_a_save_shows_the_follow_up_questions_first(manager, apis):
    _scheduled(apis)
    shown = "CF1,CF4,CF7,CF11,CF12,CF13,CF14,CF15,CF16"
    response = manager.post(f"{PAGE}/complete", data={"shown": shown, "CF1": "1", "CF7": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="cw-question cw-new" data-code="CF2"' in page
    assert 'data-code="CF10"' in page and "call for more questions" in page
    assert apis.assessment.posted(f"{PAGE}/complete") == []


def test_complete_sends_only_asked_answers_and_shows_api_errors_next_to_questions(manager, apis):
    _scheduled(apis)

    def refuse(body, _):
        raise ApiError(
            422,
            "validation_error",
            "invalid",
            {"CF13": ["Missing answer."], "answers": {"CF13": ["Missing answer."]}},
        )

    apis.assessment.answer("POST", f"{PAGE}/complete", refuse)
    form = {"shown": "CF1,CF3,CF4,CF6,CF7,CF10,CF11,CF12,CF13,CF14,CF15,CF16",
            "CF1": "2", "CF2": "3", "CF3": "1", "CF4": "2", "CF6": "1", "CF7": "2", "CF10": "3",
            "CF11": "1", "CF12": "1", "CF14": "1", "CF15": "1", "CF16": "2",
            "caregiver_at_home": "1", "travel_minutes_to_day_care": "40"}  # fmt: skip
    response = manager.post(f"{PAGE}/complete", data=form)
    page = response.get_data(as_text=True)
    sent = apis.assessment.posted(f"{PAGE}/complete")[0]
    assert "CF2" not in sent["answers"] and sent["answers"]["CF10"] == 3
    assert sent["family_context"]["caregiver_at_home"] is True
    assert response.status_code == 422
    assert 'id="f-CF13-error">Choose an answer to this question.' in page
    assert 'id="f-CF13" aria-describedby="f-CF13-error" aria-invalid="true"' in page


def test_result_shows_priority_services_and_the_rule_behind_each(manager, apis):
    apis.assessment_record.update(status="completed", result=copy.deepcopy(RESULT),
                                  recommended_service_types=["home_based", "day_care"])  # fmt: skip
    page = manager.get(PAGE).get_data(as_text=True)
    assert "The child has a functional difficulty." in page
    assert "every month counts" in page and "Support at home comes first" in page
    assert f"/children/{CHILD_ID}/matches?service_type=day_care" in page


def test_override_needs_a_reason_then_sends_it(manager, apis):
    apis.assessment_record.update(status="completed", result=copy.deepcopy(RESULT))
    apis.assessment.answer("POST", f"{PAGE}/override", {})
    refused = manager.post(f"{PAGE}/override", data={"priority": "high", "reason": ""})
    assert refused.status_code == 422 and apis.assessment.posted(f"{PAGE}/override") == []
    done = manager.post(f"{PAGE}/override", data={"priority": "high", "reason": "Бибиаш ҳаст"})
    assert done.status_code == 303
    assert apis.assessment.posted(f"{PAGE}/override") == [
        {"priority": "high", "reason": "Бибиаш ҳаст"}
    ]


def test_matches_list_providers_with_reasons_and_referral_is_sent(manager, apis):
    page = manager.get(f"/children/{CHILD_ID}/matches?service_type=day_care").get_data(True)
    assert "Маркази рӯзонаи Рӯдакӣ" in page and "3 of 10 places free" in page
    assert "in the child&#39;s district" in page
    apis.referral.answer("POST", "/referrals", {"id": "r1", "status": "sent"})
    form = {"child_id": CHILD_ID, "provider_id": PROVIDER_ID, "service_type": "day_care"}
    response = manager.post("/referrals", data=form)
    assert response.status_code == 303 and f"/children/{CHILD_ID}" in response.location
    assert apis.referral.posted("/referrals") == [form]


def test_a_note_the_referral_service_refuses_does_not_block_the_referral(manager, apis):
    def refer(body, _):
        if "note" in body:
            raise ApiError(422, "validation_error", "bad", {"note": ["Unknown field."]})
        return {"id": "r1"}

    apis.referral.answer("POST", "/referrals", refer)
    form = {"child_id": CHILD_ID, "provider_id": PROVIDER_ID, "service_type": "day_care",
            "note": "Модар рӯзона кор мекунад"}  # fmt: skip
    response = manager.post("/referrals", data=form)
    assert response.status_code == 303 and "referred_without_note" in response.location


def test_referral_refusal_is_shown_next_to_the_provider_choice(manager, apis):
    def refuse(body, _):
        raise ApiError(422, "open_referral_exists", "exists", {})

    apis.referral.answer("POST", "/referrals", refuse)
    form = {"child_id": CHILD_ID, "provider_id": PROVIDER_ID, "service_type": "day_care"}
    page = manager.post("/referrals", data=form).get_data(as_text=True)
    assert 'id="f-provider_id-error">The child already has an open referral' in page


def test_waiting_list_is_offered_when_no_provider_has_a_place(manager, apis):
    apis.referral.answer("GET", f"/children/{CHILD_ID}/matches",
                         {"items": [], "total": 0, "can_waitlist": True})  # fmt: skip
    apis.referral.answer("POST", "/waitlist", {"id": "w1", "position": 2})
    page = manager.get(f"/children/{CHILD_ID}/matches?service_type=day_care").get_data(True)
    assert "Put on the waiting list" in page
    response = manager.post("/waitlist", data={"child_id": CHILD_ID, "service_type": "day_care"})
    assert response.status_code == 303
    assert apis.referral.posted("/waitlist") == [{"child_id": CHILD_ID, "service_type": "day_care"}]


def test_child_page_tells_the_story_and_survives_a_service_being_down(manager, apis):
    apis.notifications.answer("GET", "/notifications", {"items": [
        {"id": "n1", "recipient": "guardian", "status": "delivered", "text": "Кӯдаки шумо …",
         "created_at": "2026-11-25T09:01:00+00:00"}]})  # fmt: skip
    apis.referral.down = True
    page = manager.get(f"/children/{CHILD_ID}").get_data(as_text=True)
    assert "Registered" in page and "Кӯдаки шумо" in page and "delivered" in page
    assert "The referral service is not reachable just now" in page


def test_child_page_for_a_health_worker_shows_registration_only(app, apis):
    page = _login(app, "phw").get(f"/children/{CHILD_ID}").get_data(as_text=True)
    assert "Registered" in page
    assert apis.assessment.calls == [] and apis.notifications.calls == []


def test_correction_sends_changed_fields_with_the_reason(manager, apis):
    apis.intake.answer("PATCH", f"/children/{CHILD_ID}", {})
    form = {"child.date_of_birth": "12.04.2022", "child.sex": "female",
            "child.district_code": "rudaki", "reason": "Шаҳодатномаи таваллуд"}  # fmt: skip
    response = manager.post(f"/children/{CHILD_ID}/correct", data=form)
    assert response.status_code == 303
    assert apis.intake.posted(f"/children/{CHILD_ID}") == [
        {"child": {"date_of_birth": "2022-04-12"}, "reason": "Шаҳодатномаи таваллуд"}
    ]


def test_correction_without_reason_is_refused_and_the_api_message_is_shown(manager, apis):
    refused = manager.post(
        f"/children/{CHILD_ID}/correct", data={"child.date_of_birth": "12.04.2022", "reason": ""}
    )
    assert refused.status_code == 422 and apis.intake.posted(f"/children/{CHILD_ID}") == []

    def refuse(body, _):
        raise ApiError(422, "validation_error", "Invalid input.", {"reason": ["Unknown field."]})

    apis.intake.answer("PATCH", f"/children/{CHILD_ID}", refuse)
    page = manager.post(
        f"/children/{CHILD_ID}/correct", data={"child.date_of_birth": "12.04.2022", "reason": "x"}
    ).get_data(True)
    assert 'id="f-reason-error">Please check this answer. (Unknown field.)' in page
    assert "Invalid input." in page


@pytest.mark.parametrize(
    ("lang", "question", "answer"),
    [
        ("tg", "Оё Фарзона айнак мепӯшад?", "Душвории зиёд дорад"),
        ("ru", "Носит ли Фарзона очки?", "Есть большие трудности"),
    ],
)
def test_questionnaire_is_read_in_the_pages_language_with_the_childs_name(
    manager, apis, lang, question, answer
):
    _scheduled(apis)
    page = manager.get(f"{PAGE}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert question in page and answer in page
    assert "difficulty" not in page and "Does " not in page


def test_answers_stay_on_the_page_when_the_assessment_service_is_down(manager, apis):
    _scheduled(apis)

    def unreachable(body, _):
        raise ApiUnavailable("assessment")

    apis.assessment.answer("POST", f"{PAGE}/complete", unreachable)
    shown = "CF1,CF3,CF4,CF7,CF11,CF12,CF13,CF14,CF15,CF16"
    form = {"shown": shown, "CF1": "2", "CF3": "4", "notes": "Модар гуфт"}
    response = manager.post(f"{PAGE}/complete", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert 'name="CF3" value="4" checked' in page and "Модар гуфт" in page
    assert "not reachable just now" in page


def test_under_two_the_case_manager_records_a_judgement_per_domain(manager, apis):
    _scheduled(apis)
    apis.assessment_record["instrument"] = "clinical_under_2"
    apis.assessment.answer("POST", f"{PAGE}/complete", {})
    page = manager.get(PAGE).get_data(as_text=True)
    assert "Your judgement: Using hands and fingers" in page and 'name="CF1"' not in page
    domains = "seeing,hearing,walking,fine_motor,communication,learning,playing"
    form = {"shown": domains + ",controlling_behaviour", "walking": "3"}
    form |= {name: "1" for name in domains.split(",") if name != "walking"}
    response = manager.post(f"{PAGE}/complete", data=form)
    assert response.status_code == 303
    sent = apis.assessment.posted(f"{PAGE}/complete")[0]["answers"]
    assert sent["walking"] == 3 and "controlling_behaviour" not in sent
