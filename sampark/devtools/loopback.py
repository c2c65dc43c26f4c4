"""Loopback fakes of the outbound providers, for tests and benchmarks (issue #5).

Each fake listens on 127.0.0.1 (port 0 unless told), records what it accepted with
`time.monotonic()` and wall time, and is safe to use from many client threads. Benchmarks start
them in-process and point worker subprocesses at `.url`; the SMS gateway also runs alone:

    python -m sampark.devtools.loopback sms --port 8765 [--rate-limit 100] [--fail-every 50]

Nothing here touches Django settings, so the command needs no DJANGO_SETTINGS_MODULE.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import email
import email.policy
import itertools
import json
import re
import secrets
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Self

import http_ece  # type: ignore[import-untyped]
import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02  # type: ignore[import-untyped]

from sampark.integrations.sms import E164, signed_headers


def max_in_window(times: Sequence[float], seconds: float = 1.0) -> int:
    """The most events in any window [t, t + seconds) over these (monotonic) times."""
    ordered = sorted(times)
    best = start = 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def achieved_rate(times: Sequence[float]) -> float:
    """Events per second between the first and the last event (0 for fewer than two)."""
    if len(times) < 2:
        return 0.0
    span = max(times) - min(times)
    return (len(times) - 1) / span if span > 0 else float("inf")


# --- a tiny HTTP/1.1 server ---------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Many sender threads connect at once; the default backlog of 5 drops SYNs (1 s stalls).
    request_queue_size = 256


class LoopbackServer:
    """A threaded HTTP/1.1 keep-alive server whose subclasses answer in `handle`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        fake = self
        self.connections = 0  # TCP connections accepted (keep-alive makes this small)
        self._connections_lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            # Buffered: headers and body leave in one write (flushed after each request).
            wbufsize = 64 * 1024

            def setup(self) -> None:
                super().setup()
                with fake._connections_lock:
                    fake.connections += 1

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=self.path.split("?", 1)[0],
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                try:
                    reply = fake.handle(request)
                except Exception as exc:  # a fake must answer, even about its own bug
                    reply = json_reply(500, {"error": f"{type(exc).__name__}: {exc}"})
                phrase = HTTPStatus(reply.status).phrase
                lines = [f"HTTP/1.1 {reply.status} {phrase}", f"Content-Length: {len(reply.body)}"]
                lines += [f"{name}: {value}" for name, value in reply.headers.items()]
                if self.close_connection:
                    lines.append("Connection: close")
                self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body)

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server((host, port), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=type(self).__name__,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._server.server_address[0]!s}:{self.port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError


# --- SMS gateway --------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsRecord:
    id: str
    idempotency_key: str
    to: str
    sender: str
    entity_id: str
    template_id: str
    text: str
    at: float  # time.monotonic()
    wall: datetime


_REQUIRED = ("to", "sender", "entity_id", "template_id", "text")


class FakeSmsGateway(LoopbackServer):
    """A DLT SMS gateway: POST /v1/messages, Idempotency-Key honoured, GET /v1/stats.

    Knobs (change them at any time): `api_key` (required Bearer token when set), `fail_every`
    (every Nth request answers 503), `latency` (seconds per request), `rate_limit` (429 above
    this many requests in any second), `invalid` (numbers answered 422).
    """

    def __init__(
        self,
        *,
        api_key: str = "",
        fail_every: int = 0,
        latency: float = 0.0,
        rate_limit: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.api_key = api_key
        self.fail_every = fail_every
        self.latency = latency
        self.rate_limit = rate_limit
        self.invalid: set[str] = set()
        self.accepted: dict[str, SmsRecord] = {}
        self.requests = 0
        self.duplicates_refused = 0
        self.failed = 0  # answered 503 by `fail_every`
        self.throttled = 0  # answered 429 by `rate_limit`
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._ids = itertools.count(1)

    # What tests and benchmarks read -----------------------------------------------------

    @property
    def messages(self) -> list[SmsRecord]:
        """Accepted messages in the order they were accepted."""
        with self._lock:
            return list(self.accepted.values())

    def times(self) -> list[float]:
        with self._lock:
            return [m.at for m in self.accepted.values()]

    def max_in_window(self, seconds: float = 1.0) -> int:
        """The most messages accepted in any sliding window of `seconds`."""
        return max_in_window(self.times(), seconds)

    def achieved_rate(self) -> float:
        """Accepted messages per second between the first and the last one."""
        return achieved_rate(self.times())

    def stats(self) -> dict[str, Any]:
        with self._lock:
            counters = {
                "accepted": len(self.accepted),
                "requests": self.requests,
                "duplicates_refused": self.duplicates_refused,
                "failed": self.failed,
                "throttled": self.throttled,
            }
        return {
            **counters,
            "max_in_1s": self.max_in_window(1.0),
            "achieved_rate": round(self.achieved_rate(), 3),
        }

    def post_receipts_to(
        self,
        url: str,
        secret: str,
        *,
        failed: Iterable[str] = (),
        keys: Iterable[str] | None = None,
    ) -> int:
        """POST signed delivery receipts for accepted messages (those in `failed` as failed)."""
        broken = set(failed)
        wanted = None if keys is None else set(keys)
        with self._lock:
            chosen = [m for k, m in self.accepted.items() if wanted is None or k in wanted]
        body = json.dumps(
            {
                "receipts": [
                    {
                        "id": m.id,
                        "idempotency_key": m.idempotency_key,
                        "status": "failed" if m.idempotency_key in broken else "delivered",
                        "at": datetime.now(tz=UTC).isoformat(),
                    }
                    for m in chosen
                ]
            }
        ).encode()
        response = httpx.post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                # Signed with the time it is sent: the receiver refuses replays (issue #12).
                **signed_headers(body, secret, timestamp=int(time.time())),
            },
            timeout=10.0,
        )
        return response.status_code

    # The gateway ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if request.method == "GET" and request.path == "/v1/stats":
            return json_reply(200, self.stats())
        if request.method != "POST" or request.path != "/v1/messages":
            return json_reply(404, {"error": f"no route {request.method} {request.path}"})
        now = time.monotonic()
        with self._lock:
            self.requests += 1
            if self.fail_every and self.requests % self.fail_every == 0:
                self.failed += 1
                return json_reply(503, {"error": "gateway busy (fail_every)"})
            if self.rate_limit:
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                if len(self._recent) >= self.rate_limit:
                    self.throttled += 1
                    return json_reply(429, {"error": "too many requests"}, {"Retry-After": "1"})
                self._recent.append(now)
        if self.latency:
            time.sleep(self.latency)
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return json_reply(401, {"error": "bad or missing API key"})
        try:
            data = request.json()
        except ValueError:
            return json_reply(400, {"error": "the body is not JSON"})
        if not isinstance(data, dict):
            return json_reply(400, {"error": "the body is not a JSON object"})
        missing = [k for k in _REQUIRED if not isinstance(data.get(k), str) or not data[k]]
        key = request.headers.get("idempotency-key") or str(data.get("idempotency_key") or "")
        if missing or not key:
            return json_reply(
                400, {"error": f"missing {', '.join(missing or ['Idempotency-Key'])}"}
            )
        if not E164.fullmatch(data["to"]) or data["to"] in self.invalid:
            return json_reply(422, {"error": f"invalid number {data['to']}"})
        with self._lock:
            first = self.accepted.get(key)
            if first is not None:
                self.duplicates_refused += 1
                return json_reply(200, {"id": first.id, "duplicate": True})
            record = SmsRecord(
                id=f"sms-{next(self._ids):08d}",
                idempotency_key=key,
                to=data["to"],
                sender=data["sender"],
                entity_id=data["entity_id"],
                template_id=data["template_id"],
                text=data["text"],
                at=time.monotonic(),
                wall=datetime.now(tz=UTC),
            )
            self.accepted[key] = record
        return json_reply(201, {"id": record.id, "duplicate": False})


# --- web push service ---------------------------------------------------------------------


@dataclass(frozen=True)
class PushRecord:
    subscription: str
    topic: str
    ttl: str
    urgency: str
    size: int  # bytes of the encrypted body
    encoding: str
    authorization: str
    vapid_valid: bool  # the Authorization header is a VAPID token signed by its own key `k`
    vapid_key: str  # `k`, the application server key that signed it
    claims: dict[str, Any]
    payload: Any  # the decrypted JSON, or None when it did not decrypt
    at: float


@dataclass
class _Subscriber:
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakePushService(LoopbackServer):
    """A push service: POST /push/<id> → 201 (410 for ids in `gone`, or `status_for[id]`).

    `subscribe()` makes a subscription the way a browser does (a P-256 key pair and an auth
    secret), so the fake can decrypt what it receives and check the VAPID signature.
    A push whose Topic matches a pending one for the same subscription replaces it.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.gone: set[str] = set()
        self.status_for: dict[str, int] = {}
        self.records: list[PushRecord] = []
        self.pending: dict[tuple[str, str], PushRecord] = {}
        self.replaced = 0
        self._subscribers: dict[str, _Subscriber] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def subscribe(self, subscription: str = "") -> str:
        """The JSON of a new subscription at this service (the Outbound address for push)."""
        name = subscription or f"sub{next(self._ids)}"
        key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        with self._lock:
            self._subscribers[name] = _Subscriber(key, auth)
        point = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return json.dumps(
            {
                "endpoint": f"{self.url}/push/{name}",
                "keys": {"p256dh": _b64url(point), "auth": _b64url(auth)},
            }
        )

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or not request.path.startswith("/push/"):
            return Reply(404)
        name = request.path.removeprefix("/push/")
        if name in self.gone:
            return Reply(410, b"subscription gone")
        forced = self.status_for.get(name)
        if forced:
            headers = {"Retry-After": "7"} if forced == 429 else {}
            return Reply(forced, HTTPStatus(forced).phrase.encode(), headers)
        authorization = request.headers.get("authorization", "")
        valid, vapid_key, claims = _check_vapid(authorization)
        encoding = request.headers.get("content-encoding", "")
        with self._lock:
            subscriber = self._subscribers.get(name)
        payload: Any = None
        if subscriber is not None and request.body:
            try:
                plain = http_ece.decrypt(
                    request.body,
                    private_key=subscriber.private_key,
                    auth_secret=subscriber.auth,
                    version=encoding or "aes128gcm",
                )
                payload = json.loads(plain)
            except Exception:  # noqa: S110  (recorded as payload None: not decryptable)
                pass
        record = PushRecord(
            subscription=name,
            topic=request.headers.get("topic", ""),
            ttl=request.headers.get("ttl", ""),
            urgency=request.headers.get("urgency", ""),
            size=len(request.body),
            encoding=encoding,
            authorization=authorization,
            vapid_valid=valid,
            vapid_key=vapid_key,
            claims=claims,
            payload=payload,
            at=time.monotonic(),
        )
        with self._lock:
            self.records.append(record)
            number = len(self.records)
            if record.topic:
                if (name, record.topic) in self.pending:
                    self.replaced += 1
                self.pending[(name, record.topic)] = record
        return Reply(201, b"", {"Location": f"{self.url}/message/{number}"})


def _check_vapid(header: str) -> tuple[bool, str, dict[str, Any]]:
    """(signature valid, signing key `k`, JWT claims) of an RFC 8292 `vapid t=…,k=…` header."""
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "vapid":
        return False, "", {}
    parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    token, key = parts.get("t", ""), parts.get("k", "")
    try:
        claims = json.loads(_unb64url(token.split(".")[1]))
        valid = bool(Vapid02.verify(header))
    except Exception:
        return False, key, {}
    return valid, key, claims if isinstance(claims, dict) else {}


# --- Telegram Bot API ---------------------------------------------------------------------


@dataclass(frozen=True)
class TelegramRecord:
    chat_id: int
    text: str
    message_id: int
    at: float


class FakeTelegram(LoopbackServer):
    """POST /bot<token>/sendMessage; chats in `blocked` answer 403, `flood_wait` answers 429."""

    def __init__(self, *, token: str = "", host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.token = token
        self.blocked: set[int] = set()
        self.flood_wait = 0
        self.messages: list[TelegramRecord] = []
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        match = re.fullmatch(r"/bot([^/]+)/sendMessage", request.path)
        if request.method != "POST" or not match:
            return json_reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if self.token and match.group(1) != self.token:
            return json_reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        if self.flood_wait:
            return json_reply(
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.flood_wait}",
                    "parameters": {"retry_after": self.flood_wait},
                },
            )
        data = request.json()
        chat = int(data.get("chat_id"))
        if chat in self.blocked:
            return json_reply(
                403,
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                },
            )
        with self._lock:
            record = TelegramRecord(
                chat, str(data.get("text")), len(self.messages) + 1, time.monotonic()
            )
            self.messages.append(record)
        result = {"message_id": record.message_id, "chat": {"id": chat}, "text": record.text}
        return json_reply(200, {"ok": True, "result": result})


# --- SMTP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailRecord:
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    message: email.message.EmailMessage
    at: float


class _Controller(Controller):
    """aiosmtpd's Controller on a port the kernel picks (its own code needs a fixed port)."""

    def _create_server(self) -> Any:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.hostname, 0))
        self.port = sock.getsockname()[1]
        return self.loop.create_server(self._factory_invoker, sock=sock)


class FakeSmtp:
    """An SMTP server recording messages, de-duplicated by Message-ID (repeats are counted).

    `refuse`: recipients answered 550; `defer_next`: how many DATA commands answer 451 next.
    """

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self.host = host
        self.refuse: set[str] = set()
        self.defer_next = 0
        self.messages: list[MailRecord] = []
        self.message_ids: set[str] = set()
        self.duplicates = 0
        self.sessions = 0
        self._lock = threading.Lock()
        self._controller = _Controller(self, hostname=host)

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # aiosmtpd handler hooks

    async def handle_EHLO(  # noqa: N802  (aiosmtpd's hook names)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        with self._lock:
            self.sessions += 1
        return responses

    async def handle_RCPT(  # noqa: N802
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        with self._lock:
            if self.defer_next > 0:
                self.defer_next -= 1
                return "451 4.3.0 try again later"
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        mid = str(parsed.get("Message-ID") or "")
        with self._lock:
            if mid and mid in self.message_ids:
                self.duplicates += 1
            else:
                self.message_ids.add(mid)
                self.messages.append(
                    MailRecord(
                        mid,
                        str(envelope.mail_from or ""),
                        tuple(envelope.rcpt_tos),
                        parsed,
                        time.monotonic(),
                    )
                )
        await asyncio.sleep(0)
        return "250 Message accepted for delivery"


# --- standalone -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sampark.devtools.loopback")
    commands = parser.add_subparsers(dest="fake", required=True)
    sms = commands.add_parser("sms", help="run the fake DLT SMS gateway")
    sms.add_argument("--host", default="127.0.0.1")
    sms.add_argument("--port", type=int, default=0)
    sms.add_argument("--api-key", default="")
    sms.add_argument("--fail-every", type=int, default=0)
    sms.add_argument("--latency", type=float, default=0.0)
    sms.add_argument("--rate-limit", type=int, default=0)
    args = parser.parse_args(argv)
    gateway = FakeSmsGateway(
        api_key=args.api_key,
        fail_every=args.fail_every,
        latency=args.latency,
        rate_limit=args.rate_limit,
        host=args.host,
        port=args.port,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    gateway.start()
    # The first line tells a parent process where to send; the last one what was received.
    sys.stdout.write(f"{gateway.url}\n")
    sys.stdout.flush()
    while not stop.wait(0.2):
        pass
    gateway.stop()
    sys.stdout.write(json.dumps(gateway.stats()) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "FakePushService",
    "FakeSmsGateway",
    "FakeSmtp",
    "FakeTelegram",
    "LoopbackServer",
    "MailRecord",
    "PushRecord",
    "Reply",
    "Request",
    "SmsRecord",
    "TelegramRecord",
    "achieved_rate",
    "max_in_window",
]
