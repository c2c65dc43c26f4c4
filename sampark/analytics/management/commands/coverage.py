"""`sampark coverage --unit UP/D47 [--json] [--by pc]`: booth staffing of a unit and its children."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sampark.analytics import selectors
from sampark.analytics.selectors import Coverage
from sampark.core.numbers import indian_group
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import Level

COLUMNS = ("booths", "full", "partial", "empty", "volunteers", "% full")


class Command(BaseCommand):
    help = "Booth coverage of a unit and of each unit one level down."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="materialised path, e.g. UP or UP/D47")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument(
            "--by",
            choices=[Level.DISTRICT, Level.PC, Level.AC, Level.MANDAL, Level.SECTOR, Level.BOOTH],
            default=None,
            help="group the children by another level below the unit (e.g. pc for a state)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = geo_selectors.unit_by_path(path=options["unit"])
        if unit is None:
            raise CommandError(f"no unit at {options['unit']!r}")
        try:
            found = selectors.coverage(unit=unit, child_level=options["by"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
            return
        for line in table(found):
            self.stdout.write(line)


def _row(name: str, cov: Coverage, width: int) -> str:
    cells = (
        cov.booths_total,
        cov.booths_full,
        cov.booths_partial,
        cov.booths_empty,
        cov.volunteers,
    )
    figures = "".join(f"{indian_group(n):>12}" for n in cells)
    return f"{name:<{width}}{figures}{indian_group(cov.pct_full, 1):>10}"


def table(found: Coverage) -> list[str]:
    """The unit's line, then one line per child, with Indian digit grouping."""
    names = [_label(c) for c in found.children]
    width = max([len(found.path), *(len(n) for n in names), 10]) + 2
    head = f"{'unit':<{width}}" + "".join(f"{c:>12}" for c in COLUMNS[:-1]) + f"{COLUMNS[-1]:>10}"
    lines = [head, _row(found.path, found, width)]
    if found.children:
        lines.append("-" * len(head))
    lines += [_row(name, child, width) for name, child in zip(names, found.children, strict=True)]
    return lines


def _label(cov: Coverage) -> str:
    if cov.level in (Level.AC, Level.PC, Level.BOOTH) and cov.number:
        return f"{cov.number} {cov.name}"
    return cov.name
