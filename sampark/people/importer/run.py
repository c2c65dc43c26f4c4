"""One run of an import over one file: read it in chunks, validate each row, write each chunk in
its own transaction with the job's progress, and resume an interrupted job after its last
committed chunk. Finishing marks the job done and writes the import's one audit row."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.core import audit
from sampark.geo.models import Unit
from sampark.geo.scope import contains
from sampark.people.importer.cells import clean, fast_normalize_phone
from sampark.people.importer.errors import ImportFileError, unexpected_error
from sampark.people.importer.lookups import Catalogue, load_units
from sampark.people.importer.mapping import Layout, resolve_columns
from sampark.people.importer.reading import open_table
from sampark.people.importer.report import ImportReport
from sampark.people.importer.validating import Row, RowValidator
from sampark.people.importer.writing import ChunkWriter
from sampark.people.models import ImportJob, PositionKind

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5000


class _Superseded(Exception):  # noqa: N818 (control flow, not an error)
    """Another run of the same job committed a chunk first; this run stops."""


class VolunteerImport:
    """One run of an import over one file; see the package docstring for the rules."""

    def __init__(
        self,
        *,
        scope: Unit,
        actor: User | None,
        mapping: Mapping[str, str | None] | None = None,
        verify: bool = False,
        default_position: str = "",
        notice_version: str = "",
        job: ImportJob | None = None,
        chunk_size: int | None = None,
    ) -> None:
        if actor is not None:
            root = actor.unit
            if root is None or not contains(root, scope):
                raise ImportFileError(gettext_noop("The import's unit is outside your area."))
            if verify and not actor.can(Capability.VERIFY_WORKERS):
                raise ImportFileError(gettext_noop("Your role may not verify workers."))
        self.scope = scope
        self.actor = actor
        self.mapping = dict(mapping or {})
        self.verify = verify
        self.notice_version = notice_version.strip()
        self.job = job
        self.chunk_size = chunk_size or CHUNK_SIZE
        self.source = f"import:{job.pk}" if job is not None else "import"
        self.today = timezone.localdate()
        self.report = ImportReport(job_id=job.pk if job is not None else None)
        self.catalogue = Catalogue()
        self.default_kind: PositionKind | None = None
        if default_position.strip():
            self.default_kind = self.catalogue.kind(default_position)
            if self.default_kind is None:
                raise ImportFileError(
                    gettext_noop("Unknown default position “%(value)s”."),
                    {"value": default_position},
                )

    def run(self, source: Path | IO[bytes], *, filename: str = "") -> ImportReport:
        """Import the file; returns the report (also saved on the job, when there is one)."""
        self._started = started = time.perf_counter()
        resume_after = self._resume_state()
        with open_table(source, filename=filename) as table:
            layout = Layout(table.header, resolve_columns(table.header, self.mapping))
            if "consent" in layout.columns and not self.notice_version:
                raise ImportFileError(
                    gettext_noop(
                        "The file has a consent column: give the notice version it was collected under."
                    )
                )
            units = load_units(self.scope)
            self.validator = RowValidator(
                layout=layout,
                catalogue=self.catalogue,
                units=units,
                default_kind=self.default_kind,
                today=self.today,
            )
            self.writer = ChunkWriter(
                layout=layout,
                catalogue=self.catalogue,
                unit_level=units.level,
                actor=self.actor,
                verify=self.verify,
                source=self.source,
                notice_version=self.notice_version,
            )
            seen: dict[int, int] = {}
            chunk: list[tuple[int, list[str]]] = []
            rows = table.rows
            if resume_after:
                rows = self._fast_forward(rows, resume_after, layout.columns["phone"], seen)
            for line, cells in rows:
                chunk.append((line, cells))
                if len(chunk) >= self.chunk_size:
                    self._chunk(chunk, seen)
                    chunk = []
                    if self.report.superseded:
                        break
            else:
                if chunk:
                    self._chunk(chunk, seen)
        self.report.seconds += time.perf_counter() - started
        if not self.report.superseded:
            self._finish()
        return self.report

    def _resume_state(self) -> int:
        """The last committed line of an interrupted run of this job (0: start afresh)."""
        self._committed_line = 0
        if self.job is None:
            return 0
        progress = (self.job.mapping or {}).get("progress") or {}
        line = int(progress.get("line") or 0)
        if line:
            job = self.job
            self.report.total = job.rows_total
            self.report.created = job.rows_created
            self.report.updated = job.rows_updated
            self.report.unchanged = job.rows_unchanged
            self.report.failed = job.rows_failed
            self.report.errors = list(job.errors or [])
            for key in ("assignments", "verified", "flags", "consents", "errors_omitted"):
                setattr(self.report, key, int(progress.get(key) or 0))
            self.report.seconds = float(progress.get("seconds") or 0.0)
        self._committed_line = line
        return line

    @staticmethod
    def _fast_forward(
        rows: Iterator[tuple[int, list[str]]], upto: int, phone_col: int, seen: dict[int, int]
    ) -> Iterator[tuple[int, list[str]]]:
        """Skip rows already committed, only remembering their phones for duplicate checks."""
        for line, cells in rows:
            if line > upto:
                yield line, cells
                yield from rows
                return
            try:
                key = int(fast_normalize_phone(clean(cells[phone_col]))[1:])
            except (ValidationError, IndexError):
                continue
            seen.setdefault(key, line)

    def _chunk(self, chunk: list[tuple[int, list[str]]], seen: dict[int, int]) -> None:
        rows: list[Row] = []
        errors: list[dict[str, Any]] = []
        failed = 0
        validate = self.validator.validate
        for line, cells in chunk:
            try:
                row, row_errors = validate(line, cells, seen)
            except Exception as exc:  # a value no rule foresaw fails its row, not the import
                logger.warning("import line %s: %r", line, exc)
                row, row_errors = None, [unexpected_error(line, exc)]
            if row is None:
                failed += 1
                errors.extend(row_errors)
            else:
                rows.append(row)
        last_line = chunk[-1][0]
        for attempt in range(3):
            try:
                with transaction.atomic():
                    result = self.writer.write(rows)
                    result.failed += failed
                    result.errors[:0] = errors
                    pending = self.report.merged(result, rows=len(chunk))
                    self._checkpoint(last_line, pending, errors_changed=bool(result.errors))
                break
            except _Superseded:
                self.report.superseded = True
                return
            except IntegrityError:
                # Someone else took a seat or a phone between our read and our write:
                # read the chunk's state again and redo it.
                if attempt == 2:
                    raise
        self.report = pending
        self._committed_line = last_line

    def _checkpoint(self, line: int, report: ImportReport, *, errors_changed: bool) -> None:
        """Save progress in the chunk's transaction; stop if another run got ahead of us."""
        if self.job is None:
            return
        current = (
            ImportJob.objects.select_for_update()
            .filter(id=self.job.pk)
            .values_list("mapping", flat=True)
            .first()
        )
        done = int(((current or {}).get("progress") or {}).get("line") or 0)
        if done != self._committed_line:
            raise _Superseded
        mapping = dict(current or {})
        mapping["progress"] = {
            "line": line,
            "assignments": report.assignments,
            "verified": report.verified,
            "flags": report.flags,
            "consents": report.consents,
            "errors_omitted": report.errors_omitted,
            "seconds": round(report.seconds + time.perf_counter() - self._started, 2),
        }
        fields: dict[str, Any] = {
            "mapping": mapping,
            "status": ImportJob.Status.RUNNING,
            "rows_total": report.total,
            "rows_created": report.created,
            "rows_updated": report.updated,
            "rows_unchanged": report.unchanged,
            "rows_failed": report.failed,
        }
        if errors_changed:
            fields["errors"] = report.errors
        ImportJob.objects.filter(id=self.job.pk).update(**fields)

    def _finish(self) -> None:
        """Mark the job done and write the one audit row of the import."""
        report = self.report
        with transaction.atomic():
            if self.job is not None and not self._finish_job(self.job, report):
                # Another run of this job finished it, or is ahead of us.
                report.superseded = True
                return
            audit.record(
                verb="people.imported",
                object_type="import_job",
                object_id=self.job.pk if self.job is not None else None,
                actor=self.actor,
                unit_path=self.scope.path,
                data={
                    **report.counts(),
                    "filename": self.job.filename if self.job is not None else "",
                    "verify": self.verify,
                    "default_position": self.default_kind.code if self.default_kind else "",
                },
            )

    def _finish_job(self, job: ImportJob, report: ImportReport) -> bool:
        """Save the final counts and errors; False if this run no longer owns the job."""
        status, current = (
            ImportJob.objects.select_for_update()
            .filter(id=job.pk)
            .values_list("status", "mapping")
            .get()
        )
        mapping = dict(current or {})
        progress = dict(mapping.get("progress") or {})
        if (
            status == ImportJob.Status.DONE
            or int(progress.get("line") or 0) != self._committed_line
        ):
            return False
        progress.update(report.counts(), seconds=round(report.seconds, 2))
        progress["line"] = progress.get("line") or 0
        mapping["progress"] = progress
        ImportJob.objects.filter(id=job.pk).update(
            status=ImportJob.Status.DONE,
            mapping=mapping,
            rows_total=report.total,
            rows_created=report.created,
            rows_updated=report.updated,
            rows_unchanged=report.unchanged,
            rows_failed=report.failed,
            errors=report.errors,
            finished_at=timezone.now(),
        )
        return True


def import_file(
    *,
    source: Path | IO[bytes],
    scope: Unit,
    actor: User | None,
    filename: str = "",
    mapping: Mapping[str, str | None] | None = None,
    verify: bool = False,
    default_position: str = "",
    notice_version: str = "",
    job: ImportJob | None = None,
    chunk_size: int | None = None,
) -> ImportReport:
    """Import a volunteer file into `scope` (actor None: the system, e.g. the console)."""
    importer = VolunteerImport(
        scope=scope,
        actor=actor,
        mapping=mapping,
        verify=verify,
        default_position=default_position,
        notice_version=notice_version,
        job=job,
        chunk_size=chunk_size,
    )
    return importer.run(source, filename=filename)
