"""MSG91's Flow API and delivery reports: the request as documented, answers, recorded reports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from sampark.devtools.loopback_msg91 import FakeMsg91
from sampark.integrations import base, msg91
from sampark.integrations.channels import Outbound, PermanentError
from sampark.integrations.tests.fakes import PAYLOADS

KEY = "test-msg91-authkey"
TEMPLATES = {
    "otp": {
        "template_id": "6650f0c1d6fc0512a41b2c33",
        "dlt_te_id": "1107171234567890123",
        "variables": ["otp"],
    }
}


@pytest.fixture
def fake() -> Iterator[FakeMsg91]:
    with FakeMsg91(auth_key=KEY, templates={"6650f0c1d6fc0512a41b2c33": ["otp"]}) as server:
        yield server


def outbound(**fields: object) -> Outbound:
    values: dict[str, object] = {
        "channel": "sms",
        "address": "+919812345678",
        "idempotency_key": "k1",
        "title": "",
        "text": "Sampark: your verification code is 123456.",
        "url": "",
        "template_id": "otp",
        "variables": ("123456",),
        **fields,
    }
    return Outbound(**values)  # type: ignore[arg-type]


def test_it_sends_the_documented_flow_request(fake: FakeMsg91) -> None:
    # given an adapter pointed at the fake with the OTP template
    channel = msg91.Msg91(base_url=fake.url, auth_key=KEY, templates=TEMPLATES)
    # when one OTP goes out
    sent = channel.send(outbound())
    # then MSG91 got the template id, the number without "+" and the named variable
    [record] = fake.accepted
    assert sent.provider_id == record.request_id
    assert record.template_id == "6650f0c1d6fc0512a41b2c33"
    assert record.mobiles == "919812345678"
    assert record.variables == {"otp": "123456"}


def test_it_builds_the_body_msg91_documents() -> None:
    # given an adapter with the OTP template
    channel = msg91.Msg91(auth_key=KEY, templates=TEMPLATES)
    # when the body is built
    body = channel.payload(outbound())
    # then it is the Flow API's shape
    assert body == {
        "template_id": "6650f0c1d6fc0512a41b2c33",
        "short_url": "0",
        "recipients": [{"mobiles": "919812345678", "otp": "123456"}],
    }


LINK = "https://sampark.example.in/content/invitations/1234/"


@pytest.mark.parametrize(
    ("short_url", "link", "expected"),
    [
        pytest.param(None, LINK, "1", id="long_link_shortened_case"),
        pytest.param(None, "https://s.in/k/12", "0", id="short_link_kept_case"),
        pytest.param(False, LINK, "0", id="configured_off_case"),
        pytest.param(True, "https://s.in/k/12", "1", id="configured_on_case"),
    ],
)
def test_a_link_longer_than_a_dlt_variable_is_shortened_by_msg91(
    short_url: bool | None, link: str, expected: str
) -> None:
    # given a template with a link variable (short_url as configured, or not set)
    spec: dict[str, object] = {"template_id": "T1", "dlt_te_id": "1107", "variables": ["link"]}
    if short_url is not None:
        spec["short_url"] = short_url
    channel = msg91.Msg91(auth_key=KEY, templates={"invite": spec})
    # when the body is built for a message carrying the link
    body = channel.payload(outbound(template_id="invite", variables=(link,)))
    # then MSG91 shortens it when it would not fit DLT's 30 characters, or as configured
    assert body["short_url"] == expected
    assert body["recipients"][0]["link"] == link


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        pytest.param({"address": "9812345678"}, "E.164", id="not_e164_case"),
        pytest.param({"template_id": "nope"}, "not in OPTIONS", id="unknown_template_case"),
        pytest.param({"variables": ()}, "takes 1 variable", id="variable_count_case"),
    ],
)
def test_it_refuses_a_message_that_can_never_go(fields: dict[str, object], why: str) -> None:
    # given an adapter with the OTP template
    channel = msg91.Msg91(auth_key=KEY, templates=TEMPLATES)
    # when a broken message is sent, then it fails for good, saying why
    with pytest.raises(PermanentError, match=why):
        channel.send(outbound(**fields))


def test_it_refuses_a_template_without_a_dlt_id() -> None:
    # given a template mapped to no DLT template
    channel = msg91.Msg91(auth_key=KEY, templates={"otp": {"template_id": "abc"}})
    # when it is used, then the message is refused before any request
    with pytest.raises(PermanentError, match="no DLT template id"):
        channel.send(outbound())


def test_it_treats_an_msg91_error_answer_as_permanent(fake: FakeMsg91) -> None:
    # given a number MSG91 refuses
    fake.invalid.add("919812345678")
    channel = msg91.Msg91(base_url=fake.url, auth_key=KEY, templates=TEMPLATES)
    # when it is sent, then the error answer's message is the reason
    with pytest.raises(PermanentError, match="Invalid mobile number"):
        channel.send(outbound())


def test_it_retries_on_a_wrong_authkey_and_on_rate_limits(fake: FakeMsg91) -> None:
    # given a wrong key, then a rate limit of one a second
    wrong = msg91.Msg91(base_url=fake.url, auth_key="wrong", templates=TEMPLATES)
    # when sending, then the auth failure is worth retrying (not the message's fault)
    with pytest.raises(base.ConnectorError) as caught:
        wrong.send(outbound())
    assert not isinstance(caught.value, PermanentError)
    fake.rate_limit = 1
    right = msg91.Msg91(base_url=fake.url, auth_key=KEY, templates=TEMPLATES)
    right.send(outbound())
    with pytest.raises(base.RateLimited):
        right.send(outbound())


def test_it_parses_the_recorded_v3_report() -> None:
    # given the v3 report from MSG91's help page
    body = (PAYLOADS / "msg91" / "report_v3.json").read_bytes()
    # when parsed
    [report] = msg91.parse_reports(body, content_type="application/json")
    # then it is a delivered report of that request, in IST
    assert report.request_id == "346XXXXXXXXXXXX130"
    assert report.status == "delivered"
    assert report.at is not None
    assert report.at.isoformat() == "2024-05-22T09:58:16+05:30"


def test_it_parses_the_recorded_v2_report_as_form_data() -> None:
    # given the v2 report as MSG91 posts it, form-encoded
    data = json.loads((PAYLOADS / "msg91" / "report_v2.json").read_text())["data"]
    body = urlencode({"data": data}).encode()
    # when parsed
    [report] = msg91.parse_reports(body, content_type="application/x-www-form-urlencoded")
    # then the one report is delivered
    assert (report.request_id, report.number, report.status) == (
        "346XXXXXXXXXXXX130",
        "9195XXXX6558",
        "delivered",
    )


def test_it_reads_a_blocked_number_as_failed() -> None:
    # given a v2 report with status 17 (blocked number), sent as JSON
    body = (PAYLOADS / "msg91" / "report_v2_failed.json").read_bytes()
    # when parsed
    [report] = msg91.parse_reports(body, content_type="application/json")
    # then it failed, with MSG91's code kept
    assert (report.status, report.code) == ("failed", "17")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not json", id="not_json_case"),
        pytest.param(b'{"number": "91"}', id="no_request_id_case"),
        pytest.param(b'[{"requestId": "x"}]', id="no_report_list_case"),
        pytest.param(
            b'{"requestId": "x", "number": "91", "status": "1", "date": "yesterday"}',
            id="bad_date_case",
        ),
    ],
)
def test_it_says_what_is_wrong_with_a_bad_report(body: bytes) -> None:
    # given a malformed report, when parsed, then ValueError says why
    with pytest.raises(ValueError, match=r"MSG91 report|request 0|date"):
        msg91.parse_reports(body, content_type="application/json")


def test_the_fake_posts_a_report_the_parser_reads(fake: FakeMsg91) -> None:
    # given a message the fake accepted
    channel = msg91.Msg91(base_url=fake.url, auth_key=KEY, templates=TEMPLATES)
    channel.send(outbound())
    # when the fake writes its report
    body = fake.report_v3(fake.accepted[0])
    # then the parser reads it back as that request's delivery
    [report] = msg91.parse_reports(body)
    assert (report.request_id, report.status) == (fake.accepted[0].request_id, "delivered")
