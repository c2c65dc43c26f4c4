"""`sampark factcheck import` and `sampark factcheck match` (the shell contract of issue #4):

  sampark factcheck import FILE|URL [--source LABEL] [--json]
  sampark factcheck import --google "QUERY" [--lang hi] [--pages 3] [--json]
  sampark factcheck match "TEXT" [--k 5] [--json]

Wired into the `factcheck` management command as subparsers.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from sampark.factcheck import importers, selectors, services
from sampark.integrations import base


def add_import_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="fact-checks from a file (.json/.jsonld/.html/.csv/RSS) or a URL (page, feed)",
    )
    parser.add_argument("target", nargs="?", default="", help="FILE or http(s) URL")
    parser.add_argument("--google", default="", metavar="QUERY", help="search the Google API")
    parser.add_argument("--lang", default="", help="languageCode for --google (hi, en)")
    parser.add_argument("--pages", type=int, default=3, help="pages to read with --google")
    parser.add_argument("--source", default="", help="import label (default from the kind)")
    parser.add_argument("--json", action="store_true", help="print one JSON report")
    return parser


def run_import(options: dict[str, Any], stdout: OutputWrapper) -> None:
    target, query = str(options.get("target") or ""), str(options.get("google") or "")
    if bool(target) == bool(query):
        raise CommandError("give a FILE or URL, or --google QUERY (one of them)")
    try:
        if query:
            report = importers.import_google(
                query=query,
                language_code=str(options.get("lang") or ""),
                max_pages=int(options.get("pages") or 1),
                source=str(options.get("source") or "google-api"),
            )
        else:
            report = importers.import_any(target, source=str(options.get("source") or ""))
    except (importers.ImportRefused, base.ConnectorError) as exc:
        raise CommandError(str(exc)) from exc
    if options.get("json"):
        stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    stdout.write(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"errors {len(report.errors)}"
    )
    for where, reason in report.errors:
        stdout.write(f"  {where}: {reason}")


def add_match_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "match", help="fact-checks that match a text (a forward, a claim)"
    )
    parser.add_argument("text")
    parser.add_argument("--k", type=int, default=5, help="at most this many matches")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    return parser


def match_rows(text: str, *, k: int = 5) -> list[dict[str, Any]]:
    """Matches as plain dicts (the shell's JSON and the API share this shape)."""
    found = services.match_text(text=text, k=k)
    rows = {f.id: f for f in selectors.by_ids_in_order(ids=[m.fact_check_id for m in found])}
    out = []
    for match in found:
        fc = rows.get(match.fact_check_id)
        if fc is None:
            continue
        out.append(
            {
                "id": fc.id,
                "url": fc.url,
                "claim": fc.claim_reviewed,
                "title": fc.title,
                "publisher": fc.publisher,
                "rating": fc.rating,
                "verdict": fc.verdict,
                "language": fc.language,
                "published_at": fc.published_at.isoformat() if fc.published_at else None,
                "is_own_response": fc.is_own_response,
                "score": round(match.score, 4),
                "band": match.band,
            }
        )
    return out


def run_match(options: dict[str, Any], stdout: OutputWrapper) -> None:
    text = str(options.get("text") or "")
    if not text.strip():
        raise CommandError("give the text to match")
    rows = match_rows(text, k=max(1, int(options.get("k") or 5)))
    if options.get("json"):
        stdout.write(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        stdout.write("no matching fact-check")
    for row in rows:
        stdout.write(
            f"{row['score']:.3f} {row['band']:<7} {row['verdict']:<12} {row['publisher']}: "
            f"{row['claim'][:100]}\n    {row['url']}"
        )
