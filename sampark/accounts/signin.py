"""Sign-in rules (issue #12): the client's address behind proxies, and who needs a second factor."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from sampark.accounts.enums import ROLE_CAPABILITIES, Capability
from sampark.accounts.models import User


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


# What makes a role need a second factor: it may see phone numbers, export, approve, or manage.
MFA_CAPABILITIES: frozenset[str] = frozenset(
    {
        Capability.SEE_PHONES,
        Capability.IMPORT_EXPORT,
        Capability.REVIEW_CONTENT,  # "Review and approve content"
        Capability.APPROVE_RESPONSES,
        *(c for c in Capability if c.value.startswith("manage_")),
    }
)
MFA_ROLES: frozenset[str] = frozenset(
    role for role, capabilities in ROLE_CAPABILITIES.items() if capabilities & MFA_CAPABILITIES
)
# Set at log-in when the user has a second factor: then it is asked for even where not required.
SESSION_HAS_DEVICE = "sampark_mfa_device"


def needs_mfa(user: User | AnonymousUser) -> bool:
    """Whether `user` must pass a second factor after the password (SAMPARK_REQUIRE_MFA on, and a
    superuser, an admin-site user, or a role in MFA_ROLES)."""
    if not settings.SAMPARK_REQUIRE_MFA or not isinstance(user, User):
        return False
    return user.is_superuser or user.is_staff or bool(user.role_names & MFA_ROLES)
