"""SMS through MSG91 (issue #13), the default production SMS adapter; `sms.DltGateway` stays as
the generic HTTP gateway.

As MSG91 documents it (msg91.com/help, "Send SMS via Flow" / OneAPI):
- `POST https://control.msg91.com/api/v5/flow` with the `authkey` header and a JSON body
  `{"template_id": <MSG91 template id>, "short_url": "0", "recipients": [{"mobiles":
  "91XXXXXXXXXX", "<var>": "<value>", ...}]}`; `short_url` "1" has MSG91 shorten the links in
  the message (a DLT variable holds 30 characters, a full link does not fit); the answer is `{"type": "success", "message":
  "<request id>"}` or `{"type": "error", "message": "<why>"}`.
- TRAI's DLT ids are not sent per request: the sender header and the principal entity (PE id)
  are registered on the MSG91 account, and each MSG91 template is mapped in the panel to its
  DLT template id (DLT_TE_ID). We keep both DLT ids in OPTIONS so that a message is refused here
  when its template has no DLT id, and the mapping is written down next to the code.
- Delivery reports reach a webhook: v2 posts form data `data=<JSON list of {senderId,
  requestId, report: [{date, number, status, desc, ...}]}>`, v3 posts one JSON object per
  number `{date, number, requestId, status, desc, ...}`. Status 1 = delivered, 2 = failed,
  9 = NDNC (promotional only), 16 and 25 = rejected, 17 = blocked number.

OPTIONS (each also as `<key>_env`, the name of an environment variable):
  auth_key, base_url = https://control.msg91.com, entity_id (the DLT PE id, for the record),
  timeout = 10, templates = {name or MSG91 template id: {"template_id": ..., "dlt_te_id": ...,
  "variables": ["var1", ...], "short_url": true|false (default: on when a variable is a link
  over 30 characters)}}. `Outbound.template_id` names an entry of `templates` (or is an
  MSG91 template id itself); `Outbound.variables` fill the entry's variable names in order.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx

from sampark.integrations import base
from sampark.integrations.channels import Outbound, PermanentError, Sent, option
from sampark.integrations.sms import E164

SERVICE = "MSG91"
BASE_URL = "https://control.msg91.com"
FLOW_PATH = "/api/v5/flow"
# MSG91 writes report times in Indian Standard Time, without a zone.
IST = ZoneInfo("Asia/Kolkata")

# The documented status codes of a delivery report.
DELIVERED = frozenset({"1"})
FAILED = frozenset({"2", "9", "16", "17", "25"})
STATUS_WORDS = {
    "1": "delivered",
    "2": "failed",
    "9": "ndnc",
    "16": "rejected",
    "17": "blocked",
    "25": "rejected",
}


# TRAI's DLT: a template variable ({#var#}) carries at most 30 characters.
DLT_VARIABLE_CHARS = 30


@dataclass(frozen=True)
class Template:
    template_id: str  # MSG91's id of the template
    dlt_te_id: str  # the template's id on the DLT platform (DLT_TE_ID)
    variables: tuple[str, ...]  # the template's variable names, in the order values are given
    # MSG91's URL shortener: None = on when a variable is a link longer than DLT's 30-character
    # variable (a kit, invitation or notification link), else as configured.
    short_url: bool | None = None


def _templates(raw: Any) -> dict[str, Template]:
    out: dict[str, Template] = {}
    for name, spec in dict(raw or {}).items():
        spec = dict(spec or {})
        out[str(name)] = Template(
            template_id=str(spec.get("template_id") or name),
            dlt_te_id=str(spec.get("dlt_te_id") or ""),
            variables=tuple(str(v) for v in spec.get("variables") or ()),
            short_url=None if spec.get("short_url") is None else bool(spec["short_url"]),
        )
    return out


def mobiles(address: str) -> str:
    """MSG91's form of an E.164 number: the country code and number, no plus."""
    if not E164.fullmatch(address):
        raise PermanentError(f"{SERVICE}: {address!r} is not an E.164 phone number")
    return address[1:]


class Msg91:
    """The Flow API as a channel (`integrations.channels.Channel`)."""

    name = "sms"

    def __init__(self, **options: Any) -> None:
        self.base_url = (option(options, "base_url") or BASE_URL).rstrip("/")
        self.auth_key = option(options, "auth_key")
        self.entity_id = option(options, "entity_id")
        self.templates = _templates(options.get("templates"))
        self.timeout = float(options.get("timeout") or 10.0)
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = base.http_client(timeout=self.timeout)
            return self._client

    def template(self, name: str) -> Template:
        """The configured template `name`; PermanentError when it is unknown or has no DLT id."""
        if not name:
            raise PermanentError(f"{SERVICE}: a DLT message needs a template")
        found = self.templates.get(name) or next(
            (t for t in self.templates.values() if name in (t.template_id, t.dlt_te_id)), None
        )
        if found is None:
            raise PermanentError(f"{SERVICE}: template {name!r} is not in OPTIONS['templates']")
        if not found.dlt_te_id:
            raise PermanentError(f"{SERVICE}: template {name!r} has no DLT template id")
        return found

    def payload(self, message: Outbound) -> dict[str, Any]:
        """The Flow API body for one message; PermanentError when it can never be sent."""
        template = self.template(message.template_id)
        names = template.variables or tuple(f"var{i}" for i in range(1, len(message.variables) + 1))
        if len(names) != len(message.variables):
            raise PermanentError(
                f"{SERVICE}: template {message.template_id!r} takes {len(names)} variable(s), "
                f"{len(message.variables)} given"
            )
        recipient: dict[str, str] = {"mobiles": mobiles(message.address)}
        recipient.update(zip(names, message.variables, strict=True))
        shorten = template.short_url
        if shorten is None:
            shorten = any(
                v.startswith(("https://", "http://")) and len(v) > DLT_VARIABLE_CHARS
                for v in message.variables
            )
        return {
            "template_id": template.template_id,
            "short_url": "1" if shorten else "0",
            "recipients": [recipient],
        }

    def send(self, message: Outbound) -> Sent:
        """Send one SMS; the MSG91 request id is the provider id of the message."""
        if not self.auth_key:
            raise PermanentError(f"{SERVICE} not configured: set auth_key (MSG91_AUTH_KEY)")
        payload = self.payload(message)
        response = base.send(
            self._http(),
            "POST",
            f"{self.base_url}{FLOW_PATH}",
            service=SERVICE,
            json=payload,
            headers={"authkey": self.auth_key, "accept": "application/json"},
        )
        status = response.status_code
        if status == 429:
            wait = base.retry_after_of(response, default=1.0) or 1.0
            raise base.RateLimited(
                f"{base.describe(response, service=SERVICE)}; retry in {wait:g} s", retry_after=wait
            )
        if status in (401, 403) or status >= 500:
            # The account or MSG91 is at fault, not this message: worth retrying later.
            raise base.ConnectorError(base.describe(response, service=SERVICE))
        answer = base.json_object(response, service=SERVICE)
        kind = str(answer.get("type") or "")
        if status == 200 and kind == "success" and answer.get("message"):
            return Sent(provider_id=str(answer["message"]))
        raise PermanentError(f"{SERVICE}: {answer.get('message') or f'HTTP {status}'}")

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


@dataclass(frozen=True)
class Report:
    """One number's delivery report."""

    request_id: str  # the `message` of the Flow API's answer (Sent.provider_id)
    number: str  # as MSG91 writes it: 91XXXXXXXXXX
    status: Literal["delivered", "failed", "pending"]
    code: str  # MSG91's status code
    description: str  # "DELIVERED", "NDNC", ..., and the failure reason when there is one
    at: datetime | None


def _report(item: dict[str, Any], *, request_id: str, where: str) -> Report:
    code = str(item.get("status") or "").strip()
    number = str(item.get("number") or item.get("telNum") or "")
    if not request_id or not code or not number:
        raise ValueError(f"{where} lacks requestId, number or status")
    status: Literal["delivered", "failed", "pending"] = (
        "delivered" if code in DELIVERED else "failed" if code in FAILED else "pending"
    )
    desc = str(item.get("desc") or STATUS_WORDS.get(code, ""))
    reason = str(item.get("failedReason") or item.get("failureReason") or "")
    at = None
    stamp = str(item.get("date") or "")
    if stamp:
        try:
            at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST)
        except ValueError as exc:
            raise ValueError(f"{where}: date {stamp!r} is not YYYY-MM-DD HH:MM:SS") from exc
    return Report(
        request_id=request_id,
        number=number,
        status=status,
        code=code,
        description=f"{desc}: {reason}" if reason else desc,
        at=at,
    )


def parse_reports(body: bytes, *, content_type: str = "") -> list[Report]:
    """The reports of one delivery-report webhook call (v2 form data or v3 JSON); ValueError
    says what is wrong with the body."""
    try:
        text = body.decode()
        if "application/x-www-form-urlencoded" in content_type:
            data = parse_qs(text).get("data") or []
            payload: Any = json.loads(data[0]) if data else None
        else:
            payload = json.loads(text)
            if isinstance(payload, dict) and isinstance(payload.get("data"), str):
                payload = json.loads(payload["data"])  # v2's form, sent as JSON
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{SERVICE} report: the body is not JSON ({exc})") from exc
    if isinstance(payload, dict):  # v3: one number per call
        where = f"{SERVICE} report"
        return [_report(payload, request_id=str(payload.get("requestId") or ""), where=where)]
    if not isinstance(payload, list):
        raise ValueError(f"{SERVICE} report: expected a JSON object or list")
    reports: list[Report] = []
    for n, request in enumerate(payload):
        if not isinstance(request, dict) or not isinstance(request.get("report"), list):
            raise ValueError(f"{SERVICE} report: request {n} has no report list")
        request_id = str(request.get("requestId") or "")
        for m, item in enumerate(request["report"]):
            if not isinstance(item, dict):
                raise ValueError(f"{SERVICE} report: request {n} item {m} is not an object")
            reports.append(_report(item, request_id=request_id, where=f"request {n} item {m}"))
    return reports


# --- who applies a report ---------------------------------------------------------------------
# One webhook (content's /hooks/msg91/<token>/reports/) receives every report of the account,
# whichever outbox sent the message. Outboxes above content (staff notifications) register a
# handler from AppConfig.ready, so the webhook imports none of them (D9).


class ReportHandler(Protocol):
    def __call__(self, report: Report) -> int: ...


_REPORT_HANDLERS: dict[str, ReportHandler] = {}


def register_report_handler(name: str, handler: ReportHandler) -> None:
    """Also apply each delivery report with `handler(report)` (how many rows it updated)."""
    _REPORT_HANDLERS[name] = handler


def report_handlers() -> list[ReportHandler]:
    """The handlers registered besides the webhook's own, in registration order."""
    return list(_REPORT_HANDLERS.values())
