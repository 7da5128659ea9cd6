"""The report of every stage: a known history driven through events, read per district."""

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from services.referral.models import ReportChild

from .support import (
    act,
    add_provider,
    assess,
    case_manager,
    feed,
    full_centre,
    outbox,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def history(service, clock):
    """Rudaki: three waiting for assessment, one declined and waiting, one served; Khujand: one
    assessed without a difficulty."""
    centre = add_provider(service, name="Rudaki centre", places=1)
    staff = provider_user(service, centre["id"])
    waiting = [register_child(service) for _ in range(3)]
    declined, served = register_child(service), register_child(service)
    fine = register_child(service, district="khujand")
    clock.advance(days=2)
    assess(service, declined)
    assess(service, served)
    feed(
        service,
        "assessment.completed",
        {
            "assessment_id": str(uuid.uuid4()),
            "child_id": fine,
            "age_group": "5_17",
            "domains": {"walking": {"difficulty": False}},
            "functional_difficulty": False,
            "priority": "routine",
            "recommended_service_types": [],
        },
        producer="assessment",
    )
    clock.advance(days=1)
    first = refer(service, served, centre["id"]).get_json()
    clock.advance(days=1)
    assert (
        act(service, first["id"], "accept", {"start_date": "2026-11-29"}, staff).status_code == 200
    )
    second = refer(service, declined, centre["id"]).get_json()
    assert (
        act(service, second["id"], "decline", {"reason": "no_capacity"}, staff).status_code == 200
    )
    body = {"child_id": declined, "service_type": "day_care"}
    assert (
        service.client.post("/waitlist", json=body, headers=case_manager(service)).status_code
        == 201
    )
    clock.advance(days=2)
    assert act(service, first["id"], "start", {}, staff).status_code == 200
    return {"waiting": waiting}


def report(service, query="", role="admin", districts=()):
    response = service.client.get(
        f"/reports/summary{query}", headers=service.auth(role, list(districts))
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_every_stage_is_counted_for_the_scope(service, history):
    body = report(service).get_json()

    assert body["stages"] == {
        "registered": 6,
        "waiting_for_assessment": 3,
        "assessed": 3,
        "with_difficulty": 2,
        "referred": 2,
        "accepted": 1,
        "started": 1,
        "completed": 0,
        "declined": 1,
        "expired": 0,
        "waiting_list": 1,
    }
    assert body["waiting_for_assessment_days"] == {"median": 6.0, "longest": 6.0}
    steps = body["median_days_between_stages"]
    assert steps["registered_to_assessed"] == 2.0
    assert steps["assessed_to_referred"] == 1.5
    assert steps["referred_to_accepted"] == 1.0
    assert steps["accepted_to_started"] == 2.0


def test_each_district_has_its_own_row(service, history):
    body = report(service, "?region=TJ-SU").get_json()
    khujand = {d["district_code"]: d for d in body["districts"]}["khujand"]
    assert khujand["stages"]["assessed"] == 1
    assert khujand["stages"]["with_difficulty"] == 0
    assert body["stages"]["registered"] == 1
    assert all(d["region_code"] == "TJ-SU" for d in body["districts"])

    mine = report(service, role="case_manager", districts=("rudaki",)).get_json()
    assert [d["district_code"] for d in mine["districts"]] == ["rudaki"]
    assert mine["stages"]["waiting_for_assessment"] == 3


def test_a_period_counts_the_steps_taken_in_it(service, history):
    # Registered on 25 November (Dushanbe); the assessments came on the 27th.
    later = report(service, "?from=2026-11-27&to=2026-11-27").get_json()["stages"]
    assert (later["registered"], later["assessed"], later["referred"]) == (0, 3, 0)
    # At the end of the 26th nobody had been assessed yet.
    early = report(service, "?from=2026-11-25&to=2026-11-26").get_json()["stages"]
    assert (early["registered"], early["waiting_for_assessment"]) == (6, 6)


def test_csv_is_one_row_per_district_with_a_byte_order_mark(service, history):
    response = report(service, "?format=csv&region=TJ-SU")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    codes = [row["district_code"] for row in rows]
    assert len(codes) == len(set(codes)) and "khujand" in codes
    khujand = next(row for row in rows if row["district_code"] == "khujand")
    assert khujand["district_name_ru"] == "Худжанд"
    assert (khujand["registered"], khujand["assessed"]) == ("1", "1")


def test_xlsx_carries_the_same_table(service, history):
    response = report(service, "?format=xlsx&district=rudaki")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["district_code"], row["waiting_for_assessment"], row["declined"]) == (
        "rudaki",
        3,
        1,
    )
    assert row["waiting_list"] == 1


def _report_row(service, child_id):
    with service.runtime.db.session() as session:
        row = session.get(ReportChild, child_id)
        return {name: getattr(row, name) for name in ("referred", "accepted", "left_waitlist")}


def test_referral_stages_are_dated_without_reading_the_row_and_keep_the_first_time(service, clock):
    other, child = register_child(service), register_child(service)
    assess(service, other)
    assess(service, child)
    centre, staff, taken = full_centre(service, other, start="2026-11-26")
    waitlist = {"child_id": child, "service_type": "day_care"}
    cm = case_manager(service)
    assert service.client.post("/waitlist", json=waitlist, headers=cm).status_code == 201
    reads: list[str] = []
    event.listen(
        service.runtime.db.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: (
            reads.append(statement)
            if statement.lstrip().startswith("SELECT") and "FROM report_children" in statement
            else None
        ),
    )
    clock.advance(days=1)
    offered = clock.now
    # The place comes free: the waiting child is referred there, and leaves the waiting list.
    assert act(service, taken["id"], "start", {}, staff).status_code == 200
    done = {"outcome": "goals_met"}
    assert act(service, taken["id"], "complete", done, staff).status_code == 200
    (first,) = [r for r in outbox(service, "referral.sent") if r["payload"]["child_id"] == child]
    decline = {"reason": "other", "note": "the family moved"}
    assert (
        act(service, first["payload"]["referral_id"], "decline", decline, staff).status_code == 200
    )
    clock.advance(days=1)
    second = refer(service, child, centre["id"]).get_json()
    clock.advance(hours=3)
    accepted = clock.now
    start = {"start_date": "2026-12-20"}
    assert act(service, second["id"], "accept", start, staff).status_code == 200
    # Referred, declined, referred again, accepted: each dated without reading the row.
    assert reads == []
    assert _report_row(service, child) == {
        "referred": offered, "accepted": accepted, "left_waitlist": offered,
    }  # fmt: skip
