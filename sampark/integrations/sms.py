"""SMS through an Indian DLT-registered gateway: template rendering, sending, signed receipts.

TRAI's DLT rules: every message names the registered principal entity, the sender header and a
registered template, and its text must match that template with only the {#var#} slots filled.

OPTIONS (each also as `<key>_env`, the name of an environment variable):
  base_url, api_key, sender (DLT header, 6 letters), entity_id, timeout = 10,
  max_variable = 30 (DLT's limit on one {#var#} value: send links shortened),
  templates = {template_id: body} (when set, bodies come from here, not from Outbound.text)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import httpx

from sampark.integrations import base
from sampark.integrations.channels import Outbound, PermanentError, Sent, option

SERVICE = "SMS gateway"
SLOT = "{#var#}"
SIGNATURE_HEADER = "X-Gateway-Signature"
TIMESTAMP_HEADER = "X-Gateway-Timestamp"
E164 = re.compile(r"\+[1-9]\d{7,14}")
# DLT allows up to 30 characters in one variable.
MAX_VARIABLE = 30


def render_template(
    body: str, variables: tuple[str, ...] | list[str], *, max_variable: int = MAX_VARIABLE
) -> str:
    """The template with its {#var#} slots filled in order; ValueError when the counts differ."""
    pieces = body.split(SLOT)
    slots = len(pieces) - 1
    if slots != len(variables):
        raise ValueError(
            f"the DLT template has {slots} {{#var#}} slot(s) but {len(variables)} value(s) were given"
        )
    for value in variables:
        if len(value) > max_variable:
            raise ValueError(f"a DLT variable holds at most {max_variable} characters: {value!r}")
    out = [pieces[0]]
    for value, piece in zip(variables, pieces[1:], strict=True):
        out += [value, piece]
    return "".join(out)


def sign(body: bytes, secret: str, *, timestamp: int) -> str:
    """The signature header value for a webhook body sent at `timestamp` (Unix seconds):
    `sha256=<hex HMAC-SHA256 of "<timestamp>." + body>`. Binding the time into the signature
    lets the receiver refuse an old request replayed (issue #12)."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, secret: str, *, timestamp: int) -> dict[str, str]:
    """The two headers a signed webhook carries: its time and its signature."""
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(body, secret, timestamp=timestamp),
    }


def verify_signature(
    body: bytes, header: str | None, secret: str, *, timestamp: str | None
) -> bool:
    """Whether `header` is our signature of `body` at `timestamp` (constant-time compare).

    The freshness of the timestamp and whether the request was seen before are the receiver's
    checks (`content.webhooks`): this one only says the gateway signed this body at that time.
    """
    if not secret or not header or not timestamp or not timestamp.isdigit():
        return False
    expected = sign(body, secret, timestamp=int(timestamp))
    return hmac.compare_digest(header.strip().encode(), expected.encode())


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    idempotency_key: str
    status: Literal["delivered", "failed"]
    at: datetime


def parse_receipts(body: bytes) -> list[Receipt]:
    """Receipts of the gateway's delivery webhook; ValueError says what is wrong with the body."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"delivery receipts: the body is not JSON ({exc})") from exc
    items = payload.get("receipts") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise ValueError('delivery receipts: expected {"receipts": [...]}')
    receipts: list[Receipt] = []
    for number, item in enumerate(items):
        where = f"delivery receipts: receipt {number}"
        if not isinstance(item, dict):
            raise ValueError(f"{where} is not an object")
        missing = [k for k in ("id", "idempotency_key", "status", "at") if not item.get(k)]
        if missing:
            raise ValueError(f"{where} lacks {', '.join(missing)}")
        status = item["status"]
        if status not in ("delivered", "failed"):
            raise ValueError(f"{where} has status {status!r}, not 'delivered' or 'failed'")
        try:
            at = base.parse_time(item["at"], service=SERVICE)
        except base.ConnectorError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        receipts.append(
            Receipt(
                provider_id=str(item["id"]),
                idempotency_key=str(item["idempotency_key"]),
                status=status,
                at=at,
            )
        )
    return receipts


class DltGateway:
    """POST /v1/messages on a DLT gateway; the Idempotency-Key header makes re-sends safe."""

    name = "sms"

    def __init__(self, **options: Any) -> None:
        self.base_url = option(options, "base_url").rstrip("/")
        self.api_key = option(options, "api_key")
        self.sender = option(options, "sender")
        self.entity_id = option(options, "entity_id")
        self.templates: dict[str, str] = dict(options.get("templates") or {})
        self.timeout = float(options.get("timeout") or 10.0)
        self.max_variable = int(options.get("max_variable") or MAX_VARIABLE)
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                # One client (thread-safe) per channel: keep-alive makes 80 msg/s cheap.
                self._client = base.http_client(timeout=self.timeout)
            return self._client

    def payload(self, message: Outbound) -> dict[str, str]:
        """The JSON body for one message; PermanentError when it can never be sent."""
        if not E164.fullmatch(message.address):
            raise PermanentError(f"{SERVICE}: {message.address!r} is not an E.164 phone number")
        if not message.template_id:
            raise PermanentError(f"{SERVICE}: a DLT message needs a template id")
        body = self.templates.get(message.template_id, message.text)
        try:
            text = render_template(body, message.variables, max_variable=self.max_variable)
        except ValueError as exc:
            raise PermanentError(f"{SERVICE}: template {message.template_id}: {exc}") from exc
        return {
            "to": message.address,
            "sender": self.sender,
            "entity_id": self.entity_id,
            "template_id": message.template_id,
            "text": text,
            "idempotency_key": message.idempotency_key,
        }

    def send(self, message: Outbound) -> Sent:
        """Send one SMS; a key the gateway has seen returns the first message's id."""
        if not (self.base_url and self.api_key and self.sender and self.entity_id):
            raise PermanentError(
                f"{SERVICE} not configured: set base_url, api_key, sender and entity_id"
            )
        payload = self.payload(message)
        response = base.send(
            self._http(),
            "POST",
            f"{self.base_url}/v1/messages",
            service=SERVICE,
            json=payload,
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        status = response.status_code
        if status in (200, 201):
            answer = base.json_object(response, service=SERVICE)
            if not answer.get("id"):
                raise base.ConnectorError(f"{SERVICE}: accepted, but the answer has no id")
            return Sent(provider_id=str(answer["id"]), duplicate=bool(answer.get("duplicate")))
        if status in (400, 422):
            raise PermanentError(base.describe(response, service=SERVICE))
        if status == 429:
            wait = base.retry_after_of(response, default=1.0) or 0.0
            raise base.RateLimited(
                f"{base.describe(response, service=SERVICE)}; retry in {wait:g} s",
                retry_after=wait,
            )
        # 5xx, auth and routing problems: not this message's fault, so worth retrying.
        base.raise_for_status(response, service=SERVICE)
        raise base.ConnectorError(base.describe(response, service=SERVICE))

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
