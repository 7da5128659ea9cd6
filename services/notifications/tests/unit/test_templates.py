import string
from datetime import UTC, date, datetime

import pytest

from services.notifications.domain.sms import GSM7, UCS2, analyse
from services.notifications.domain.templates import (
    Catalogue,
    TemplateError,
    default_catalogue,
    render,
)

CATALOGUE = default_catalogue()

# The longest values a message can realistically carry; longer ones are cut by the limits.
LONGEST = {
    # The case manager's own message, as long as the API takes it.
    "text": "Ассалому алейкум! " + "Ҷ" * 162,
    "given_name": "Муҳаммадшарифҷонбек",
    "contact_by": datetime(2026, 12, 28, 18, 30, tzinfo=UTC),
    "when": datetime(2026, 12, 28, 18, 30, tzinfo=UTC),
    "place": "Маркази саломатии деҳот, ҷамоати Чимтеппа, деҳаи Гулистони Боло, хонаи 12",
    "provider_name": "Маркази рӯзонаи кӯдакони дорои имконияти маҳдуд, ноҳияи Рӯдакӣ",
    "address": "ноҳияи Рӯдакӣ, ҷамоати Чимтеппа, деҳаи Гулистон, кӯчаи Сомониён 123, бинои 4",
    "phone": "+992372223344",
    "start_date": date(2026, 12, 10),
    "review_date": date(2027, 3, 10),
    "position": 1234,
    "ref": "3F2A1B9C",
    "respond_by": datetime(2026, 12, 28, 18, 30, tzinfo=UTC),
}
TYPICAL = {
    **LONGEST,
    "given_name": "Фарзона",
    "when": datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
    "contact_by": datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
    "place": "хона",
}
ALL = [(lang, name) for lang in CATALOGUE.languages for name in CATALOGUE.names(lang)]


def test_tajik_russian_and_english_have_the_same_templates():
    assert {"tg", "ru", "en"} <= set(CATALOGUE.languages)
    assert CATALOGUE.names("ru") == CATALOGUE.names("tg") == CATALOGUE.names("en")


def test_every_event_family_has_a_template():
    expected = {
        "child_registered",
        "assessment_scheduled",
        "assessment_completed",
        "referral_accepted",
        "referral_waitlisted",
        "referral_declined",
        "referral_expired",
        "referral_completed",
        "provider_referral_sent",
        "provider_referral_reminder",
        "care_plan_review_scheduled",
        "care_plan_reviewed",
        "opted_out",
        "opted_in",
    }
    assert expected <= set(CATALOGUE.names("tg"))


@pytest.mark.parametrize(("language", "name"), ALL)
def test_longest_realistic_message_stays_within_the_segment_budget(language, name):
    text = CATALOGUE.render(name, language, LONGEST)
    info = analyse(text)
    assert info.segments <= CATALOGUE.max_segments, (text, info)


@pytest.mark.parametrize(("language", "name"), ALL)
def test_templates_ask_for_no_surname_diagnosis_or_other_private_detail(language, name):
    allowed = set(LONGEST)
    raw = CATALOGUE.texts[language][name]
    assert {field for _, field, _, _ in string.Formatter().parse(raw) if field} <= allowed


@pytest.mark.parametrize("name", CATALOGUE.names("tg"))
@pytest.mark.parametrize("language", ["tg", "ru"])
def test_tajik_and_russian_messages_are_cyrillic_and_differ(language, name):
    text = render(name, language, TYPICAL)
    assert analyse(text).encoding == UCS2
    assert render(name, "tg", TYPICAL) != render(name, "ru", TYPICAL)


def test_registered_message_tells_who_calls_and_by_when_in_local_date():
    text = render("child_registered", "tg", TYPICAL)
    assert text == (
        "Фарзона барои кӯмаки барвақт сабт шуд. "
        "Корманди иҷтимоии ноҳия то 27.11.2026 ба шумо занг мезанад."
    )
    assert analyse(text).segments == 2


def test_assessment_time_is_shown_in_dushanbe_time():
    # 05:00 UTC is 10:00 in Dushanbe.
    assert render("assessment_scheduled", "ru", TYPICAL) == (
        "Фарзона: оценка 01.12.2026 в 10:00. Место: хона."
    )
    late = {**TYPICAL, "when": datetime(2026, 11, 30, 19, 30, tzinfo=UTC)}
    assert "01.12.2026 соати 00:30" in render("assessment_scheduled", "tg", late)


def test_referral_accepted_carries_provider_address_phone_and_start():
    values = {**TYPICAL, "provider_name": "Нур", "address": "Рӯдакӣ, Гулистон 5"}
    text = render("referral_accepted", "tg", values)
    assert "Нур" in text and "Рӯдакӣ, Гулистон 5" in text
    assert "+992372223344" in text and "10.12.2026" in text


def test_unknown_language_falls_back_to_tajik():
    assert render("referral_expired", "uz", TYPICAL) == render("referral_expired", "tg", TYPICAL)
    assert render("referral_expired", None, TYPICAL) == render("referral_expired", "tg", TYPICAL)


def test_template_missing_in_a_language_falls_back_to_tajik():
    catalogue = Catalogue(texts={"tg": {"hello": "Салом, {given_name}"}, "ru": {}})
    assert catalogue.render_with_language("hello", "ru", {"given_name": "Алӣ"}) == (
        "tg",
        "Салом, Алӣ",
    )


def test_unknown_template_or_missing_value_is_an_error():
    with pytest.raises(TemplateError):
        render("no_such_template", "tg", TYPICAL)
    with pytest.raises(TemplateError, match="given_name"):
        render("referral_expired", "tg", {})


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        render("assessment_scheduled", "tg", {**TYPICAL, "when": datetime(2026, 12, 1, 10)})


def test_overlong_values_are_cut_to_their_limit_with_a_mark():
    long_name = "Маркази " * 20
    text = render("referral_accepted", "ru", {**TYPICAL, "provider_name": long_name})
    limit = CATALOGUE.value_max_chars["provider_name"]
    cut = text.split(": ", 1)[1].split(" примет")[0]
    assert len(cut) <= limit and cut.endswith("…")


def test_latin_values_keep_an_english_message_in_gsm7():
    values = {
        **TYPICAL,
        "given_name": "Farzona",
        "provider_name": "Centre \u201cNur\u201d " + "x" * 80,
        "address": "Rudaki \u2013 Gulistan 5",
    }
    text = render("referral_accepted", "en", values)
    assert analyse(text).encoding == GSM7
    assert 'Centre "Nur" x' in text and "..." in text


def test_the_family_is_told_of_a_care_plan_review_in_its_language():
    text = render("care_plan_review_scheduled", "tg", {**TYPICAL, "review_date": date(2027, 2, 25)})
    assert text.startswith("Фарзона: баррасии нақшаи инфиродӣ")
    assert "2027" in text or "25.02" in text
