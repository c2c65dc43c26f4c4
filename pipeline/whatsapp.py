"""WhatsApp chat exports (Android and iOS, `.txt` or `.zip` with media) into messages.

Header layouts seen in exports, all read by one anchored pattern:

    12/01/24, 10:00 am - Alice: text        Android 12 h (space, NBSP or U+202F before am/pm;
                                            Hindi phones may write पूर्वाह्न/अपराह्न)
    15.04.2016, 15:04 - Brock: text         Android 24 h, any of / . - between date parts
    1/15/20, 2:22 PM - Mary: text           US month-first
    [15/01/20, 2:22:56 PM] Mary: text       iOS, brackets and seconds
    [15-01-20 02:22:56] Mary: text          iOS without the comma
    [2020-01-15 14:22] Mary: text           year first
    12/24/19, 10:30:45 PM: Mary: text       older iOS, colon after the time

Day/month order is decided for the whole file: a first field above 12 means day-first, a second
field above 12 means month-first, and an undecided file is read day-first (Indian exports) unless
the caller says otherwise. A line that does not start with a valid header continues the previous
message. Exports carry local wall-clock times; `tz` makes them aware.

A header followed by "Name: " is a message (media and deleted placeholders included, flagged);
one without is a system event, as are the encryption notice and the group events that some
exports attribute to the group's name. Message text is NFC and loses direction marks and line
breaks only at its ends; names lose their direction marks. Nothing here raises on odd input:
what cannot be read is counted in `warnings`.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import safezip
from pipeline.types import Platform, RawPost

# Direction marks and invisible format characters that exports put before lines, around names
# (phone numbers come wrapped in U+202A … U+202C) and before placeholders (iOS puts U+200E there).
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_MARK_RUN = re.compile(f"[{_MARKS}]+")
_SPACES = " \u00a0\u202f"
_BLANK = _MARKS + _SPACES + "\t"
_NO_HEADERS = "no WhatsApp message headers found (is this a chat export?)"

# One pass of this over the whole text finds every header line; each quantifier is bounded and
# every attempt is anchored at a line start, so there is no backtracking blow-up.
_HEADER = re.compile(
    rf"^[{_MARKS}]*"  # iOS starts lines with U+200E; a BOM may start the file
    r"(?P<br>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r",?[ \u00a0]"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?:[ \u00a0\u202f]?(?P<ampm>[aApP]\.?[ \u00a0\u202f]?[mM]\.?|पूर्वाह्न|अपराह्न))?"
    r"(?(br)\][ \u00a0\u202f]?"
    r"|(?:(?P<dash>[ \u00a0\u202f][-\u2013](?:[ \u00a0\u202f]|$))|(?P<colon>:[ \u00a0\u202f])))"
    # "Name: text". A name never holds a colon; the text may ("Note: 10:30 at the booth").
    r"(?P<rest>(?:(?P<author>[^:\n]{1,120}):(?:[ \u00a0]|$))?(?P<body>[^\n]*))",
    re.MULTILINE,
)
_LINE_START_MARKS = re.compile(rf"^[{_MARKS}]+", re.MULTILINE)
# A "name" that is really the start of a system line whose own text holds ": ", e.g.
# `Asha changed the subject from "A" to "Booth 12: Ward 3"`. Names seldom hold lowercase verbs.
_SYSTEM_IN_AUTHOR = re.compile(
    r" (?:changed|created|added|removed|joined|left|pinned|deleted|started|turned|updated|reset"
    r"|was|were|is|now|ने) "
)
# The end-to-end encryption notice, which some exports attribute to the group name.
_ENCRYPTION_NOTICE = re.compile(
    r"(?:messages|calls)\b[^\n]{0,80}?end-to-end encrypt|(?:संदेश|मैसेज)[^\n]{0,80}?एंड-टू-एंड",
    re.IGNORECASE,
)

# iOS attributes group events to the group name and starts their text with U+200E
# (`[…] Booth 7: \u200eAsha added Ravi`); a person's own text seldom starts with that mark.
_IOS_SYSTEM = re.compile(
    r"(?:^|[ \u00a0])(?:created (?:the )?group|created this group|added|removed|left\b"
    r"|joined using|changed (?:the|this|their|to)|deleted this group|pinned a message"
    r"|turned (?:on|off)|(?:is|are) now an admin|security code)"
)


def _nfc_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    # Texts are NFC before matching; the Hindi placeholders must be too (ड़ stays decomposed).
    return re.compile(unicodedata.normalize("NFC", pattern), flags)


_MEDIA = _nfc_pattern(
    r"<media omitted>|<मीडिया के बिना>|<मीडिया छोड़ा गया>|<मीडिया हटाया गया>|media omitted"
    r"|(?:image|video|audio|sticker|gif|contact card|voice message|video note) omitted"
    r"|(?:[^\n]* )?document omitted"
    r"|<attached: (?P<att>[^>\n]+)>[ \u00a0]*(?P<cap>[^\n]*)"
    r"|(?P<file>[^\n]+?\.[0-9A-Za-z]{1,5}) \(file attached\)",
    re.IGNORECASE,
)
_DELETED = _nfc_pattern(
    r"this message was deleted\.?|you deleted this message\.?"
    r"|this message was deleted by (?:an )?admin[^\n]*"
    r"|यह संदेश हटा दिया गया था|आपने यह संदेश हटा दिया|आपने यह संदेश हटाया",
    re.IGNORECASE,
)
_PLACEHOLDER_MAX = 300  # placeholders are short; longer first lines are ordinary text
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


@dataclass(frozen=True, slots=True)
class ExportMessage:
    """One message with an author; media and deleted placeholders included."""

    author: str
    at: datetime
    text: str
    is_media: bool
    is_deleted: bool
    media_file: str  # "" if none


@dataclass(frozen=True, slots=True)
class SystemEvent:
    """A line without an author: group created, X added Y, encryption notice, ..."""

    at: datetime
    text: str


@dataclass(slots=True)
class ParsedExport:
    """Everything read from one export."""

    messages: list[ExportMessage] = field(default_factory=list)
    system_events: list[SystemEvent] = field(default_factory=list)
    media_files: list[str] = field(default_factory=list)  # files present in the zip
    warnings: list[str] = field(default_factory=list)
    layout: str = "unknown"  # e.g. "android-24h-dmy"
    too_large: bool = False  # refused by a `Limits` cap; `warnings` says which


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on one export, so an upload cannot exhaust memory (issue #12): the chat text's
    decompressed size, its message (header line) count, and the files in the zip. The defaults
    only stop the absurd; the web upload passes the deployment's tighter settings."""

    chat_bytes: int = 256 * 1024 * 1024
    messages: int = 2_000_000
    members: int = 100_000


DEFAULT_LIMITS = Limits()


# (first date field, second date field, year, hour, minute, second, year first): the two date
# fields in the order written, day/month or month/day until the whole file is seen. A plain
# tuple: a 100k-line export makes one per line.
_Fields = tuple[int, int, int, int, int, int, bool]


def _fields(match: re.Match[str]) -> _Fields | None:
    """The date and time of a matched header line, if they could be a date and a time."""
    a, b, c, h, m, s, ampm = match.group("a", "b", "c", "h", "m", "s", "ampm")
    year_first = len(a) >= 3
    if (len(a) != 4 or len(c) > 2) if year_first else len(c) not in (2, 4):
        return None
    hour, minute, second = int(h), int(m), int(s) if s else 0
    if ampm is not None:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if ampm[0] in "pPअ" else 0)  # pm, p.m., अपराह्न
    if hour > 23 or minute > 59 or second > 59:
        return None
    if year_first:
        return int(b), int(c), int(a), hour, minute, second, True
    return int(a), int(b), int(c) + (2000 if len(c) == 2 else 0), hour, minute, second, False


def _decide_order(headers: list[_Fields], day_first: bool | None, warnings: list[str]) -> bool:
    """True for day-first, False for month-first, from the caller or the whole file."""
    if day_first is not None:
        return day_first
    votes_dmy = sum(1 for f in headers if not f[6] and f[0] > 12 and f[1] <= 12)
    votes_mdy = sum(1 for f in headers if not f[6] and f[1] > 12 and f[0] <= 12)
    if votes_dmy and votes_mdy:
        warnings.append(
            f"dates disagree on day/month order ({votes_dmy} day-first, {votes_mdy} month-first);"
            f" read as {'day' if votes_dmy >= votes_mdy else 'month'}-first"
        )
        return votes_dmy >= votes_mdy
    if votes_mdy:
        return False
    if not votes_dmy and not all(f[6] for f in headers):
        warnings.append(
            "dates could be day-first or month-first; read as day-first"
            " (pass day_first=False for a US export)"
        )
    return True


def _when(fields: _Fields, day_first: bool, zone: ZoneInfo) -> datetime | None:
    first, second, year, hour, minute, sec, year_first = fields
    day, month = (first, second) if day_first and not year_first else (second, first)
    try:
        return datetime(year, month, day, hour, minute, sec, tzinfo=zone)
    except ValueError:
        return None


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone: {tz!r}") from exc


def parse_text(
    text: str,
    *,
    tz: str = "Asia/Kolkata",
    day_first: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedExport:
    """Parse the text of an export; never raises on odd text (only on an unknown `tz`)."""
    zone = _zone(tz)
    out = ParsedExport()
    if len(text) > limits.chat_bytes:
        return _failed(
            f"the chat text is too large ({len(text)} characters, at most {limits.chat_bytes})",
            too_large=True,
        )
    # Only these are line breaks in an export; U+2028 and the like stay inside a message.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    headers: list[tuple[re.Match[str], _Fields]] = []
    for m in _HEADER.finditer(text):
        if (f := _fields(m)) is not None:
            if len(headers) >= limits.messages:
                return _failed(f"the chat has more than {limits.messages} messages", too_large=True)
            headers.append((m, f))
    if not headers:
        empty = not text.strip(_MARKS + _SPACES + "\t\n")
        out.warnings.append("the export is empty" if empty else _NO_HEADERS)
        return out
    order_day_first = _decide_order([f for _, f in headers], day_first, out.warnings)
    # A header whose date cannot be (31/02) is message text that happens to look like one.
    dated = [(m, at) for m, f in headers if (at := _when(f, order_day_first, zone)) is not None]
    if len(dated) < len(headers):
        out.warnings.append(
            f"{len(headers) - len(dated)} line(s) that looked like headers had impossible dates;"
            " read as message text"
        )
    if not dated:
        out.warnings.append(_NO_HEADERS)
        return out
    orphans = sum(1 for line in text[: dated[0][0].start()].split("\n") if line.strip(_BLANK))
    if orphans:
        out.warnings.append(f"{orphans} line(s) before the first message were ignored")
    out.layout = _layout(dated[0][0], order_day_first)
    ends = [m.start() - 1 for m, _ in dated[1:]] + [len(text)]
    for (match, at), end in zip(dated, ends, strict=True):
        # The lines after a header, up to the next one, continue its message.
        more = text[match.end() + 1 : end] if end > match.end() else ""
        if more and _MARK_RUN.search(more):
            more = _LINE_START_MARKS.sub("", more)
        _add(out, at, match, more)
    return out


def _layout(match: re.Match[str], day_first: bool) -> str:
    order = "ymd" if len(match["a"]) >= 3 else ("dmy" if day_first else "mdy")
    clock = "12h" if match["ampm"] else "24h"
    # Brackets, or the colon after the time of older iPhones, are iOS; " - " is Android.
    phone = "ios" if match["br"] or match["colon"] else "android"
    return f"{phone}-{clock}-{order}"


def _drop_marks(text: str) -> str:
    return _MARK_RUN.sub("", text)


def _add(out: ParsedExport, at: datetime, match: re.Match[str], more: str) -> None:
    author, first = match.group("author", "body")
    if author is None or _SYSTEM_IN_AUTHOR.search(author):
        out.system_events.append(_system(at, match["rest"], more))
        return
    if not author.isascii():  # marks are never ASCII: the common case skips the pass
        # Names stay as the phone wrote them (not NFC): they are labels, not text to match.
        author = _drop_marks(author)
    author = author.strip(_SPACES + "\t")
    if not author:
        out.system_events.append(_system(at, match["rest"], more))
        return
    text = f"{first}\n{more}" if more else first
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.strip(_MARKS + "\n")
    lrm = first.startswith("\u200e")
    if len(text) <= _PLACEHOLDER_MAX + 200 and (lrm or _may_be_placeholder(text)):
        kind = _placeholder(text, starts_with_lrm=lrm)
        if kind is not None:
            if isinstance(kind, tuple):
                name, caption = kind
                out.messages.append(ExportMessage(author, at, caption, True, False, name))
            elif kind == "deleted":
                out.messages.append(ExportMessage(author, at, "", False, True, ""))
            else:
                out.system_events.append(_system(at, match["rest"], more))
            return
    out.messages.append(ExportMessage(author, at, text, False, False, ""))


def _may_be_placeholder(text: str) -> bool:
    """Every media, deleted and encryption placeholder holds one of these words."""
    # Plain substring tests: most messages are ordinary text, and the regexes cost more.
    low = text.lower()
    return (
        "omitted" in low
        or "attached" in low
        or "deleted" in low
        or "end-to-end" in low
        or "मीडिया" in low
        or "हटा" in low
        or "एंड-टू-एंड" in low
    )


def _placeholder(text: str, *, starts_with_lrm: bool) -> tuple[str, str] | str | None:
    """(media file, caption) for media, "deleted", "system", or None for ordinary text."""
    plain = _drop_marks(text).strip(_SPACES + "\t\n")
    if _ENCRYPTION_NOTICE.match(plain):
        return "system"
    head, _, tail = plain.partition("\n")
    head = head.rstrip(_SPACES + "\t")
    media = _MEDIA.fullmatch(head) if len(head) <= _PLACEHOLDER_MAX else None
    if media is not None:
        name = (media["att"] or media["file"] or "").strip(_SPACES)
        caption = "\n".join(part for part in (media["cap"] or "", tail) if part)
        return name, caption.strip(_SPACES + "\t\n")
    if _DELETED.fullmatch(plain):
        return "deleted"
    if starts_with_lrm and _IOS_SYSTEM.search(head):
        return "system"
    return None


def _system(at: datetime, rest: str, more: str) -> SystemEvent:
    body = f"{rest}\n{more}" if more else rest
    return SystemEvent(at, unicodedata.normalize("NFC", _drop_marks(body)).strip(_BLANK + "\n"))


def _decode(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; otherwise never fail."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # A few broken bytes in a UTF-8 file (a copy cut short) should not garble every Hindi word.
    text = data.decode("utf-8-sig", errors="replace")
    broken = text.count("\ufffd")
    if broken <= max(4, len(text) // 1000):
        warnings.append(f"{broken} invalid UTF-8 sequence(s) replaced with U+FFFD")
        return text
    warnings.append("the text is not UTF-8; read as Latin-1")
    return data.decode("latin-1")


def _chat_member(names: list[str]) -> str | None:
    """The chat text inside an export zip: `_chat.txt` (iOS), `WhatsApp Chat with X.txt`."""
    texts = [n for n in names if n.lower().endswith(".txt")]

    def rank(name: str) -> int:
        base = PurePosixPath(name).name.lower()
        return 0 if base == "_chat.txt" else 1 if base.startswith("whatsapp chat") else 2

    return min(texts, key=rank, default=None)


def _parse_zip(
    data: bytes, *, filename: str, tz: str, day_first: bool | None, limits: Limits
) -> ParsedExport:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [
                i
                for i in safezip.check_members(archive, max_members=limits.members)
                if not i.is_dir()
                and not i.filename.startswith("__MACOSX/")
                and not PurePosixPath(i.filename).name.startswith("._")
            ]
            chat = _chat_member([i.filename for i in infos])
            if chat is None:
                return _failed(f"{filename}: the archive holds no chat .txt file")
            raw = safezip.read_member(archive, archive.getinfo(chat), limit=limits.chat_bytes)
    except safezip.ZipLimitError as exc:
        return _failed(f"{filename}: {exc}", too_large=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        return _failed(f"{filename}: not a readable zip archive ({exc})")
    except (IndexError, struct.error) as exc:  # a malformed extra field in the zip's directory
        return _failed(f"{filename}: not a readable zip archive ({exc})")
    except (RuntimeError, NotImplementedError, ValueError) as exc:  # encrypted, odd compression
        return _failed(f"{filename}: cannot read the chat text in the archive ({exc})")
    warnings: list[str] = []
    parsed = parse_text(_decode(raw, warnings), tz=tz, day_first=day_first, limits=limits)
    parsed.warnings[:0] = warnings
    if parsed.too_large:
        parsed.warnings[-1] = f"{filename}: {parsed.warnings[-1]}"
        return parsed
    parsed.media_files = [PurePosixPath(i.filename).name for i in infos if i.filename != chat]
    return parsed


def chat_size(data: bytes) -> int:
    """The chat text's size in bytes: a zip's chat member as declared, else the data's length.

    Cheap (the zip's directory only), so a caller can choose where to parse the export."""
    if not data.startswith(_ZIP_MAGIC):
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            chat = _chat_member([i.filename for i in archive.infolist()])
            return archive.getinfo(chat).file_size if chat else len(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return len(data)
    except (IndexError, struct.error):  # a malformed extra field: parse_bytes says so
        return len(data)


def _failed(warning: str, *, too_large: bool = False) -> ParsedExport:
    return ParsedExport(warnings=[warning], too_large=too_large)


def parse_bytes(
    data: bytes,
    *,
    filename: str,
    tz: str = "Asia/Kolkata",
    day_first: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedExport:
    """Parse an uploaded export (a `.zip` with the chat and media, or the text); never raises.

    An unreadable archive gives no messages and says why in `warnings`; an export over one of
    `limits` gives no messages and `too_large`.
    """
    _zone(tz)  # an unknown zone is the caller's mistake: say so even for an unreadable file
    if data.startswith(_ZIP_MAGIC):
        return _parse_zip(data, filename=filename, tz=tz, day_first=day_first, limits=limits)
    if len(data) > limits.chat_bytes:
        return _failed(
            f"{filename}: the chat text is too large ({len(data)} bytes, at most {limits.chat_bytes})",
            too_large=True,
        )
    warnings: list[str] = []
    if filename.lower().endswith(".zip"):
        warnings.append(f"{filename}: not a zip archive; read as chat text")
    parsed = parse_text(_decode(data, warnings), tz=tz, day_first=day_first, limits=limits)
    parsed.warnings[:0] = warnings
    return parsed


def parse_file(
    path: Path,
    *,
    tz: str = "Asia/Kolkata",
    day_first: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedExport:
    """Parse an export on disk (`.txt` or `.zip`)."""
    data = path.read_bytes()
    return parse_bytes(data, filename=path.name, tz=tz, day_first=day_first, limits=limits)


def summary(parsed: ParsedExport) -> dict[str, object]:
    """The counts `sampark ingest whatsapp-export --json` prints and an upload stores."""
    msgs = parsed.messages
    return {
        "messages": len(msgs),
        "system_events": len(parsed.system_events),
        "authors": len({m.author for m in msgs}),
        "media": sum(1 for m in msgs if m.is_media),
        "deleted": sum(1 for m in msgs if m.is_deleted),
        "first_at": min(m.at for m in msgs).isoformat() if msgs else None,
        "last_at": max(m.at for m in msgs).isoformat() if msgs else None,
        "layout": parsed.layout,
        "warnings": list(parsed.warnings),
    }


def dump_line(msg: ExportMessage) -> dict[str, object]:
    """One message as a JSON-ready dict (`--dump`)."""
    return {
        "author": msg.author,
        "at": msg.at.isoformat(),
        "text": msg.text,
        "is_media": msg.is_media,
        "is_deleted": msg.is_deleted,
    }


def _kind(msg: ExportMessage) -> str:
    # Media are keyed by caption, not file name, so an export "without media" and a later one
    # "with media" of the same group give the same ids.
    return "deleted" if msg.is_deleted else ("media" if msg.is_media else "text")


def to_raw_posts(parsed: ParsedExport, *, group_key: str) -> list[RawPost]:
    """Messages as inbox posts, with ids stable across re-uploads and longer later exports.

    The id hashes (group, author, local minute, text, which repeat of that triple it is): iOS
    keeps seconds and Android does not, and a later export of the group repeats the earlier
    messages in the same order.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for msg in parsed.messages:
        minute = msg.at.strftime("%Y-%m-%dT%H:%M")
        triple = (msg.author, minute, f"{_kind(msg)}:{msg.text.strip()}")
        seen[triple] += 1
        ident = "\x1f".join((group_key, *triple, str(seen[triple])))
        out.append(
            RawPost(
                platform=Platform.WHATSAPP,
                external_id=hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:40],
                text=msg.text,
                posted_at=msg.at,
                author=msg.author,
                media=(msg.media_file,) if msg.media_file else (),
                is_media=msg.is_media,
                is_deleted=msg.is_deleted,
            )
        )
    return out
