"""What every connector shares: the HTTP client, errors, rate limits and back-off."""

from __future__ import annotations

import os
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from pipeline.types import FetchResult

USER_AGENT = "Sampark/0.1 (+listening)"


class ConnectorError(Exception):
    """The service refused or answered something we cannot use; the message says why."""


class RateLimited(ConnectorError):  # noqa: N818  (reads as the condition it names)
    """The service asked us to slow down; try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Connector(Protocol):
    kind: str

    def fetch(self, *, config: dict[str, Any], cursor: dict[str, Any]) -> FetchResult: ...


def http_client(timeout: float = 20.0) -> httpx.Client:
    return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True)


def secret(config: dict[str, Any], key: str) -> str:
    """A secret named by the source's config (`<key>` = name of an environment variable)."""
    name = str(config.get(key) or "")
    if not name:
        raise ConnectorError(f"the source's config needs {key!r} (an environment variable name)")
    value = os.environ.get(name, "")
    if not value:
        raise ConnectorError(f"set the environment variable {name} (named by {key!r})")
    return value


def _retry_after(response: httpx.Response, default: float) -> float:
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.isdigit():
        return max(0.0, int(reset) - time.time())
    return default


def _where(response: httpx.Response) -> str:
    # Never show query strings: they may carry API keys.
    url = response.request.url
    return f"{url.scheme}://{url.host}{url.path}"


def raise_for_status(response: httpx.Response, *, default_wait: float = 60.0) -> None:
    """Turn an HTTP failure into RateLimited (429/503) or ConnectorError with a clear message."""
    if response.status_code < 400:
        return
    detail = response.text[:300].strip()
    if response.status_code in (429, 503):
        wait = _retry_after(response, default_wait)
        raise RateLimited(
            f"{_where(response)} answered {response.status_code}; retry in {int(wait)} s",
            retry_after=wait,
        )
    raise ConnectorError(f"{_where(response)} answered {response.status_code}: {detail}")


def json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ConnectorError(f"{_where(response)} sent something that is not JSON") from exc


def next_delay(
    failures: int, *, base: float = 60.0, cap: float = 3600.0, rng: random.Random | None = None
) -> float:
    """Exponential back-off with full jitter: a random wait up to base·2^(failures-1), capped."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    chooser = rng or random.Random()  # noqa: S311  (jitter, not security)
    return float(chooser.uniform(base / 2, max(base / 2, ceiling)))


REGISTRY: dict[str, Connector] = {}


def register(connector: Connector) -> Connector:
    REGISTRY[connector.kind] = connector
    return connector


def get(kind: str) -> Connector:
    """The connector for a source kind (importing the modules registers them)."""
    from sampark.integrations import facebook, rss, telegram, x, youtube  # noqa: F401

    try:
        return REGISTRY[kind]
    except KeyError:
        raise ConnectorError(f"no connector for source kind {kind!r}") from None
