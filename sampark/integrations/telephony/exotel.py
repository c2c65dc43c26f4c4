"""Exotel's click-to-call ("connect two numbers", Voice v1) and its StatusCallback.

As Exotel documents it (developer.exotel.com, voice-v1 "Connect Two Numbers" and
"StatusCallback"):

    POST https://<api_key>:<api_token>@api.exotel.com/v1/Accounts/<sid>/Calls/connect.json
    form: From (rung first: the agent), To (the customer), CallerId (an ExoPhone),
          CallType ("trans" for transactional calls), TimeOut, Record, CustomField,
          StatusCallback, StatusCallbackEvents[0]=terminal, StatusCallbackEvents[1]=answered
    → {"Call": {"Sid": "...", "Status": "in-progress", ...}}

The StatusCallback POST carries CallSid, Status (completed, failed, busy, no-answer),
RecordingUrl, DateUpdated ("YYYY-MM-DD HH:mm:ss", IST), and with StatusCallbackEvents also
EventType (terminal, answered), ConversationDuration, CustomField and Legs. Exotel signs
nothing: the receiver authenticates the callback by the secret token we put in its URL and
refuses a replay of the same (CallSid, EventType, Status, DateUpdated) (`calls.webhooks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from sampark.integrations.base import USER_AGENT, ConnectorError, json_object, send
from sampark.integrations.telephony.base import CallEvent, Dialled, DialRequest, TelephonyError

IST = ZoneInfo("Asia/Kolkata")
NAME = "exotel"

# Exotel's call statuses → ours.
STATUS = {
    "queued": "queued",
    "ringing": "ringing",
    "in-progress": "in_progress",
    "completed": "completed",
    "busy": "busy",
    "no-answer": "no_answer",
    "failed": "failed",
    "canceled": "canceled",
}


def connect_form(request: DialRequest) -> list[tuple[str, str]]:
    """The form fields of a connect-two-numbers request (a list: keys repeat by index)."""
    form = [
        ("From", request.agent_number),
        ("To", request.customer_number),
        ("CallerId", request.caller_id),
        ("TimeOut", str(request.ring_seconds)),
        ("Record", "true" if request.record else "false"),
    ]
    if not request.promotional:
        form.append(("CallType", "trans"))
    if request.custom:
        form.append(("CustomField", request.custom[:128]))
    if request.status_callback:
        form += [
            ("StatusCallback", request.status_callback),
            ("StatusCallbackEvents[0]", "terminal"),
            ("StatusCallbackEvents[1]", "answered"),
        ]
    return form


def parse_time(value: str) -> dt.datetime | None:
    """Exotel's "YYYY-MM-DD HH:mm:ss" (India time) as an aware datetime; None if absent."""
    if not value:
        return None
    try:
        naive = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 (IST, set below)
    except ValueError:
        return None
    return naive.replace(tzinfo=IST)


def parse_callback(fields: Mapping[str, Any]) -> CallEvent:
    """A StatusCallback's fields as a CallEvent; ValueError for a body that is not one.

    An "answered" event means the customer's leg is up: the call is in progress.
    """
    sid = str(fields.get("CallSid") or "")
    raw = str(fields.get("Status") or "").lower()
    event = str(fields.get("EventType") or "terminal").lower()
    if not sid or (raw not in STATUS and event != "answered"):
        raise ValueError("not an Exotel status callback (CallSid and Status are required)")
    status = "in_progress" if event == "answered" else STATUS[raw]
    duration = fields.get("ConversationDuration")
    return CallEvent(
        provider=NAME,
        call_id=sid,
        status=status,
        at=parse_time(str(fields.get("DateUpdated") or "")),
        recording_url=str(fields.get("RecordingUrl") or "") if event != "answered" else "",
        talk_seconds=int(str(duration)) if str(duration or "").isdigit() else None,
        custom=str(fields.get("CustomField") or ""),
    )


def replay_key(fields: Mapping[str, Any]) -> str:
    """What makes one callback unique: the same four again is a replay."""
    parts = ("CallSid", "EventType", "Status", "DateUpdated")
    return "exotel:" + "|".join(str(fields.get(p) or "") for p in parts)


# The Connect applet's "Dial whom" from a URL (support.exotel.com, "Programmable Connect:
# Working with Connect Applet (Dynamic URL)",
# https://support.exotel.com/support/solutions/articles/3000096873, and "Working with Connect
# applet - Dial whom", .../articles/3000088074): Exotel GETs our URL with the call as query
# parameters (CallSid, CallFrom, CallTo, Direction, Created, StartTime, CallType,
# DialCallDuration, DialWhomNumber; header Exotel-Version: 1.0) and reads a JSON answer naming
# the numbers to dial. An empty list dials nobody: the applet takes its next transition.
RING_SECONDS = 30
TALK_SECONDS = 3600


def connect_answer(*, numbers: list[str], outgoing_phone_number: str = "") -> dict[str, Any]:
    """The Connect applet's answer: dial these numbers (none: dial nobody), not recorded (a
    helpline caller gave no consent to a recording), and do not ask again after the attempt."""
    answer: dict[str, Any] = {
        "fetch_after_attempt": False,
        "destination": {"numbers": list(numbers)},
        "record": False,
        "max_ringing_duration": RING_SECONDS,
        "max_conversation_duration": TALK_SECONDS,
    }
    if outgoing_phone_number:
        answer["outgoing_phone_number"] = outgoing_phone_number
    return answer


class Adapter:
    name = NAME

    def __init__(
        self, options: Mapping[str, Any], *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = str(options.get("BASE_URL") or "https://api.exotel.com").rstrip("/")
        self.sid = str(options.get("ACCOUNT_SID") or "")
        key, token = str(options.get("API_KEY") or ""), str(options.get("API_TOKEN") or "")
        if not (self.sid and key and token):
            raise TelephonyError("Exotel needs SAMPARK_EXOTEL_SID, _API_KEY and _API_TOKEN")
        self.client = httpx.Client(
            auth=(key, token),
            timeout=10.0,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    def _url(self, tail: str) -> str:
        return f"{self.base_url}/v1/Accounts/{self.sid}/{tail}"

    def dial(self, request: DialRequest) -> Dialled:
        try:
            response = send(
                self.client,
                "POST",
                self._url("Calls/connect.json"),
                service="Exotel",
                content=urlencode(connect_form(request)),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except ConnectorError as exc:
            raise TelephonyError(str(exc)) from exc
        if response.status_code >= 400:
            raise TelephonyError(f"Exotel refused the call ({response.status_code})")
        call = json_object(response, service="Exotel").get("Call") or {}
        sid = str(call.get("Sid") or "")
        if not sid:
            raise TelephonyError("Exotel answered without a call Sid")
        return Dialled(NAME, sid, STATUS.get(str(call.get("Status") or ""), "queued"))

    def hangup(self, call_id: str) -> None:
        # Voice v1 has no hang-up for a connect call; the agent ends it on their phone.
        return None
