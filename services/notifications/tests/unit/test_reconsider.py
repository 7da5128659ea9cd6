from datetime import UTC, datetime, timedelta

from services.notifications.domain.reconsider import Sms, load_rules, over_cap, superseded

RULES = load_rules()
T0 = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def sms(id_, template, minutes=0, child="c1", phone="+992931234567"):
    return Sms(id_, child, phone, template, T0 + timedelta(minutes=minutes))


def test_a_later_step_of_the_same_child_supersedes_and_an_earlier_one_does_not():
    welcome = sms("w", "child_registered", 0)
    assert superseded([welcome], [welcome, sms("d", "referral_completed", 5)], RULES) == {
        "w": "referral_completed"
    }
    assert superseded([welcome], [sms("d", "referral_completed", -5)], RULES) == {}
    assert superseded([welcome], [sms("d", "referral_completed", 5, child="c2")], RULES) == {}


def test_steps_of_one_batch_are_ordered_by_the_rules():
    declined, accepted = sms("x", "referral_declined"), sms("a", "referral_accepted")
    assert superseded([declined, accepted], [declined, accepted], RULES) == {
        "x": "referral_accepted"
    }


def test_the_cap_keeps_the_most_important_per_phone():
    held = [sms("1", "child_registered"), sms("2", "assessment_scheduled", 1),
            sms("3", "referral_accepted", 2), sms("4", "child_registered", child="c2",
                                                  phone="+992901112233")]  # fmt: skip
    assert over_cap(held, {"+992931234567": 1}, 2, RULES) == {"1", "3"}
    assert over_cap(held, {}, None, RULES) == set()
