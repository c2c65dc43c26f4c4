"""`sampark distribute …`: dry-run a distribution, load the rule tables, make web-push keys.

The shell contract of issue #5 (keep it stable):
  sampark distribute simulate --content ID --target PATH --at ISO --json
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sampark.content import gates
from sampark.content.models import ContentItem
from sampark.geo.models import Unit
from sampark.people.enums import ConsentPurpose
from sampark.rules import services as rules_services


class Command(BaseCommand):
    help = "Dry-run a distribution, import the election calendar or DND list, make VAPID keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sim = sub.add_parser("simulate", help="how many would go and be held, without sending")
        sim.add_argument("--content", type=int, required=True, help="content item id")
        sim.add_argument(
            "--target", action="append", required=True, help="unit path (repeat for several)"
        )
        sim.add_argument("--at", required=True, help="ISO time; IST when no offset is given")
        sim.add_argument("--positions", default="", help="position codes, comma-separated")
        sim.add_argument("--purpose", default=ConsentPurpose.VOLUNTEER_COORDINATION)
        sim.add_argument("--json", action="store_true")
        cal = sub.add_parser("calendar", help="import poll phases from CSV")
        cal.add_argument("path")
        cal.add_argument("--state", default="UP", help="state path")
        cal.add_argument("--json", action="store_true")
        dnd = sub.add_parser("dnd", help="import an NCPR (DND) scrub file, one number per line")
        dnd.add_argument("path")
        dnd.add_argument("--source", default="ncpr")
        dnd.add_argument("--json", action="store_true")
        sub.add_parser("vapid-keys", help="print a fresh VAPID key pair for web push")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "simulate":
            self.simulate(options)
        elif what == "calendar":
            state = Unit.objects.filter(path=options["state"]).first()
            if state is None:
                raise CommandError(f"no unit {options['state']!r}")
            report = rules_services.calendar_import(text=_read(options["path"]), state=state)
            self._report(report, as_json=options["json"])
        elif what == "dnd":
            report = rules_services.dnd_import(
                text=_read(options["path"]), source=options["source"]
            )
            self._report(report, as_json=options["json"])
        else:
            from sampark.integrations import webpush

            private, public = webpush.vapid_keys()
            self.stdout.write(f"SAMPARK_VAPID_PRIVATE_KEY={private}")
            self.stdout.write(f"SAMPARK_VAPID_PUBLIC_KEY={public}")

    def simulate(self, options: dict[str, Any]) -> None:
        item = ContentItem.objects.filter(id=options["content"]).first()
        if item is None:
            raise CommandError(f"no content item {options['content']}")
        paths = [p for t in options["target"] for p in t.split(",") if p.strip()]
        units = {u.path: u for u in Unit.objects.filter(path__in=paths)}
        unknown = [p for p in paths if p not in units]
        if unknown:
            raise CommandError(f"no unit(s): {', '.join(unknown)}")
        try:
            at = dt.datetime.fromisoformat(options["at"])
        except ValueError as exc:
            raise CommandError(f"--at: {exc}") from exc
        if timezone.is_naive(at):
            at = at.replace(tzinfo=gates.IST)
        positions = [p for p in options["positions"].split(",") if p]
        result = gates.simulate(
            item=item,
            target_ids=[u.id for u in units.values()],
            positions=positions,
            purpose=options["purpose"],
            at=at,
        )
        out = {"content": item.id, "targets": paths, "at": at.isoformat(), **result}
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"{out['deliveries']} deliveries, {out['would_send']} would go")
        for reason, n in result["held"].items():
            self.stdout.write(f"  held ({reason}): {n}")

    def _report(self, report: rules_services.Report, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"loaded {report.loaded}, unchanged {report.unchanged}")
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")


def _read(path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"no such file: {path}")
    return p.read_text(encoding="utf-8-sig")
