"""Web push to the volunteer web app (RFC 8030 + 8291 encryption + 8292 VAPID), via pywebpush.

Keys come from OPTIONS (`private_key`, `public_key`, `subject`, each also as `<key>_env`) or else
the settings/environment variables SAMPARK_VAPID_PRIVATE_KEY, SAMPARK_VAPID_PUBLIC_KEY and
SAMPARK_VAPID_SUBJECT ("mailto:…"). Without a private key, web push is simply off.
OPTIONS also take `ttl` (seconds a push service keeps an undelivered message; 1 day) and `timeout`.

The endpoint is a URL the browser gave us: pushes go out through the safe fetcher
(`integrations.fetch`), to the address checked when the sending client was made, so a push
service name that later resolves to a private address (DNS rebinding) is never dialled.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid  # type: ignore[import-untyped]
from pywebpush import WebPusher, WebPushException  # type: ignore[import-untyped]

from sampark.integrations import base, fetch
from sampark.integrations.channels import AddressGone, Outbound, PermanentError, Sent, option

SERVICE = "Web push"
TTL = 24 * 60 * 60
# Push services take 4096 bytes of encrypted payload; aes128gcm adds 86 + 16 + 1 bytes.
MAX_PLAINTEXT = 3900
# A signed VAPID token is reused per push service for this long (tokens live 12 hours).
TOKEN_REUSE = 6 * 60 * 60
# A sending client keeps the addresses it checked for this long, then resolves afresh.
PIN_SECONDS = 5 * 60


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, ""))


def _load(private_key: str) -> Any:
    """A py_vapid key from a PEM, a base64url DER or a base64url raw 32-byte private key."""
    text = private_key.strip()
    if "BEGIN" in text:
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)


def _public_of(vapid: Any) -> str:
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def vapid_keys() -> tuple[str, str]:
    """A new VAPID key pair: (private key, base64url raw; public key, base64url uncompressed point).

    Both are single lines, so they fit in environment variables.
    """
    vapid = Vapid()
    vapid.generate_keys()
    secret = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return _b64url(secret), _public_of(vapid)


def public_key() -> str:
    """The application server key the subscribing page passes to pushManager.subscribe()."""
    configured = _setting("SAMPARK_VAPID_PUBLIC_KEY")
    if configured:
        return configured
    private = _setting("SAMPARK_VAPID_PRIVATE_KEY")
    return _public_of(_load(private)) if private else ""


def topic_of(idempotency_key: str) -> str:
    """A Topic header (at most 32 base64url characters): a re-send replaces the pending one."""
    return _b64url(hashlib.sha256(idempotency_key.encode()).digest())[:32]


def payload_of(message: Outbound) -> bytes:
    """The JSON the service worker shows, its body shortened to fit a push message."""
    tag = topic_of(message.idempotency_key)
    body = message.text

    def encode(text: str) -> bytes:
        fields = {"title": message.title, "body": text, "url": message.url, "tag": tag}
        return json.dumps(fields, ensure_ascii=False).encode()

    data = encode(body)
    while len(data) > MAX_PLAINTEXT and body:
        # One character is 1 to 6 bytes of JSON, so this never cuts more than needed.
        body = body[: -max(1, (len(data) - MAX_PLAINTEXT) // 6)]
        data = encode(body.rstrip() + "…")
    return data


class _PinnedPoster:
    """The `requests_session` pywebpush posts with: the safe fetcher's client, which connects
    to the checked address of the endpoint's host instead of resolving it again."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.made_at = time.monotonic()

    def post(
        self,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        return self.client.post(url, content=data, headers=dict(headers or {}), timeout=timeout)


class WebPush:
    name = "push"

    def __init__(self, **options: Any) -> None:
        self.private_key = option(options, "private_key") or _setting("SAMPARK_VAPID_PRIVATE_KEY")
        self.subject = option(options, "subject") or _setting("SAMPARK_VAPID_SUBJECT")
        self.ttl = int(options.get("ttl") or TTL)
        self.timeout = float(options.get("timeout") or 10.0)
        self._vapid: Any = None
        # host, port -> addresses: tests pass a controlled resolver; else the system's.
        self.resolver: fetch.Resolver | None = options.get("resolver")
        # One client per sender thread, replaced every PIN_SECONDS.
        self._local = threading.local()
        self._posters: list[_PinnedPoster] = []
        self._tokens: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def _auth(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        with self._lock:
            if self._vapid is None:
                try:
                    self._vapid = _load(self.private_key)
                except Exception as exc:
                    raise PermanentError(f"{SERVICE}: the VAPID private key is unreadable") from exc
            cached = self._tokens.get(audience)
            if cached and cached[0] > now:
                return dict(cached[1])
            claims = {
                "sub": self.subject or "mailto:admin@localhost",
                "aud": audience,
                "exp": int(now) + 12 * 60 * 60,
            }
            headers: dict[str, str] = dict(self._vapid.sign(claims))
            self._tokens[audience] = (now + TOKEN_REUSE, headers)
            return dict(headers)

    def _poster(self) -> _PinnedPoster:
        poster: _PinnedPoster | None = getattr(self._local, "poster", None)
        if poster is not None and time.monotonic() - poster.made_at < PIN_SECONDS:
            return poster
        fresh = _PinnedPoster(fetch.safe_client(timeout=self.timeout, resolver=self.resolver))
        self._local.poster = fresh
        with self._lock:
            if poster is not None and poster in self._posters:
                self._posters.remove(poster)
            self._posters.append(fresh)
        if poster is not None:
            poster.client.close()
        return fresh

    def send(self, message: Outbound) -> Sent:
        """Encrypt and post one notification to the subscription's push service."""
        if not self.private_key:
            raise PermanentError("web push not configured")
        subscription = _subscription(message.address)
        topic = topic_of(message.idempotency_key)
        headers = {**self._auth(subscription["endpoint"]), "Topic": topic, "Urgency": "normal"}
        try:
            pusher = WebPusher(subscription, requests_session=self._poster())
            response = pusher.send(payload_of(message), headers, ttl=self.ttl, timeout=self.timeout)
        except fetch.FetchRefused as exc:
            # The endpoint's host now points inside our network: never dial it, drop it.
            raise AddressGone(f"{SERVICE}: the push endpoint is refused: {exc}") from exc
        except (fetch.FetchError, httpx.HTTPError) as exc:
            raise base.ConnectorError(
                f"{SERVICE}: could not reach the push service ({type(exc).__name__})"
            ) from exc
        except (WebPushException, ValueError, TypeError) as exc:
            # Keys that are not points on P-256, or an auth secret that is not base64.
            raise PermanentError(f"{SERVICE}: unusable subscription keys ({exc})") from exc
        return _result(response, topic)

    def close(self) -> None:
        with self._lock:
            posters, self._posters = self._posters, []
            self._local = threading.local()
        for poster in posters:
            poster.client.close()


def _subscription(address: str) -> dict[str, Any]:
    try:
        info = json.loads(address)
    except ValueError:
        info = None
    keys = info.get("keys") if isinstance(info, dict) else None
    endpoint = str(info.get("endpoint") or "") if isinstance(info, dict) else ""
    if (
        not isinstance(keys, dict)
        or not keys.get("p256dh")
        or not keys.get("auth")
        or urlsplit(endpoint).scheme not in ("https", "http")
    ):
        raise PermanentError(
            f"{SERVICE}: the address is not a push subscription with endpoint and keys"
        )
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def _result(response: httpx.Response, topic: str) -> Sent:
    status = response.status_code
    where = urlsplit(str(response.url)).netloc
    said = " ".join((response.text or "")[:200].split())
    if status in (200, 201, 202):
        return Sent(provider_id=response.headers.get("Location") or topic)
    if status in (404, 410):
        raise AddressGone(f"{SERVICE}: {where} answered {status}: subscription gone")
    if status in (400, 413):
        raise PermanentError(f"{SERVICE}: {where} refused the message ({status}): {said}")
    if status == 429:
        wait = base.retry_after_of(response, default=60.0)
        raise base.RateLimited(
            f"{SERVICE}: {where} answered 429; retry in {wait or 0:g} s", retry_after=wait or 0.0
        )
    # 401/403 mean our VAPID key is wrong, 5xx the service is down: retry, keep the subscription.
    raise base.ConnectorError(f"{SERVICE}: {where} answered {status}: {said}")
