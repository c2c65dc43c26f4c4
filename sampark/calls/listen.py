"""Listening in on a live call (issue #15): a supervisor hears both sides of an agent's call on
their own phone, where the telephony adapter can do it (Asterisk ARI: a snooping channel on the
customer's leg, spy both, whisper none, bridged with the supervisor's phone). Exotel's
documented Voice v1 API has no monitoring or barge call, so with Exotel it is not offered.

Scoped like the call itself (the supervisor's subtree holds the contact) and audited: every
session is an audit row naming the supervisor, the call and the agent.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.calls import audit, selectors, telephony
from sampark.calls.enums import AttemptStatus
from sampark.calls.models import Attempt
from sampark.calls.permissions import require_manager
from sampark.integrations.telephony.base import Telephony


def can_listen(adapter: Telephony) -> bool:
    """Whether the adapter offers listening in."""
    return callable(getattr(adapter, "listen", None))


def listen_start(*, supervisor: User, attempt_id: int, phone: str, **extra: Any) -> str:
    """Ring the supervisor's `phone` into a live call to listen; the session's id.

    404 outside the supervisor's subtree; ValidationError when the call is not live through
    the adapter or the adapter cannot listen.
    """
    attempt = selectors.access_attempt(user=supervisor, attempt_id=attempt_id)
    require_manager(supervisor)
    live = attempt.status in {AttemptStatus.RINGING, AttemptStatus.IN_PROGRESS}
    if not live or not attempt.provider or not attempt.provider_call_id:
        raise ValidationError(_("Only a live call placed through the telephone line can be heard."))
    if attempt.provider != telephony.provider_name():
        raise ValidationError(_("This call was placed through another telephone line."))
    adapter = telephony.adapter(**extra)
    if not can_listen(adapter):
        raise ValidationError(_("This telephone line does not allow listening in."))
    if not phone:
        raise ValidationError(_("Your profile has no phone number to ring."))
    session: str = adapter.listen(attempt.provider_call_id, phone)  # type: ignore[attr-defined]
    with transaction.atomic():
        audit.listen_started(attempt=attempt, actor=supervisor, session=session)
    return session


def live_calls(*, user: User, limit: int = 50) -> list[Attempt]:
    """Calls up now through the telephone line in the user's subtree (those one may listen to)."""
    return list(
        Attempt.objects.filter(
            scope_q(user=user, field="contact__unit"),
            status__in=[AttemptStatus.RINGING, AttemptStatus.IN_PROGRESS],
            closed_at__isnull=True,
        )
        .exclude(provider="")
        .select_related("agent", "contact__campaign")
        .order_by("started_at")[:limit]
    )
