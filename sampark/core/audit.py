"""Writing audit rows. Each app's `audit.py` wraps this with named events."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User


def record(
    *,
    verb: str,
    object_type: str,
    object_id: int | None,
    actor: User | None,
    unit_path: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row; call inside the service's transaction."""
    return AuditEvent.objects.create(
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        actor=actor if actor is not None and actor.pk else None,
        unit_path=unit_path,
        data=data or {},
    )


PHONES_READ = "phones.read"
_DIGITS = re.compile(r"\d[\d\s-]{4,}\d")


def _redacted(filters: dict[str, Any]) -> dict[str, Any]:
    # A search by phone must not copy the number into the log: keep that it was one.
    return {
        key: _DIGITS.sub("[number]", value) if isinstance(value, str) else value
        for key, value in filters.items()
        if value not in (None, "")
    }


def phones_read(
    *,
    actor: User,
    what: str,
    rows: int,
    filters: dict[str, Any],
    unit_path: str,
    unit_id: int | None = None,
) -> AuditEvent | None:
    """Record a read that showed full phone numbers in bulk (a list, a search, an export).

    `what` names the page or endpoint, `filters` the query as given (never a phone itself: a
    phone searched for is recorded as searched, not as its digits). A read that returned no
    row showed no phone and is not recorded. Masked reads are not recorded: call only when the
    reader saw full numbers (issue #12).
    """
    if rows <= 0:
        return None
    return record(
        verb=PHONES_READ,
        object_type="unit",
        object_id=unit_id,
        actor=actor,
        unit_path=unit_path,
        data={"what": what, "rows": rows, "filters": _redacted(filters)},
    )
