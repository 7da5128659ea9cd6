"""Care plan pages and the outcomes table, against fake APIs."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from services.portal.domain import care_plans as rules
from services.portal.tests.fakes import api_error

RID = "22222222-2222-4222-8222-222222222222"
CHILD = "c0c0c0c0-0000-4000-8000-000000000009"
PLAN_PATH = f"/referrals/{RID}/care-plan"
REFERRAL = {
    "id": RID, "child_id": CHILD, "status": "in_progress", "service_type": "day_care",
    "provider_id": "b0b0b0b0-0000-4000-8000-000000000001", "provider_name": "Марказ",
    "sent_at": "2026-11-01T08:00:00+00:00", "start_date": "2026-11-10",
    "child": {"given_name": "Фарзона", "family_name": "Раҳимова", "age_years": 3,
              "district_code": "rudaki", "language": "tg"},
    "guardian": {"name": "Гулнора", "phone": "+992931234567"},
    "allowed_actions": ["complete"],
}  # fmt: skip
PLAN = {
    "id": "p1", "referral_id": RID, "child_id": CHILD, "status": "open", "outcome": None,
    "baseline_assessment_id": "a-first", "next_review_date": "2027-02-01", "revision": 1,
    "close_note": None, "created_at": "2026-11-12T08:00:00+00:00", "closed_at": None,
    "goals": [
        {"domain": "walking", "goal": "Ба даст гирифта 10 қадам мегузарад",
         "activities": [{"activity": "Машқҳои пой", "by": "provider", "frequency": "ҳафтае 2"}]},
        {"domain": "communication", "goal": "Номи худро мегӯяд",
         "activities": [{"activity": "Бозиҳои нутқ", "by": "family", "frequency": ""}]},
    ],
    "reviews": [{
        "id": "r1", "reviewed_on": "2026-12-01", "assessment_id": "a-review",
        "progress": [{"goal": 0, "progress": "progressing", "note": ""},
                     {"goal": 1, "progress": "no_change", "note": ""}],
        "domain_change": {"walking": "improved", "communication": "same"},
        "next_review_date": "2027-02-01", "created_at": "2026-12-01T08:00:00+00:00",
    }],
}  # fmt: skip
REVIEW_DONE = {
    "id": "a-review",
    "status": "completed",
    "review": True,
    "child_id": CHILD,
    "assessed_on": "2026-11-30",
    "completed_at": "2026-11-30T09:00:00+00:00",
}
FIRST = {
    "id": "a-first",
    "status": "completed",
    "review": False,
    "child_id": CHILD,
    "assessed_on": "2026-10-01",
    "completed_at": "2026-10-01T09:00:00+00:00",
}
GOOD_PLAN = {
    "goals.0.domain": "walking", "goals.0.goal": "Walks ten steps",
    "goals.0.activities.0.activity": "", "goals.0.activities.0.by": "",
    "goals.0.activities.1.activity": "Leg exercises", "goals.0.activities.1.by": "provider",
    "goals.0.activities.1.frequency": "twice a week",
    "goals.1.domain": "", "goals.1.goal": "", "goals.1.activities.0.activity": "",
    "goals.2.domain": "self_care", "goals.2.goal": "Eats with a spoon",
    "goals.2.activities.0.activity": "Practice at meals", "goals.2.activities.0.by": "family",
    "next_review_date": "01.03.2099",
}  # fmt: skip


@pytest.fixture
def referral(fake_apis):
    """A referral in progress with no plan yet."""
    fake_apis.referral.answer("GET", f"/referrals/{RID}", copy.deepcopy(REFERRAL))
    fake_apis.referral.answer("GET", PLAN_PATH, api_error(404, "not_found"))
    return fake_apis


@pytest.fixture
def planned(referral):
    """The referral with a plan that has one review with a re-assessment."""
    referral.referral.answer("GET", PLAN_PATH, copy.deepcopy(PLAN))
    referral.assessment.answer("GET", "/assessments", {"items": [REVIEW_DONE, FIRST]})
    return referral


def _posts(fake, path: str) -> list:
    return [c for c in fake.calls if c.method == "POST" and c.path == path]


def _error_of(html: str, field: str) -> str:
    found = re.search(rf'id="f-{field}-error">([^<]*)<', html)
    return found.group(1) if found else ""


def test_blank_rows_are_dropped_and_the_rest_numbered_again():
    body, goals, problems = rules.plan_body(GOOD_PLAN, ("walking", "self_care"))
    assert problems == {}
    assert [g["domain"] for g in body["goals"]] == ["walking", "self_care"]
    assert body["goals"][0]["activities"] == [
        {"activity": "Leg exercises", "by": "provider", "frequency": "twice a week"}
    ]
    assert body["next_review_date"] == "2099-03-01"


def test_provider_writes_the_plan_and_the_api_gets_the_goals(client, login, referral):
    token = login(client, "provider")
    page = client.get(f"{PLAN_PATH}?lang=ru")
    assert page.status_code == 200
    options = re.findall(r'<option value="(\w+)"', page.text.split('id="f-goals-0-domain"')[1])
    assert options[:15] == list(rules_domains())
    referral.referral.answer("POST", PLAN_PATH, PLAN)
    answer = client.post(PLAN_PATH, data={**GOOD_PLAN, "csrf_token": token})
    assert answer.status_code == 303
    sent = _posts(referral.referral, PLAN_PATH)[0].json
    assert [g["goal"] for g in sent["goals"]] == ["Walks ten steps", "Eats with a spoon"]
    assert "План помощи сохранён" in client.get(f"{PLAN_PATH}?lang=ru").text


def rules_domains() -> tuple[str, ...]:
    from services.portal.web.casework_common import DOMAIN_NAMES

    return tuple(DOMAIN_NAMES)


def test_a_plan_with_missing_answers_is_refused_next_to_the_fields(client, login, referral):
    token = login(client, "case_manager")
    form = {"goals.0.goal": "Walks", "goals.0.activities.0.activity": "Exercises",
            "next_review_date": "soon", "csrf_token": token}  # fmt: skip
    answer = client.post(f"{PLAN_PATH}?lang=ru", data=form)
    assert answer.status_code == 422
    assert 'id="f-goals-0-domain" name="goals.0.domain" aria-describedby' in answer.text
    assert "Выберите область" in _error_of(answer.text, "goals-0-domain")
    assert "кто" in _error_of(answer.text, "goals-0-activities-0-by").lower()
    assert "дд.мм.гггг" in _error_of(answer.text, "next_review_date")
    assert 'value="Walks' not in answer.text and ">Walks</textarea>" in answer.text
    assert _posts(referral.referral, PLAN_PATH) == []


def test_the_api_refusal_of_a_past_review_date_sits_next_to_it(client, login, referral):
    fields = {"next_review_date": ["Must be today or later."]}
    referral.referral.answer("POST", PLAN_PATH, api_error(422, "invalid_care_plan", fields))
    token = login(client, "provider")
    answer = client.post(PLAN_PATH, data={**GOOD_PLAN, "csrf_token": token})
    assert answer.status_code == 422
    assert "Санаи имрӯза ё баъдтарро интихоб кунед" in _error_of(answer.text, "next_review_date")
    # Shown again with the numbers sent: the third slot typed is the second goal now.
    assert 'name="goals.1.goal"' in answer.text and ">Eats with a spoon</textarea>" in answer.text


def test_adding_a_goal_shows_one_more_and_sends_nothing(client, login, referral):
    token = login(client, "provider")
    form = {k: v for k, v in GOOD_PLAN.items() if not k.startswith("goals.2")}
    answer = client.post(PLAN_PATH, data={**form, "add": "goal", "csrf_token": token})
    assert answer.status_code == 200
    assert answer.text.count('class="section cp-goal"') == 2
    assert 'aria-invalid="true"' not in answer.text
    assert _posts(referral.referral, PLAN_PATH) == []


def test_no_plan_before_the_service_starts(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", {**REFERRAL, "status": "accepted"})
    fake_apis.referral.answer("GET", PLAN_PATH, api_error(404, "not_found"))
    login(client, "provider")
    page = client.get(f"{PLAN_PATH}?lang=en")
    assert "once the service has started" in page.text
    assert 'id="plan-form"' not in page.text


def test_a_finished_referral_without_a_plan_offers_no_form(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", {**REFERRAL, "status": "completed"})
    fake_apis.referral.answer("GET", PLAN_PATH, api_error(404, "not_found"))
    login(client, "case_manager")
    page = client.get(f"{PLAN_PATH}?lang=en")
    assert "No care plan has been written yet." in page.text
    assert 'id="plan-form"' not in page.text


def test_another_providers_referral_is_not_found(client, login, fake_apis):
    fake_apis.referral.answer("GET", f"/referrals/{RID}", api_error(404, "not_found"))
    login(client, "provider")
    assert client.get(PLAN_PATH).status_code == 404


@pytest.mark.parametrize("role", ["phw", "sah_worker", "admin"])
def test_other_roles_may_not_open_a_care_plan(client, login, referral, role):
    login(client, role)
    assert client.get(PLAN_PATH).status_code == 403
    assert referral.referral.calls == []


def test_the_plan_shows_goals_reviews_and_the_change_per_domain(client, login, planned):
    login(client, "case_manager")
    page = client.get(f"{PLAN_PATH}?lang=ru").text
    assert '<p class="cp-domain">Ходьба</p>' in page
    change = re.search(r'<tr data-domain="walking" data-change="improved"><td>[^<]+</td>'
                       r'<td class="cp-improved">([^<]+)</td>', page)  # fmt: skip
    assert change and change.group(1) == "Трудностей меньше"
    assert 'data-change="same"' in page
    assert 'id="reassess-form"' in page
    assert '<option value="a-review">' in page and '<option value="a-first">' not in page


def test_a_provider_sees_no_reassessment_and_may_not_link_one(client, login, planned):
    token = login(client, "provider")
    page = client.get(PLAN_PATH).text
    assert 'id="reassess-form"' not in page and 'name="assessment_id"' not in page
    assert planned.assessment.calls == []
    form = {
        "reviewed_on": "01.12.2026",
        "progress.0.progress": "achieved",
        "progress.1.progress": "achieved",
        "assessment_id": "a-review",
        "csrf_token": token,
    }
    assert client.post(f"{PLAN_PATH}/reviews", data=form).status_code == 403
    assert _posts(planned.referral, f"{PLAN_PATH}/reviews") == []


def test_a_review_sends_one_mark_per_goal_and_the_reassessment(client, login, planned):
    planned.referral.answer("POST", f"{PLAN_PATH}/reviews", PLAN)
    token = login(client, "case_manager")
    form = {
        "reviewed_on": "01.12.2026",
        "progress.0.progress": "achieved",
        "progress.0.note": " Walks alone ",
        "progress.1.progress": "progressing",
        "assessment_id": "a-review",
        "next_review_date": "",
        "csrf_token": token,
    }
    answer = client.post(f"{PLAN_PATH}/reviews", data=form)
    assert answer.status_code == 303
    assert _posts(planned.referral, f"{PLAN_PATH}/reviews")[0].json == {
        "reviewed_on": "2026-12-01", "assessment_id": "a-review", "next_review_date": None,
        "progress": [{"goal": 0, "progress": "achieved", "note": "Walks alone"},
                     {"goal": 1, "progress": "progressing", "note": ""}],
    }  # fmt: skip


def test_a_review_without_a_mark_is_refused_and_writes_nothing(client, login, planned):
    token = login(client, "provider")
    form = {"reviewed_on": "01.12.2026", "progress.0.progress": "achieved", "csrf_token": token}
    answer = client.post(f"{PLAN_PATH}/reviews?lang=ru", data=form)
    assert answer.status_code == 422
    assert "насколько" in _error_of(answer.text, "progress-1-progress")
    assert _error_of(answer.text, "progress-0-progress") == ""
    assert _posts(planned.referral, f"{PLAN_PATH}/reviews") == []


def test_a_reassessment_not_yet_known_says_to_wait(client, login, planned):
    fields = {"assessment_id": ["No completed assessment of this child with that id yet."]}
    planned.referral.answer("POST", f"{PLAN_PATH}/reviews",
                            api_error(422, "invalid_care_plan", fields))  # fmt: skip
    token = login(client, "case_manager")
    form = {
        "reviewed_on": "01.12.2026",
        "progress.0.progress": "achieved",
        "progress.1.progress": "worse",
        "assessment_id": "a-review",
        "csrf_token": token,
    }
    answer = client.post(f"{PLAN_PATH}/reviews?lang=en", data=form)
    assert answer.status_code == 422
    assert "Wait a minute and save again" in _error_of(answer.text, "assessment_id")


def test_closing_needs_a_coded_outcome(client, login, planned):
    token = login(client, "provider")
    answer = client.post(f"{PLAN_PATH}/close?lang=en",
                         data={"outcome": "they left", "csrf_token": token})  # fmt: skip
    assert answer.status_code == 422
    assert "Choose how the service ended" in _error_of(answer.text, "outcome")
    assert _posts(planned.referral, f"{PLAN_PATH}/close") == []
    options = re.findall(r'<option value="(\w*)"', answer.text.split('id="f-outcome"')[1])
    assert "goals_met" in options and "moved_away" in options and "family_stopped" in options


def test_closing_sends_the_note_and_the_plan_shows_it(client, login, planned):
    note = "Ба Хуҷанд кӯчиданд"
    planned.referral.answer("POST", f"{PLAN_PATH}/close", {**PLAN, "status": "closed"})
    token = login(client, "case_manager")
    form = {"outcome": "moved_away", "note": f" {note} ", "csrf_token": token}
    answer = client.post(f"{PLAN_PATH}/close?lang=en", data=form)
    assert answer.status_code == 303
    sent = [c.json for c in _posts(planned.referral, f"{PLAN_PATH}/close")]
    assert sent == [{"outcome": "moved_away", "note": note}]
    closed = {**PLAN, "status": "closed", "outcome": "moved_away", "close_note": note}
    planned.referral.answer("GET", PLAN_PATH, closed)
    page = client.get(f"{PLAN_PATH}?lang=en").text
    assert "The care plan is closed and the service is completed." in page
    assert "not saved" not in page
    assert re.search(rf'id="close-note">{note}<', page)


def test_a_closing_note_too_long_for_the_api_is_refused_next_to_it(client, login, planned):
    too_long = api_error(422, "validation_error", {"note": ["Longer than maximum length 1000."]})
    planned.referral.answer("POST", f"{PLAN_PATH}/close", too_long)
    token = login(client, "provider")
    form = {"outcome": "goals_met", "note": "x" * 1200, "csrf_token": token}
    answer = client.post(f"{PLAN_PATH}/close?lang=en", data=form)
    assert answer.status_code == 422
    assert _error_of(answer.text, "note")
    assert 'id="close-form"' in answer.text


def test_a_closed_plan_takes_no_more_reviews(client, login, planned):
    refusal = api_error(409, "care_plan_closed")
    planned.referral.answer("POST", f"{PLAN_PATH}/reviews", refusal)
    token = login(client, "provider")
    form = {
        "reviewed_on": "01.12.2026",
        "progress.0.progress": "achieved",
        "progress.1.progress": "achieved",
        "csrf_token": token,
    }
    answer = client.post(f"{PLAN_PATH}/reviews?lang=en", data=form)
    assert answer.status_code == 409
    assert "This care plan is closed" in answer.text


def test_case_manager_starts_a_reassessment(client, login, planned):
    planned.assessment.answer("POST", "/assessments", {"id": "a-new", "status": "pending"})
    token = login(client, "case_manager")
    answer = client.post(f"{PLAN_PATH}/reassess", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/assessments/a-new")
    assert _posts(planned.assessment, "/assessments")[0].json == {
        "child_id": CHILD,
        "urgent": False,
    }


def test_a_provider_may_not_start_a_reassessment(client, login, planned):
    token = login(client, "provider")
    assert client.post(f"{PLAN_PATH}/reassess", data={"csrf_token": token}).status_code == 403
    assert planned.assessment.calls == []


def test_the_referral_page_links_to_its_care_plan(client, login, referral):
    login(client, "provider")
    page = client.get(f"/referrals/{RID}").text
    assert f'href="/referrals/{RID}/care-plan"' in page
    referral.referral.answer("GET", f"/referrals/{RID}", {**REFERRAL, "status": "sent"})
    assert 'id="care-plan-link"' not in client.get(f"/referrals/{RID}").text


OUTCOMES = {
    "by_service_type": {"day_care": {"goals_met": 2, "moved_away": 1}},
    "by_provider": [
        {"service_type": "day_care", "provider_id": "p1", "provider_name": "=HYPERLINK(1)",
         "completed": 2, "outcomes": {"goals_met": 2}},
        {"service_type": "day_care", "provider_id": "p2", "provider_name": "Марказ",
         "completed": 1, "outcomes": {"moved_away": 1}},
    ],
}  # fmt: skip


def test_outcomes_table_for_the_ministry(client, login, fake_apis):
    fake_apis.referral.answer("GET", "/reports/outcomes", OUTCOMES)
    login(client, "admin")
    page = client.get("/dashboard/outcomes?lang=ru")
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text.split('data-table="outcomes-providers"')[1])
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in rows if "<td" in r]
    assert cells[1][:4] == ["Центр дневного пребывания", "Марказ", "1", "0"]
    assert 'href="/dashboard/outcomes"' in page.text  # in the admin's menu


def test_outcomes_download_is_formula_safe_and_in_the_language(client, login, fake_apis):
    fake_apis.referral.answer("GET", "/reports/outcomes", OUTCOMES)
    login(client, "admin")
    answer = client.get("/dashboard/outcomes/providers.csv?lang=ru")
    assert answer.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Вид услуги", "Поставщик услуг", "Завершено"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    sheet = load_workbook(io.BytesIO(client.get("/dashboard/outcomes/providers.xlsx").data))
    assert sheet.active["B2"].value == "'=HYPERLINK(1)"
    assert client.get("/dashboard/outcomes/other.csv").status_code == 404


@pytest.mark.parametrize("role", ["case_manager", "provider"])
def test_only_admins_see_outcomes(client, login, fake_apis, role):
    login(client, role)
    assert client.get("/dashboard/outcomes").status_code == 403
    assert client.get("/dashboard/outcomes/providers.csv").status_code == 403


# Changing the plan while the service runs.
EDIT_PATH = f"{PLAN_PATH}/edit"


def _edit_form(page: str) -> str:
    return page.split('id="plan-form"')[1].split("</form>")[0]


@pytest.mark.parametrize("role", ["provider", "case_manager"])
def test_the_keepers_open_the_plan_for_changes_filled_as_it_stands(client, login, planned, role):
    login(client, role)
    page = client.get(f"{PLAN_PATH}?lang=en").text
    assert f'href="{EDIT_PATH}"' in page
    form = _edit_form(client.get(f"{EDIT_PATH}?lang=tg").text)
    assert 'name="revision" value="1"' in form
    assert ">Ба даст гирифта 10 қадам мегузарад</textarea>" in form
    assert 'value="Машқҳои пой"' in form and 'value="Бозиҳои нутқ"' in form
    assert re.search(r'id="f-goals-1-domain".*?<option value="communication" selected', form, re.S)
    assert 'value="01.02.2027"' in form
    assert 'id="review-form"' not in client.get(f"{EDIT_PATH}?lang=tg").text


def test_a_change_is_sent_whole_with_the_revision_it_replaces(client, login, planned):
    token = login(client, "provider")
    planned.referral.answer("PUT", PLAN_PATH, {**PLAN, "revision": 2})
    form = {
        "revision": "1",
        "goals.0.domain": "walking", "goals.0.goal": "Бе ёрӣ 20 қадам мегузарад",
        "goals.0.activities.0.activity": "Машқҳои пой", "goals.0.activities.0.by": "provider",
        "goals.0.activities.0.frequency": "ҳафтае 3",
        "goals.1.domain": "communication", "goals.1.goal": "Номи худро мегӯяд",
        "goals.1.activities.0.activity": "Бозиҳои нутқ", "goals.1.activities.0.by": "family",
        "next_review_date": "15.03.2099", "csrf_token": token,
    }  # fmt: skip
    answer = client.post(f"{EDIT_PATH}?lang=ru", data=form)
    assert answer.status_code == 303
    (sent,) = [c.json for c in planned.referral.calls if c.method == "PUT"]
    assert sent["revision"] == 1 and sent["next_review_date"] == "2099-03-15"
    assert sent["goals"][0]["goal"] == "Бе ёрӣ 20 қадам мегузарад"
    assert sent["goals"][0]["activities"][0]["frequency"] == "ҳафтае 3"
    assert "План помощи изменён" in client.get(f"{PLAN_PATH}?lang=ru").text


def test_a_change_with_a_missing_answer_stays_in_the_form_and_sends_nothing(client, login, planned):
    token = login(client, "case_manager")
    form = {"revision": "1", "goals.0.domain": "walking", "goals.0.goal": "",
            "goals.0.activities.0.activity": "Машқҳо", "goals.0.activities.0.by": "family",
            "next_review_date": "15.03.2099", "csrf_token": token}  # fmt: skip
    answer = client.post(f"{EDIT_PATH}?lang=tg", data=form)
    assert answer.status_code == 422
    assert _error_of(answer.text, "goals-0-goal")
    assert 'name="revision" value="1"' in _edit_form(answer.text)
    assert [c for c in planned.referral.calls if c.method == "PUT"] == []


def test_a_change_saved_by_someone_else_first_says_to_look_again(client, login, planned):
    planned.referral.answer("PUT", PLAN_PATH, api_error(409, "care_plan_changed"))
    token = login(client, "provider")
    form = {"revision": "1", "goals.0.domain": "walking", "goals.0.goal": "Мегардад",
            "goals.0.activities.0.activity": "Машқҳо", "goals.0.activities.0.by": "family",
            "next_review_date": "15.03.2099", "csrf_token": token}  # fmt: skip
    answer = client.post(f"{EDIT_PATH}?lang=en", data=form)
    assert answer.status_code == 409
    assert "Someone saved this care plan while you were changing it" in answer.text
    assert 'id="plan-goals"' in answer.text and 'id="plan-form"' not in answer.text


def test_a_change_without_its_revision_is_not_sent(client, login, planned):
    token = login(client, "provider")
    answer = client.post(EDIT_PATH, data={"goals.0.goal": "x", "csrf_token": token})
    assert answer.status_code == 400
    assert [c for c in planned.referral.calls if c.method == "PUT"] == []


def test_a_closed_plan_offers_no_change(client, login, planned):
    closed = {**PLAN, "status": "closed", "outcome": "goals_met"}
    planned.referral.answer("GET", PLAN_PATH, closed)
    login(client, "provider")
    assert f'href="{EDIT_PATH}"' not in client.get(PLAN_PATH).text
    answer = client.get(f"{EDIT_PATH}?lang=en")
    assert answer.status_code == 303
    assert "This care plan is closed" in client.get(f"{PLAN_PATH}?lang=en").text


@pytest.mark.parametrize("role", ["admin", "phw", "inspector"])
def test_other_roles_may_not_change_a_plan(client, login, planned, role):
    token = login(client, role)
    assert client.get(EDIT_PATH).status_code == 403
    assert client.post(EDIT_PATH, data={"revision": "1", "csrf_token": token}).status_code == 403
    assert [c for c in planned.referral.calls if c.method == "PUT"] == []


def test_earlier_reviews_name_the_goals_they_marked(client, login, planned):
    revised = copy.deepcopy(PLAN)
    revised["revision"] = 2
    revised["goals"] = [{"domain": "self_care", "goal": "Бо қошуқ мехӯрад",
                         "activities": [{"activity": "Дар хӯрок", "by": "family"}]}]  # fmt: skip
    revised["reviews"][0].update(plan_revision=1, goals=PLAN["goals"])
    planned.referral.answer("GET", PLAN_PATH, revised)
    login(client, "provider")
    review = client.get(f"{PLAN_PATH}?lang=en").text.split('id="review-1"')[1].split("</ul>")[0]
    assert "Walking" in review and "Communication" in review and "Self-care" not in review


def test_a_change_may_leave_no_review_planned_but_a_new_plan_needs_one():
    form = {"goals.0.domain": "walking", "goals.0.goal": "Walks",
            "goals.0.activities.0.activity": "Exercises", "goals.0.activities.0.by": "family",
            "next_review_date": ""}  # fmt: skip
    body, _goals, problems = rules.plan_body(form, ("walking",), review_required=False)
    assert problems == {} and body["next_review_date"] is None
    assert rules.plan_body(form, ("walking",))[2] == {"next_review_date": ["date"]}
    wrong = {**form, "next_review_date": "soon"}
    assert rules.plan_body(wrong, ("walking",), review_required=False)[2] == {
        "next_review_date": ["date"]
    }
