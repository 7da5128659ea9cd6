"""Each role sees only what it needs; events carry results, not answers or notes; logs stay clean.

Scanned over the seeded journeys (journeys.py) and whatever the other security tests did before.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from shared.localtime import local_day
from shared.testing import token, wait_for
from tests.security.people import (
    EVIDENCE_NOTE,
    NOTES,
    Person,
    World,
    inspection_body,
    review_body,
)
from tests.security.scanning import (
    Markers,
    body_text,
    everyone,
    keys_anywhere,
    paths_with,
    phone_pattern,
)
from tests.security.stack import RECEIPT_SECRET, SECRETS, Stack

pytestmark = pytest.mark.integration
QUESTION_CODE = re.compile(r"CF\d{1,2}")
ANSWER_KEYS = {"answers", "notes", "note"}
JWT = re.compile(r"eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*")
# Where contract §4 puts a guardian's phone on purpose: the registration and its corrections.
PHONE_PATHS = {
    "child.registered": {".guardian.phone"},
    "child.updated": {".changes.guardian.phone"},
}


def provider_get(stack: Stack, world: World, path: str) -> tuple[int, str, object]:
    """GET from the referral service as provider P's user."""
    headers = stack.tokens.header("provider", provider_id=world.providers["P"])
    response = stack.call("referral", "GET", path, headers=headers)
    return response.status_code, body_text(response), response.get_json(silent=True)


def test_a_provider_sees_the_guardians_phone_only_after_accepting(stack, world):
    """Provider P: no phone on B's unanswered referral, A's phone once A's referral is accepted."""
    b, a = world["B"], world["A"]
    status, text, data = provider_get(stack, world, f"/referrals/{b.referral_ids[-1]}")
    assert status == 200, text
    assert data["status"] == "sent", f"B's referral should still be unanswered: {text}"
    assert not phone_pattern(b.national).search(text), f"B's phone before accepting: {text}"
    status, text, _ = provider_get(stack, world, "/referrals?page_size=100")
    assert status == 200, text
    assert not phone_pattern(b.national).search(text), f"B's phone in the list: {text}"
    status, text, _ = provider_get(stack, world, f"/referrals/{a.referral_ids[-1]}")
    assert status == 200, text
    assert phone_pattern(a.national).search(text), f"A's phone missing after accepting: {text}"


def test_a_provider_never_sees_assessment_answers_or_notes(stack, world):
    """Every referral view a provider gets carries no answers, question codes or notes."""
    paths = ["/referrals?page_size=100"]
    paths += [f"/referrals/{world[key].referral_ids[-1]}" for key in "ABM"]
    for path in paths:
        status, text, data = provider_get(stack, world, path)
        assert status == 200, f"{path}: {status} {text}"
        keys = keys_anywhere(data)
        assert not keys & ANSWER_KEYS, f"{path} shows {keys & ANSWER_KEYS}: {text}"
        assert not {k for k in keys if QUESTION_CODE.fullmatch(k)}, f"{path}: {text}"
        assert not [n for n in NOTES if n in text], f"{path} shows a note: {text}"


def notification_views(stack: Stack, person: Person) -> list[tuple[str, object, str]]:
    """The list and every single view of a child's notifications, as the case manager."""
    headers = stack.tokens.header("case_manager", (person.district,))
    paths = [f"/notifications?child_id={person.child_id}&page_size=100"]
    paths += [f"/notifications/{n}" for n in person.notification_ids]
    views = []
    for path in paths:
        response = stack.call("notifications", "GET", path, headers=headers)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        views.append((path, response.get_json(), body_text(response)))
    return views


def test_notifications_show_phones_masked(stack, world):
    """The notifications API never shows a full phone number, only a masked `to`."""
    people = [world[key] for key in "ABC"]
    every_phone = [phone_pattern(p.national) for p in people]
    for person in people:
        for path, data, text in notification_views(stack, person):
            items = data.get("items", [data]) if isinstance(data, dict) else []
            assert items, f"{path} shows no notification"
            for item in items:
                assert "*" in str(item.get("to")), f"{path}: `to` is not masked: {item}"
            assert not [p for p in every_phone if p.search(text)], f"{path}: a full phone: {text}"


def test_events_carry_results_not_answers_or_notes(stack, world):
    """No event carries assessment answers, free-text notes, or a phone where none belongs."""
    tap = stack.tap
    tap.wait_for("referral.accepted", lambda e: e["payload"]["child_id"] == world["A"].child_id)
    seen = {e["type"] for e in tap.events}
    wanted = {"child.registered", "assessment.completed", "referral.sent", "referral.declined"}
    assert wanted <= seen, f"the tap saw only {sorted(seen)}"
    phones = [phone_pattern(p.national) for p in world.people.values()]
    problems = []
    for event in list(tap.events):
        payload, kind = event.get("payload") or {}, event.get("type")
        keys = keys_anywhere(payload)
        bad_keys = (keys & ANSWER_KEYS) | {k for k in keys if QUESTION_CODE.fullmatch(k)}
        if bad_keys:
            problems.append(f"{kind} carries {sorted(bad_keys)}")
        notes = paths_with(payload, lambda s: any(n in s for n in NOTES))
        if notes:
            problems.append(f"{kind} carries free-text notes at {notes}")
        at = paths_with(payload, lambda s: any(p.search(s) for p in phones))
        unexpected = set(at) - PHONE_PATHS.get(kind, set())
        if unexpected:
            problems.append(f"{kind} carries a guardian's full phone at {sorted(unexpected)}")
    assert not problems, "\n".join(sorted(set(problems)))


# What people write in a care plan or an inspection: it stays in the record it was written in.
WRITTEN_KEYS = {"goals", "goal", "activities", "activity", "note", "notes", "findings",
                "evidence", "description", "response", "follow_up_note"}  # fmt: skip


def test_care_plan_events_carry_counts_not_what_was_written(stack, world):
    """K's plan and review, C's revised and closed plan: events name the plan, dates and codes,
    count progress, and carry no goal, activity or note (the closing note included), nor any
    family's name or phone."""
    tap, k = stack.tap, world["K"]
    mine = lambda e: e["payload"].get("child_id") == k.child_id  # noqa: E731
    scheduled = tap.wait_for("care_plan.review_scheduled", mine, timeout=20)
    reviewed = tap.wait_for("care_plan.reviewed", mine, timeout=20)
    assert reviewed["payload"]["progress"]["progressing"] == 1, reviewed
    # C's plan was revised (its review moved) and closed with a note: the code leaves, not it.
    c = world["C"]
    theirs = lambda e: e["payload"].get("child_id") == c.child_id  # noqa: E731
    completed = tap.wait_for("referral.completed", theirs, timeout=20)
    assert completed["payload"]["outcome"] == "moved_away", completed
    wait_for(lambda: len([e for e in tap.of_type("care_plan.review_scheduled") if theirs(e)]) >= 2,
             20, message="the revised plan's review date")  # fmt: skip
    markers = Markers()
    for person in world.people.values():
        markers.add_person(person, ("names", "phone"))
    problems = []
    for event in [*tap.of_type("care_plan.review_scheduled"), *tap.of_type("care_plan.reviewed"),
                  *tap.of_type("referral.completed")]:  # fmt: skip
        text = json.dumps(event, ensure_ascii=False)
        problems += [f"{event['type']} carries {k}" for k in keys_anywhere(event) & WRITTEN_KEYS]
        problems += [f"{event['type']} carries {hit}" for hit in markers.found_in(text)]
        problems += [f"{event['type']} carries a note" for n in NOTES if n in text]
    assert scheduled["correlation_id"] == k.child_id
    assert not problems, "\n".join(sorted(set(problems)))


def test_quality_events_carry_no_child_and_no_evidence(stack, world):
    """provider.inspected and contract.signed: scores and terms, never a child's id, name or
    phone, and never the inspector's evidence (which may name a child whose file was read)."""
    tap = stack.tap
    providers = {world.providers["P"], world.providers["Q"]}
    of_ours = lambda e: e["payload"].get("provider_id") in providers  # noqa: E731
    tap.wait_for("provider.inspected", of_ours, timeout=20)
    tap.wait_for("contract.signed", of_ours, timeout=20)
    markers = everyone(world)
    problems = []
    kinds = ("provider.inspected", "contract.signed", "contract.changed")
    for event in (e for kind in kinds for e in tap.of_type(kind)):
        text = json.dumps(event, ensure_ascii=False)
        problems += [f"{event['type']} carries {k}" for k in keys_anywhere(event) & WRITTEN_KEYS]
        problems += [f"{event['type']} carries {hit}" for hit in markers.found_in(text)]
        if EVIDENCE_NOTE in text:
            problems.append(f"{event['type']} carries the inspector's evidence")
    assert not problems, "\n".join(sorted(set(problems)))


def test_refusals_do_not_repeat_what_was_written(stack, world):
    """A 422 names the fields to put right; it never repeats the evidence, note or answer sent,
    which may name a child."""
    today = local_day(datetime.now(UTC)).isoformat()
    k, a = world["K"], world["A"]
    name = f"{a.given_name} {a.family_name} {a.phone}"
    inspection = inspection_body(world.providers["P"], today, today, f"{EVIDENCE_NOTE} {name}")
    inspection["findings"][0]["criterion"] = "NO-SUCH-CRITERION"
    review = review_body(today, today, f"{name} did well")
    # Refused by its shape, whatever state the plan is in when this runs.
    review["progress"].append({"goal": 99, "progress": "achieved", "note": name})
    provider = stack.tokens.header("provider", provider_id=world.providers["P"])
    calls = (
        ("quality", "/inspections", inspection, stack.tokens.header("inspector", ("rudaki",))),
        ("referral", f"/referrals/{k.referral_ids[-1]}/care-plan/reviews", review, provider),
        ("quality", f"/actions/{world.quality['P']['action']}/answer",
         {"response": f"{name} " * 400}, provider),
    )  # fmt: skip
    markers = Markers()
    markers.add_person(a, ("names", "phone"))
    for service, path, body, headers in calls:
        response = stack.call(service, "POST", path, json=body, headers=headers)
        assert response.status_code == 422, f"{path}: {response.status_code}"
        text = body_text(response)
        assert response.get_json()["error"]["fields"], f"{path} names no field: {text}"
        assert not markers.found_in(text), f"{path} repeats what was sent: {text}"
        assert EVIDENCE_NOTE not in text, f"{path} repeats the evidence: {text}"


def gateway_calls(stack: Stack, world: World) -> None:
    """What the SMS gateway sends back: a receipt and a family's reply, both with phones."""
    headers = {"X-Gateway-Secret": RECEIPT_SECRET}
    now = datetime.now(UTC).isoformat()
    a, c = world["A"], world["C"]
    receipt = {"notification_id": a.notification_ids[0], "status": "delivered", "at": now}
    reply = {"from": c.phone_written, "text": "Раҳмат, фаҳмидам", "received_at": now}
    for path, body in (("/delivery-receipts", receipt), ("/inbound-sms", reply)):
        response = stack.call("notifications", "POST", path, json=body, headers=headers)
        assert response.status_code < 300, f"{path}: {response.status_code}"


def log_markers(stack: Stack, world: World) -> Markers:
    """Names, phones, secrets and token signatures no log line may carry."""
    markers = Markers()
    for person in world.people.values():
        markers.add_person(person, ("names", "phone"))
    for secret in SECRETS:
        markers.strings[secret] = "a secret"
    for note in (*NOTES, EVIDENCE_NOTE):
        markers.strings[note] = "free text someone wrote"
    for value in stack.tokens.issued.values():
        markers.strings[value.rsplit(".", 1)[-1]] = "a bearer token's signature"
    return markers


def test_logs_carry_no_phone_name_token_or_secret(stack, world):
    """Every JSON log line of every service and worker, scanned after whole journeys."""
    gateway_calls(stack, world)
    wait_for(lambda: len(stack.logs.snapshot()) > 100, 10, message="log lines")
    markers = log_markers(stack, world)
    problems: dict[str, str] = {}
    for line in stack.logs.snapshot():
        hits = markers.found_in(line) + (["a JWT"] if JWT.search(line) else [])
        for hit in hits:
            problems.setdefault(hit, line[:300])
    report = [f"{hit}: {line}" for hit, line in sorted(problems.items())]
    assert not report, "\n".join(report)


# Reads of a child's records in the services that copy them: (service, path) for person M.
AUDITED_READS = (
    ("assessment", "/assessments/{assessment}"),
    ("assessment", "/assessments?page_size=100"),
    ("referral", "/referrals/{referral}"),
    ("referral", "/referrals?page_size=100"),
    ("referral", "/children/{child}/matches?service_type=day_care"),
    ("notifications", "/notifications/{notification}"),
    ("notifications", "/notifications?child_id={child}"),
)


def audit_rows(stack: Stack, service: str, sub: str) -> list[dict]:
    """The access audit rows of one service for one user."""
    from sqlalchemy import text

    harness = stack.service(service)
    with harness.runtime.db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM access_audit WHERE actor_sub = :sub"), {"sub": sub}
        )
        return [dict(row._mapping) for row in rows]


@pytest.mark.parametrize(("service", "path"), AUDITED_READS)
def test_every_read_of_a_childs_records_is_audited_without_personal_data(
    stack, world, service, path
):
    """A case manager's read leaves a row naming who, what and when, and no name or phone."""
    m = world["M"]
    url = path.format(
        assessment=m.assessment_id, referral=(m.referral_ids or [None])[-1],
        notification=(m.notification_ids or [None])[0], child=m.child_id,
    )  # fmt: skip
    sub = f"audited-{service}-{abs(hash(path))}"
    headers = {"Authorization": f"Bearer {token('case_manager', [m.district], sub=sub)}"}
    before = datetime.now(UTC)
    response = stack.call(service, "GET", url, headers=headers)
    assert response.status_code == 200, body_text(response)
    rows = audit_rows(stack, service, sub)
    assert rows, f"{service} {path}: no audit row"
    assert all(r["actor_role"] == "case_manager" and r["action"] in ("read", "list") for r in rows)
    assert all(r["at"].replace(tzinfo=r["at"].tzinfo or UTC) >= before.replace(microsecond=0)
               for r in rows)  # fmt: skip
    if "{" in path.split("?")[0] or "child_id" in path:
        assert m.child_id in {r["child_id"] for r in rows}, rows
    markers = Markers()
    markers.add_person(m, ("names", "phone"))
    assert not markers.found_in(repr(rows)), rows
