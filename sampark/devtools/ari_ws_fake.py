"""A loopback fake of Asterisk ARI's events websocket (`/ari/events`), for the reader's tests.

`plan` lists what each connection gets, in order: a list of events (sent, then the connection
is dropped without a closing handshake, as when Asterisk restarts) or the string "refuse" (the
upgrade is answered 503, as while Asterisk is down). The last list is sent and the connection
then stays open until the client leaves. The key (`api_key=user:password`) and the `app` are
checked as Asterisk does (401 for a wrong key).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

Step = Sequence[Mapping[str, Any]] | str


class FakeAriEvents:
    def __init__(
        self,
        plan: Sequence[Step],
        *,
        app: str = "sampark",
        user: str = "ari",
        password: str = "secret",  # noqa: S107 (the fake's own test key)
    ) -> None:
        self.plan = list(plan)
        self.app, self.key = app, f"{user}:{password}"
        self.served = 0  # connection attempts seen (refused ones included)
        self.queries: list[dict[str, list[str]]] = []
        self._lock = threading.Lock()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def _step(self) -> Step:
        with self._lock:
            step = self.plan[min(self.served, len(self.plan) - 1)]
            self.served += 1
            return step

    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        self.queries.append(query)
        if parts.path != "/ari/events" or query.get("app") != [self.app]:
            return connection.respond(HTTPStatus.BAD_REQUEST, "app is required\n")
        if query.get("api_key") != [self.key]:
            return connection.respond(HTTPStatus.UNAUTHORIZED, "Authentication required\n")
        step = self._step()
        if step == "refuse":
            return Response(503, "Service Unavailable", Headers(), b"")
        connection.step = step  # type: ignore[attr-defined]
        return None

    def _serve(self, connection: ServerConnection) -> None:
        step: Sequence[Mapping[str, Any]] = connection.step  # type: ignore[attr-defined]
        for event in step:
            connection.send(json.dumps(event))
        with self._lock:
            last = self.served >= len(self.plan)
        if last:
            for _message in connection:  # hold the line until the client leaves
                pass
            return
        connection.socket.shutdown(socket.SHUT_RDWR)  # dropped, no closing handshake

    def __enter__(self) -> FakeAriEvents:
        self._server = serve(self._serve, "127.0.0.1", 0, process_request=self._check)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.shutdown()
        self._thread.join(timeout=5)
