"""`sampark people import FILE --scope PATH` and `sampark people export --scope PATH -o FILE`.

The console acts as the system (every permission, no user scope), like a superuser would;
the import still stays inside the given scope unit.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sampark.geo.models import Unit
from sampark.people import exporter, importer
from sampark.people.models import ImportJob


def _mapping(text: str) -> dict[str, str]:
    raw = text.strip()
    if not raw:
        return {}
    if not raw.startswith("{"):
        raw = Path(raw).read_text(encoding="utf-8")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CommandError(f"--mapping is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandError('--mapping must be an object: {"source header": "field"}')
    return {str(k): str(v or "") for k, v in data.items()}


class Command(BaseCommand):
    help = "Import volunteers from a CSV/XLSX file, or export them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import volunteers from a CSV or XLSX file.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--scope", required=True, help="Unit path, e.g. UP/D1 or UP/D1/AC1")
        imp.add_argument("--mapping", default="", help='JSON {"source header": "field"} or a file')
        imp.add_argument("--verify", action="store_true", help="Mark new positions verified")
        imp.add_argument(
            "--default-position", default="", help="Position code for rows without one"
        )
        imp.add_argument("--notice-version", default="", help="Consent notice version")
        imp.add_argument("--chunk-size", type=int, default=None)
        imp.add_argument("--json", action="store_true", help="Print the report as JSON")
        exp = sub.add_parser("export", help="Export the volunteers of a unit's subtree.")
        exp.add_argument("--scope", required=True, help="Unit path")
        exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        exp.add_argument("-o", "--output", required=True, help="Output file ('-' for stdout, CSV)")
        exp.add_argument("--masked", action="store_true", help="Mask phone numbers")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = Unit.objects.filter(path=options["scope"].strip().strip("/")).first()
        if scope is None:
            raise CommandError(f"no unit with path {options['scope']!r}")
        if options["action"] == "import":
            self._import(scope, options)
        else:
            self._export(scope, options)

    def _import(self, scope: Unit, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        settings = importer.job_settings(
            columns=_mapping(options["mapping"]),
            verify=options["verify"],
            default_position=options["default_position"],
            notice_version=options["notice_version"],
        )
        job = importer.import_job_create(
            scope=scope,
            actor=None,
            filename=path.name,
            settings=settings,
            status=ImportJob.Status.RUNNING,
        )
        try:
            report = importer.import_file(
                source=path,
                scope=scope,
                actor=None,
                mapping=settings["columns"],
                verify=options["verify"],
                default_position=options["default_position"],
                notice_version=options["notice_version"],
                job=job,
                chunk_size=options["chunk_size"],
            )
        except importer.ImportFileError as exc:
            with transaction.atomic():
                ImportJob.objects.filter(id=job.pk).update(
                    status=ImportJob.Status.FAILED, errors=[exc.as_error()]
                )
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        counts = report.counts()
        self.stdout.write(
            f"import #{job.pk} into {scope.path}: {counts['total']} rows in {report.seconds:.1f}s — "
            f"created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, failed {counts['failed']}; "
            f"positions {counts['assignments']} (verified {counts['verified']}), "
            f"flags {counts['flags']}, consents {counts['consents']}"
        )
        for stored in report.errors[:50]:
            error = importer.localised(stored)
            self.stdout.write(
                f"  line {error['line']} [{error['column']}] {error['value']!r}: {error['reason']}"
            )
        more = len(report.errors) - 50 + report.errors_omitted
        if more > 0:
            self.stdout.write(f"  … and {more} more errors")

    def _export(self, scope: Unit, options: dict[str, Any]) -> None:
        output = options["output"]
        masked = options["masked"]
        exporter.record_export(actor=None, unit=scope, fmt=options["format"], masked=masked)
        if options["format"] == "xlsx":
            if output == "-":
                raise CommandError("XLSX needs an output file")
            with Path(output).open("wb") as out:
                count = exporter.export_xlsx(unit=scope, masked=masked, out=out)
            self.stderr.write(f"{count} persons written to {output}")
            return
        if output == "-":
            for chunk in exporter.export_csv(unit=scope, masked=masked):
                sys.stdout.write(chunk)
            return
        with Path(output).open("w", encoding="utf-8", newline="") as handle:
            for chunk in exporter.export_csv(unit=scope, masked=masked):
                handle.write(chunk)
        self.stderr.write(f"written to {output}")
