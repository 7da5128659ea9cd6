from datetime import date

from services.intake.domain.duplicates import (
    SAME_BIRTH_DATE_AND_PHONE,
    SIMILAR_NAME_IN_DISTRICT,
    ChildFacts,
    RegisteredChild,
    candidate_blocks,
    find_likely_duplicates,
)

BORN = date(2023, 4, 12)
PHONE = "+992931234567"


def registered(child_id, given, family, *, born=BORN, district="rudaki", phone=PHONE):
    return RegisteredChild(
        given_name=given,
        family_name=family,
        date_of_birth=born,
        district_code=district,
        guardian_phone=phone,
        id=child_id,
        sex="female",
        village="Гулистон",
    )


def new_child(given="Farzona", family="Rahimova", *, born=BORN, district="rudaki", phone=PHONE):
    return ChildFacts(given, family, born, district, phone)


def reasons_by_id(found):
    return {d.child.id: d.reasons for d in found}


def test_same_birth_date_and_guardian_phone_is_a_duplicate_whatever_the_name_or_district():
    existing = [registered("a", "Зарина", "Саидова", district="vahdat")]
    found = find_likely_duplicates(new_child(), existing)
    assert reasons_by_id(found) == {"a": (SAME_BIRTH_DATE_AND_PHONE,)}


def test_same_phone_with_another_birth_date_is_not_a_duplicate():
    existing = [registered("a", "Зарина", "Саидова", born=date(2021, 1, 5))]
    assert find_likely_duplicates(new_child(), existing) == []


def test_same_birth_date_with_another_phone_is_not_a_duplicate():
    existing = [registered("a", "Зарина", "Саидова", phone="+992901112233")]
    assert find_likely_duplicates(new_child(), existing) == []


def test_a_missing_phone_never_matches_another_missing_phone():
    existing = [registered("a", "Зарина", "Саидова", phone=None)]
    assert find_likely_duplicates(new_child(phone=None), existing) == []


def test_a_latin_registration_finds_the_cyrillic_one_in_the_same_district():
    existing = [registered("a", "Фарзона", "Раҳимова", born=date(2022, 1, 1), phone=None)]
    found = find_likely_duplicates(new_child(phone="+992901112233"), existing)
    assert reasons_by_id(found) == {"a": (SIMILAR_NAME_IN_DISTRICT,)}


def test_a_cyrillic_registration_finds_the_latin_one():
    existing = [registered("a", "Farzona", "Rakhimova", phone="+992901112233")]
    found = find_likely_duplicates(new_child("Фарзона", "Раҳимова"), existing)
    assert reasons_by_id(found) == {"a": (SIMILAR_NAME_IN_DISTRICT,)}


def test_a_similar_name_in_another_district_is_not_a_duplicate():
    existing = [registered("a", "Фарзона", "Раҳимова", district="vahdat", phone=None)]
    assert find_likely_duplicates(new_child(), existing) == []


def test_a_different_name_in_the_same_district_is_not_a_duplicate():
    existing = [registered("a", "Farzona", "Karimova", phone=None)]
    assert find_likely_duplicates(new_child(), existing) == []


def test_swapped_given_and_family_names_are_found():
    existing = [registered("a", "Раҳимова", "Фарзона", phone=None)]
    assert reasons_by_id(find_likely_duplicates(new_child(), existing)) == {
        "a": (SIMILAR_NAME_IN_DISTRICT,)
    }


def test_both_reasons_are_given_and_the_strongest_candidate_comes_first():
    existing = [
        registered("name-only", "Farzana", "Rahimova", phone=None),
        registered("both", "Фарзона", "Раҳимова"),
        registered("phone-only", "Зарина", "Саидова"),
    ]
    found = find_likely_duplicates(new_child(), existing)
    assert [d.child.id for d in found] == ["both", "name-only", "phone-only"]
    assert found[0].reasons == (SAME_BIRTH_DATE_AND_PHONE, SIMILAR_NAME_IN_DISTRICT)


def test_the_summary_tells_a_worker_who_the_candidate_is():
    found = find_likely_duplicates(new_child(), [registered("a", "Фарзона", "Раҳимова")])
    summary = found[0].summary()
    assert summary["id"] == "a"
    assert summary["given_name"] == "Фарзона"
    assert summary["family_name"] == "Раҳимова"
    assert summary["date_of_birth"] == "2023-04-12"
    assert summary["reasons"] == [SAME_BIRTH_DATE_AND_PHONE, SIMILAR_NAME_IN_DISTRICT]
    assert summary["name_similarity"] == 1.0


def test_candidate_blocks_cover_the_family_name_in_either_position():
    assert candidate_blocks("Фарзона", "Раҳимова") == candidate_blocks("Rakhimova", "Farzona")
