import logging

import pytest

from services.notifications.gateways import (
    ConsoleGateway,
    HttpGateway,
    HttpGatewayConfig,
    build_gateway,
)
from services.notifications.gateways.base import (
    ACCEPTED,
    PERMANENT,
    QUERY_ACCEPTED,
    QUERY_DELIVERED,
    QUERY_NOT_FOUND,
    QUERY_UNKNOWN,
    TRANSIENT,
    UNKNOWN,
)
from services.notifications.gateways.http_gateway import parse_field_map
from shared.testing.ports import free_port
from shared.testing.sms_gateway import FakeSmsGateway

PHONE = "+992931234567"
TEXT = "Фарзона: арзёбӣ 01.12.2026 соати 10:00. Ҷой: хона."


@pytest.fixture
def fake():
    with FakeSmsGateway(token="secret-token") as server:
        yield server


def http_gateway(fake, **overrides):
    settings = {
        "url": fake.url,
        "status_url": fake.status_url,
        "token": "secret-token",
        "connect_timeout": 1.0,
        "read_timeout": 0.5,
        **overrides,
    }
    return HttpGateway(HttpGatewayConfig(**settings))


def test_console_gateway_logs_one_json_line_with_the_phone_masked_and_no_text(caplog):
    gateway = ConsoleGateway()
    with caplog.at_level(logging.INFO, logger="services.notifications.sms"):
        first = gateway.send("n-1", PHONE, TEXT, "UCS-2")
        again = gateway.send("n-1", PHONE, TEXT, "UCS-2")
    assert first.outcome == ACCEPTED and again.gateway_message_id == first.gateway_message_id
    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert record.fields["to"] == "+992*****4567" and record.fields["characters"] == len(TEXT)
    assert PHONE not in caplog.text and TEXT not in caplog.text
    assert gateway.query_status("n-1").status == QUERY_ACCEPTED
    assert gateway.query_status("n-2").status == QUERY_NOT_FOUND


def test_http_gateway_sends_json_with_bearer_and_transaction_id(fake):
    result = http_gateway(fake).send("n-1", PHONE, TEXT, "UCS-2")
    assert result.outcome == ACCEPTED
    assert result.gateway_message_id == fake.accepted["n-1"].message_id
    assert fake.sent_to(PHONE)[0].text == TEXT


def test_http_gateway_can_post_a_form_with_the_gateways_own_field_names(fake):
    fields = parse_field_map("to=to,text=text,encoding=encoding")
    result = http_gateway(fake, body_format="form", fields=fields).send("n-2", PHONE, TEXT, "UCS-2")
    assert result.outcome == ACCEPTED
    assert fake.accepted["n-2"].encoding == "UCS-2"
    renamed = parse_field_map("to=phone_number, text=message")
    assert renamed["to"] == "phone_number" and renamed["transaction_id"] == "transaction_id"


def test_resending_the_same_transaction_is_accepted_not_sent_twice(fake):
    gateway = http_gateway(fake)
    first = gateway.send("n-1", PHONE, TEXT, "UCS-2")
    second = gateway.send("n-1", PHONE, TEXT, "UCS-2")
    assert second.outcome == ACCEPTED
    assert second.gateway_message_id == first.gateway_message_id
    assert len(fake.sent_to(PHONE)) == 1


@pytest.mark.parametrize(("status", "outcome"), [(429, TRANSIENT), (500, TRANSIENT)])
def test_overload_and_server_errors_are_transient(fake, status, outcome):
    fake.fail_next(1, status=status)
    gateway = http_gateway(fake)
    assert gateway.send("n-1", PHONE, TEXT, "UCS-2").outcome == outcome
    assert fake.sent_to(PHONE) == []
    assert gateway.send("n-1", PHONE, TEXT, "UCS-2").outcome == ACCEPTED
    assert len(fake.sent_to(PHONE)) == 1


def test_bad_request_is_permanent_with_the_gateways_reason(fake):
    fake.fail_next(1, status=400, code="invalid_number")
    result = http_gateway(fake).send("n-1", PHONE, TEXT, "UCS-2")
    assert result.outcome == PERMANENT
    assert "400" in result.detail and "invalid_number" in result.detail


def test_invalid_number_is_permanent_and_not_logged_in_full(fake, caplog):
    with caplog.at_level(logging.WARNING):
        result = http_gateway(fake).send("n-1", "93 123 4567", TEXT, "UCS-2")
    assert result.outcome == PERMANENT
    assert "123 4567" not in caplog.text


def test_wrong_token_is_transient_so_a_fixed_configuration_rescues_the_message(fake):
    assert http_gateway(fake, token="wrong").send("n-1", PHONE, TEXT, "UCS-2").outcome == TRANSIENT


def test_stall_past_the_timeout_is_unknown_and_the_status_query_resolves_it(fake):
    fake.stall_next(seconds=5)
    gateway = http_gateway(fake, read_timeout=0.3)
    result = gateway.send("n-1", PHONE, TEXT, "UCS-2")
    assert result.outcome == UNKNOWN
    status = gateway.query_status("n-1")
    assert status.status == QUERY_ACCEPTED
    assert status.gateway_message_id == fake.accepted["n-1"].message_id
    fake.set_status("n-1", "delivered")
    assert gateway.query_status("n-1").status == QUERY_DELIVERED
    assert len(fake.sent_to(PHONE)) == 1


def test_status_of_a_transaction_the_gateway_never_saw_is_not_found(fake):
    gateway = http_gateway(fake, status_url=fake.status_url)
    gateway.send("n-1", PHONE, TEXT, "UCS-2")
    assert gateway.query_status("n-1").status == QUERY_ACCEPTED  # the endpoint proves itself
    assert gateway.query_status("never-sent").status == QUERY_NOT_FOUND


def test_a_404_from_an_unverified_status_endpoint_is_unknown_not_never_received(fake):
    # Until it has answered a status, its 404 may be a wrong URL: resending could double an SMS.
    fresh = http_gateway(fake, status_url=fake.status_url)
    assert fresh.query_status("never-sent").status == QUERY_UNKNOWN
    wrong = http_gateway(fake, status_url=fake.url.rsplit("/", 1)[0] + "/no-such-path")
    wrong.send("n-1", PHONE, TEXT, "UCS-2")
    assert wrong.query_status("n-1").status == QUERY_UNKNOWN


def test_without_a_configured_status_url_nothing_is_guessed(fake):
    gateway = http_gateway(fake, status_url=None)
    assert gateway.config.resolved_status_url is None
    gateway.send("n-1", PHONE, TEXT, "UCS-2")
    assert gateway.query_status("n-1").status == QUERY_UNKNOWN


def test_refused_connection_is_transient_because_nothing_was_sent():
    config = HttpGatewayConfig(url=f"http://127.0.0.1:{free_port()}/send", connect_timeout=0.5)
    assert HttpGateway(config).send("n-1", PHONE, TEXT, "UCS-2").outcome == TRANSIENT


def test_gateway_is_chosen_by_configuration(fake):
    assert isinstance(build_gateway({}), ConsoleGateway)
    assert isinstance(build_gateway({"SMS_GATEWAY": "console"}), ConsoleGateway)
    chosen = build_gateway(
        {"SMS_GATEWAY": "http", "SMS_HTTP_URL": fake.url, "SMS_HTTP_TOKEN": "secret-token",
         "SMS_HTTP_STATUS_URL": fake.status_url}
    )  # fmt: skip
    assert isinstance(chosen, HttpGateway)
    assert chosen.config.resolved_status_url == fake.status_url
    assert chosen.send("n-9", PHONE, TEXT, "UCS-2").outcome == ACCEPTED
    with pytest.raises(ValueError):
        build_gateway({"SMS_GATEWAY": "http"})
    with pytest.raises(ValueError):
        build_gateway({"SMS_GATEWAY": "pigeon"})
