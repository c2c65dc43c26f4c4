"""A loopback HTTP server that replays recorded payloads and records what it was asked.

Routes match on method, path and a subset of query parameters; the most specific route wins,
and a route added with `times=n` answers n times, then gives way to the next match. Payload
files may hold `{{BASE}}`, replaced by the server's own URL (for paging links).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAYLOADS = Path(__file__).resolve().parent / "payloads"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # When set, the body is sent as these chunks with `pause` seconds between them and no
    # Content-Length, then the connection closes (a stream such as X's filtered stream).
    chunks: list[bytes] | None = None
    pause: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Route:
    method: str
    path: str
    query: dict[str, str]
    reply: Reply | Callable[[Seen], Reply]
    times: int | None


class FakeServer:
    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def payload(self, name: str) -> bytes:
        return (PAYLOADS / name).read_bytes().replace(b"{{BASE}}", self.url.encode())

    def add(
        self,
        path: str,
        reply: Reply | Callable[[Seen], Reply] | None = None,
        *,
        file: str = "",
        status: int = 200,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        method: str = "GET",
        times: int | None = None,
    ) -> None:
        """Answer `method path` (with these query values) by a reply or a payload file."""
        if reply is None:
            content_type = _content_type(file)
            reply = Reply(
                status=status,
                body=self.payload(file) if file else b"",
                headers={"Content-Type": content_type, **(headers or {})},
            )
        self.routes.append(_Route(method, path, dict(query or {}), reply, times))

    def calls(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def _match(self, seen: Seen) -> Reply:
        with self._lock:
            candidates = [
                r
                for r in self.routes
                if r.method == seen.method
                and r.path == seen.path
                and all(seen.arg(k) == v for k, v in r.query.items())
                and (r.times is None or r.times > 0)
            ]
            if not candidates:
                body = json.dumps({"error": f"no fake route for {seen.method} {seen.path}"})
                return Reply(404, body.encode(), {"Content-Type": "application/json"})
            # Most query keys first; among equals, the one added first.
            route = max(candidates, key=lambda r: (len(r.query), -self.routes.index(r)))
            if route.times is not None:
                route.times -= 1
        return route.reply(seen) if callable(route.reply) else route.reply

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        seen = Seen(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(seen)
        reply = self._match(seen)
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if reply.chunks is None:
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
            return
        handler.send_header("Connection", "close")
        handler.end_headers()
        for chunk in reply.chunks:
            handler.wfile.write(chunk)
            handler.wfile.flush()
            if reply.pause:
                time.sleep(reply.pause)
        handler.close_connection = True


def _content_type(file: str) -> str:
    if file.endswith(".xml"):
        return "application/rss+xml; charset=utf-8"
    if file.endswith(".html"):
        return "text/html; charset=utf-8"
    if file.endswith(".ndjson"):
        return "application/json"
    return "application/json; charset=utf-8"
