"""Small helpers every app's views and API share: the typed user and HTMX request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from sampark.accounts.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


def request_user(request: HttpRequest) -> User:
    """The logged-in user, typed (views are behind login_required or Ninja's django_auth)."""
    # Core sits below accounts (issue #11): no isinstance check against the imported class;
    # an authenticated request.user is always settings.AUTH_USER_MODEL (mypy narrows to it).
    user = request.user
    assert user.is_authenticated
    return user


def wants_fragment(request: HtmxRequest) -> bool:
    """An HTMX swap wants the fragment; a history restore (cache miss on Back) the full page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
