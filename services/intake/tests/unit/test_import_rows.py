from datetime import date

from services.intake.flows.import_rows import (
    missing_columns,
    parse_row,
    row_key,
    unknown_columns,
)

ROW = {
    "given_name": " Фарзона ",
    "family_name": "Раҳимова",
    "sex": "Ж",
    "date_of_birth": "12.04.2023",
    "district_code": "Rudaki",
    "guardian_name": "Гулнора Раҳимова",
    "guardian_phone": "93 123 4567",
    "sms_consent": "Ҳа",
    "data_sharing_consent": "нет",
    "concerns": "walking; communication,walking",
}


def test_a_register_row_becomes_a_registration():
    parsed = parse_row(2, ROW)
    assert parsed.problems == []
    registration = parsed.registration
    assert registration["child"]["given_name"] == "Фарзона"
    assert registration["child"]["sex"] == "female"
    assert registration["child"]["date_of_birth"] == date(2023, 4, 12)
    assert registration["child"]["district_code"] == "rudaki"
    assert registration["guardian"]["phone"].e164 == "+992931234567"
    assert registration["guardian"]["sms_consent"] is True
    assert registration["guardian"]["language"] == "tg"
    assert registration["consent"] is None
    assert registration["screening"]["concerns"] == ["walking", "communication"]


def test_problems_name_the_csv_columns():
    parsed = parse_row(7, {**ROW, "guardian_phone": "12", "sex": "x", "sms_consent": "maybe"})
    assert parsed.registration is None
    assert parsed.line == 7
    assert "sms_consent: write yes or no, not 'maybe'." in parsed.problems
    assert any(p.startswith("guardian_phone: ") for p in parsed.problems)
    assert any(p.startswith("sex: ") for p in parsed.problems)


def test_unknown_concerns_are_reported_under_their_column():
    parsed = parse_row(3, {**ROW, "concerns": "walking;flying"})
    assert parsed.problems == [
        "concerns: Unknown concern: flying. Use one of: seeing, hearing, walking, fine_motor, "
        "communication, learning, playing, controlling_behaviour, self_care, remembering, "
        "concentrating, accepting_change, making_friends, anxiety, depression."
    ]


def test_the_same_content_gives_the_same_key_and_other_content_another():
    assert row_key({"given_name": "Фарзона"}) == row_key({"given_name": "Фарзона"})
    assert row_key({"given_name": "Фарзона"}) != row_key({"given_name": "Зарина"})
    assert parse_row(2, ROW).key == parse_row(9, dict(ROW)).key


def test_header_problems_are_found_before_any_row():
    header = ["given_name", "family_name", "sex", "dob", "district_code", "guardian_name"]
    assert missing_columns(header) == ["date_of_birth", "guardian_phone"]
    assert unknown_columns(header) == ["dob"]
