"""Named audit events of the results app (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.results.models import Election


def results_imported(*, election: Election, state_path: str, counts: dict[str, int]) -> AuditEvent:
    return audit.record(
        verb="results.imported",
        object_type="election",
        object_id=election.id,
        actor=None,
        unit_path=state_path,
        data={"election": str(election), "org_party": election.org_party, "rows": counts},
    )
