"""Reading Asterisk ARI's events websocket, with reconnection (issue #15).

As Asterisk documents it (Events REST API, `eventWebsocket`):

    GET ws(s)://<host>:<port>/ari/events?app=<app>[&subscribeAll=true]&api_key=<user>:<password>

upgraded to a websocket whose every text message is one JSON event (`Message`: "type",
"application", "timestamp", "asterisk_id", and the event's own fields). Asterisk keeps no
backlog: events sent while nobody is connected are lost, so the reader reconnects at once
after a drop and then backs off exponentially (1 s, 2 s, 4 s … capped at 60 s) while
Asterisk stays away. Only one websocket may hold an application: a newer one takes it and
the older gets `ApplicationReplaced`, on which this reader stops rather than fight back.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

logger = logging.getLogger(__name__)

MAX_MESSAGE = 1 << 20  # an ARI event is a few kB; refuse anything absurd
RECV_TIMEOUT = 1.0  # how often the reader looks at its stop flag while the line is quiet


def events_url(
    base_url: str, *, app: str, user: str, password: str, subscribe_all: bool = False
) -> str:
    """The events websocket's URL for an ARI base URL (http → ws, https → wss)."""
    parts = urlsplit(base_url.rstrip("/"))
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    query = {"app": app, "api_key": f"{user}:{password}"}
    if subscribe_all:
        query["subscribeAll"] = "true"
    return urlunsplit((scheme, parts.netloc, f"{parts.path}/ari/events", urlencode(query), ""))


@dataclass(frozen=True)
class Backoff:
    """Capped exponential back-off: `initial` × `factor`ⁿ, at most `cap` seconds."""

    initial: float = 1.0
    factor: float = 2.0
    cap: float = 60.0

    def delay(self, failures: int) -> float:
        return float(min(self.cap, self.initial * self.factor ** max(failures - 1, 0)))


class EventReader:
    """Feed every event of the websocket to `handle`, reconnecting until `stop` is set.

    `handle` failing on one event is logged and the reader goes on with the next (one bad
    event must not cost the others). `wait(seconds)` sleeps between reconnections (tests pass
    one that records the delays instead of sleeping).
    """

    def __init__(
        self,
        url: str,
        handle: Callable[[Mapping[str, Any]], object],
        *,
        stop: threading.Event | None = None,
        backoff: Backoff | None = None,
        wait: Callable[[float], object] | None = None,
    ) -> None:
        self.url = url
        self.handle = handle
        self.stop = stop or threading.Event()
        self.backoff = backoff or Backoff()
        self.wait = wait or self.stop.wait
        self.connections = 0
        self.delays: list[float] = []

    def run(self) -> None:
        failures = 0  # reconnections in a row that brought no event
        while not self.stop.is_set():
            read = [0]
            try:
                with connect(self.url, open_timeout=10, max_size=MAX_MESSAGE) as ws:
                    self.connections += 1
                    logger.info("ARI events: connected")
                    self._read(ws, read)
            except (OSError, WebSocketException) as exc:
                logger.warning("ARI events: connection lost or refused: %s", exc)
            if self.stop.is_set():
                break
            # A connection that carried events was healthy: reconnect at once. One that was
            # refused, or dropped before any event, waits longer each time, up to the cap.
            failures = 0 if read[0] else failures + 1
            delay = self.backoff.delay(failures) if failures else 0.0
            self.delays.append(delay)
            self.wait(delay)

    def _read(self, ws: Any, read: list[int]) -> None:
        while not self.stop.is_set():
            try:
                raw = ws.recv(timeout=RECV_TIMEOUT)
            except TimeoutError:
                continue
            read[0] += 1
            try:
                event = json.loads(raw)
            except ValueError:
                logger.warning("ARI events: a message that is not JSON was skipped")
                continue
            if not isinstance(event, dict):
                continue
            if event.get("type") == "ApplicationReplaced":
                logger.error("ARI events: another reader took the application; stopping")
                self.stop.set()
                return
            try:
                self.handle(event)
            except Exception:
                logger.exception("ARI events: handling %s failed", event.get("type"))
