"""E-mail through Django's mail backend (settings.EMAIL_BACKEND, or OPTIONS `backend`).

The Message-ID comes from the idempotency key, so a mail server or reader that de-duplicates by
Message-ID sees a re-send as the same message. OPTIONS: backend, from_email.
"""

from __future__ import annotations

import contextlib
import smtplib
import threading
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.translation import gettext

from sampark.integrations.base import ConnectorError
from sampark.integrations.channels import Outbound, PermanentError, Sent, key_token

SERVICE = "E-mail"


def message_id(idempotency_key: str) -> str:
    """`<key@sampark>`, with a digest of the key when it holds characters unfit for a header."""
    return f"<{key_token(idempotency_key)}@sampark>"


def unsubscribe_url(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "stop=1"


def build(message: Outbound, *, from_email: str | None = None) -> EmailMultiAlternatives:
    """The e-mail for one message: plain text, a small HTML part with the link, our headers."""
    if "@" not in message.address or any(c in message.address for c in "\r\n<>,; "):
        raise PermanentError(f"{SERVICE}: {message.address!r} is not an e-mail address")
    stop = unsubscribe_url(message.url)
    email = EmailMultiAlternatives(
        subject=" ".join(message.title.split()),
        body=f"{message.text}\n\n{message.url}\n",
        from_email=from_email,
        to=[message.address],
        headers={
            "Message-ID": message_id(message.idempotency_key),
            "List-Unsubscribe": f"<{stop}>",
        },
    )
    html = format_html(
        '<div>{}<p><a href="{}">{}</a></p><p style="font-size:small"><a href="{}">{}</a></p></div>',
        linebreaks_filter(message.text, autoescape=True),
        message.url,
        message.url,
        stop,
        gettext("Stop these messages"),
    )
    email.attach_alternative(html, "text/html")
    return email


class EmailChannel:
    name = "email"

    def __init__(self, **options: Any) -> None:
        self.backend = str(options.get("backend") or "") or None
        self.from_email = str(options.get("from_email") or "") or None
        self._connection: BaseEmailBackend | None = None
        self._lock = threading.Lock()

    def _open(self) -> BaseEmailBackend:
        if self._connection is None:
            connection = get_connection(self.backend or settings.EMAIL_BACKEND, fail_silently=False)
            # An open connection is reused across messages (one SMTP session, not one per mail).
            connection.open()
            self._connection = connection
        return self._connection

    def send(self, message: Outbound) -> Sent:
        """Send one e-mail; its Message-ID is the provider id."""
        email = build(message, from_email=self.from_email)
        with self._lock:
            for attempt in (1, 2):
                reused = self._connection is not None
                try:
                    sent = self._open().send_messages([email])
                    break
                except smtplib.SMTPRecipientsRefused as exc:
                    raise PermanentError(f"{SERVICE}: recipient refused: {_said(exc)}") from exc
                except smtplib.SMTPServerDisconnected as exc:
                    # Servers close idle sessions; a reused one gets one fresh try.
                    self._drop()
                    if not reused or attempt == 2:
                        raise ConnectorError(f"{SERVICE}: disconnected: {exc}") from exc
                except (smtplib.SMTPException, OSError) as exc:
                    self._drop()
                    raise ConnectorError(f"{SERVICE}: {type(exc).__name__}: {_said(exc)}") from exc
                except ValueError as exc:
                    # Django refuses addresses it cannot encode.
                    raise PermanentError(f"{SERVICE}: {exc}") from exc
        if not sent:
            raise ConnectorError(f"{SERVICE}: the mail backend did not send the message")
        return Sent(provider_id=email.extra_headers["Message-ID"])

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # the connection is already broken
                connection.close()

    def close(self) -> None:
        with self._lock:
            self._drop()


def _said(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{who}: {code} {text.decode(errors='replace')}"
            for who, (code, text) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error
        return (
            f"{exc.smtp_code} {said.decode(errors='replace') if isinstance(said, bytes) else said}"
        )
    return str(exc)
