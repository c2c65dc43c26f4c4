"""`import_state`: read, plan and write a state's tree in one transaction, with one audit row."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from django.db import transaction

from sampark.core import audit
from sampark.geo import services
from sampark.geo.importer.planning import Planner
from sampark.geo.importer.report import ImportReport
from sampark.geo.importer.writing import Writer
from sampark.geo.models import Unit

# The name the import's log line has always carried (it was the module's name).
logger = logging.getLogger("sampark.geo.importer")


def import_state(
    *, state: str, data_dir: Path, name: str | None = None, name_hi: str | None = None
) -> ImportReport:
    """Create or update a state's tree from `data_dir`; idempotent, units keep their ids."""
    started = time.perf_counter()
    code = state.strip().upper()
    report = ImportReport(state=code, data_dir=Path(data_dir))
    if not re.fullmatch(r"[A-Z]{2,3}", code):
        report.error(str(data_dir), None, f"state code {state!r} must be 2 or 3 letters")
        return report
    if not Path(data_dir).is_dir():
        report.error(str(data_dir), None, "data folder not found")
        return report
    plan = Planner(code=code, data_dir=Path(data_dir), report=report).plan(
        name=name, name_hi=name_hi
    )
    if plan is not None:
        with transaction.atomic():
            Writer(report=report).write(plan)
            # Districts and ACs have no Hindi names in the public files: made here, marked.
            named = services.unit_names_hi_fill(root=Unit.objects.get(path=plan.root.code))
            audit.record(
                verb="geo.imported",
                object_type="unit",
                object_id=plan.root_id,
                actor=None,
                unit_path=code,
                data={
                    "data_dir": str(data_dir),
                    "created": report.total_created,
                    "updated": report.total_updated,
                    "errors": len(report.errors),
                    "warnings": len(report.warnings),
                    "names_hi": named,
                },
            )
    report.sort()
    report.seconds = time.perf_counter() - started
    logger.info(
        "geo import %s: %s created, %s updated, %s errors, %s warnings in %.1f s",
        code,
        report.total_created,
        report.total_updated,
        len(report.errors),
        len(report.warnings),
        report.seconds,
    )
    return report
