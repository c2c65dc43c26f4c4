"""A loopback fake of MSG91's Flow API and of its delivery-report webhook (issue #13).

It answers `POST /api/v5/flow` as MSG91 documents it: the `authkey` header, a JSON body with
`template_id` and `recipients`, `{"type": "success", "message": <request id>}` or
`{"type": "error", "message": ...}`. It knows the templates it was given (id → variable names),
like an MSG91 account whose templates are mapped to DLT ids, and refuses others.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx

from sampark.devtools.loopback import (
    LoopbackServer,
    Reply,
    Request,
    achieved_rate,
    json_reply,
    max_in_window,
)

IST = timezone(timedelta(hours=5, minutes=30))


@dataclass(frozen=True)
class FlowRecord:
    request_id: str
    template_id: str
    mobiles: str
    variables: dict[str, str]
    at: float  # time.monotonic()


class FakeMsg91(LoopbackServer):
    """MSG91's Flow API. Knobs: `auth_key`, `templates` ({template id: [variable names]}),
    `rate_limit` (429 above this many requests in any second), `invalid` (numbers refused)."""

    def __init__(
        self,
        *,
        auth_key: str = "",
        templates: dict[str, list[str]] | None = None,
        rate_limit: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.auth_key = auth_key
        self.templates = dict(templates or {})
        self.rate_limit = rate_limit
        self.invalid: set[str] = set()
        self.accepted: list[FlowRecord] = []
        # Every Flow API request as it arrived (headers and body), to assert the exact request.
        self.received: list[Request] = []
        self.requests = 0
        self.throttled = 0
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._ids = itertools.count(1)

    def times(self) -> list[float]:
        with self._lock:
            return [m.at for m in self.accepted]

    def stats(self) -> dict[str, float | int]:
        with self._lock:
            counters = {
                "accepted": len(self.accepted),
                "requests": self.requests,
                "throttled": self.throttled,
            }
        times = self.times()
        return {
            **counters,
            "max_in_1s": max_in_window(times, 1.0),
            "achieved_rate": round(achieved_rate(times), 3),
        }

    def report_v3(self, record: FlowRecord, *, status: str = "1", desc: str = "DELIVERED") -> bytes:
        """The v3 webhook body MSG91 would post for `record` (one JSON object per number)."""
        return json.dumps(
            {
                "date": datetime.now(tz=IST).strftime("%Y-%m-%d %H:%M:%S"),
                "number": record.mobiles,
                "senderId": "SMPARK",
                "requestId": record.request_id,
                "status": status,
                "desc": desc,
                "credit": "1",
                "campaignName": "API",
            }
        ).encode()

    def post_report_to(self, url: str, record: FlowRecord, *, status: str = "1") -> int:
        """POST a v3 delivery report for `record` to `url`; the HTTP status of the answer."""
        desc = "DELIVERED" if status == "1" else "FAILED"
        body = self.report_v3(record, status=status, desc=desc)
        reply = httpx.post(
            url, content=body, headers={"Content-Type": "application/json"}, timeout=10.0
        )
        return reply.status_code

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.path.rstrip("/") != "/api/v5/flow":
            return json_reply(404, {"type": "error", "message": "no such route"})
        now = time.monotonic()
        with self._lock:
            self.requests += 1
            self.received.append(request)
            if self.rate_limit:
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                if len(self._recent) >= self.rate_limit:
                    self.throttled += 1
                    return json_reply(429, {"type": "error", "message": "Too many requests"})
                self._recent.append(now)
        if self.auth_key and request.headers.get("authkey") != self.auth_key:
            return json_reply(401, {"type": "error", "message": "Unauthorized", "code": "401"})
        try:
            data = request.json()
        except ValueError:
            return json_reply(400, {"type": "error", "message": "Invalid JSON"})
        if not isinstance(data, dict) or not isinstance(data.get("recipients"), list):
            return json_reply(400, {"type": "error", "message": "recipients are required"})
        template_id = str(data.get("template_id") or "")
        names = self.templates.get(template_id)
        if names is None:
            return json_reply(200, {"type": "error", "message": "Invalid template id"})
        records: list[FlowRecord] = []
        for item in data["recipients"]:
            mobiles = str(item.get("mobiles") or "") if isinstance(item, dict) else ""
            if not mobiles.isdigit() or len(mobiles) != 12 or mobiles in self.invalid:
                return json_reply(200, {"type": "error", "message": "Invalid mobile number"})
            missing = [n for n in names if not item.get(n)]
            if missing:
                return json_reply(200, {"type": "error", "message": f"missing {missing[0]}"})
            variables = {n: str(item[n]) for n in names}
            records.append(FlowRecord("", template_id, mobiles, variables, time.monotonic()))
        request_id = f"3{next(self._ids):023x}"  # MSG91 ids are 24 hex characters
        with self._lock:
            for record in records:
                self.accepted.append(
                    FlowRecord(
                        request_id,
                        record.template_id,
                        record.mobiles,
                        record.variables,
                        record.at,
                    )
                )
        return json_reply(200, {"type": "success", "message": request_id})
