"""What an import did: counts, and the row errors up to a cap (the rest are counted)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sampark.people.importer.errors import localised

MAX_STORED_ERRORS = 10_000

_COUNTERS = (
    "created",
    "updated",
    "unchanged",
    "failed",
    "assignments",
    "verified",
    "flags",
    "consents",
)


@dataclass
class ChunkResult:
    """What one chunk did; added to the report once its transaction commits."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    assignments: int = 0
    verified: int = 0
    flags: int = 0
    consents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportReport:
    job_id: int | None = None
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    assignments: int = 0
    verified: int = 0
    flags: int = 0
    consents: int = 0
    # As stored (see `errors`): the reason in English, with its msgid and parameters.
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_omitted: int = 0
    seconds: float = 0.0
    superseded: bool = False

    def add_errors(self, errors: Iterable[dict[str, Any]]) -> None:
        for error in errors:
            if len(self.errors) < MAX_STORED_ERRORS:
                self.errors.append(error)
            else:
                self.errors_omitted += 1

    def merged(self, result: ChunkResult, *, rows: int) -> ImportReport:
        """A copy of the report with one chunk's result added."""
        report = dataclasses.replace(self, errors=list(self.errors))
        report.total += rows
        for key in _COUNTERS:
            setattr(report, key, getattr(report, key) + getattr(result, key))
        report.add_errors(result.errors)
        return report

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            **{key: getattr(self, key) for key in _COUNTERS},
            "errors_omitted": self.errors_omitted,
        }

    def as_dict(self, *, with_errors: bool = True) -> dict[str, Any]:
        """The report for the console's --json: errors with their reason in the active
        language, as `line, column, value, code, reason`."""
        data: dict[str, Any] = {"job_id": self.job_id, **self.counts()}
        data["seconds"] = round(self.seconds, 2)
        if with_errors:
            data["errors"] = [localised(error) for error in self.errors]
        return data
