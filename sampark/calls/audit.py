"""Named audit events of the call centre (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.calls.models import Attempt, Campaign


def campaign_created(*, campaign: Campaign, contacts: int, actor: User) -> AuditEvent:
    return audit.record(
        verb="calls.campaign_created",
        object_type="call_campaign",
        object_id=campaign.id,
        actor=actor,
        unit_path=campaign.unit.path,
        data={"contacts": contacts, "source": campaign.source},
    )


def call_closed(*, attempt: Attempt, actor: User, effects: list[str]) -> AuditEvent:
    data: dict[str, Any] = {"disposition": attempt.disposition, "effects": effects}
    return audit.record(
        verb="calls.call_closed",
        object_type="call_attempt",
        object_id=attempt.id,
        actor=actor,
        unit_path=attempt.contact.unit.path,
        data=data,
    )


def dnc_added(*, phone_tail: str, actor: User | None) -> AuditEvent:
    # The number itself stays out of the log (core.audit redacts phones): its last digits do.
    return audit.record(
        verb="calls.dnc_added",
        object_type="call_dnc",
        object_id=None,
        actor=actor,
        data={"phone_tail": phone_tail},
    )


def campaign_changed(*, campaign: Campaign, actor: User, change: str) -> AuditEvent:
    return audit.record(
        verb="calls.campaign_changed",
        object_type="call_campaign",
        object_id=campaign.id,
        actor=actor,
        unit_path=campaign.unit.path,
        data={"change": change},
    )
