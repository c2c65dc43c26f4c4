"""Loopback fakes of the telephony providers (issue #15): Exotel's connect API with its status
callbacks, and Asterisk ARI's REST with the events its websocket would carry.

Each customer number's outcome is set in `outcomes` (default "answer"): answer, busy,
no_answer, failed, hangup (answered, then the customer hangs up at once). The Exotel fake
keeps the callbacks it would POST in `callbacks` (`deliver` posts them); the ARI fake keeps the
events it would push in `events` (`drain` hands them out in order).
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from sampark.devtools.loopback import LoopbackServer, Reply, Request, json_reply

IST = ZoneInfo("Asia/Kolkata")
OUTCOMES = frozenset({"answer", "busy", "no_answer", "failed", "hangup"})


def _basic(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return "", ""
    user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


class _WithDelete(LoopbackServer):
    """A loopback server that also answers DELETE and keeps each request's query string (the
    base server drops it; ARI passes its parameters there)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.local = threading.local()
        handler: Any = self._server.RequestHandlerClass
        fake = self

        def serve(request_handler: Any) -> None:
            fake.local.query = urlsplit(request_handler.path).query
            request_handler._serve()

        handler.do_POST = handler.do_DELETE = handler.do_GET = serve

    def query(self) -> dict[str, str]:
        return dict(parse_qsl(getattr(self.local, "query", "")))


class FakeExotel(LoopbackServer):
    """POST /v1/Accounts/<sid>/Calls/connect(.json) with basic auth (key, token)."""

    def __init__(self, *, sid: str = "acme", key: str = "key", token: str = "token") -> None:  # noqa: S107
        super().__init__()
        self.sid, self.key, self.token = sid, key, token
        self.outcomes: dict[str, str] = {}
        self.requests: list[dict[str, str]] = []
        self.callbacks: list[tuple[str, dict[str, str]]] = []
        self.delivered: list[tuple[str, dict[str, str]]] = []
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(tz=IST)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        path = f"/v1/Accounts/{self.sid}/Calls/connect"
        if request.method != "POST" or request.path not in {path, path + ".json"}:
            return json_reply(404, {"RestException": {"Status": 404, "Message": "Not Found"}})
        if _basic(request) != (self.key, self.token):
            return json_reply(401, {"RestException": {"Status": 401, "Message": "Unauthorized"}})
        form = dict(parse_qsl(request.body.decode()))
        if not all(form.get(k) for k in ("From", "To", "CallerId")):
            return json_reply(400, {"RestException": {"Status": 400, "Message": "Missing"}})
        with self._lock:
            sid = f"{next(self._ids):032x}"
            self.requests.append(form)
            self._plan(sid, form)
        now = self.clock().strftime("%Y-%m-%d %H:%M:%S")
        call = {
            "Sid": sid,
            "AccountSid": self.sid,
            "From": form["From"],
            "To": form["To"],
            "PhoneNumberSid": form["CallerId"],
            "Status": "in-progress",
            "DateCreated": now,
            "DateUpdated": now,
            "Direction": "outbound-api",
            "CustomField": form.get("CustomField", ""),
        }
        return json_reply(200, {"Call": call})

    def _plan(self, sid: str, form: dict[str, str]) -> None:
        url = form.get("StatusCallback", "")
        if not url:
            return
        outcome = self.outcomes.get(form["To"], "answer")
        at = self.clock()
        base = {
            "CallSid": sid,
            "CustomField": form.get("CustomField", ""),
            "To": form["To"],
            "From": form["From"],
            "Direction": "outbound-api",
        }
        if outcome in {"answer", "hangup"}:
            answered = at + dt.timedelta(seconds=8)
            self.callbacks.append(
                (
                    url,
                    base
                    | {
                        "EventType": "answered",
                        "Status": "in-progress",
                        "DateUpdated": answered.strftime("%Y-%m-%d %H:%M:%S"),
                    },
                )
            )
        talk = {"answer": 95, "hangup": 2}.get(outcome, 0)
        status = {
            "answer": "completed",
            "hangup": "completed",
            "busy": "busy",
            "no_answer": "no-answer",
            "failed": "failed",
        }[outcome]
        end = at + dt.timedelta(seconds=30 + talk)
        self.callbacks.append(
            (
                url,
                base
                | {
                    "EventType": "terminal",
                    "Status": status,
                    "ConversationDuration": str(talk),
                    "RecordingUrl": f"https://recordings.example/{sid}.mp3" if talk else "",
                    "DateUpdated": end.strftime("%Y-%m-%d %H:%M:%S"),
                },
            )
        )

    def deliver(self, post: Callable[[str, dict[str, str]], Any]) -> list[Any]:
        """POST every pending callback through `post(url, fields)`; their answers."""
        with self._lock:
            pending, self.callbacks = self.callbacks, []
            self.delivered += pending
        return [post(url, fields) for url, fields in pending]


class FakeAri(_WithDelete):
    """/ari/channels, /ari/bridges, addChannel, record, DELETE channel; events in `events`."""

    CAUSE = {
        "busy": (17, "User busy"),
        "no_answer": (19, "No answer"),
        "failed": (21, "Call rejected"),
    }

    def __init__(self, *, user: str = "ari", password: str = "secret") -> None:  # noqa: S107
        super().__init__()
        self.user, self.password = user, password
        self.outcomes: dict[str, str] = {}
        self.events: list[dict[str, Any]] = []
        self.bridges: dict[str, list[str]] = {}
        self.recordings: list[str] = []
        self.alive: set[str] = set()
        self.actions: list[tuple[str, str]] = []
        self.snoops: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def _event(self, kind: str, channel_id: str, state: str, **extra: Any) -> None:
        self.events.append(
            {
                "type": kind,
                "application": "sampark",
                "timestamp": dt.datetime.now(tz=dt.UTC).isoformat(),
                "channel": {"id": channel_id, "name": f"PJSIP/trunk-{channel_id}", "state": state},
                **extra,
            }
        )

    def handle(self, request: Request) -> Reply:
        if _basic(request) != (self.user, self.password):
            return json_reply(401, {"message": "Authentication required"})
        return self._route(request.method, request.path, self.query())

    def _route(self, method: str, path: str, query: dict[str, str]) -> Reply:
        with self._lock:
            if method == "POST" and path == "/ari/bridges":
                bridge = query.get("bridgeId", "b")
                self.bridges[bridge] = []
                return json_reply(
                    200,
                    {
                        "id": bridge,
                        "technology": "simple_bridge",
                        "bridge_type": "mixing",
                        "channels": [],
                    },
                )
            if method == "POST" and path == "/ari/channels":
                return self._originate(query)
            match = re.fullmatch(r"/ari/bridges/([^/]+)/(addChannel|record)", path)
            if method == "POST" and match and match.group(1) in self.bridges:
                if match.group(2) == "record":
                    self.recordings.append(query.get("name", ""))
                    return json_reply(
                        201,
                        {
                            "name": query.get("name"),
                            "format": "wav",
                            "state": "queued",
                            "target_uri": f"bridge:{match.group(1)}",
                        },
                    )
                self.bridges[match.group(1)] += query.get("channel", "").split(",")
                return Reply(204)
            match = re.fullmatch(r"/ari/channels/([^/]+)/(answer|moh|snoop)", path)
            if method == "POST" and match:
                return self._on_channel(match.group(1), match.group(2), query)
            match = re.fullmatch(r"/ari/channels/([^/]+)", path)
            if method == "DELETE" and match:
                if match.group(1) not in self.alive:
                    return json_reply(404, {"message": "Channel not found"})
                self.alive.discard(match.group(1))
                self._event(
                    "ChannelDestroyed", match.group(1), "Up", cause=16, cause_txt="Normal Clearing"
                )
                return Reply(204)
        return json_reply(404, {"message": "Resource not found"})

    def _on_channel(self, channel: str, action: str, query: dict[str, str]) -> Reply:
        """Answer or hold a helpline caller; snoop on a live channel (the snooping channel
        enters the app with the given arguments, as Asterisk's does)."""
        if action != "snoop":
            self.actions.append((action, channel))
            return Reply(204)
        if channel not in self.alive:
            return json_reply(404, {"message": "Channel not found"})
        snoop = query.get("snoopId", f"snoop-{channel}")
        self.snoops.append((channel, query.get("spy", "none"), query.get("whisper", "none")))
        self.alive.add(snoop)
        self._event("StasisStart", snoop, "Up", args=query.get("appArgs", "").split(","))
        return json_reply(200, {"id": snoop, "name": f"Snoop/{channel}", "state": "Up"})

    def _originate(self, query: dict[str, str]) -> Reply:
        channel = query.get("channelId", "")
        number = re.sub(r"^[^/]+/|@.*$", "", query.get("endpoint", ""))
        self.alive.add(channel)
        if channel.endswith("-a"):
            self._event("StasisStart", channel, "Up", args=query.get("appArgs", "").split(","))
        else:
            outcome = self.outcomes.get(number, "answer")
            self._event("ChannelStateChange", channel, "Ringing")
            if outcome in {"answer", "hangup"}:
                self._event("ChannelStateChange", channel, "Up")
                self._event("StasisStart", channel, "Up", args=query.get("appArgs", "").split(","))
                if outcome == "hangup":
                    self.alive.discard(channel)
                    self._event(
                        "ChannelDestroyed", channel, "Up", cause=16, cause_txt="Normal Clearing"
                    )
            else:
                cause, text = self.CAUSE[outcome]
                self.alive.discard(channel)
                self._event("ChannelDestroyed", channel, "Down", cause=cause, cause_txt=text)
        return json_reply(
            200,
            {
                "id": channel,
                "name": f"PJSIP/trunk-{channel}",
                "state": "Down",
                "caller": {"number": query.get("callerId", "")},
                "dialplan": {"context": "default"},
            },
        )

    def drain(self) -> list[dict[str, Any]]:
        with self._lock:
            out, self.events = self.events, []
        return out

    def to_json(self) -> str:
        return json.dumps(self.events)
