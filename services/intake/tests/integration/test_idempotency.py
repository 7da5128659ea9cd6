import threading

import pytest

from services.intake.models import Child

from .conftest import count
from .helpers import auth, register, registration

pytestmark = pytest.mark.integration


def test_the_same_key_and_body_answer_the_first_response_and_create_nothing(service):
    key = {"Idempotency-Key": "phone-7f3a-0001"}
    first = register(service, headers=key)
    again = register(service, headers=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(service, Child) == 1
    assert count(service, service.runtime.tables.outbox) == 1


def test_the_same_key_with_another_body_is_refused(service):
    key = {"Idempotency-Key": "phone-7f3a-0002"}
    register(service, headers=key)
    other = registration(child={"given_name": "Зарина"}, guardian={"phone": "90 111 2233"})

    response = register(service, other, headers=key)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    assert count(service, Child) == 1


def test_a_failed_request_does_not_use_up_its_key(service):
    key = {"Idempotency-Key": "phone-7f3a-0003"}
    bad = registration(guardian={"phone": "12"})
    assert register(service, bad, headers=key).status_code == 422
    assert register(service, headers=key).status_code == 201


def test_ten_concurrent_identical_requests_create_one_child(service):
    headers = {**auth(service), "Idempotency-Key": "phone-7f3a-0004"}
    body = registration()
    start = threading.Barrier(10)
    answers = []

    def send():
        client = service.app.test_client()
        start.wait()
        response = client.post("/children", json=body, headers=headers)
        answers.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(answers) == 10
    assert {status for status, _ in answers} == {201}
    assert len({child_id for _, child_id in answers}) == 1
    assert count(service, Child) == 1
    assert count(service, service.runtime.tables.outbox) == 1
