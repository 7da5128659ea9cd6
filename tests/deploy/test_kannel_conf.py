"""deploy/kannel/kannel.conf agrees with the platform: operators, sendsms user, callbacks."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

from tests.deploy.entrypoints import ROOT

CONF = ROOT / "deploy" / "kannel" / "kannel.conf"
LIMITS = ROOT / "services" / "notifications" / "templates" / "limits.json"
OPERATORS = {"tcell", "megafon", "babilon", "zet-mobile"}


def groups() -> list[dict[str, str]]:
    """Each `group = …` block of the file as a mapping (comments dropped, quotes removed)."""
    found: list[dict[str, str]] = []
    for line in CONF.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = (part.strip() for part in line.partition("="))
        if name == "group":
            found.append({"group": value})
        else:
            found[-1][name] = value.strip('"')
    return found


def of(kind: str) -> list[dict[str, str]]:
    return [g for g in groups() if g["group"] == kind]


def test_one_smpp_link_per_operator_with_placeholders_for_credentials():
    links = of("smsc")
    assert {g["smsc-id"] for g in links} == OPERATORS
    for link in links:
        assert link["smsc"] == "smpp"
        for secret in ("host", "smsc-username", "smsc-password"):
            assert link[secret].startswith("REPLACE_WITH_"), (link["smsc-id"], secret)
        assert re.fullmatch(r"(\+992\d\d;)*\+992\d\d", link["preferred-prefix"])


def test_each_mobile_prefix_is_routed_to_one_operator():
    prefixes = [p for g in of("smsc") for p in g["preferred-prefix"].split(";")]
    assert len(prefixes) == len(set(prefixes))


def test_the_sendsms_user_allows_the_longest_template():
    user = dict(*of("sendsms-user"))
    budget = json.loads(LIMITS.read_text(encoding="utf-8"))["max_segments"]
    assert int(user["max-messages"]) > budget and user["concatenation"] == "true"


def test_incoming_sms_go_to_the_platforms_kannel_callback_and_kannel_never_answers():
    service = dict(*of("sms-service"))
    assert service["max-messages"] == "0" and service["catch-all"] == "true"
    url = urlparse(service["get-url"])
    assert url.path == "/gateways/kannel/inbound" and url.port == 8004
    query = parse_qs(url.query)
    assert query["from"] == ["%p"] and query["text"] == ["%b"]
    assert query["secret"] == ["REPLACE_WITH_SMS_RECEIPT_SECRET"]
    assert dict(*of("smsbox"))["mo-recode"] == "true"
