"""E-mail: the message we build, locmem, and SMTP against the loopback server."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from sampark.devtools.loopback import FakeSmtp
from sampark.integrations import base
from sampark.integrations.channels import Outbound, PermanentError, Sent, get_channel
from sampark.integrations.email_channel import EmailChannel, build, message_id

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    with FakeSmtp() as fake:
        yield fake


def smtp_settings(fake: FakeSmtp):
    return override_settings(
        EMAIL_BACKEND=SMTP_BACKEND,
        EMAIL_HOST=fake.host,
        EMAIL_PORT=fake.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    )


def outbound(key: str = "delivery-1", **fields) -> Outbound:
    values = {
        "channel": "email",
        "address": "meena@example.in",
        "idempotency_key": key,
        "title": "आज की सामग्री",
        "text": "बूथ 145 के लिए नई सामग्री।\nकृपया साझा करें <जल्दी>।",
        "url": "https://app.example.in/kits/7",
        **fields,
    }
    return Outbound(**values)


# --- the message --------------------------------------------------------------------------


def test_it_sends_text_html_and_headers_via_locmem():
    # given the locmem backend of the test settings
    channel = EmailChannel()
    # when a kit is e-mailed
    sent = channel.send(outbound())
    # then one mail with subject, text + link, and our headers left
    (email,) = mail.outbox
    assert isinstance(email, EmailMultiAlternatives)
    assert sent == Sent(provider_id="<delivery-1@sampark>")
    assert email.subject == "आज की सामग्री"
    assert email.to == ["meena@example.in"]
    assert email.body == (
        "बूथ 145 के लिए नई सामग्री।\nकृपया साझा करें <जल्दी>।\n\nhttps://app.example.in/kits/7\n"
    )
    message = email.message()
    assert message["Message-ID"] == "<delivery-1@sampark>"
    assert message["List-Unsubscribe"] == "<https://app.example.in/kits/7?stop=1>"
    # and an HTML part with the link and the text escaped
    ((html, kind),) = email.alternatives
    assert isinstance(html, str)
    assert kind == "text/html"
    assert '<a href="https://app.example.in/kits/7">' in html
    assert 'href="https://app.example.in/kits/7?stop=1"' in html
    assert "&lt;जल्दी&gt;" in html
    assert "<br>" in html


def test_unsubscribe_link_extends_an_existing_query():
    email = build(outbound(url="https://app.example.in/kits/7?lang=hi"))
    assert (
        email.extra_headers["List-Unsubscribe"] == "<https://app.example.in/kits/7?lang=hi&stop=1>"
    )


def test_an_unusual_key_becomes_a_digest_in_the_message_id():
    # given a key with characters a Message-ID cannot hold
    value = message_id("delivery 1 <kit>@x")
    # then the id is a stable digest, in angle brackets at our domain
    assert value == message_id("delivery 1 <kit>@x")
    assert value.startswith("<")
    assert value.endswith("@sampark>")
    assert " " not in value
    assert value.count("@") == 1


@pytest.mark.parametrize(
    ("_case", "address"),
    [
        ("no_at", "meena.example.in"),
        ("two", "a@x.in, b@y.in"),
        ("newline", "a@x.in\r\nBcc: b@y.in"),
    ],
)
def test_a_bad_address_is_permanent(_case, address):
    with pytest.raises(PermanentError, match="not an e-mail address"):
        EmailChannel().send(outbound(address=address))
    assert mail.outbox == []


def test_get_channel_builds_the_email_channel():
    # given the default channel settings
    with override_settings(
        SAMPARK_CHANNELS={"email": {"BACKEND": "sampark.integrations.email_channel.EmailChannel"}}
    ):
        channel = get_channel("email")
        # when a message goes through it
        channel.send(outbound())
    # then it went through Django's backend
    assert len(mail.outbox) == 1


# --- SMTP ---------------------------------------------------------------------------------


def test_it_sends_over_smtp_and_dedupes_by_message_id(smtp):
    # given the SMTP backend pointed at the loopback server
    with smtp_settings(smtp):
        channel = EmailChannel(from_email="sampark@example.in")
        # when the same delivery is sent twice, and another once
        channel.send(outbound("delivery-1"))
        channel.send(outbound("delivery-1"))
        channel.send(outbound("delivery-2"))
        channel.close()
    # then the server holds two messages, saw one duplicate Message-ID, over one SMTP session
    assert [m.message_id for m in smtp.messages] == ["<delivery-1@sampark>", "<delivery-2@sampark>"]
    assert smtp.duplicates == 1
    assert smtp.sessions == 1
    first = smtp.messages[0]
    assert first.sender == "sampark@example.in"
    assert first.recipients == ("meena@example.in",)
    assert first.message["Subject"] == "आज की सामग्री"
    assert first.message["List-Unsubscribe"] == "<https://app.example.in/kits/7?stop=1>"
    plain = first.message.get_body(("plain",))
    html = first.message.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert "https://app.example.in/kits/7" in plain.get_content()
    assert "&lt;जल्दी&gt;" in html.get_content()


def test_a_refused_recipient_is_permanent(smtp):
    # given a mailbox the server refuses
    smtp.refuse.add("gone@example.in")
    with smtp_settings(smtp):
        channel = EmailChannel()
        # then sending to it fails for good
        with pytest.raises(PermanentError, match=r"recipient refused: gone@example\.in: 550"):
            channel.send(outbound(address="gone@example.in"))
        channel.close()
    assert smtp.messages == []


def test_a_deferral_is_transient_and_the_retry_goes_through(smtp):
    # given a server that answers the next DATA with 451
    smtp.defer_next = 1
    with smtp_settings(smtp):
        channel = EmailChannel()
        # when a message is sent
        with pytest.raises(base.ConnectorError, match="451") as caught:
            channel.send(outbound())
        # then it is worth a retry, and the retry delivers it
        assert not isinstance(caught.value, PermanentError)
        channel.send(outbound())
        channel.close()
    assert len(smtp.messages) == 1
    assert smtp.duplicates == 0


def test_an_unreachable_server_is_transient():
    # given an SMTP port nobody listens on
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    unreachable = override_settings(
        EMAIL_BACKEND=SMTP_BACKEND, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=2
    )
    # then sending fails in a way worth retrying
    with unreachable, pytest.raises(base.ConnectorError) as caught:
        EmailChannel().send(outbound())
    assert not isinstance(caught.value, PermanentError)


def test_a_dropped_session_is_reopened(smtp):
    # given a channel whose SMTP session the server has since closed
    with smtp_settings(smtp):
        channel = EmailChannel()
        channel.send(outbound("delivery-1"))
        assert channel._connection is not None
        channel._connection.connection.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[attr-defined]
        # when the next message is sent
        channel.send(outbound("delivery-2"))
        channel.close()
    # then it went out over a fresh session
    assert [m.message_id for m in smtp.messages] == ["<delivery-1@sampark>", "<delivery-2@sampark>"]
    assert smtp.sessions == 2
