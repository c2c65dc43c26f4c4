"""schema.org ClaimReview records and their parsers: JSON-LD, article HTML, CSV and RSS/Atom.

Django-free (like `pipeline/`): everything maps bytes/str to `ClaimReviewData`, with problems
reported as (where, reason) pairs so one bad record never stops an import.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pipeline import langid
from pipeline.types import Lang

if TYPE_CHECKING:
    from sampark.integrations.factcheck_tools import Claim

IST = ZoneInfo("Asia/Kolkata")

# Verdict names; the same strings as sampark.factcheck.enums.Verdict (this module is Django-free).
FALSE = "false"
MISLEADING = "misleading"
PARTLY_FALSE = "partly_false"
TRUE = "true"
UNPROVEN = "unproven"
SATIRE = "satire"
OTHER = "other"
VERDICTS = (FALSE, MISLEADING, PARTLY_FALSE, TRUE, UNPROVEN, SATIRE, OTHER)

Problem = tuple[str, str]  # (where, reason)


@dataclass(frozen=True, slots=True)
class ClaimReviewData:
    """One fact-check as published: the fields of a schema.org ClaimReview we keep."""

    url: str
    claim_reviewed: str
    rating: str = ""
    verdict: str = OTHER
    claimant: str = ""
    publisher: str = ""
    publisher_url: str = ""
    author: str = ""
    published_at: datetime | None = None
    language: str = ""
    title: str = ""
    image_url: str = ""
    summary: str = ""


@dataclass(slots=True)
class Parsed:
    records: list[ClaimReviewData] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        self.records.extend(other.records)
        self.errors.extend(other.errors)


# --- verdicts -------------------------------------------------------------------------------

# Checked in order: "partly false" before "false", "not true" before "true".
_VERDICT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        SATIRE,
        ("satire", "satirical", "parody", "spoof", "व्यंग्य", "व्यंग", "satirical"),
    ),
    (
        PARTLY_FALSE,
        (
            "partly false", "partially false", "partly true", "partially true", "half true",
            "half-true", "mostly false", "mixture", "mixed", "partly correct", "partially correct",
            "आंशिक", "अर्धसत्य", "आधा सच", "अधूरा", "आधा-अधूरा",
        ),
    ),
    (
        MISLEADING,
        (
            "misleading", "missing context", "out of context", "lacks context", "misrepresent",
            "exaggerat", "distort", "misattributed", "old video", "old image", "old photo",
            "भ्रामक", "गुमराह", "संदर्भ से बाहर", "मिसलीडिंग", "पुराना वीडियो", "पुरानी तस्वीर",
        ),
    ),
    (
        UNPROVEN,
        (
            "unproven", "unverified", "unsubstantiated", "no evidence", "not verified",
            "unconfirmed", "inconclusive", "अपुष्ट", "अप्रमाणित", "पुष्टि नहीं", "कोई सबूत नहीं",
        ),
    ),
    (
        FALSE,
        (
            "false", "fake", "hoax", "not true", "untrue", "incorrect", "wrong", "fabricated",
            "altered", "doctored", "manipulated", "morphed", "edited", "deepfake", "scam",
            "baseless", "pants on fire", "फर्जी", "फेक", "झूठ", "गलत", "असत्य", "मनगढ़ंत",
            "मनगढंत", "एडिटेड", "छेड़छाड़", "छेडछाड", "बेबुनियाद", "निराधार",
        ),
    ),
    (
        TRUE,
        (
            "true", "correct", "accurate", "mostly true", "genuine", "verified", "सच", "सही",
            "सत्य", "प्रामाणिक",
        ),
    ),
)  # fmt: skip
_NUKTA = "\u093c"


def _fold(text: str) -> str:
    # "फ़र्ज़ी" and "फर्जी" are both common spellings: compare without the nukta.
    return unicodedata.normalize("NFC", text).replace(_NUKTA, "").casefold().strip()


_FOLDED_WORDS = tuple((v, tuple(_fold(w) for w in words)) for v, words in _VERDICT_WORDS)


def verdict_of(
    rating: str,
    *,
    value: float | None = None,
    best: float | None = None,
    worst: float | None = None,
) -> str:
    """Map a published textual rating (Hindi or English) to a verdict; numbers as a fallback."""
    folded = _fold(rating)
    if folded:
        for verdict, words in _FOLDED_WORDS:
            if any(_contains(folded, w) for w in words):
                return verdict
    if value is not None and best is not None and worst is not None and best != worst:
        share = (value - worst) / (best - worst)
        if share <= 0.2:
            return FALSE
        if share >= 0.8:
            return TRUE
        return PARTLY_FALSE
    return OTHER


def _contains(text: str, word: str) -> bool:
    if not word.isascii():
        return word in text
    # Latin words must stand alone ("true" is not in "untrue"... which is itself a FALSE word).
    return re.search(rf"(?<![a-z]){re.escape(word)}", text) is not None


# --- small value helpers --------------------------------------------------------------------


def language_of(code: str, *, text: str = "") -> str:
    """hi/en/hinglish/other from a declared language (code or name), else from the text."""
    lowered = code.strip().lower()
    if lowered:
        head = re.split(r"[-_]", lowered, maxsplit=1)[0]
        if head in {"hi", "hin", "hindi", "हिंदी", "हिन्दी"}:
            return Lang.HINDI
        if head in {"en", "eng", "english"}:
            return Lang.ENGLISH
        if head == "hinglish":
            return Lang.HINGLISH
        return Lang.OTHER
    found = langid.identify(text) if text.strip() else ""
    return found or Lang.OTHER


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 dates and datetimes or RFC 822 dates; naive times are Indian Standard Time."""
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        found = datetime(value.year, value.month, value.day)  # noqa: DTZ001 (made aware below)
    else:
        text = _text(value)
        if not text:
            return None
        found_or_none = _parse_date_text(text)
        if found_or_none is None:
            return None
        found = found_or_none
    if found.tzinfo is None:
        found = found.replace(tzinfo=IST)
    try:
        return found.astimezone(UTC)
    except OverflowError:  # 0001-01-01 east of UTC falls before the first representable day
        return None


def _parse_date_text(text: str) -> datetime | None:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):  # a 30-digit year overflows
        pass
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007 (made aware by the caller)
        except ValueError:
            continue
    return None


def _text(value: Any) -> str:
    """A JSON-LD value as one string: strings, numbers, {"@value"}, {"name"}, first of a list."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
        return ""
    if isinstance(value, dict):
        for key in ("@value", "name", "alternateName", "url", "@id"):
            found = _text(value.get(key))
            if found:
                return found
    return ""


def _number(value: Any) -> float | None:
    try:
        return float(_text(value))
    except ValueError:
        return None


def _url(value: Any) -> str:
    """The first http(s) URL in a JSON-LD value (a string, an object with url/@id, a list)."""
    if isinstance(value, str):
        return value.strip() if value.strip().lower().startswith(("http://", "https://")) else ""
    if isinstance(value, list):
        for item in value:
            found = _url(item)
            if found:
                return found
        return ""
    if isinstance(value, dict):
        for key in ("url", "contentUrl", "@id"):
            found = _url(value.get(key))
            if found:
                return found
    return ""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(node: dict[str, Any]) -> set[str]:
    # "@type" can be a string, a list, a prefixed name or a full IRI.
    return {
        str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit("#", 1)[-1]
        for t in _as_list(node.get("@type") or node.get("type"))
    }


def _is_organisation(node: Any) -> bool:
    return isinstance(node, dict) and bool(
        _types(node)
        & {"Organization", "NewsMediaOrganization", "Corporation", "GovernmentOrganization"}
    )


def _names(value: Any) -> list[str]:
    return [name for name in (_text(item) for item in _as_list(value)) if name]


# --- JSON-LD --------------------------------------------------------------------------------


def iter_claim_reviews(data: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview node anywhere in a JSON-LD document (lists, @graph, nested objects)."""
    stack = [data]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "ClaimReview" in _types(node):
                yield node
                continue
            stack.extend(reversed([v for v in node.values() if isinstance(v, dict | list)]))


def from_node(
    node: dict[str, Any], *, page_url: str = "", page: dict[str, Any] | None = None
) -> ClaimReviewData:
    """One ClaimReview node → ClaimReviewData; ValueError when it has no URL or no claim.

    `page` is the enclosing article (its headline, image, language) when the node is nested.
    """
    page = page or {}
    url = _url(node.get("url")) or _url(node.get("@id")) or page_url or _url(page.get("url"))
    claim = _text(node.get("claimReviewed"))
    item = node.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    if not claim and isinstance(item, dict):
        claim = _text(item.get("name")) or _text(item.get("text"))
    if not url:
        raise ValueError("no url")
    if not claim:
        raise ValueError("no claimReviewed")

    claimant = ""
    if isinstance(item, dict):
        claimant = ", ".join(_names(item.get("author")))

    rating_node = next((r for r in _as_list(node.get("reviewRating")) if r), None)
    rating = value = best = worst = None
    if isinstance(rating_node, dict):
        rating = _text(rating_node.get("alternateName")) or _text(rating_node.get("name"))
        value = _number(rating_node.get("ratingValue"))
        best = _number(rating_node.get("bestRating"))
        worst = _number(rating_node.get("worstRating"))
    elif rating_node is not None:
        rating = _text(rating_node)
    rating = rating or ""

    # The author of a ClaimReview is usually the fact-checking organisation; people are authors.
    authors = _as_list(node.get("author"))
    publishers = _as_list(node.get("publisher")) + [a for a in authors if _is_organisation(a)]
    people = [a for a in authors if not _is_organisation(a)]
    if not publishers and people and not any(isinstance(a, dict) for a in people):
        publishers, people = people, []  # a bare string author is the organisation
    publisher_node = publishers[0] if publishers else None
    publisher = _text(publisher_node)
    publisher_url = ""
    if isinstance(publisher_node, dict):
        publisher_url = _url(publisher_node.get("url")) or _url(publisher_node.get("sameAs"))

    title = _text(node.get("headline")) or _text(node.get("name")) or _text(page.get("headline"))
    summary = _text(node.get("description")) or _text(page.get("description"))
    declared = _text(node.get("inLanguage")) or _text(page.get("inLanguage"))
    if isinstance(node.get("inLanguage"), dict):
        declared = _text(node["inLanguage"].get("alternateName")) or declared
    return ClaimReviewData(
        url=url,
        claim_reviewed=claim,
        rating=rating,
        verdict=verdict_of(rating, value=value, best=best, worst=worst),
        claimant=claimant[:300],
        publisher=publisher[:200],
        publisher_url=publisher_url,
        author=", ".join(_names(people))[:200],
        published_at=parse_date(node.get("datePublished")) or parse_date(page.get("datePublished")),
        language=language_of(declared, text=f"{claim} {title}"),
        title=title[:500],
        image_url=_url(node.get("image")) or _url(page.get("image")),
        summary=summary,
    )


def parse_jsonld(data: Any, *, where: str = "", page_url: str = "") -> Parsed:
    """ClaimReviews in parsed JSON-LD (an object, a list, a @graph, nested in an article)."""
    out = Parsed()
    pages = [n for n in _walk_dicts(data) if _types(n) & _ARTICLE_TYPES]
    page = pages[0] if pages else None
    for index, node in enumerate(iter_claim_reviews(data), start=1):
        try:
            out.records.append(from_node(node, page_url=page_url, page=page))
        except ValueError as exc:
            out.errors.append((f"{where}#{index}" if where else f"#{index}", str(exc)))
    return out


_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "WebPage", "ReportageNewsArticle"}


def _walk_dicts(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_dicts(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), dict | list):
                yield from _walk_dicts(data[key])


# Deeply nested JSON exhausts Python's recursion in json.loads or in the walk (issue #12).
_TOO_DEEP = "JSON nested too deeply"


def parse_json_text(text: str | bytes, *, where: str = "") -> Parsed:
    """A .json/.jsonld file: one document, or JSON Lines of documents."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    try:
        return parse_jsonld(json.loads(text), where=where)
    except RecursionError:
        return Parsed(errors=[(where or "json", _TOO_DEEP)])
    except json.JSONDecodeError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) <= 1:
            return Parsed(errors=[(where or "json", f"not JSON: {exc.msg} (line {exc.lineno})")])
    out = Parsed()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.extend(parse_jsonld(json.loads(line), where=f"{where}:{number}"))
        except json.JSONDecodeError as exc:
            out.errors.append((f"{where}:{number}", f"not JSON: {exc.msg}"))
        except RecursionError:
            out.errors.append((f"{where}:{number}", _TOO_DEEP))
    return out


# --- HTML -----------------------------------------------------------------------------------


def parse_html(html: str | bytes, *, url: str = "") -> Parsed:
    """ClaimReviews embedded in an article page (JSON-LD or microdata), found with extruct."""
    where = url or "html"
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    try:
        extruct = import_module("extruct")
    except ImportError:
        return Parsed(errors=[(where, "extruct is not installed")])
    try:
        found: dict[str, list[Any]] = extruct.extract(
            html, base_url=url or None, syntaxes=["json-ld", "microdata"], uniform=True,
            errors="log",
        )  # fmt: skip
    except Exception as exc:  # extruct raises whatever its parsers raise on broken markup
        return Parsed(errors=[(where, f"unreadable page: {exc}")])
    out = Parsed()
    for syntax in ("json-ld", "microdata"):
        out.extend(parse_jsonld(found.get(syntax) or [], where=where, page_url=url))
    if not out.records and not out.errors:
        out.errors.append((where, "no ClaimReview on the page"))
    return _unique(out)


def _unique(parsed: Parsed) -> Parsed:
    # A page can carry the same ClaimReview as JSON-LD and as microdata.
    seen: set[tuple[str, str]] = set()
    records = []
    for record in parsed.records:
        key = (record.url, record.claim_reviewed)
        if key not in seen:
            seen.add(key)
            records.append(record)
    return Parsed(records=records, errors=parsed.errors)


# --- CSV ------------------------------------------------------------------------------------

CSV_REQUIRED = ("url", "claim")
CSV_COLUMNS = ("url", "claim", "rating", "publisher", "date", "language")
_CSV_ALIASES = {
    "claim_reviewed": "claim",
    "claimreviewed": "claim",
    "verdict": "rating",
    "textual_rating": "rating",
    "published": "date",
    "published_at": "date",
    "datepublished": "date",
    "lang": "language",
    "image": "image_url",
}


def parse_csv(text: str | bytes, *, where: str = "csv") -> Parsed:
    """Columns url, claim, rating, publisher, date, language (+ title, claimant, image_url,
    summary, publisher_url, author). Bad rows are reported with their line number."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    text = text.lstrip("\ufeff")
    # newline="": a bare CR ends a line as csv expects, instead of an error (issue #12).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        return Parsed(errors=[(f"{where}:1", f"unreadable header: {exc}")])
    header = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in fieldnames]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        return Parsed(errors=[(f"{where}:1", f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = header
    out = Parsed()
    line = 1
    for row in _csv_rows(reader, out, where):
        start, line = line + 1, reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if not any(values.values()):
            continue
        try:
            out.records.append(_from_row(values))
        except ValueError as exc:
            out.errors.append((f"{where}:{start}", str(exc)))
    return out


def _csv_rows(
    reader: csv.DictReader[str], out: Parsed, where: str
) -> Iterator[dict[str | Any, str | Any]]:
    """The reader's rows; a row csv refuses (a field over `csv.field_size_limit`, a stray
    quote) is reported against its line and skipped, and the rows after it are still read."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            out.errors.append((f"{where}:{reader.line_num}", f"unreadable row: {exc}"))


def _from_row(row: dict[str, str]) -> ClaimReviewData:
    url, claim = row.get("url", ""), row.get("claim", "")
    if not url:
        raise ValueError("no url")
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"url must start with http:// or https:// ({url[:60]!r})")
    if not claim:
        raise ValueError("no claim")
    published = None
    if row.get("date"):
        published = parse_date(row["date"])
        if published is None:
            raise ValueError(f"unreadable date {row['date']!r}")
    rating = row.get("rating", "")
    title = row.get("title", "")
    return ClaimReviewData(
        url=url,
        claim_reviewed=claim,
        rating=rating,
        verdict=verdict_of(rating),
        claimant=row.get("claimant", "")[:300],
        publisher=row.get("publisher", "")[:200],
        publisher_url=row.get("publisher_url", ""),
        author=row.get("author", "")[:200],
        published_at=published,
        language=language_of(row.get("language", ""), text=f"{claim} {title}"),
        title=title[:500],
        image_url=row.get("image_url", ""),
        summary=row.get("summary", ""),
    )


# --- RSS / Atom -----------------------------------------------------------------------------

Fetch = Callable[[str], str]


def is_feed(content: str | bytes) -> bool:
    """Whether a document looks like RSS or Atom (sniffed from its first kilobyte)."""
    head = content[:1024]
    sniff = head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head
    return bool(re.search(r"<(rss|feed|rdf:RDF)[\s>]", sniff))


def parse_feed(
    content: str | bytes, *, fetch: Fetch, where: str = "feed", limit: int = 50
) -> Parsed:
    """Each entry's article page is fetched and its ClaimReview extracted.

    Entries whose page has none are reported, not guessed: a headline is not a verdict.
    """
    feedparser = import_module("feedparser")
    data = content.encode() if isinstance(content, str) else content
    # A stream, never bytes or str: feedparser fetches a URL (unchecked) or opens a path given so.
    try:
        feed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # feedparser raises KeyError and others on some broken markup
        return Parsed(errors=[(where, f"not a feed: {type(exc).__name__}: {exc}")])
    if feed.get("bozo") and not feed.get("entries"):
        return Parsed(errors=[(where, f"not a feed: {feed.get('bozo_exception')}")])
    out = Parsed()
    feed_title = _text(feed.get("feed", {}).get("title"))
    for entry in list(feed.get("entries", []))[:limit]:
        link = str(entry.get("link") or "")
        if not link:
            out.errors.append((where, f"entry without a link: {entry.get('title', '')[:60]!r}"))
            continue
        try:
            page = fetch(link)
        except Exception as exc:  # any fetch failure is reported against its entry
            out.errors.append((link, f"fetch failed: {exc}"))
            continue
        found = parse_html(page, url=link)
        published = parse_date(entry.get("published") or entry.get("updated"))
        for record in found.records:
            out.records.append(
                replace(
                    record,
                    title=record.title or _text(entry.get("title"))[:500],
                    publisher=record.publisher or feed_title[:200],
                    published_at=record.published_at or published,
                )
            )
        out.errors.extend(found.errors)
    return out


def sniff(content: bytes, *, name: str = "", content_type: str = "") -> str:
    """ "json", "html", "csv" or "feed" from a file name, a Content-Type and the bytes."""
    lowered = name.lower().split("?", 1)[0]
    ctype = content_type.lower()
    if lowered.endswith((".json", ".jsonld", ".jsonl")) or "json" in ctype:
        return "json"
    if lowered.endswith(".csv") or "text/csv" in ctype:
        return "csv"
    if lowered.endswith((".rss", ".atom")) or "rss" in ctype or "atom" in ctype:
        return "feed"
    if is_feed(content):
        return "feed"
    if lowered.endswith((".html", ".htm")) or "html" in ctype:
        return "html"
    stripped = content.lstrip()[:1]
    if stripped in (b"{", b"["):
        return "json"
    if stripped == b"<":
        return "html"
    return "csv"


def parse_bytes(
    content: bytes,
    *,
    name: str = "",
    content_type: str = "",
    url: str = "",
    fetch: Fetch | None = None,
) -> Parsed:
    """Dispatch on the sniffed kind; a feed needs `fetch` to read each entry's article."""
    kind = sniff(content, name=name, content_type=content_type)
    where = url or name or kind
    if kind == "json":
        return parse_json_text(content, where=where)
    if kind == "csv":
        return parse_csv(content, where=where)
    if kind == "feed":
        if fetch is None:
            return Parsed(errors=[(where, "a feed needs network access to read its articles")])
        return parse_feed(content, fetch=fetch, where=where)
    return parse_html(content, url=url)


# --- Google Fact Check Tools ----------------------------------------------------------------


def records_from_claims(claims: Iterable[Claim]) -> Parsed:
    """Every review of the API's claims as one record (the knowledge base deduplicates them by
    URL); a review without a URL, or of a claim without text, is reported."""
    parsed = Parsed()
    for claim in claims:
        text = " ".join(claim.text.split())
        for review in claim.claim_review:
            if not review.url or not text:
                where = review.url or "claimReview"
                parsed.errors.append((where, "no url" if not review.url else "no claim text"))
                continue
            site = review.publisher.site
            parsed.records.append(
                ClaimReviewData(
                    url=review.url,
                    claim_reviewed=text,
                    rating=review.textual_rating[:200],
                    verdict=verdict_of(review.textual_rating),
                    claimant=claim.claimant[:300],
                    publisher=(review.publisher.name or site)[:200],
                    publisher_url=f"https://{site}" if site and "://" not in site else site,
                    published_at=parse_date(review.review_date) or parse_date(claim.claim_date),
                    language=language_of(review.language_code, text=f"{text} {review.title}"),
                    title=review.title[:500],
                )
            )
    return parsed
