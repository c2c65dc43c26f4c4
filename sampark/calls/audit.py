"""Named audit events of the call centre (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.calls.models import Attempt, CallShift, Campaign, InboundCall, RosterEntry, Site


def campaign_created(*, campaign: Campaign, contacts: int, actor: User) -> AuditEvent:
    return audit.record(
        verb="calls.campaign_created",
        object_type="call_campaign",
        object_id=campaign.id,
        actor=actor,
        unit_path=campaign.unit.path,
        data={"contacts": contacts, "source": campaign.source},
    )


def campaign_refreshed(*, campaign: Campaign, added: int, skipped: int, actor: User) -> AuditEvent:
    return audit.record(
        verb="calls.campaign_refreshed",
        object_type="call_campaign",
        object_id=campaign.id,
        actor=actor,
        unit_path=campaign.unit.path,
        data={"added": added, "barred": skipped, "source": campaign.source},
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


def inbound_closed(*, call: InboundCall, actor: User) -> AuditEvent:
    return audit.record(
        verb="calls.inbound_closed",
        object_type="call_inbound",
        object_id=call.id,
        actor=actor,
        unit_path=call.unit.path,
        data={"disposition": call.disposition},
    )


def listen_started(*, attempt: Attempt, actor: User, session: str) -> AuditEvent:
    """A supervisor listened in on a live call: who, which call, and the session's id."""
    return audit.record(
        verb="calls.listen_started",
        object_type="call_attempt",
        object_id=attempt.id,
        actor=actor,
        unit_path=attempt.contact.unit.path,
        data={"session": session, "agent": attempt.agent_id},
    )


def site_saved(*, site: Site, actor: User) -> AuditEvent:
    return audit.record(
        verb="calls.site_saved",
        object_type="call_site",
        object_id=site.id,
        actor=actor,
        unit_path=site.unit.path,
        data={"seats": site.seats},
    )


def shift_created(*, shift: CallShift, actor: User) -> AuditEvent:
    return audit.record(
        verb="calls.shift_created",
        object_type="call_shift",
        object_id=shift.id,
        actor=actor,
        unit_path=shift.site.unit.path,
    )


def rostered(*, shift: CallShift, entries: list[RosterEntry], actor: User) -> AuditEvent:
    """One row for a batch put on a shift (a floor is rostered hundreds at a time)."""
    return audit.record(
        verb="calls.rostered",
        object_type="call_shift",
        object_id=shift.id,
        actor=actor,
        unit_path=shift.site.unit.path,
        data={"seats": {str(e.agent_id): e.seat for e in entries}},
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
