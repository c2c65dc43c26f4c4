"""`sampark ingest whatsapp-export|rss|jsonl|csv`: put posts into the listening inbox.

The shell contract of issue #3 (keep it stable):
  sampark ingest whatsapp-export PATH [--group ID] [--tz Asia/Kolkata] [--dry-run] [--json] [--dump]
  sampark ingest rss URL|FILE
  sampark ingest jsonl FILE
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pipeline import whatsapp
from sampark.integrations import rss
from sampark.monitoring import importers, polling, services
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Source


class Command(BaseCommand):
    help = "Ingest posts: a WhatsApp chat export, an RSS/Atom feed, or a JSONL/CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        wa = sub.add_parser("whatsapp-export", help="a WhatsApp chat export (.txt or .zip)")
        wa.add_argument("path")
        wa.add_argument("--group", type=int, help="id of the group's source (see sources page)")
        wa.add_argument("--tz", default="Asia/Kolkata")
        wa.add_argument("--month-first", action="store_true", help="force MM/DD dates")
        wa.add_argument("--dry-run", action="store_true", help="parse only, store nothing")
        wa.add_argument("--json", action="store_true", help="print one JSON summary")
        wa.add_argument("--dump", action="store_true", help="print one JSON line per message")
        feed = sub.add_parser("rss", help="an RSS/Atom feed URL (registered and polled) or file")
        feed.add_argument("target")
        for kind in ("jsonl", "csv"):
            p = sub.add_parser(kind, help=f"posts exported from another tool ({kind.upper()})")
            p.add_argument("path")
            p.add_argument("--source", default="", help="source name (default: the file name)")
            p.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "whatsapp-export":
            self.whatsapp(options)
        elif what == "rss":
            self.rss(options["target"])
        else:
            self.file(what, options)

    def whatsapp(self, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        day_first = False if options["month_first"] else None
        data = path.read_bytes()
        parsed = whatsapp.parse_bytes(
            data,
            filename=path.name,
            tz=options["tz"],
            day_first=day_first,
            limits=services.chat_limits(),
        )
        if parsed.too_large:
            raise CommandError("; ".join(parsed.warnings))
        if options["dump"]:
            for msg in parsed.messages:
                self.stdout.write(json.dumps(whatsapp.dump_line(msg), ensure_ascii=False))
        out: dict[str, Any] = dict(whatsapp.summary(parsed))
        if not options["dry_run"]:
            source = self._group(options["group"], path)
            result = services.export_ingest(
                source=source,
                data=data,
                filename=path.name,
                actor=None,
                tz=options["tz"],
                day_first=day_first,
            )
            out["stored"] = {
                "group": source.id,
                "new": result.ingest.new,
                "already_had": result.ingest.already_had,
                "same_file_as_before": result.duplicate_file,
            }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        elif not options["dump"]:
            for key, value in out.items():
                self.stdout.write(f"{key}: {value}")

    def _group(self, group_id: int | None, path: Path) -> Source:
        if group_id is not None:
            source = Source.objects.filter(id=group_id, kind=SourceKind.WHATSAPP_EXPORT).first()
            if source is None:
                raise CommandError(f"no WhatsApp group source with id {group_id}")
            return source
        name = path.stem.removeprefix("WhatsApp Chat with ").strip() or path.stem
        source = Source.objects.filter(kind=SourceKind.WHATSAPP_EXPORT, name=name).first()
        return source or services.source_create(
            kind=SourceKind.WHATSAPP_EXPORT, name=name, unit=None, interval_s=0, actor=None
        )

    def rss(self, target: str) -> None:
        if target.startswith(("http://", "https://")):
            source = Source.objects.filter(kind=SourceKind.RSS, config__url=target).first()
            source = source or services.source_create(
                kind=SourceKind.RSS, name=target, unit=None, config={"url": target}, actor=None
            )
            new = polling.source_poll(source)
            source.refresh_from_db()
            if source.last_error:
                raise CommandError(f"{target}: {source.last_error}")
            self.stdout.write(f"source {source.id}: {new} new posts")
            return
        path = Path(target)
        if not path.is_file():
            raise CommandError(f"no such file or URL: {target}")
        posts = rss.parse_feed(path.read_bytes(), base_url=path.resolve().as_uri())
        source = self._file_source(SourceKind.IMPORT, path.name)
        report = services.posts_ingest(source=source, posts=posts)
        self.stdout.write(f"source {source.id}: {report.new} new, {report.already_had} already had")

    def file(self, kind: str, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        parse = importers.parse_jsonl if kind == "jsonl" else importers.parse_csv
        rows = parse(path.read_bytes())
        source = self._file_source(SourceKind.IMPORT, options["source"] or path.name)
        report = services.posts_ingest(source=source, posts=rows.posts)
        errors = [{"line": e.line, "reason": e.reason} for e in rows.errors]
        if options["json"]:
            out = {"source": source.id, **report.as_dict(), "errors": errors}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(
            f"source {source.id}: {report.new} new, {report.already_had} already had, "
            f"{len(errors)} rejected"
        )
        for e in errors:
            self.stderr.write(f"  line {e['line']}: {e['reason']}")

    def _file_source(self, kind: str, name: str) -> Source:
        source = Source.objects.filter(kind=kind, name=name, unit=None).first()
        return source or services.source_create(
            kind=kind, name=name, unit=None, interval_s=0, actor=None
        )
