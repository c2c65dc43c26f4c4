"""`sampark geo import --state UP [--data DIR] [--name NAME]`: load a state's electoral tree;
`sampark geo names-hi --state UP [--redo]`: Hindi names where the data has none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sampark.core.numbers import indian_group
from sampark.geo import selectors as geo_selectors
from sampark.geo import services as geo_services
from sampark.geo.importer import LEVELS, ImportReport, import_state


class Command(BaseCommand):
    help = "The electoral tree: import a state from the CSV/GeoJSON layout of shared/data/geo-up."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import",
            help="create or update a state's tree (idempotent); bad rows are reported and skipped",
        )
        load.add_argument("--state", required=True, help="state code, e.g. UP")
        load.add_argument(
            "--data",
            type=Path,
            default=None,
            help="folder with <state>_ac_master.csv etc. (default: DATA_DIR/geo-<state>)",
        )
        load.add_argument("--name", default=None, help='state name, e.g. "Uttar Pradesh"')
        load.add_argument("--name-hi", default=None, help='Hindi name, e.g. "उत्तर प्रदेश"')
        names = sub.add_parser(
            "names-hi",
            help="give districts, PCs and ACs a Hindi name where none is known (marked as made)",
        )
        names.add_argument("--state", required=True, help="state code, e.g. UP")
        names.add_argument(
            "--redo", action="store_true", help="also replace Hindi names of unknown origin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.import_(options)
        elif options["action"] == "names-hi":
            self.names_hi(options)

    def names_hi(self, options: dict[str, Any]) -> None:
        root = geo_selectors.unit_by_path(path=str(options["state"]).strip().upper())
        if root is None:
            raise CommandError(f"no state {options['state']!r}; import it first")
        counts = geo_services.unit_names_hi_fill(root=root, redo=bool(options["redo"]))
        self.stdout.write(json.dumps({"state": root.path, "names_hi": counts}, sort_keys=True))

    def import_(self, options: dict[str, Any]) -> None:
        state = str(options["state"])
        data = options["data"] or Path(settings.DATA_DIR) / f"geo-{state.strip().lower()}"
        report = import_state(
            state=state, data_dir=Path(data), name=options["name"], name_hi=options["name_hi"]
        )
        for line in summary(report):
            self.stdout.write(line)
        for problem in report.errors:
            self.stderr.write(str(problem))
        for problem in report.warnings:
            self.stderr.write(f"warning: {problem}")
        if not report.imported:
            raise CommandError(f"nothing imported from {data}")


def summary(report: ImportReport) -> list[str]:
    """A small table of what the import found and did, one line per level."""
    lines = [f"{report.state} from {report.data_dir} in {report.seconds:.1f} s"]
    if report.imported:
        lines.append(f"  {'level':<10}{'in files':>12}{'created':>12}{'updated':>12}")
        for level in LEVELS:
            lines.append(
                f"  {level:<10}{indian_group(report.in_files[level]):>12}"
                f"{indian_group(report.created[level]):>12}"
                f"{indian_group(report.updated[level]):>12}"
            )
    lines.append(
        f"  {len(report.errors)} error(s) (rows skipped), {len(report.warnings)} warning(s)"
        + (":" if report.errors or report.warnings else "")
    )
    return lines
