"""One safe way to fetch a URL that a user gave us (issue #12, SSRF).

Listening feeds and the articles they link to, fact-check pages and feeds: every address a user
typed (or a page we fetched pointed to) is read with `get`, on a client made by `safe_client()`.

- Only http and https.
- The host is resolved once per client, and every address it resolves to must be public: not
  loopback, private, link-local, multicast, reserved or unspecified, judged on the IPv4 address
  inside the IPv6 forms that carry one (IPv4-mapped, NAT64, 6to4). `SAMPARK_FETCH_ALLOW_HOSTS`
  names the hosts exempt from this (a deployment's own intranet feed, the tests' loopback fakes).
- The connection goes to the address that was checked: the request is sent to that address with
  the name kept in the Host header and in TLS (httpx's documented `sni_hostname` request
  extension), so the certificate is verified for the name and a second DNS answer (rebinding)
  is never used.
- Redirects are followed here, each hop checked like the first, at most `MAX_REDIRECTS`.
- A body stops at `max_bytes` (a larger Content-Length is refused before reading), connect and
  read have timeouts, and the whole fetch, redirects included, has a `deadline`.

A refusal raises FetchRefused, any other failure FetchError; their text is a reason to show the
user (a source's last error, a form error), never a 500.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from sampark.integrations.base import USER_AGENT

MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
DEADLINE = 30.0  # seconds for one fetch, redirects and body included
TIMEOUT = httpx.Timeout(20.0, connect=10.0)

# host, port -> the host's addresses, in the order to try them
Resolver = Callable[[str, int], Sequence[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
_CHECKS = (
    ("is_unspecified", pgettext_lazy("address kind", "unspecified")),
    ("is_loopback", pgettext_lazy("address kind", "loopback")),
    ("is_link_local", pgettext_lazy("address kind", "link-local")),
    ("is_multicast", pgettext_lazy("address kind", "multicast")),
    ("is_reserved", pgettext_lazy("address kind", "reserved")),
    ("is_private", pgettext_lazy("address kind", "private")),
)
_NOT_GLOBAL = pgettext_lazy("address kind", "not reachable from the internet")


class FetchError(Exception):
    """The URL could not be fetched; the message says why, in words fit for the user."""


class FetchRefused(FetchError):  # noqa: N818  (reads as the condition it names)
    """The URL may not be fetched: its scheme, its address, or where it redirects."""


def resolve(host: str, port: int) -> list[str]:
    """Every address of `host` from the system resolver, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: str) -> str | None:
    """Why we may not connect to this address (its kind, translated), or None if it is public."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return str(_NOT_GLOBAL)
    for candidate in _judged(parsed):
        for attribute, kind in _CHECKS:
            if getattr(candidate, attribute):
                return str(kind)
        if not candidate.is_global:
            return str(_NOT_GLOBAL)
    return None


def _judged(address: Address) -> list[Address]:
    """The addresses that decide: the IPv4 address inside the IPv6 forms that carry one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return [address.ipv4_mapped]
        if address in _NAT64:
            # The wrapper itself counts as reserved; the translator dials the IPv4 inside.
            return [ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)]
        if address.sixtofour is not None:
            return [address.sixtofour, address]
    return [address]


def allowed_host(host: str) -> bool:
    """True when SAMPARK_FETCH_ALLOW_HOSTS names this host (exempt from the address check)."""
    names = getattr(settings, "SAMPARK_FETCH_ALLOW_HOSTS", ()) or ()
    wanted = {str(name).strip().lower().rstrip(".") for name in names}
    return host.lower().rstrip(".") in wanted


@dataclass(frozen=True, slots=True)
class Target:
    host: str  # the name in the URL: Host header and TLS name
    address: str  # the checked address we connect to


def _where(url: httpx.URL) -> str:
    """The URL without its query (keys and tokens travel there)."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.path}"


def _parse(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchRefused(_("Not a web address: %(url)s") % {"url": str(url)[:200]}) from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused(
            _("Only http and https addresses can be fetched, not %(scheme)s.")
            % {"scheme": parsed.scheme or "?"}
        )
    if not parsed.host:
        raise FetchRefused(_("Not a web address: %(url)s") % {"url": str(url)[:200]})
    return parsed


def vet(url: str | httpx.URL, *, resolver: Resolver | None = None) -> Target:
    """Resolve the URL's host once and check every address; FetchRefused if one is not public."""
    parsed = _parse(url)
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS want it
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = list((resolver or resolve)(host, port))
        except (OSError, UnicodeError) as exc:
            raise FetchError(_("Cannot find the address of %(host)s.") % {"host": host}) from exc
    if not addresses:
        raise FetchError(_("Cannot find the address of %(host)s.") % {"host": host})
    if not (allowed_host(host) or allowed_host(parsed.host)):
        for address in addresses:
            kind = refusal(address)
            if kind is not None:
                raise FetchRefused(
                    _("%(host)s is not a public address (%(address)s is %(kind)s).")
                    % {"host": host, "address": address, "kind": kind}
                )
    return Target(host=host, address=addresses[0])


def check_url(url: str, *, resolver: Resolver | None = None) -> None:
    """Refuse (FetchRefused) a URL that may never be fetched, when a user saves it.

    A name that does not resolve now passes: DNS may be down, and every fetch checks again.
    """
    try:
        vet(url, resolver=resolver)
    except FetchRefused:
        raise
    except FetchError:
        return


class PinnedTransport(httpx.BaseTransport):
    """Sends each request to the checked address of its host, resolved once for this transport.

    Each host has its own connection pool: the pools are keyed by the address dialled, and a
    TLS connection verified for one name must never carry another name's requests.
    """

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._resolver = resolver
        self._shared = transport
        self._verify = verify
        self._targets: dict[str, Target] = {}
        self._pools: dict[str, httpx.BaseTransport] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.raw_host.decode("ascii")
        target = self._targets.get(name)
        if target is None:
            target = self._targets[name] = vet(request.url, resolver=self._resolver)
        extensions = dict(request.extensions)
        if request.url.scheme == "https":
            extensions["sni_hostname"] = target.host
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=target.address),
            headers=request.headers,  # Host stays the name the user gave
            stream=request.stream,
            extensions=extensions,
        )
        return self._pool(target.host).handle_request(pinned)

    def _pool(self, host: str) -> httpx.BaseTransport:
        if self._shared is not None:
            return self._shared
        pool = self._pools.get(host)
        if pool is None:
            pool = self._pools[host] = httpx.HTTPTransport(verify=self._verify)
        return pool

    def close(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        if self._shared is not None:
            self._shared.close()


def safe_client(
    *,
    timeout: float | httpx.Timeout = TIMEOUT,
    resolver: Resolver | None = None,
    transport: httpx.BaseTransport | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.Client:
    """An httpx client for user-supplied URLs: every connection goes to a checked address.

    Use it through `get`, which follows redirects (the client itself never does). `transport`
    replaces the network under the pinning (tests pass an httpx.MockTransport); `verify` is
    httpx's (tests pass an SSL context that trusts their own certificate).
    """
    return httpx.Client(
        transport=PinnedTransport(resolver=resolver, transport=transport, verify=verify),
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        trust_env=False,  # an environment proxy would resolve the name again, unchecked
    )


def get(
    url: str,
    *,
    client: httpx.Client | None = None,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    deadline: float = DEADLINE,
) -> httpx.Response:
    """GET a user-supplied URL: redirects checked and capped, body read whole within the caps.

    The answer's `url` is the last hop's; any status is returned (the caller judges it).
    """
    if client is None:
        with safe_client() as own:
            return get(
                url,
                client=own,
                headers=headers,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                deadline=deadline,
            )
    ends = time.monotonic() + deadline
    current = _parse(url)
    for _hop in range(max_redirects + 1):
        request = client.build_request(
            "GET", current, headers=headers, timeout=_within(client.timeout, ends, current)
        )
        try:
            response = client.send(request, stream=True, follow_redirects=False)
            try:
                if response.has_redirect_location:
                    current = _next_hop(current, response.headers["location"])
                    continue
                return _read(response, max_bytes=max_bytes, ends=ends)
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise FetchError(
                _("Could not reach %(url)s (%(error)s).")
                % {"url": _where(current), "error": f"{type(exc).__name__}: {exc}"}
            ) from exc
    raise FetchRefused(
        _("%(url)s redirects more than %(count)d times.")
        % {"url": _where(httpx.URL(url)), "count": max_redirects}
    )


def _next_hop(current: httpx.URL, location: str) -> httpx.URL:
    try:
        joined = current.join(location)
    except httpx.InvalidURL as exc:
        raise FetchRefused(_("Not a web address: %(url)s") % {"url": location[:200]}) from exc
    return _parse(joined)


def _within(timeout: httpx.Timeout, ends: float, url: httpx.URL) -> httpx.Timeout:
    """The client's timeouts, none longer than what is left of the deadline."""
    left = ends - time.monotonic()
    if left <= 0:
        raise FetchError(_timed_out(url))

    def cap(value: float | None) -> float:
        return left if value is None else min(value, left)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )


def _timed_out(url: httpx.URL) -> str:
    return _("%(url)s took too long to answer.") % {"url": _where(url)}


def _read(response: httpx.Response, *, max_bytes: int, ends: float) -> httpx.Response:
    url = response.request.url
    too_big = _("%(url)s sent more than %(count)d bytes.") % {
        "url": _where(url),
        "count": max_bytes,
    }
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(too_big)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(too_big)
        if time.monotonic() > ends:
            raise FetchError(_timed_out(url))
        chunks.append(chunk)
    headers = httpx.Headers(response.headers)
    # The body is decoded already: the stored copy must not be decoded again.
    for name in ("content-encoding", "content-length"):
        headers.pop(name, None)
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=b"".join(chunks),
        request=response.request,
    )
