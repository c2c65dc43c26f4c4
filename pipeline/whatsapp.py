"""WhatsApp chat exports (Android and iOS, `.txt` or `.zip` with media) into messages.

Layouts seen in exports, all handled by one header pattern:

    12/01/24, 10:00 am - Alice: text            Android, 12 h (space, NBSP or U+202F before am/pm)
    15.04.2016, 15:04 - Brock: text             Android, 24 h, dots
    [15/01/20, 2:22:56 PM] Mary: text           iOS, brackets, seconds
    [15-01-20 02:22:56] Mary: text              iOS variant without comma
    [2020-01-15 14:22] Mary: text               year first

The day/month order is inferred from the whole file (a first field above 12 means day-first, a
second field above 12 means month-first; Indian exports default to day-first). Lines without a
header continue the previous message. Direction marks (U+200E, U+202A …) that exports sprinkle
around names and placeholders are removed. Times are local; `tz` makes them aware.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.types import Platform, RawPost

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_HEADER = re.compile(
    r"^\[?(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4}),?[ \u00a0]"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?:[ \u00a0\u202f]?(?P<ampm>[aApP]\.?\s?[mM]\.?))?\]?"
    r"(?:[ \u00a0]-[ \u00a0]|[ \u00a0])(?P<rest>.*)$"
)
_AUTHOR = re.compile(r"^(?P<author>[^:]{1,80}?): (?P<text>.*)$", re.DOTALL)
_MEDIA = re.compile(
    r"^(?:<media omitted>|<मीडिया के बिना>|<मीडिया छोड़ा गया>|media omitted"
    r"|(?:image|video|audio|sticker|gif|document|contact card) omitted"
    r"|<attached: (?P<att>[^>]+)>|(?P<file>\S+\.\w{2,5}) \(file attached\)(?:\n.*)?)$",
    re.IGNORECASE | re.DOTALL,
)
_DELETED = re.compile(
    r"^(?:this message was deleted|you deleted this message|यह संदेश हटा दिया गया था"
    r"|आपने यह संदेश हटा दिया|this message was deleted by admin.*)$",
    re.IGNORECASE,
)
_ENCRYPTION = re.compile(r"end-to-end encrypted|end-to-end encryption|एंड-टू-एंड", re.IGNORECASE)
_SYSTEM_HINTS = re.compile(
    r"(?: created (?:group|this group)| added | joined using this group's invite link| left$"
    r"| removed | changed the (?:subject|group|this group's icon|group description|settings)"
    r"| changed their phone number| security code (?:with .* )?changed"
    r"|^you (?:were added|joined|created|changed|removed|added)"
    r"| ने ग्रुप बनाया| को जोड़ा| ने ग्रुप छोड़ दिया| शामिल हुए)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ExportMessage:
    author: str
    at: datetime
    text: str
    is_media: bool
    is_deleted: bool
    media_file: str  # "" if none


@dataclass(frozen=True, slots=True)
class SystemEvent:
    at: datetime
    text: str


@dataclass(slots=True)
class ParsedExport:
    messages: list[ExportMessage] = field(default_factory=list)
    system_events: list[SystemEvent] = field(default_factory=list)
    media_files: list[str] = field(default_factory=list)  # files present in a zip
    warnings: list[str] = field(default_factory=list)
    layout: str = "unknown"


@dataclass(slots=True)
class _Raw:
    fields: tuple[int, int, int, int, int, int, str]  # a, b, c, h, m, s, ampm
    rest: list[str]
    bracket: bool


def _clean(line: str) -> str:
    return line.strip(_MARKS + " ").translate({ord(c): None for c in _MARKS})


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    return data.decode("latin-1")


def _order(raws: list[_Raw], day_first: bool | None) -> tuple[str, bool]:
    """("ymd"|"dmy"|"mdy", decided-from-data) for the whole file."""
    if raws and all(r.fields[0] > 31 for r in raws[:20]):
        return "ymd", True
    if day_first is not None:
        return ("dmy" if day_first else "mdy"), True
    if any(r.fields[0] > 12 for r in raws):
        return "dmy", True
    if any(r.fields[1] > 12 for r in raws):
        return "mdy", True
    return "dmy", False


def _when(raw: _Raw, order: str, tz: ZoneInfo) -> datetime | None:
    a, b, c, h, m, s, ampm = raw.fields
    if order == "ymd":
        year, month, day = a, b, c
    elif order == "dmy":
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if year < 100:
        year += 2000
    if ampm:
        pm = ampm[0] in "pP"
        if h == 12:
            h = 0
        if pm:
            h += 12
    try:
        return datetime(year, month, day, h, m, s, tzinfo=tz)
    except ValueError:
        return None


def parse_text(
    text: str, *, tz: str = "Asia/Kolkata", day_first: bool | None = None
) -> ParsedExport:
    """Parse the text of an export. Never raises on odd input: unknown lines continue the
    previous message, and a text with no header at all gives no messages and a warning."""
    zone = ZoneInfo(tz)
    out = ParsedExport()
    raws: list[_Raw] = []
    orphan = 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cleaned = _clean(line)
        match = _HEADER.match(cleaned)
        if match is not None:
            try:
                fields = (
                    int(match["a"]),
                    int(match["b"]),
                    int(match["c"]),
                    int(match["h"]),
                    int(match["m"]),
                    int(match["s"] or 0),
                    (match["ampm"] or "").replace(".", "").replace(" ", ""),
                )
            except ValueError:  # digits outside ASCII that int() still rejects
                fields = None
            if fields is not None:
                raws.append(_Raw(fields, [match["rest"]], cleaned.startswith("[")))
                continue
        if raws:
            raws[-1].rest.append(line.rstrip("\n").translate({ord(c): None for c in _MARKS}))
        elif line.strip():
            orphan += 1
    if not raws:
        if text.strip():
            out.warnings.append("no WhatsApp message headers found (is this a chat export?)")
        return out
    if orphan:
        out.warnings.append(f"{orphan} line(s) before the first message were ignored")
    order, decided = _order(raws, day_first)
    if not decided:
        out.warnings.append("dates could be day-first or month-first; read as day-first")
    bad = 0
    for raw in raws:
        at = _when(raw, order, zone)
        if at is None:
            bad += 1
            continue
        body = "\n".join(raw.rest).rstrip()
        _add(out, at, body)
    if bad:
        out.warnings.append(f"{bad} message(s) with impossible dates were skipped")
    first = raws[0]
    clock = "12h" if first.fields[6] else "24h"
    out.layout = f"{'ios' if first.bracket else 'android'}-{clock}-{order}"
    return out


def _add(out: ParsedExport, at: datetime, body: str) -> None:
    match = _AUTHOR.match(body)
    if match is None or (_ENCRYPTION.search(body) and not _looks_like_chat(match["text"])):
        out.system_events.append(SystemEvent(at, unicodedata.normalize("NFC", _clean(body))))
        return
    author = _clean(match["author"])
    text = unicodedata.normalize("NFC", match["text"].strip(_MARKS + " \n"))
    plain = _clean(text)
    media = _MEDIA.match(plain)
    if media is not None:
        name = (media["att"] or media["file"] or "").strip()
        caption = plain.split("\n", 1)[1].strip() if media["file"] and "\n" in plain else ""
        out.messages.append(ExportMessage(author, at, caption, True, False, name))
        return
    if _DELETED.match(plain):
        out.messages.append(ExportMessage(author, at, "", False, True, ""))
        return
    out.messages.append(ExportMessage(author, at, text, False, False, ""))


def _looks_like_chat(text: str) -> bool:
    """The encryption notice is sometimes attributed to the group as if it were an author."""
    return not _ENCRYPTION.search(text)


def parse_bytes(
    data: bytes, *, filename: str, tz: str = "Asia/Kolkata", day_first: bool | None = None
) -> ParsedExport:
    """Parse an uploaded export: a `.zip` (chat text plus media) or the text itself.

    Raises ValueError only for a `.zip` that is not a readable archive or holds no chat text.
    """
    looks_zipped = data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))
    if filename.lower().endswith(".zip") or looks_zipped:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise ValueError(f"{filename}: not a readable zip archive") from exc
        with archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            chats = [n for n in names if n.lower().endswith(".txt")]
            if not chats:
                raise ValueError(f"{filename}: the archive holds no chat .txt file")
            chat = next((n for n in chats if Path(n).name == "_chat.txt"), chats[0])
            parsed = parse_text(_decode(archive.read(chat)), tz=tz, day_first=day_first)
            parsed.media_files = [Path(n).name for n in names if n != chat]
            return parsed
    return parse_text(_decode(data), tz=tz, day_first=day_first)


def parse_file(
    path: Path, *, tz: str = "Asia/Kolkata", day_first: bool | None = None
) -> ParsedExport:
    return parse_bytes(path.read_bytes(), filename=path.name, tz=tz, day_first=day_first)


def summary(parsed: ParsedExport) -> dict[str, object]:
    """The counts `sampark ingest whatsapp-export --json` prints."""
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
    return {
        "author": msg.author,
        "at": msg.at.isoformat(),
        "text": msg.text,
        "is_media": msg.is_media,
        "is_deleted": msg.is_deleted,
    }


def to_raw_posts(parsed: ParsedExport, *, group_key: str) -> list[RawPost]:
    """Messages as inbox posts. The id of a message is the same in every export of the group
    that contains it (group, author, minute, text, and which repeat of that triple it is), so a
    later, longer export adds only the new messages."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for msg in parsed.messages:
        minute = msg.at.strftime("%Y-%m-%dT%H:%M")
        triple = (msg.author, minute, msg.text if not msg.is_media else f"<{msg.media_file}>")
        seen[triple] += 1
        ident = "\x1f".join((group_key, *triple, str(seen[triple])))
        out.append(
            RawPost(
                platform=Platform.WHATSAPP,
                external_id=hashlib.sha256(ident.encode()).hexdigest()[:40],
                text=msg.text,
                posted_at=msg.at,
                author=msg.author,
                media=(msg.media_file,) if msg.media_file else (),
                is_media=msg.is_media,
                is_deleted=msg.is_deleted,
            )
        )
    return out
