"""The call centre's part of a person's data (issue #12, docs/privacy.md): registered with
`people.privacy` in `CallsConfig.ready`.

Export: the person's places in campaigns, the calls made to them with their outcome, and the
agents' notes. Erase: those rows, and the number on our own do-not-call list — an erased
person's phone is kept only as people's keyed hash, which already stops any campaign from
reaching them again (no person, so no contact, can be made with it)."""

from __future__ import annotations

from typing import Any

from sampark.calls.models import Attempt, Contact, DoNotCall, Note
from sampark.people.privacy import Subject


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    pid = subject.person_id
    rows: dict[str, list[dict[str, Any]]] = {
        "do_not_call": [
            {"reason": d.reason, "added_at": d.added_at.isoformat()}
            for d in DoNotCall.objects.filter(phone__in=subject.phone_forms())
        ]
    }
    if pid is None:
        return rows
    contacts = Contact.objects.filter(person_id=pid).select_related("campaign").order_by("id")
    rows["call_campaigns"] = [
        {"campaign": c.campaign.name, "status": c.status, "disposition": c.disposition}
        for c in contacts
    ]
    rows["calls"] = [
        {"campaign_id": a["contact__campaign_id"], "started_at": str(a["started_at"])}
        for a in Attempt.objects.filter(contact__person_id=pid)
        .order_by("id")
        .values("contact__campaign_id", "started_at")
    ]
    rows["call_notes"] = [
        {"text": n.text, "created_at": n.created_at.isoformat()}
        for n in Note.objects.filter(contact__person_id=pid).order_by("id")
    ]
    return rows


def erase(subject: Subject) -> int:
    n = DoNotCall.objects.filter(phone__in=subject.phone_forms()).delete()[0]
    if subject.person_id is not None:
        # Calls, answers and notes go with their contact.
        n += Contact.objects.filter(person_id=subject.person_id).delete()[0]
    return n
