"""Asterisk ARI (REST + the events websocket) for a self-hosted PBX.

As the Asterisk wiki documents ARI:
- originate:  POST /ari/channels?endpoint=PJSIP/<n>@trunk&app=<app>&appArgs=...&callerId=...
              &timeout=<s>&channelId=<id>           → Channel {"id", "name", "state", ...}
- bridge:     POST /ari/bridges?type=mixing&bridgeId=<id> → Bridge {"id", "bridge_type", ...}
              POST /ari/bridges/<id>/addChannel?channel=<id1>,<id2>  → 204
- hang up:    DELETE /ari/channels/<id>?reason=normal               → 204
- record:     POST /ari/bridges/<id>/record?name=<n>&format=wav      → LiveRecording
- events:     GET /ari/events?app=<app>&api_key=<user>:<password> (websocket, read by
              `ari_events`): StasisStart {args, channel}, ChannelStateChange (channel.state
              "Ringing", "Up"), ChannelHangupRequest {cause, soft}, ChannelDestroyed {cause,
              cause_txt} (16 normal clearing, 17 user busy, 18/19 no answer, 21 rejected,
              others failed), Dial {caller, peer, dialstatus}, RecordingFinished {recording:
              LiveRecording {name, format, state, target_uri}}, StasisEnd, ApplicationReplaced.
- snoop:      POST /ari/channels/<id>/snoop?spy=both&whisper=none&app=<app>&snoopId=<id>
              &appArgs=... → Channel (the snooping channel enters the app: StasisStart).
- stored:     GET /ari/recordings/stored/<name>/file → the recording's audio.

The agent's leg is originated first (like Exotel's From); when it enters the Stasis app the
event handler (`on_event`, fed by whichever process reads the websocket) originates the
customer's leg into the same bridge, from the arguments the agent's leg carries. Channel ids are
ours: "<call>-a" and "<call>-c", so an event names its call without a lookup.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from sampark.integrations.base import USER_AGENT, ConnectorError, json_object, send
from sampark.integrations.telephony.base import CallEvent, Dialled, DialRequest, TelephonyError

NAME = "asterisk"

# Q.850 causes in ChannelDestroyed → our terminal statuses.
CAUSES = {16: "completed", 17: "busy", 18: "no_answer", 19: "no_answer", 21: "failed"}
# Dial's dialstatus (the Dial application's DIALSTATUS) → ours; "" = the dial began.
DIALSTATUS = {
    "ANSWER": "in_progress",
    "BUSY": "busy",
    "NOANSWER": "no_answer",
    "CANCEL": "canceled",
    "CONGESTION": "failed",
    "CHANUNAVAIL": "failed",
}
# Legs of listening in: the snooping channel and the supervisor's phone.
LISTEN_LEGS = frozenset({"s", "l"})


def call_of(channel_id: str) -> tuple[str, str]:
    """(call id, leg) of one of our channel ids ("<call>-a" agent, "<call>-c" customer)."""
    call, _sep, leg = channel_id.rpartition("-")
    return call, leg


def parse_event(event: Mapping[str, Any]) -> CallEvent | None:
    """An ARI event as a CallEvent of its call, or None for events that change nothing.

    The customer's leg decides the call's state; the agent hanging up before the customer
    answers cancels it.
    """
    kind = str(event.get("type") or "")
    channel = event.get("channel") or {}
    if kind == "Dial":
        channel = event.get("peer") or {}
    call, leg = call_of(str(channel.get("id") or ""))
    if not call or leg not in {"a", "c"}:
        return None
    at = _time(str(event.get("timestamp") or ""))
    if kind == "Dial" and leg == "c":
        dialled = DIALSTATUS.get(str(event.get("dialstatus") or ""))
        return CallEvent(NAME, call, dialled, at) if dialled else None
    if kind == "ChannelHangupRequest" and leg == "c" and event.get("cause"):
        # A hang-up asked with a cause ends the call as ChannelDestroyed will (the first of
        # the two to arrive decides; a finished call never changes again).
        return CallEvent(NAME, call, CAUSES.get(int(event["cause"]), "failed"), at)
    if kind == "ChannelStateChange" and leg == "c":
        state = str(channel.get("state") or "")
        status = {"Ringing": "ringing", "Up": "in_progress"}.get(state)
        return CallEvent(NAME, call, status, at) if status else None
    if kind == "ChannelDestroyed":
        cause = int(event.get("cause") or 0)
        if leg == "a":
            # The agent's leg ending normally follows the customer's; any other cause means
            # the agent never came on, so the call is canceled.
            return None if cause == 16 else CallEvent(NAME, call, "canceled", at)
        return CallEvent(NAME, call, CAUSES.get(cause, "failed"), at)
    return None


def parse_recording(event: Mapping[str, Any], *, base_url: str) -> tuple[str, str] | None:
    """(call id, URL of the stored file) of a RecordingFinished on one of our bridges."""
    if event.get("type") != "RecordingFinished":
        return None
    recording = event.get("recording") or {}
    kind, _sep, target = str(recording.get("target_uri") or "").partition(":")
    name = str(recording.get("name") or "")
    if kind != "bridge" or not target or not name:
        return None
    return target, f"{base_url.rstrip('/')}/ari/recordings/stored/{name}/file"


@dataclass(frozen=True)
class Inbound:
    """A helpline caller's channel: arrived in the app (`Stasis(<app>,inbound)` in the
    dialplan) or gone."""

    channel_id: str
    number: str
    arrived: bool
    at: dt.datetime | None


def parse_inbound(event: Mapping[str, Any]) -> Inbound | None:
    """An inbound channel entering the app (args start with "inbound") or leaving it."""
    kind = str(event.get("type") or "")
    channel = event.get("channel") or {}
    channel_id = str(channel.get("id") or "")
    at = _time(str(event.get("timestamp") or ""))
    args = [str(a) for a in event.get("args") or []]
    number = str((channel.get("caller") or {}).get("number") or "")
    if kind == "StasisStart" and args[:1] == ["inbound"] and channel_id:
        return Inbound(channel_id, number, True, at)
    if kind in {"StasisEnd", "ChannelDestroyed"} and channel_id and "-" not in channel_id:
        # Our own channels are "<id>-<leg>"; Asterisk names a caller's "<epoch>.<n>".
        return Inbound(channel_id, number, False, at)
    return None


def _time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


class Adapter:
    name = NAME

    def __init__(
        self, options: Mapping[str, Any], *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = str(options.get("BASE_URL") or "").rstrip("/")
        self.app = str(options.get("APP") or "sampark")
        self.endpoint = str(options.get("ENDPOINT") or "PJSIP/{number}@trunk")
        user, password = str(options.get("USER") or ""), str(options.get("PASSWORD") or "")
        if not (self.base_url and user and password):
            raise TelephonyError("Asterisk ARI needs SAMPARK_ARI_URL, _USER and _PASSWORD")
        self.client = httpx.Client(
            auth=(user, password),
            timeout=10.0,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    def _call(self, method: str, path: str, **params: str) -> httpx.Response:
        try:
            response = send(
                self.client, method, f"{self.base_url}/ari/{path}", service="ARI", params=params
            )
        except ConnectorError as exc:
            raise TelephonyError(str(exc)) from exc
        if response.status_code >= 400:
            raise TelephonyError(f"ARI {method} {path}: {response.status_code}")
        return response

    def dial(self, request: DialRequest) -> Dialled:
        call = secrets.token_hex(8)
        self._call("POST", "bridges", type="mixing", bridgeId=call, name=call)
        # What the customer's leg needs travels in the agent leg's Stasis arguments, so the
        # process reading the events websocket needs no state shared with this one.
        args = f"agent,{call},{request.customer_number},{request.caller_id},{request.ring_seconds}"
        channel = json_object(
            self._call(
                "POST",
                "channels",
                endpoint=self.endpoint.format(number=request.agent_number),
                app=self.app,
                appArgs=args,
                callerId=request.caller_id,
                timeout=str(request.ring_seconds),
                channelId=f"{call}-a",
            ),
            service="ARI",
        )
        if str(channel.get("id")) != f"{call}-a":
            raise TelephonyError("ARI answered with another channel")
        if request.record:
            self._call("POST", f"bridges/{call}/record", name=call, format="wav")
        return Dialled(NAME, call, "queued")

    def on_event(self, event: Mapping[str, Any]) -> CallEvent | None:
        """Act on one event of the websocket (bridge the agent's leg, ring the customer), and
        say what it means for the call."""
        channel = event.get("channel") or {}
        call, leg = call_of(str(channel.get("id") or ""))
        args = [str(a) for a in event.get("args") or []]
        if event.get("type") == "StasisStart" and leg == "a" and len(args) == 5:
            _role, _call, number, caller_id, ring = args
            self._call("POST", f"bridges/{call}/addChannel", channel=f"{call}-a")
            self._call(
                "POST",
                "channels",
                endpoint=self.endpoint.format(number=number),
                app=self.app,
                appArgs=f"customer,{call}",
                callerId=caller_id,
                timeout=str(ring),
                channelId=f"{call}-c",
            )
        elif event.get("type") == "StasisStart" and leg == "c":
            self._call("POST", f"bridges/{call}/addChannel", channel=f"{call}-c")
        elif event.get("type") == "StasisStart" and args[:1] == ["inbound"]:
            # A helpline caller: answer and hold them with music until an agent takes them.
            self._call("POST", f"channels/{channel.get('id')}/answer")
            self._call("POST", f"channels/{channel.get('id')}/moh")
        elif event.get("type") == "StasisStart" and leg == "g" and len(args) == 2:
            _role, caller = args  # the agent who took a helpline caller is on the line
            self._call("POST", f"bridges/{call}/addChannel", channel=f"{call}-g,{caller}")
        elif event.get("type") == "StasisStart" and leg in LISTEN_LEGS:
            self._call("POST", f"bridges/{call}/addChannel", channel=f"{call}-{leg}")
        return parse_event(event)

    def connect_inbound(self, channel_id: str, agent_number: str) -> str:
        """Ring the agent who took a queued caller; both meet in a new bridge when the agent
        answers (their leg "<bridge>-g" enters the app). The bridge's id."""
        bridge = secrets.token_hex(8)
        self._call("POST", "bridges", type="mixing", bridgeId=bridge, name=bridge)
        self._call(
            "POST",
            "channels",
            endpoint=self.endpoint.format(number=agent_number),
            app=self.app,
            appArgs=f"agent,{channel_id}",
            channelId=f"{bridge}-g",
        )
        return bridge

    def listen(self, call_id: str, listener_number: str) -> str:
        """Let a supervisor listen to a live call: snoop on the customer's leg (both
        directions heard, nothing whispered) into a new bridge with the supervisor's phone.
        The listening session's id (its bridge)."""
        session = secrets.token_hex(8)
        self._call("POST", "bridges", type="mixing", bridgeId=session, name=session)
        self._call(
            "POST",
            f"channels/{call_id}-c/snoop",
            spy="both",
            whisper="none",
            app=self.app,
            appArgs=f"snoop,{call_id}",
            snoopId=f"{session}-s",
        )
        self._call(
            "POST",
            "channels",
            endpoint=self.endpoint.format(number=listener_number),
            app=self.app,
            appArgs=f"listener,{call_id}",
            channelId=f"{session}-l",
        )
        return session

    def hangup(self, call_id: str) -> None:
        for leg in ("c", "a"):
            try:
                self._call("DELETE", f"channels/{call_id}-{leg}", reason="normal")
            except TelephonyError:
                continue  # that leg is already gone
