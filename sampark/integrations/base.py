"""What every connector shares: the HTTP client, errors, rate limits and back-off."""

from __future__ import annotations

import html
import json
import os
import random
import re
import time
import unicodedata
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from pipeline.types import FetchResult

USER_AGENT = "Sampark/0.1 (+listening)"
# Large enough for any feed, page or API answer we read; a bigger body is a mistake or an attack.
MAX_BODY = 10 * 1024 * 1024


class ConnectorError(Exception):
    """The service refused or answered something we cannot use; the message says why."""


class RateLimited(ConnectorError):  # noqa: N818  (reads as the condition it names)
    """The service asked us to slow down; try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(0.0, float(retry_after))


class Connector(Protocol):
    kind: str

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult: ...


def http_client(timeout: float | httpx.Timeout = 20.0) -> httpx.Client:
    """An httpx client with our User-Agent, a timeout and redirects followed.

    For the services' own API addresses only; a URL a user gave goes through
    `integrations.fetch`, which refuses private addresses.
    """
    return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True)


def secret(config: dict[str, Any], key: str) -> str:
    """A credential from the source's config: `<key>` itself, or the env variable `<key>_env` names.

    Prefer `<key>_env`: the config is stored in the database and shown to administrators.
    """
    direct = str(config.get(key) or "")
    if direct:
        return direct
    name = str(config.get(f"{key}_env") or "")
    if not name:
        raise ConnectorError(
            f"the source's config needs {key + '_env'!r} (an environment variable name) or {key!r}"
        )
    value = os.environ.get(name, "")
    if not value:
        raise ConnectorError(f"set the environment variable {name} (named by {key + '_env'!r})")
    return value


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    service: str,
    max_bytes: int = MAX_BODY,
    **kwargs: Any,
) -> httpx.Response:
    """Make one request and read its body (at most `max_bytes`); network failures → ConnectorError."""
    request = client.build_request(method, url, **kwargs)
    try:
        response = client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ConnectorError(
                        f"{service}: {where(request.url)} sent more than {max_bytes} bytes"
                    )
                chunks.append(chunk)
        finally:
            response.close()
    except httpx.HTTPError as exc:
        raise ConnectorError(
            f"{service}: could not reach {where(request.url)} ({type(exc).__name__}: {exc})"
        ) from exc
    headers = httpx.Headers(response.headers)
    # The chunks were decoded as they streamed: the copy must not be decoded a second time.
    for name in ("content-encoding", "content-length"):
        headers.pop(name, None)
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=b"".join(chunks),
        request=response.request,
    )


_BOT_TOKEN = re.compile(r"/bot[^/]+")


def where(url: httpx.URL) -> str:
    """The URL without its query string (API keys travel there) or a Telegram bot token."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}{_BOT_TOKEN.sub('/bot<token>', url.path)}"


def retry_after_of(
    response: httpx.Response, *, default: float | None = None, now: float | None = None
) -> float | None:
    """Seconds the service asks us to wait: Retry-After (seconds or HTTP date) or X's reset epoch."""
    clock = time.time() if now is None else now
    header = response.headers.get("retry-after", "").strip()
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            try:
                when: datetime = parsedate_to_datetime(header)
                return max(0.0, when.timestamp() - clock)
            except (TypeError, ValueError, IndexError):
                pass
    reset = response.headers.get("x-rate-limit-reset", "").strip()
    if reset.isdigit():
        return max(0.0, int(reset) - clock)
    return default


_TAGS = re.compile(r"<[^>]+>")


def _detail(response: httpx.Response) -> str:
    """The service's own words about a failure, from the error shapes of the APIs we call."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return " ".join(_TAGS.sub(" ", response.text[:300]).split())
    parts: list[str] = []
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # Google and Facebook
            parts.append(str(error.get("message") or ""))
            reasons = [
                str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)
            ]
            if reasons:
                parts.append(f"reason {', '.join(reasons)}")
            if error.get("code") is not None and "errors" not in error:
                parts.append(f"code {error['code']}")
        elif isinstance(error, str):
            parts.append(error)
        for key in ("title", "detail", "description"):  # X problem documents, Telegram
            if isinstance(body.get(key), str) and body[key] not in parts:
                parts.append(body[key])
        for item in body.get("errors") or []:  # X v1.1-style and partial errors
            if isinstance(item, dict) and item.get("message"):
                parts.append(str(item["message"]))
    text = "; ".join(p for p in parts if p) or json.dumps(body, ensure_ascii=False)
    return " ".join(html.unescape(_TAGS.sub("", text)).split())[:300]


def describe(response: httpx.Response, *, service: str) -> str:
    """One line saying which service failed, where, with which status, and what it said."""
    status = f"{response.status_code} {response.reason_phrase}".strip()
    return f"{service}: {where(response.request.url)} answered {status}: {_detail(response)}"


def raise_for_status(
    response: httpx.Response, *, service: str = "HTTP", default_wait: float = 60.0
) -> None:
    """Turn 429 (and 503 with Retry-After) into RateLimited, other failures into ConnectorError."""
    if response.status_code < 400:
        return
    wait = retry_after_of(response)
    if response.status_code == 429 or (response.status_code == 503 and wait is not None):
        wait = default_wait if wait is None else wait
        raise RateLimited(
            f"{describe(response, service=service)}; retry in {int(wait)} s", retry_after=wait
        )
    raise ConnectorError(describe(response, service=service))


def json_of(response: httpx.Response, *, service: str = "HTTP") -> Any:
    """The response's JSON, or ConnectorError saying the service sent something else."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConnectorError(
            f"{service}: {where(response.request.url)} sent something that is not JSON"
        ) from exc


def json_object(response: httpx.Response, *, service: str) -> dict[str, Any]:
    """The response's JSON object (a dict), or ConnectorError."""
    payload = json_of(response, service=service)
    if not isinstance(payload, dict):
        raise ConnectorError(
            f"{service}: {where(response.request.url)} sent JSON of an unexpected shape"
        )
    return payload


def clean_text(value: str) -> str:
    """NFC text with runs of spaces folded; line breaks are kept (they separate thoughts)."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", value).splitlines())
    return "\n".join(line for line in lines if line)


def strip_html(value: str) -> str:
    """Plain text of an HTML fragment (tags dropped, entities decoded, NFC)."""
    with_breaks = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", "\n", value or "")
    return clean_text(html.unescape(_TAGS.sub(" ", with_breaks)))


def parse_time(value: Any, *, service: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (naive ones are taken as UTC)."""
    text = str(value or "").strip()
    try:
        # Python 3.11 reads "Z" but not Facebook's "+0000".
        at = datetime.fromisoformat(re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text))
    except ValueError as exc:
        raise ConnectorError(f"{service}: bad timestamp {text!r}") from exc
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def next_delay(
    failures: int,
    *,
    base: float = 60.0,
    cap: float = 3600.0,
    rng: random.Random | None = None,
    seed: int | None = None,
) -> float:
    """Back-off after `failures` failures in a row: jittered, doubling from `base`, capped at `cap`.

    The wait is drawn uniformly from [base/2, min(cap, base·2^(failures-1))]: full jitter spreads
    workers that failed together, and the floor keeps a broken source from being hammered.
    Pass `rng` or `seed` for repeatable tests.
    """
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    chooser = rng or random.Random(seed)  # noqa: S311  (jitter, not security)
    floor = min(base / 2, ceiling)
    return float(chooser.uniform(floor, ceiling))


REGISTRY: dict[str, Connector] = {}


def register(connector: Connector) -> Connector:
    """Make a connector reachable by its kind."""
    REGISTRY[connector.kind] = connector
    return connector


def get(kind: str) -> Connector:
    """The connector for a source kind (importing the modules registers them)."""
    from sampark.integrations import facebook, rss, telegram, x, youtube  # noqa: F401

    try:
        return REGISTRY[kind]
    except KeyError:
        raise ConnectorError(f"no connector for source kind {kind!r}") from None
