"""The family's registration SMS promises a call by the very date assessment files as due."""

from datetime import date

import pytest

from services.assessment import app as assessment_app
from services.assessment import bootstrap as assessment_boot
from services.assessment import handlers as assessment_handlers
from services.intake import app as intake_app
from services.intake import bootstrap as intake_boot
from services.intake import handlers as intake_handlers
from services.notifications import app as notif_app
from services.notifications import bootstrap as notif_boot
from services.notifications import handlers as notif_handlers
from services.notifications.gateways import ConsoleGateway
from shared.testing import wait_for

# Not the defaults, so both services are seen to read the same pair of settings.
DUE_DAYS = {"ASSESSMENT_DUE_DAYS_URGENT": "2", "ASSESSMENT_DUE_DAYS_ROUTINE": "10"}


def registration(phone: str, urgent: bool) -> dict:
    return {
        "child": {
            "given_name": "Фарзона" if urgent else "Меҳрона",
            "family_name": "Раҳимова",
            "sex": "female",
            "date_of_birth": "2023-04-12" if urgent else "2019-09-01",
            "district_code": "rudaki",
        },
        "guardian": {
            "name": "Гулнора Раҳимова",
            "phone": phone,
            "language": "ru",
            "sms_consent": True,
        },
        "screening": {
            "concerns": ["walking"],
            "urgent": urgent,
            **({"urgent_reason": "Ребёнок не встаёт на ноги"} if urgent else {}),
        },
    }


@pytest.mark.integration
def test_the_family_is_promised_the_assessment_due_date(service_harness):
    def start(name, boot, app, handlers, env=None):
        return service_harness(
            name,
            boot.runtime_from,
            app.create_app,
            handlers.HANDLERS,
            handlers.TIMERS,
            backend="embedded",
            env={**DUE_DAYS, **(env or {})},
        )

    intake = start("intake", intake_boot, intake_app, intake_handlers)
    assessment = start("assessment", assessment_boot, assessment_app, assessment_handlers)
    notif = start(
        "notifications",
        notif_boot,
        notif_app,
        notif_handlers,
        {"SMS_GATEWAY_OBJECT": ConsoleGateway()},
    )
    for harness in (notif, assessment, intake):
        harness.start_worker()

    due_days = {}
    for phone, urgent in (("+992931234567", True), ("+992931234568", False)):
        created = intake.client.post(
            "/children",
            json=registration(phone, urgent),
            headers=intake.auth("phw", ["rudaki"]),
        )
        assert created.status_code == 201, created.get_json()
        child_id = created.get_json()["id"]

        def filed(child_id=child_id):
            page = assessment.client.get(
                f"/assessments?child_id={child_id}",
                headers=assessment.auth("case_manager", ["rudaki"]),
            ).get_json()
            return [a["due_date"] for a in page["items"]]

        def family_sms(child_id=child_id):
            page = notif.client.get(
                f"/notifications?child_id={child_id}",
                headers=notif.auth("case_manager", ["rudaki"]),
            ).get_json()
            return [n["text"] for n in page["items"] if n["recipient"] == "guardian"]

        (due,) = wait_for(filed, timeout=20, message="the child's assessment")
        (text,) = wait_for(family_sms, timeout=20, message="the family's SMS")
        due_day = date.fromisoformat(due)
        assert due_day.strftime("%d.%m.%Y") in text, (due, text)
        due_days[urgent] = due_day

    # Ten days for a routine child, two for an urgent one, both counted from registration day.
    assert (due_days[False] - due_days[True]).days == 8
