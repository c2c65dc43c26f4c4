"""Placing a call through the configured telephony adapter, and the callback URL it reports to.

The callback URL carries `<attempt id>.<HMAC of it>`: Exotel signs nothing, so the URL's secret
is what authenticates a status report, and `core.replay` refuses the same report twice.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, cast

from django.conf import settings
from django.urls import reverse

from sampark.calls import services
from sampark.calls.models import Attempt
from sampark.integrations.telephony.base import DialRequest, Telephony, get_adapter
from sampark.people import selectors as people_selectors


def provider_name() -> str:
    return str(settings.SAMPARK_CALLS["TELEPHONY"])


def adapter(**extra: Any) -> Telephony:
    name = provider_name()
    options = cast("dict[str, Any]", settings.SAMPARK_CALLS[name.upper()])
    return get_adapter(name, options, **extra)


def _secret() -> bytes:
    return str(settings.SAMPARK_CALLS["CALLBACK_SECRET"] or settings.SECRET_KEY).encode()


def callback_token(attempt_id: int) -> str:
    mac = hmac.new(_secret(), f"calls:{attempt_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{attempt_id}.{mac}"


def attempt_of_token(token: str) -> int | None:
    """The attempt id a callback token names, if its HMAC is ours."""
    head, _sep, _mac = token.partition(".")
    if not head.isdigit() or len(head) > 18:
        return None
    return int(head) if hmac.compare_digest(callback_token(int(head)), token) else None


def dial(*, attempt: Attempt, agent_phone: str, base_url: str, **extra: Any) -> None:
    """Ask the provider to ring the agent, then the contact, from the category's caller ID."""
    contact = attempt.contact
    phone = people_selectors.person_facts(person_ids=[contact.person_id])[contact.person_id].phone
    path = reverse(
        "calls:hook", kwargs={"provider": attempt.provider, "token": callback_token(attempt.id)}
    )
    dialled = adapter(**extra).dial(
        DialRequest(
            agent_number=agent_phone,
            customer_number=phone,
            caller_id=attempt.caller_id,
            promotional=contact.campaign.category == "promotional",
            status_callback=base_url.rstrip("/") + path,
            custom=f"attempt:{attempt.id}",
        )
    )
    services.call_dialled(
        attempt_id=attempt.id, provider_call_id=dialled.call_id, status=dialled.status
    )


def helpline_token() -> str:
    """The secret part of the helpline's Passthru URLs (Exotel signs nothing)."""
    return hmac.new(_secret(), b"calls:helpline", hashlib.sha256).hexdigest()[:32]
