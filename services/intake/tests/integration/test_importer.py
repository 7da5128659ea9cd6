import csv

import pytest
from sqlalchemy import select

from services.intake.flows.import_rows import COLUMNS
from services.intake.importer import main
from services.intake.models import Child

from .conftest import count

pytestmark = pytest.mark.integration

GOOD = {
    "given_name": "Фарзона",
    "family_name": "Раҳимова",
    "sex": "ж",
    "date_of_birth": "12.04.2023",
    "district_code": "rudaki",
    "village": "Гулистон",
    "guardian_name": "Гулнора Раҳимова",
    "guardian_relationship": "mother",
    "guardian_phone": "93 123 4567",
    "sms_consent": "ҳа",
    "data_sharing_consent": "ҳа",
    "consent_given_by": "mother",
    "concerns": "walking; communication",
}
ROWS = [
    GOOD,
    {
        **GOOD,
        "given_name": "Сӯҳроб",
        "family_name": "Назаров",
        "sex": "m",
        "date_of_birth": "2019-09-01",
        "guardian_phone": "+992 92 700 11 22",
    },
    {
        **GOOD,
        "given_name": "Farzona",
        "family_name": "Rakhimova",
        "date_of_birth": "2023-05-02",
        "guardian_phone": "90 555 6677",
    },  # the first child again, in Latin letters
    {**GOOD, "given_name": "Зарина2", "guardian_phone": "55 123 4567"},
    {**GOOD, "given_name": "Мадина", "date_of_birth": "2031-01-01", "guardian_phone": "12"},
    {
        **GOOD,
        "given_name": "Ҷамшед",
        "family_name": "Қодиров",
        "sex": "male",
        "date_of_birth": "2016-02-29",
        "guardian_phone": "98 765 4321",
        "district_code": "vahdat",
    },
]


def _write(path, rows, columns=COLUMNS):
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def database(service, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", service.config["DATABASE_URL"])
    monkeypatch.setenv("BROKER_URL", service.config["BROKER_URL"])
    return service


def test_good_rows_are_imported_and_bad_rows_reported_by_line(database, tmp_path, capsys):
    path = _write(tmp_path / "register.csv", ROWS)

    exit_code = main([str(path)])

    out = capsys.readouterr().out
    assert exit_code == 1
    assert "line 4: duplicate" in out
    assert "line 5: invalid: given_name: Names cannot contain digits." in out
    assert "line 6: invalid: guardian_phone: The number is too short" in out
    assert "line 6: invalid: date_of_birth" not in out  # checked once the row is well formed
    assert "imported 3, invalid 2, duplicate 1, already imported 0" in out
    with database.runtime.db.session() as session:
        names = session.execute(select(Child.given_name)).scalars()
        assert sorted(names) == sorted(["Фарзона", "Сӯҳроб", "Ҷамшед"])
    assert count(database, database.runtime.tables.outbox) == 3


def test_running_the_same_file_again_creates_nothing(database, tmp_path, capsys):
    path = _write(tmp_path / "register.csv", ROWS)
    main([str(path)])
    capsys.readouterr()

    main([str(path)])

    assert "imported 0, invalid 2, duplicate 1, already imported 3" in capsys.readouterr().out
    assert count(database, Child) == 3
    assert count(database, database.runtime.tables.outbox) == 3


def test_imported_rows_follow_the_registration_rules(database, tmp_path, capsys):
    future = {**GOOD, "date_of_birth": "01.01.2031"}
    path = _write(tmp_path / "register.csv", [future])
    assert main([str(path)]) == 1
    assert "line 2: invalid: date_of_birth: The date of birth cannot be in the future." in (
        capsys.readouterr().out
    )


def test_a_file_without_the_required_columns_is_refused_whole(database, tmp_path, capsys):
    path = _write(tmp_path / "register.csv", [{"given_name": "Фарзона"}], columns=["given_name"])
    assert main([str(path)]) == 2
    assert "missing columns: family_name" in capsys.readouterr().err
    assert count(database, Child) == 0


def test_a_file_that_breaks_late_is_refused_before_any_row_is_written(database, tmp_path, capsys):
    path = _write(tmp_path / "register.csv", ROWS[:3])
    with path.open("ab") as stream:
        stream.write("Зарина,Раҳимова,ж,".encode() + b"\xff\xfe broken\n")

    # Batches of two: the first batch is done long before the broken line is read.
    assert main([str(path), "--batch-size", "2"]) == 2

    assert "cannot import" in capsys.readouterr().err
    assert count(database, Child) == 0


def test_a_register_longer_than_a_batch_is_imported_whole(database, tmp_path, capsys):
    path = _write(tmp_path / "register.csv", ROWS)

    assert main([str(path), "--batch-size", "2"]) == 1

    assert "imported 3, invalid 2, duplicate 1, already imported 0" in capsys.readouterr().out
    assert count(database, Child) == 3
    assert count(database, database.runtime.tables.outbox) == 3


def test_imports_are_recorded_in_the_audit_trail(database, tmp_path):
    main([str(_write(tmp_path / "register.csv", [GOOD])), "--registered-by", "rudaki-register"])
    with database.runtime.db.session() as session:
        child = session.execute(select(Child)).scalar_one()
    trail = database.client.get(
        f"/children/{child.id}/audit", headers=database.auth("admin", [], None, "admin-1")
    ).get_json()
    assert [(e["action"], e["actor"]["sub"]) for e in trail["items"]] == [
        ("import", "rudaki-register")
    ]


def test_a_workers_import_names_no_child_of_another_district(database, tmp_path, capsys):
    main([str(_write(tmp_path / "first.csv", [GOOD]))])
    first_id = _only_child_id(database)
    capsys.readouterr()
    moved = {**GOOD, "given_name": "Зарина", "district_code": "vahdat"}
    path = _write(tmp_path / "vahdat.csv", [moved])

    main([str(path), "--role", "case_manager", "--districts", "vahdat"])

    out = capsys.readouterr().out
    assert "line 2: duplicate" in out and "1 likely match(es) in other districts" in out
    assert first_id not in out
    trail = database.client.get(f"/children/{first_id}/audit", headers=database.auth("admin"))
    assert "duplicate_probe" in [e["action"] for e in trail.get_json()["items"]]


def _only_child_id(database) -> str:
    with database.runtime.db.session() as session:
        return session.execute(select(Child.id)).scalar_one()
