"""An urgent reason is kept as typed here and travels to other services as a code."""

import json

import pytest
from sqlalchemy import select

from services.intake.importer import main

from .helpers import register, registration
from .test_importer import GOOD, _write

pytestmark = pytest.mark.integration

# 300 characters of a worker's own words: longer than events ever allowed for free text.
LONG_REASON = ("Кӯдак се рӯз боз хӯрок намехӯрад ва модараш дар бемористон аст. " * 5)[:300].strip()


def sent_screening(harness) -> list[dict]:
    outbox = harness.runtime.tables.outbox
    with harness.runtime.db.session() as session:
        bodies = session.execute(select(outbox.c.body).order_by(outbox.c.seq)).scalars()
        return [json.loads(body)["payload"]["screening"] for body in bodies]


def test_a_long_urgent_reason_is_kept_and_the_event_carries_its_code(service):
    body = registration(screening={"urgent": True, "urgent_reason": LONG_REASON})

    response = register(service, body)

    assert response.status_code == 201, response.get_json()
    screening = response.get_json()["screening"]
    assert (screening["urgent_reason"], screening["urgent_reason_code"]) == (LONG_REASON, "other")
    assert sent_screening(service)[0]["urgent_reason"] == "other"


def test_a_coded_or_labelled_urgent_reason_travels_as_the_code(service):
    register(service, registration(screening={"urgent": True, "urgent_reason": "danger_signs"}))
    second = registration(
        child={"given_name": "Сӯҳроб", "family_name": "Назаров", "sex": "male"},
        guardian={"phone": "92 700 11 22"},
        screening={"urgent": True, "urgent_reason": "Угроза безопасности ребёнка"},
    )
    assert register(service, second).status_code == 201

    codes = [s["urgent_reason"] for s in sent_screening(service)]
    assert codes == ["danger_signs", "protection_concern"]


def test_an_import_row_with_a_long_urgent_reason_does_not_stop_the_import(
    service, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", service.config["DATABASE_URL"])
    monkeypatch.setenv("BROKER_URL", service.config["BROKER_URL"])
    urgent = {**GOOD, "urgent": "ҳа", "urgent_reason": LONG_REASON}
    other = {
        **GOOD,
        "given_name": "Сӯҳроб",
        "family_name": "Назаров",
        "sex": "m",
        "date_of_birth": "2019-09-01",
        "guardian_phone": "+992 92 700 11 22",
    }

    exit_code = main([str(_write(tmp_path / "register.csv", [urgent, other]))])

    assert "imported 2, invalid 0" in capsys.readouterr().out
    assert exit_code == 0
    assert [s["urgent_reason"] for s in sent_screening(service)] == ["other", None]
