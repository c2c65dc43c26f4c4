"""Named audit events of the fact-check app (rows in sampark.core AuditEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.factcheck.models import FactCheck


def factchecks_imported(*, where: str, counts: dict[str, Any], actor: User | None) -> AuditEvent:
    return audit.record(
        verb="factcheck.imported",
        object_type="factcheck",
        object_id=None,
        actor=actor,
        data={"from": where[:300], **counts},
    )


def own_response_published(*, fact_check: FactCheck, actor: User | None) -> AuditEvent:
    return audit.record(
        verb="factcheck.own_response",
        object_type="factcheck",
        object_id=fact_check.id,
        actor=actor,
        data={"url": fact_check.url, "verdict": fact_check.verdict},
    )
