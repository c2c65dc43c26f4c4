"""The OTP's SMS backends over the real adapters: MSG91 (default) and the generic gateway."""

from __future__ import annotations

from sampark.devtools.loopback import FakeSmsGateway
from sampark.devtools.loopback_msg91 import FakeMsg91
from sampark.people.sms import OTP_TEMPLATE
from sampark.people.sms import gateway as gateway_backend
from sampark.people.sms import msg91 as msg91_backend


def test_it_sends_the_otp_through_msg91_by_template() -> None:
    # given MSG91 with the OTP template mapped to its DLT id
    with FakeMsg91(auth_key="k", templates={"tpl-otp": ["otp"]}) as fake:
        backend = msg91_backend.Backend(
            base_url=fake.url,
            auth_key="k",
            templates={
                "otp": {
                    "template_id": "tpl-otp",
                    "dlt_te_id": "1107000000000000001",
                    "variables": ["otp"],
                }
            },
        )
        # when the OTP goes out
        message_id = backend.send(
            to="+919812345678", text="code 482913", template=OTP_TEMPLATE, variables=["482913"]
        )
        # then MSG91 got the code in the template's variable
        [record] = fake.accepted
    assert message_id == record.request_id
    assert record.variables == {"otp": "482913"}


def test_it_sends_the_otp_through_the_generic_gateway() -> None:
    # given the generic gateway, which knows the OTP template's body by its DLT id
    body = "Sampark: your verification code is {#var#}. Do not share it."
    with FakeSmsGateway(api_key="g") as fake:
        backend = gateway_backend.Backend(
            base_url=fake.url,
            api_key="g",
            sender="SMPARK",
            entity_id="1101000000000000001",
            templates={"1107000000000000001": body},
            dlt_ids={"otp": "1107000000000000001"},
        )
        # when the OTP goes out
        backend.send(to="+919812345678", text="", template=OTP_TEMPLATE, variables=["482913"])
        [record] = fake.messages
    # then the gateway got the filled template under its DLT id
    assert record.template_id == "1107000000000000001"
    assert record.text == "Sampark: your verification code is 482913. Do not share it."
