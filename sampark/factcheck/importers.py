"""Importing fact-checks from files, pages, feeds and the Google Fact Check Tools API.

Each record is saved in its own transaction: one bad record is reported, the rest are kept.
Every URL (a page, a feed, a feed's articles) is read through the safe fetcher: private
addresses are refused unless SAMPARK_FETCH_ALLOW_HOSTS names the host, from the web and the
shell alike.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from sampark.factcheck import audit, services
from sampark.factcheck.claimreview import (
    ClaimReviewData,
    Fetch,
    Parsed,
    parse_bytes,
    records_from_claims,
    sniff,
)
from sampark.integrations import base, factcheck_tools, fetch

if TYPE_CHECKING:
    from sampark.accounts.models import User

SERVICE = "fact-check import"
logger = logging.getLogger(__name__)
MAX_FILE = 20 * 1024 * 1024


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"where": w, "reason": r} for w, r in self.errors],
        }


class ImportRefused(Exception):  # noqa: N818  (reads as the condition it names)
    """The thing to import cannot be read at all (missing file, refused URL, network)."""


def save(
    records: list[ClaimReviewData],
    *,
    source: str,
    errors: list[tuple[str, str]] | None = None,
    where: str = "",
    actor: User | None = None,
) -> ImportReport:
    """Upsert parsed records and write one audit row for the whole import."""
    report = ImportReport(errors=list(errors or []))
    for record in records:
        try:
            fact_check, outcome = services.factcheck_upsert_outcome(data=record, source=source)
        except ValueError as exc:
            report.errors.append((record.url or where, str(exc)))
            continue
        report.ids.append(fact_check.id)
        if outcome == services.CREATED:
            report.created += 1
        elif outcome == services.UPDATED:
            report.updated += 1
        else:
            report.unchanged += 1
    counts = report.as_dict()
    counts["errors"] = len(report.errors)
    audit.factchecks_imported(where=where or source, counts=counts, actor=actor)
    return report


def default_source(kind: str, *, url: str = "") -> str:
    """The import label: jsonld:file, html:file, csv, rss:<publisher>, jsonld:url."""
    if kind == "feed":
        return f"rss:{feed_label(url)}" if url else "rss:file"
    if kind == "csv":
        return "csv"
    if kind == "html":
        return "jsonld:url" if url else "html:file"
    return "jsonld:url" if url else "jsonld:file"


def feed_label(url: str) -> str:
    for label, feed_url in factcheck_tools.INDIAN_FACTCHECK_FEEDS.items():
        if url.rstrip("/") == feed_url.rstrip("/"):
            return label
    host = (urlsplit(url).hostname or "feed").removeprefix("www.")
    if host.replace(".", "").isdigit() or ":" in host:
        return host  # an IP address: no name to shorten
    return host.split(".")[0]


def import_bytes(
    content: bytes,
    *,
    name: str = "",
    source: str = "",
    actor: User | None = None,
) -> ImportReport:
    """An uploaded or local file (.json/.jsonld/.html/.csv/RSS); feeds fetch their articles."""
    kind = sniff(content, name=name)
    with fetch.safe_client() as client:
        parsed = parse_bytes(content, name=name, fetch=_fetcher(client))
    return save(
        parsed.records,
        source=source or default_source(kind),
        errors=parsed.errors,
        where=name,
        actor=actor,
    )


def import_queue(*, content: bytes, name: str, source: str = "", actor: User | None) -> str:
    """Keep a large uploaded file on disk and import it in the worker (`factcheck.import_file`):
    thousands of rows, or a feed's article fetches, do not belong in the web request (#12)."""
    from sampark.core.tasks import enqueue

    digest = hashlib.sha256(content).hexdigest()
    suffix = Path(name).suffix.lower()[:10]
    stored = default_storage.save(f"factcheck/incoming/{digest}{suffix}", ContentFile(content))
    with transaction.atomic():
        enqueue(
            "factcheck.import_file",
            stored=stored,
            name=name[:255],
            source=source,
            actor_id=actor.pk if actor is not None else None,
        )
    return stored


def import_queued(*, stored: str, name: str, source: str, actor_id: int | None) -> dict[str, Any]:
    """Import a file queued by `import_queue`, then drop its stored copy."""
    from sampark.accounts.models import User

    actor = User.objects.filter(id=actor_id).first() if actor_id else None
    try:
        if not default_storage.exists(stored):
            return {"missing": stored}
        with default_storage.open(stored, "rb") as handle:
            content = handle.read()
        try:
            report = import_bytes(content, name=name, source=source, actor=actor)
        except ImportRefused as exc:
            logger.warning("queued fact-check import %s refused: %s", name, exc)
            return {"refused": str(exc)[:500]}
        return {**report.as_dict(), "errors": len(report.errors)}
    finally:
        default_storage.delete(stored)


def import_path(path: str | Path, *, source: str = "", actor: User | None = None) -> ImportReport:
    """A file on disk (the shell's; a feed's article links are fetched like any URL)."""
    file = Path(path)
    if not file.is_file():
        raise ImportRefused(f"no such file: {file}")
    if file.stat().st_size > MAX_FILE:
        raise ImportRefused(f"{file} is larger than {MAX_FILE // (1024 * 1024)} MB")
    return import_bytes(file.read_bytes(), name=file.name, source=source, actor=actor)


def import_url(url: str, *, source: str = "", actor: User | None = None) -> ImportReport:
    """An article page (its ClaimReview), a feed (each entry's article) or a JSON/CSV file."""
    with fetch.safe_client() as client:
        response = _get(client, url)
        content_type = response.headers.get("content-type", "")
        kind = sniff(response.content, name=urlsplit(url).path, content_type=content_type)
        parsed = parse_bytes(
            response.content,
            name=urlsplit(url).path,
            content_type=content_type,
            url=str(response.url),
            fetch=_fetcher(client),
        )
    return save(
        parsed.records,
        source=source or default_source(kind, url=url),
        errors=parsed.errors,
        where=url,
        actor=actor,
    )


def import_google(
    *,
    query: str,
    language_code: str = "",
    max_pages: int = 3,
    source: str = "google-api",
    config: dict[str, Any] | None = None,
    actor: User | None = None,
) -> ImportReport:
    """Fact-checks the Google Fact Check Tools API finds for a query."""
    found = factcheck_tools.claims_search(
        query=query, language_code=language_code, max_pages=max_pages, config=config
    )
    parsed = records_from_claims(found.claims)
    return save(
        parsed.records,
        source=source,
        errors=[*found.errors, *parsed.errors],
        where=f"google:{query}",
        actor=actor,
    )


def import_any(target: str, *, source: str = "", actor: User | None = None) -> ImportReport:
    """FILE or http(s) URL, as the shell command takes it."""
    if target.lower().startswith(("http://", "https://")):
        return import_url(target, source=source, actor=actor)
    return import_path(target, source=source, actor=actor)


def parse_only(content: bytes, *, name: str = "") -> Parsed:
    """Parse without saving (no network: feeds report that they need it)."""
    return parse_bytes(content, name=name)


# --- fetching -------------------------------------------------------------------------------


def _get(client: httpx.Client, url: str) -> httpx.Response:
    """The page at `url` through the safe fetcher (private addresses refused, redirects checked)."""
    try:
        response = fetch.get(url, client=client)
    except fetch.FetchError as exc:
        raise ImportRefused(str(exc)) from exc
    try:
        base.raise_for_status(response, service=SERVICE)
    except base.ConnectorError as exc:
        raise ImportRefused(str(exc)) from exc
    return response


def _fetcher(client: httpx.Client) -> Fetch:
    def fetch_text(url: str) -> str:
        return _get(client, url).text

    return fetch_text
