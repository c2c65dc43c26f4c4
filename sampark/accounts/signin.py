"""Sign-in rules (issue #12): the client's address behind proxies, and who needs a second factor."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the log-in throttle (django-axes' AXES_CLIENT_IP_CALLABLE).

    With SAMPARK_PROXY_COUNT proxies in front, each appending the address it saw to
    X-Forwarded-For, the client is that many entries from the right: entries further left were
    written by the client and prove nothing. Anything unparsable falls back to the socket's
    address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.SAMPARK_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
