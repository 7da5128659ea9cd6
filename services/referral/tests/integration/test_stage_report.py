"""The report of every stage: a known history driven through events, read per district."""

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from .support import (
    act,
    add_provider,
    assess,
    case_manager,
    feed,
    provider_user,
    refer,
    register_child,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def history(ref, clock):
    """Rudaki: three waiting for assessment, one declined and waiting, one served; Khujand: one
    assessed without a difficulty."""
    centre = add_provider(ref, name="Rudaki centre", places=1)
    staff = provider_user(ref, centre["id"])
    waiting = [register_child(ref) for _ in range(3)]
    declined, served = register_child(ref), register_child(ref)
    fine = register_child(ref, district="khujand")
    clock.advance(days=2)
    assess(ref, declined)
    assess(ref, served)
    feed(ref, "assessment.completed", {
        "assessment_id": str(uuid.uuid4()), "child_id": fine, "age_group": "5_17",
        "domains": {"walking": {"difficulty": False}}, "functional_difficulty": False,
        "priority": "routine", "recommended_service_types": [],
    }, producer="assessment")  # fmt: skip
    clock.advance(days=1)
    first = refer(ref, served, centre["id"]).get_json()
    clock.advance(days=1)
    assert act(ref, first["id"], "accept", {"start_date": "2026-11-29"}, staff).status_code == 200
    second = refer(ref, declined, centre["id"]).get_json()
    assert act(ref, second["id"], "decline", {"reason": "no_capacity"}, staff).status_code == 200
    body = {"child_id": declined, "service_type": "day_care"}
    assert ref.client.post("/waitlist", json=body, headers=case_manager(ref)).status_code == 201
    clock.advance(days=2)
    assert act(ref, first["id"], "start", {}, staff).status_code == 200
    return {"waiting": waiting}


def report(ref, query="", role="admin", districts=()):
    response = ref.client.get(f"/reports/summary{query}", headers=ref.auth(role, list(districts)))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_every_stage_is_counted_for_the_scope(ref, history):
    body = report(ref).get_json()

    assert body["stages"] == {
        "registered": 6, "waiting_for_assessment": 3, "assessed": 3, "with_difficulty": 2,
        "referred": 2, "accepted": 1, "started": 1, "completed": 0, "declined": 1,
        "expired": 0, "waiting_list": 1,
    }  # fmt: skip
    assert body["waiting_for_assessment_days"] == {"median": 6.0, "longest": 6.0}
    steps = body["median_days_between_stages"]
    assert steps["registered_to_assessed"] == 2.0
    assert steps["assessed_to_referred"] == 1.5
    assert steps["referred_to_accepted"] == 1.0
    assert steps["accepted_to_started"] == 2.0


def test_each_district_has_its_own_row(ref, history):
    body = report(ref, "?region=TJ-SU").get_json()
    khujand = {d["district_code"]: d for d in body["districts"]}["khujand"]
    assert khujand["stages"]["assessed"] == 1
    assert khujand["stages"]["with_difficulty"] == 0
    assert body["stages"]["registered"] == 1
    assert all(d["region_code"] == "TJ-SU" for d in body["districts"])

    mine = report(ref, role="case_manager", districts=("rudaki",)).get_json()
    assert [d["district_code"] for d in mine["districts"]] == ["rudaki"]
    assert mine["stages"]["waiting_for_assessment"] == 3


def test_a_period_counts_the_steps_taken_in_it(ref, history):
    # Registered on 25 November (Dushanbe); the assessments came on the 27th.
    later = report(ref, "?from=2026-11-27&to=2026-11-27").get_json()["stages"]
    assert (later["registered"], later["assessed"], later["referred"]) == (0, 3, 0)
    # At the end of the 26th nobody had been assessed yet.
    early = report(ref, "?from=2026-11-25&to=2026-11-26").get_json()["stages"]
    assert (early["registered"], early["waiting_for_assessment"]) == (6, 6)


def test_csv_is_one_row_per_district_with_a_byte_order_mark(ref, history):
    response = report(ref, "?format=csv&region=TJ-SU")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    codes = [row["district_code"] for row in rows]
    assert len(codes) == len(set(codes)) and "khujand" in codes
    khujand = next(row for row in rows if row["district_code"] == "khujand")
    assert khujand["district_name_ru"] == "Худжанд"
    assert (khujand["registered"], khujand["assessed"]) == ("1", "1")


def test_xlsx_carries_the_same_table(ref, history):
    response = report(ref, "?format=xlsx&district=rudaki")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["district_code"], row["waiting_for_assessment"], row["declined"]) == (
        "rudaki", 3, 1,
    )  # fmt: skip
    assert row["waiting_list"] == 1
