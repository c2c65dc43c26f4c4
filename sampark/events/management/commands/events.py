"""`sampark events targets --kind district_workshop --band 2500:5000 --json`: the target of every
host unit inside the band, with the inputs it used (electors, area) and the formula."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sampark.core.numbers import indian_group
from sampark.events import services
from sampark.events.enums import EventKind
from sampark.events.targets import Band
from sampark.geo.enums import Level
from sampark.geo.models import Unit


def parse_band(raw: str) -> tuple[int, int]:
    low, sep, high = raw.partition(":")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise CommandError("--band takes LOW:HIGH, e.g. 2500:5000")
    return int(low), int(high)


class Command(BaseCommand):
    help = "Events: targets per host unit from the electorate and the area."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        targets = sub.add_parser("targets", help="a target per district (or PC) inside a band")
        targets.add_argument(
            "--kind", choices=EventKind.values, default=EventKind.DISTRICT_WORKSHOP
        )
        targets.add_argument("--band", default="2500:5000", help="LOW:HIGH workers per host unit")
        targets.add_argument("--electors-weight", type=float, default=0.7)
        targets.add_argument("--state", default="UP", help="the state's path (default UP)")
        targets.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "targets":
            self.targets(options)

    def targets(self, options: dict[str, Any]) -> None:
        low, high = parse_band(options["band"])
        state = Unit.objects.filter(path=options["state"], level=Level.STATE).first()
        if state is None:
            raise CommandError(f"no state {options['state']!r}: run `sampark geo import` first")
        try:
            computed = services.targets_compute(
                state=state,
                kind=options["kind"],
                band=services._clean_band(low, high, options["electors_weight"]),
                hosts_only=True,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        units: list[dict[str, Any]] = []
        for host in sorted(computed.hosts, key=lambda h: computed.meta[h.unit_id][0]):
            path, name, _level = computed.meta[host.unit_id]
            units.append(
                {
                    "unit": path,
                    "name": name,
                    "electors": host.electors,
                    "area_km2": round(host.area_km2 or 0.0, 1),
                    "target": computed.targets[host.unit_id],
                }
            )
        band: Band = computed.band
        if options["json"]:
            out = {"kind": options["kind"], "band": [low, high], "formula": band.formula()}
            self.stdout.write(json.dumps({**out, "units": units}, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"target = {band.formula()}")
        for u in units:
            self.stdout.write(
                f"{u['unit']:<10} {u['name'][:24]:<24} {indian_group(u['electors']):>12}"
                f" {u['area_km2']:>9} km² {indian_group(u['target']):>7}"
            )
        self.stdout.write(f"total {indian_group(sum(u['target'] for u in units))}")
