"""Bulk import of volunteers from CSV or XLSX, streamed in chunks.

One row is one person (de-duplicated by phone in E.164), optionally with one position on the
row's unit. The file is read once, in chunks of `CHUNK_SIZE` rows; each chunk is validated in
Python against maps preloaded for the import's scope, then written with bulk statements in its
own transaction together with the job's progress, so a crash loses at most the chunk in flight.
A re-run resumes after the last committed chunk, and re-importing a file that is already in is a
no-op (no new person, assignment, flag or consent row).

Rules are the same as the single-person services (helper B's `people.services`):
- a booth volunteer is 18 or older (minors are not imported at all: children's data needs a
  guardian's consent that a sheet cannot carry);
- a position's level equals its unit's level; a seat has one active holder; a person holds one
  staffing position per booth;
- verified assignments count in `Unit.volunteers`, recounted for the booths touched;
- reusing an EPIC or a phone under another name raises a `SignupFlag` for review;
- consent is a ledger: an event is written only when the current state differs.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.core import audit
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import contains, subtree_q
from sampark.people import staffing
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
    Gender,
    VerifyMethod,
)
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    ImportJob,
    Person,
    PositionKind,
    SignupFlag,
)
from sampark.people.validation import normalize_epic, normalize_name, normalize_phone

CHUNK_SIZE = 5000
MAX_STORED_ERRORS = 10_000
# `__in` lookups are split so no statement exceeds SQLite's bound-parameter limit.
IN_BATCH = 900
MIN_AGE = 18

T = TypeVar("T")

# ---------------------------------------------------------------------------------------------
# Columns


FIELD_LABELS: dict[str, Promise] = {
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Mobile number"),
    "epic": gettext_lazy("Voter ID (EPIC)"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "age": gettext_lazy("Age"),
    "gender": gettext_lazy("Gender"),
    "languages": gettext_lazy("Languages"),
    "email": gettext_lazy("E-mail"),
    "ac_no": gettext_lazy("AC number"),
    "part_no": gettext_lazy("Booth (part) number"),
    "booth_path": gettext_lazy("Unit path (UP/D1/AC1/M01/S01/B1)"),
    "position": gettext_lazy("Position"),
    "consent": gettext_lazy("Consent to volunteer coordination by SMS"),
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)

# Header aliases, compared after `header_key` (case, spaces, punctuation and Unicode form folded).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "volunteer name",
        "naam",
        "नाम",
        "पूरा नाम",
        "कार्यकर्ता का नाम",
        "स्वयंसेवक का नाम",
    ),
    "phone": (
        "phone",
        "mobile",
        "mobile no",
        "mobile number",
        "phone no",
        "phone number",
        "contact",
        "contact no",
        "whatsapp",
        "whatsapp no",
        "whatsapp number",
        "मोबाइल",
        "मोबाइल नंबर",
        "मोबाइल नम्बर",
        "मोबाइल नं",
        "मोबाईल",
        "फ़ोन",
        "फोन",
        "फ़ोन नंबर",
        "फोन नंबर",
    ),
    "epic": (
        "epic",
        "epic no",
        "epic number",
        "voter id",
        "voter id no",
        "voter id number",
        "voter card",
        "मतदाता पहचान पत्र",
        "मतदाता पहचान पत्र संख्या",
        "वोटर आईडी",
        "ईपिक",
    ),
    "date_of_birth": ("date of birth", "dob", "birth date", "जन्म तिथि", "जन्मतिथि", "जन्म दिनांक"),
    "age": ("age", "आयु", "उम्र"),
    "gender": ("gender", "sex", "लिंग"),
    "languages": ("languages", "language", "भाषा", "भाषाएँ", "भाषाएं"),
    "email": ("email", "e mail", "email id", "ईमेल", "ई मेल"),
    "ac_no": (
        "ac no",
        "ac number",
        "ac",
        "assembly constituency",
        "assembly constituency no",
        "assembly no",
        "विधानसभा संख्या",
        "विधानसभा क्रमांक",
        "विधानसभा",
        "विधान सभा संख्या",
    ),
    "part_no": (
        "part no",
        "part number",
        "part",
        "booth",
        "booth no",
        "booth number",
        "ps no",
        "polling station no",
        "बूथ संख्या",
        "बूथ नंबर",
        "बूथ",
        "भाग संख्या",
        "भाग",
    ),
    "booth_path": ("booth path", "unit path", "path"),
    "position": ("position", "post", "role", "पद", "दायित्व"),
    "consent": ("consent", "सहमति"),
}

_PUNCT = re.compile(r"[\s_\-./:#()\[\]]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def header_key(text: str) -> str:
    """Fold a column header for matching: NFC, case, punctuation and spacing."""
    folded = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE).casefold()
    return _PUNCT.sub(" ", folded).strip()


_ALIAS_INDEX: dict[str, str] = {
    header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases
}
for _name in FIELDS:
    _ALIAS_INDEX.setdefault(header_key(_name), _name)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or its columns cannot be mapped)."""


def detect_mapping(header: list[str]) -> dict[str, str]:
    """{source header: field or ""} guessed from the aliases; the first column of a field wins."""
    taken: set[str] = set()
    detected: dict[str, str] = {}
    for column in header:
        name = _ALIAS_INDEX.get(header_key(column), "")
        if name in taken or column in detected:
            name = ""
        if name:
            taken.add(name)
        detected.setdefault(column, name)
    return detected


def resolve_columns(
    header: list[str], mapping: Mapping[str, str | None] | None = None
) -> dict[str, int]:
    """{field: column index}: the detected mapping with `mapping` ({header: field}) on top.

    Raises ImportFileError before any row is read when a required field is unmapped.
    """
    chosen: dict[int, str] = {}
    for index, column in enumerate(header):
        guess = _ALIAS_INDEX.get(header_key(column), "")
        if guess and guess not in chosen.values():
            chosen[index] = guess
    by_key = {header_key(c): i for i, c in reversed(list(enumerate(header)))}
    for source, target in (mapping or {}).items():
        found = header.index(source) if source in header else by_key.get(header_key(source))
        if found is None:
            raise ImportFileError(_("Column “%(column)s” is not in the file.") % {"column": source})
        index = found
        target = (target or "").strip()
        if target in ("", "-", "ignore"):
            chosen.pop(index, None)
            continue
        if target not in FIELD_LABELS:
            raise ImportFileError(
                _("“%(field)s” is not a field the importer knows.") % {"field": target}
            )
        # An explicit choice takes the field away from a column that merely looked like it.
        for other, name in list(chosen.items()):
            if name == target and other != index and header[other] not in (mapping or {}):
                chosen.pop(other)
        chosen[index] = target
    columns: dict[str, int] = {}
    for index, name in sorted(chosen.items()):
        if name in columns:
            raise ImportFileError(
                _("Columns “%(a)s” and “%(b)s” are both mapped to %(field)s.")
                % {"a": header[columns[name]], "b": header[index], "field": FIELD_LABELS[name]}
            )
        columns[name] = index
    missing = [str(FIELD_LABELS[f]) for f in ("name", "phone") if f not in columns]
    if missing:
        raise ImportFileError(
            _("The file has no column for: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    if "booth_path" not in columns and not ("ac_no" in columns and "part_no" in columns):
        raise ImportFileError(
            _(
                "The file has no booth column: give a unit path column, or both an AC number "
                "and a booth (part) number column."
            )
        )
    return columns


# ---------------------------------------------------------------------------------------------
# Reading files


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def _is_xlsx(head: bytes, filename: str) -> bool:
    return head.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm"))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv_table(binary: IO[bytes]) -> tuple[Table, Callable[[], None]]:
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")

    def release() -> None:
        # Hand the binary file back to its owner instead of closing it with the wrapper.
        text.detach()

    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        release()
        raise ImportFileError(_not_utf8(1)) from exc
    if not first.strip():
        release()
        raise ImportFileError(_("The file is empty."))
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    header = next(reader)

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        try:
            for record in reader:
                start, last = last + 1, reader.line_num
                if any(record) and "".join(record).strip():
                    yield start, record
        except UnicodeDecodeError as exc:
            raise ImportFileError(_not_utf8(last + 1)) from exc

    return Table(header=[h.strip() for h in header], rows=rows()), release


def _not_utf8(line: int) -> str:
    return _(
        "The file is not UTF-8 text (near line %(line)s). Save it as “CSV UTF-8” and try again."
    ) % {"line": line}


def _xlsx_table(binary: IO[bytes]) -> tuple[Table, Callable[[], None]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # zipfile/openpyxl raise many kinds for a damaged file
        raise ImportFileError(
            _("The spreadsheet cannot be read: %(error)s") % {"error": exc}
        ) from exc
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = [_cell(v).strip() for v in next(values, ())]
    while header and not header[-1]:
        header.pop()
    if not header:
        book.close()
        raise ImportFileError(_("The file is empty."))

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, cells in enumerate(values, start=2):
            record = [_cell(v) for v in cells]
            if any(record) and "".join(record).strip():
                yield line, record

    return Table(header=header, rows=rows()), book.close


@contextmanager
def open_table(source: Path | IO[bytes], *, filename: str = "") -> Iterator[Table]:
    """Open a CSV (UTF-8, with or without BOM) or XLSX file as a header and (line, cells) rows."""
    own = isinstance(source, Path)
    binary: IO[bytes] = source.open("rb") if isinstance(source, Path) else source
    name = filename or (source.name if isinstance(source, Path) else "")
    closers: list[Callable[[], None]] = []
    try:
        head = binary.read(4)
        binary.seek(0)
        if name.lower().endswith(".xls") and not head.startswith(b"PK"):
            raise ImportFileError(_("Old .xls files are not supported: save as .xlsx or CSV."))
        if _is_xlsx(head, name):
            table, close = _xlsx_table(binary)
            closers.append(close)
        else:
            table, close = _csv_table(binary)
            closers.append(close)
        yield table
    finally:
        for close in closers:
            close()
        if own:
            binary.close()


def read_preview(
    source: Path | IO[bytes], *, filename: str = "", rows: int = 3
) -> tuple[list[str], list[list[str]]]:
    """The header and the first few rows, for the mapping step."""
    with open_table(source, filename=filename) as table:
        return table.header, [cells for _, cells in itertools.islice(table.rows, rows)]


# ---------------------------------------------------------------------------------------------
# Parsing cells

_DATE_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_SPLIT = re.compile(r"\s*[,;/|]\s*")
_GENDERS: dict[str, str] = {
    "m": Gender.MALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "पुरुष": Gender.MALE,
    "पु": Gender.MALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "महिला": Gender.FEMALE,
    "स्त्री": Gender.FEMALE,
    "म": Gender.FEMALE,
    "o": Gender.OTHER,
    "other": Gender.OTHER,
    "third gender": Gender.OTHER,
    "transgender": Gender.OTHER,
    "अन्य": Gender.OTHER,
    "तृतीय लिंग": Gender.OTHER,
}
_LANGUAGES: dict[str, str] = {
    "hindi": "hi",
    "हिंदी": "hi",
    "हिन्दी": "hi",
    "english": "en",
    "अंग्रेजी": "en",
    "अंग्रेज़ी": "en",
    "urdu": "ur",
    "उर्दू": "ur",
    "bhojpuri": "bho",
    "भोजपुरी": "bho",
    "awadhi": "awa",
    "अवधी": "awa",
    "braj": "bra",
    "ब्रज": "bra",
    "bundeli": "bns",
    "बुंदेली": "bns",
    "punjabi": "pa",
    "पंजाबी": "pa",
    "bengali": "bn",
    "बांग्ला": "bn",
}
_YES = {"yes", "y", "true", "1", "given", "हाँ", "हां", "हा", "सहमत", "ha", "haan"}
_NO = {"no", "n", "false", "0", "withdrawn", "नहीं", "नही", "असहमत", "nahi"}
_FORMULA_PREFIX = ("'=", "'+", "'-", "'@")


def _clean(raw: str) -> str:
    text = raw.strip()
    # Exports guard formulas with a leading apostrophe; spreadsheets also use it to keep
    # a phone number as text.
    if text[:1] == "'" and (text[:2] in _FORMULA_PREFIX or text[1:2].isdigit()):
        return text[1:]
    return text


_FAST_PHONE = re.compile(r"(?:\+91)?([6-9][0-9]{9})")
_PHONE_SEPARATORS = str.maketrans("", "", " -")
_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def fast_normalize_phone(raw: str) -> str:
    """`validation.normalize_phone` with a shortcut for the usual shapes (98123 45610,
    +91-9812345610): they skip the generic parser and are checked against the same
    phonenumbers metadata. The result is identical (property-tested); anything else, and every
    error, goes through `normalize_phone` itself."""
    match = _FAST_PHONE.fullmatch(raw.translate(_PHONE_SEPARATORS))
    if match is not None:
        national = match[1]
        number = phonenumbers.PhoneNumber(country_code=91, national_number=int(national))
        # A mobile (or fixed-line-or-mobile) type implies a valid number for region IN.
        if phonenumbers.number_type(number) in _MOBILE_TYPES:
            return "+91" + national
    return normalize_phone(raw)


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (or with / .), or DD-MM-YYYY as Indians write it."""
    match = _DATE_YMD.match(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DATE_DMY.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise ValueError(text)


def parse_languages(text: str) -> list[str]:
    codes: list[str] = []
    for part in _SPLIT.split(text.casefold()):
        part = part.strip()
        code = _LANGUAGES.get(unicodedata.normalize("NFC", part), part)
        if code and code not in codes:
            codes.append(code)
    return codes


def parse_consent(text: str) -> str:
    key = unicodedata.normalize("NFC", text.strip().casefold())
    if key in _YES:
        return ConsentAction.GIVEN
    if key in _NO:
        return ConsentAction.WITHDRAWN
    raise ValueError(text)


# ---------------------------------------------------------------------------------------------
# The report


_COUNTERS = (
    "created",
    "updated",
    "unchanged",
    "failed",
    "assignments",
    "verified",
    "flags",
    "consents",
)


@dataclass
class ImportReport:
    job_id: int | None = None
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    assignments: int = 0
    verified: int = 0
    flags: int = 0
    consents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_omitted: int = 0
    seconds: float = 0.0
    superseded: bool = False

    def add_errors(self, errors: Iterable[dict[str, Any]]) -> None:
        for error in errors:
            if len(self.errors) < MAX_STORED_ERRORS:
                self.errors.append(error)
            else:
                self.errors_omitted += 1

    def merged(self, result: _ChunkResult, *, rows: int) -> ImportReport:
        """A copy of the report with one chunk's result added."""
        report = dataclasses.replace(self, errors=list(self.errors))
        report.total += rows
        for key in _COUNTERS:
            setattr(report, key, getattr(report, key) + getattr(result, key))
        report.add_errors(result.errors)
        return report

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            **{key: getattr(self, key) for key in _COUNTERS},
            "errors_omitted": self.errors_omitted,
        }

    def as_dict(self, *, with_errors: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"job_id": self.job_id, **self.counts()}
        data["seconds"] = round(self.seconds, 2)
        if with_errors:
            data["errors"] = self.errors
        return data


# ---------------------------------------------------------------------------------------------
# The import


@dataclass(slots=True)
class _Row:
    line: int
    cells: list[str]
    name: str
    phone: str
    epic: str
    dob: dt.date | None
    gender: str | None
    languages: list[str] | None
    email: str | None
    unit_id: int
    kind: PositionKind | None
    consent: str | None


@dataclass
class _ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    assignments: int = 0
    verified: int = 0
    flags: int = 0
    consents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


class _Superseded(Exception):  # noqa: N818 (control flow, not an error)
    """Another run of the same job committed a chunk first; this run stops."""


PersonRef = int | Person


def _pid(ref: PersonRef) -> int:
    return ref if isinstance(ref, int) else ref.pk


def _batched(values: Iterable[T], size: int = IN_BATCH) -> Iterator[list[T]]:
    it = iter(values)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _pairs(
    model: type[Model], key: str, value: str, keys: Iterable[str]
) -> Iterator[tuple[Any, Any]]:
    """(key, value) columns of the rows whose `key` is in `keys`, for text keys (phone, EPIC).

    Plain SQL: the ORM's per-parameter preparation of large IN lists is measurable at lakhs.
    """
    meta = model._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    key_column = qn(str(meta.get_field(key).column))  # type: ignore[union-attr]
    value_column = qn(str(meta.get_field(value).column))  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter instead of hundreds of bound values.
            for batch in _batched(keys, 10_000):
                cursor.execute(
                    f"SELECT {key_column}, {value_column} FROM {table} "  # noqa: S608
                    f"WHERE {key_column} = ANY(%s)",
                    [batch],
                )
                yield from cursor.fetchall()
            return
        for batch in _batched(keys):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT {key_column}, {value_column} FROM {table} "  # noqa: S608
                f"WHERE {key_column} IN ({marks})",
                batch,
            )
            yield from cursor.fetchall()


def _options(job: ImportJob) -> dict[str, Any]:
    return dict((job.mapping or {}).get("options") or {})


def job_columns(job: ImportJob) -> dict[str, str]:
    """The job's explicit column mapping {source header: field}."""
    return dict((job.mapping or {}).get("columns") or {})


class _Inserter:
    """INSERT many rows without model instances.

    Building a model instance and compiling SQL per object is most of `bulk_create`'s cost; at
    lakhs of rows it dominates the import. Given fields are passed as already-adapted values;
    every other concrete field gets its default, so a field added later still gets a value.
    SQLite runs one prepared statement over all rows (`executemany`, a loop in C); PostgreSQL
    gets COPY (psycopg 3), about ten times faster there than multi-row INSERTs.
    """

    def __init__(self, model: type[Model], fields: tuple[str, ...]) -> None:
        meta = model._meta
        qn = connection.ops.quote_name
        given = [f for name in fields if isinstance(f := meta.get_field(name), Field)]
        assert len(given) == len(fields)
        rest = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and f.attname not in fields and f.name not in fields
        ]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        # Identifiers come from the model's own metadata, quoted; values are parameters.
        table = qn(meta.db_table)
        columns = ", ".join(qn(str(f.column)) for f in (*given, *rest))
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> int:
        params = [row + self.defaults for row in rows]
        if not params:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, params)
        return len(params)


class VolunteerImport:
    """One run of an import over one file; see the module docstring for the rules."""

    def __init__(
        self,
        *,
        scope: Unit,
        actor: User | None,
        mapping: Mapping[str, str | None] | None = None,
        verify: bool = False,
        default_position: str = "",
        notice_version: str = "",
        job: ImportJob | None = None,
        chunk_size: int | None = None,
    ) -> None:
        if actor is not None:
            root = actor.unit
            if root is None or not contains(root, scope):
                raise ImportFileError(_("The import's unit is outside your area."))
            if verify and not actor.can(Capability.VERIFY_WORKERS):
                raise ImportFileError(_("Your role may not verify workers."))
        self.scope = scope
        self.actor = actor
        self.mapping = dict(mapping or {})
        self.verify = verify
        self.notice_version = notice_version.strip()
        self.job = job
        self.chunk_size = chunk_size or CHUNK_SIZE
        self.source = f"import:{job.pk}" if job is not None else "import"
        self.today = timezone.localdate()
        self.report = ImportReport(job_id=job.pk if job is not None else None)
        self._load_catalogue()
        self._person_insert = _Inserter(
            Person,
            (
                "name",
                "phone",
                "epic",
                "email",
                "gender",
                "date_of_birth",
                "languages",
                "home_unit_id",
                "source",
                "created_at",
            ),
        )
        self._assignment_insert = _Inserter(
            Assignment,
            (
                "person_id",
                "unit_id",
                "kind_id",
                "seat",
                "status",
                "verify_method",
                "verified_by_id",
                "verified_at",
                "started_at",
            ),
        )
        self._consent_insert = _Inserter(
            ConsentEvent,
            ("person_id", "purpose", "channel", "action", "notice_version", "source", "at"),
        )
        self._languages_field = Person._meta.get_field("languages")
        self._json_cache: dict[tuple[str, ...], Any] = {}
        self.default_kind: PositionKind | None = None
        if default_position.strip():
            self.default_kind = self._kind(default_position)
            if self.default_kind is None:
                raise ImportFileError(
                    _("Unknown default position “%(value)s”.") % {"value": default_position}
                )

    # -- preloaded maps ------------------------------------------------------------------------

    def _load_catalogue(self) -> None:
        self._kind_cache: dict[str, PositionKind | None] = {}
        self._gender_cache: dict[str, str | None] = {}
        self._languages_cache: dict[str, list[str]] = {}
        self._consent_cache: dict[str, str] = {}
        self.kinds: dict[str, PositionKind] = {}
        for kind in PositionKind.objects.all():
            for label in (kind.code, kind.name_en, kind.name_hi):
                self.kinds.setdefault(header_key(label), kind)

    def _kind(self, text: str) -> PositionKind | None:
        if text not in self._kind_cache:
            self._kind_cache[text] = self.kinds.get(header_key(text))
        return self._kind_cache[text]

    # Few distinct values repeat across lakhs of rows: parse each once.

    def _gender(self, text: str) -> str | None:
        if text not in self._gender_cache:
            self._gender_cache[text] = _GENDERS.get(unicodedata.normalize("NFC", text.casefold()))
        return self._gender_cache[text]

    def _languages(self, text: str) -> list[str]:
        codes = self._languages_cache.get(text)
        if codes is None:
            codes = parse_languages(text)
            if len(self._languages_cache) < 10_000:
                self._languages_cache[text] = codes
        return list(codes)

    def _consent(self, text: str) -> str:
        if text not in self._consent_cache:
            self._consent_cache[text] = parse_consent(text)  # ValueError is not cached
        return self._consent_cache[text]

    def _load_units(self) -> None:
        """path -> (id, level) for every unit in scope; (ac no, part no) -> booth id."""
        units = Unit.objects.filter(subtree_q(self.scope)).exclude(level=Level.PC)
        self.unit_by_path: dict[str, tuple[int, str]] = {}
        self.unit_level: dict[int, str] = {}
        ac_number: dict[int, int] = {}
        booths: list[tuple[int, int | None, int | None]] = []
        for uid, path, level, number, ac_id in units.values_list(
            "id", "path", "level", "number", "ac_id"
        ).iterator(chunk_size=10_000):
            self.unit_by_path[path.casefold()] = (uid, level)
            self.unit_level[uid] = level
            if level == Level.AC and number is not None:
                ac_number[uid] = number
            elif level == Level.BOOTH:
                booths.append((uid, ac_id, number))
        if self.scope.level in (Level.MANDAL, Level.SECTOR, Level.BOOTH) and self.scope.ac_id:
            scope_ac: int | None = (
                Unit.objects.filter(id=self.scope.ac_id).values_list("number", flat=True).first()
            )
            if scope_ac is not None:
                ac_number[self.scope.ac_id] = scope_ac
        self.booth_by_part: dict[tuple[int, int], int] = {}
        for booth_id, booth_ac, part in booths:
            ac_no = ac_number.get(booth_ac) if booth_ac is not None else None
            if ac_no is not None and part is not None:
                self.booth_by_part[(ac_no, part)] = booth_id

    # -- running -------------------------------------------------------------------------------

    def run(self, source: Path | IO[bytes], *, filename: str = "") -> ImportReport:
        """Import the file; returns the report (also saved on the job, when there is one)."""
        self._started = started = time.perf_counter()
        resume_after = self._resume_state()
        with open_table(source, filename=filename) as table:
            self.header = table.header
            self.columns = resolve_columns(table.header, self.mapping)
            if "consent" in self.columns and not self.notice_version:
                raise ImportFileError(
                    _(
                        "The file has a consent column: give the notice version it was collected under."
                    )
                )
            self._load_units()
            seen: dict[int, int] = {}
            chunk: list[tuple[int, list[str]]] = []
            rows = table.rows
            if resume_after:
                rows = self._fast_forward(rows, resume_after, seen)
            for line, cells in rows:
                chunk.append((line, cells))
                if len(chunk) >= self.chunk_size:
                    self._chunk(chunk, seen)
                    chunk = []
                    if self.report.superseded:
                        break
            else:
                if chunk:
                    self._chunk(chunk, seen)
        self.report.seconds += time.perf_counter() - started
        if not self.report.superseded:
            self._finish()
        return self.report

    def _resume_state(self) -> int:
        """The last committed line of an interrupted run of this job (0: start afresh)."""
        self._committed_line = 0
        if self.job is None:
            return 0
        progress = (self.job.mapping or {}).get("progress") or {}
        line = int(progress.get("line") or 0)
        if line:
            job = self.job
            self.report.total = job.rows_total
            self.report.created = job.rows_created
            self.report.updated = job.rows_updated
            self.report.unchanged = job.rows_unchanged
            self.report.failed = job.rows_failed
            self.report.errors = list(job.errors or [])
            for key in ("assignments", "verified", "flags", "consents", "errors_omitted"):
                setattr(self.report, key, int(progress.get(key) or 0))
            self.report.seconds = float(progress.get("seconds") or 0.0)
        self._committed_line = line
        return line

    def _fast_forward(
        self, rows: Iterator[tuple[int, list[str]]], upto: int, seen: dict[int, int]
    ) -> Iterator[tuple[int, list[str]]]:
        """Skip rows already committed, only remembering their phones for duplicate checks."""
        phone_col = self.columns["phone"]
        for line, cells in rows:
            if line > upto:
                yield line, cells
                yield from rows
                return
            try:
                key = int(fast_normalize_phone(_clean(cells[phone_col]))[1:])
            except (ValidationError, IndexError):
                continue
            seen.setdefault(key, line)

    def _error(
        self, line: int, name: str | None, value: str, code: str, reason: str
    ) -> dict[str, Any]:
        column = self.header[self.columns[name]] if name and name in self.columns else ""
        return {"line": line, "column": column, "value": value, "code": code, "reason": reason}

    def _parse(
        self, line: int, cells: list[str], seen: dict[int, int]
    ) -> tuple[_Row | None, list[dict[str, Any]]]:
        """Validate one row on its own (no database); returns the row or its errors."""
        width = len(cells)
        values = {name: _clean(cells[i]) for name, i in self.columns.items() if i < width}
        get = values.get

        errors: list[dict[str, Any]] = []
        name = phone = epic = ""
        raw_phone = get("phone", "")
        try:
            phone = fast_normalize_phone(raw_phone)
        except ValidationError as exc:
            errors.append(self._error(line, "phone", raw_phone, _code(exc), exc.messages[0]))
        else:
            key = int(phone[1:])
            first = seen.setdefault(key, line)
            if first != line:
                errors.append(
                    self._error(
                        line,
                        "phone",
                        raw_phone,
                        "duplicate_phone",
                        _("Duplicate phone within the file (line %(line)s).") % {"line": first},
                    )
                )
        raw = get("name", "")
        try:
            name = normalize_name(raw)[:200]
        except ValidationError as exc:
            errors.append(self._error(line, "name", raw, _code(exc), exc.messages[0]))
        raw = get("epic", "")
        if raw:
            try:
                epic = normalize_epic(raw)
            except ValidationError as exc:
                errors.append(self._error(line, "epic", raw, _code(exc), exc.messages[0]))
        dob: dt.date | None = None
        raw = get("date_of_birth", "")
        age: int | None = None
        if raw:
            try:
                dob = parse_date(raw)
                if dob > self.today or dob.year < 1900:
                    raise ValueError(raw)
            except ValueError:
                errors.append(
                    self._error(
                        line,
                        "date_of_birth",
                        raw,
                        "dob_invalid",
                        _("“%(value)s” is not a date of birth (use YYYY-MM-DD or DD-MM-YYYY).")
                        % {"value": raw},
                    )
                )
            else:
                age = (
                    self.today.year
                    - dob.year
                    - ((self.today.month, self.today.day) < (dob.month, dob.day))
                )
        raw = get("age", "")
        if raw and age is None and dob is None:
            try:
                age = int(float(raw))
                if not 0 < age < 125:
                    raise ValueError(raw)
            except ValueError:
                errors.append(
                    self._error(
                        line,
                        "age",
                        raw,
                        "age_invalid",
                        _("“%(value)s” is not an age.") % {"value": raw},
                    )
                )
        if age is not None and age < MIN_AGE:
            column = "date_of_birth" if dob is not None else "age"
            errors.append(
                self._error(
                    line,
                    column,
                    get(column, ""),
                    "under_18",
                    _("Under 18: a minor cannot be registered as a volunteer or hold a position."),
                )
            )
        gender: str | None = None
        raw = get("gender", "")
        if raw:
            gender = self._gender(raw)
            if gender is None:
                errors.append(
                    self._error(
                        line,
                        "gender",
                        raw,
                        "gender_invalid",
                        _("Unknown gender “%(value)s” (use M, F or O).") % {"value": raw},
                    )
                )
        raw = get("languages", "")
        languages = self._languages(raw) if raw else None
        email: str | None = None
        raw = get("email", "")
        if raw:
            try:
                validate_email(raw)
                email = raw[:254]
            except ValidationError:
                errors.append(
                    self._error(
                        line,
                        "email",
                        raw,
                        "email_invalid",
                        _("“%(value)s” is not an e-mail address.") % {"value": raw},
                    )
                )
        unit_id = self._unit(line, values, errors)
        kind: PositionKind | None = self.default_kind
        raw = get("position", "")
        if raw:
            kind = self._kind(raw)
            if kind is None:
                errors.append(
                    self._error(
                        line,
                        "position",
                        raw,
                        "unknown_position",
                        _("Unknown position “%(value)s”.") % {"value": raw},
                    )
                )
        if kind is not None and unit_id is not None:
            level = self.unit_level[unit_id]
            if kind.level != level:
                errors.append(
                    self._error(
                        line,
                        "position",
                        raw or kind.code,
                        "position_level",
                        _("The position “%(position)s” is not held on a %(level)s.")
                        % {"position": kind.name_en, "level": Level(level).label},
                    )
                )
        consent: str | None = None
        raw = get("consent", "")
        if raw:
            try:
                consent = self._consent(raw)
            except ValueError:
                errors.append(
                    self._error(
                        line,
                        "consent",
                        raw,
                        "consent_invalid",
                        _("Unknown consent value “%(value)s” (use yes or no).") % {"value": raw},
                    )
                )
        if errors or unit_id is None:
            return None, errors
        return (
            _Row(
                line=line,
                cells=cells,
                name=name,
                phone=phone,
                epic=epic,
                dob=dob,
                gender=gender,
                languages=languages,
                email=email,
                unit_id=unit_id,
                kind=kind,
                consent=consent,
            ),
            errors,
        )

    def _unit(self, line: int, values: dict[str, str], errors: list[dict[str, Any]]) -> int | None:
        """The row's unit in scope; units outside the scope are unknown, never 'forbidden'."""
        get = values.get
        path = get("booth_path", "")
        if path:
            hit = self.unit_by_path.get(path.strip().strip("/").casefold())
            if hit is None:
                errors.append(
                    self._error(
                        line,
                        "booth_path",
                        path,
                        "unknown_booth",
                        _("Unknown booth “%(value)s”.") % {"value": path},
                    )
                )
                return None
            return hit[0]
        ac_raw, part_raw = get("ac_no", ""), get("part_no", "")
        if not ac_raw and not part_raw:
            errors.append(
                self._error(
                    line,
                    "booth_path" if "booth_path" in self.columns else "part_no",
                    "",
                    "booth_required",
                    _("No booth given."),
                )
            )
            return None
        try:
            booth = self.booth_by_part.get((int(float(ac_raw)), int(float(part_raw))))
        except ValueError:
            booth = None
        if booth is None:
            errors.append(
                self._error(
                    line,
                    "part_no",
                    part_raw,
                    "unknown_booth",
                    _("Unknown booth: AC %(ac)s, booth %(part)s.")
                    % {"ac": ac_raw, "part": part_raw},
                )
            )
        return booth

    def _chunk(self, chunk: list[tuple[int, list[str]]], seen: dict[int, int]) -> None:
        rows: list[_Row] = []
        errors: list[dict[str, Any]] = []
        failed = 0
        for line, cells in chunk:
            row, row_errors = self._parse(line, cells, seen)
            if row is None:
                failed += 1
                errors.extend(row_errors)
            else:
                rows.append(row)
        last_line = chunk[-1][0]
        for attempt in range(3):
            try:
                with transaction.atomic():
                    result = self._write(rows)
                    result.failed += failed
                    result.errors[:0] = errors
                    pending = self.report.merged(result, rows=len(chunk))
                    self._checkpoint(last_line, pending, errors_changed=bool(result.errors))
                break
            except _Superseded:
                self.report.superseded = True
                return
            except IntegrityError:
                # Someone else took a seat or a phone between our read and our write:
                # read the chunk's state again and redo it.
                if attempt == 2:
                    raise
        self.report = pending
        self._committed_line = last_line

    def _checkpoint(self, line: int, report: ImportReport, *, errors_changed: bool) -> None:
        """Save progress in the chunk's transaction; stop if another run got ahead of us."""
        if self.job is None:
            return
        current = (
            ImportJob.objects.select_for_update()
            .filter(id=self.job.pk)
            .values_list("mapping", flat=True)
            .first()
        )
        done = int(((current or {}).get("progress") or {}).get("line") or 0)
        if done != self._committed_line:
            raise _Superseded
        mapping = dict(current or {})
        mapping["progress"] = {
            "line": line,
            "assignments": report.assignments,
            "verified": report.verified,
            "flags": report.flags,
            "consents": report.consents,
            "errors_omitted": report.errors_omitted,
            "seconds": round(report.seconds + time.perf_counter() - self._started, 2),
        }
        fields: dict[str, Any] = {
            "mapping": mapping,
            "status": ImportJob.Status.RUNNING,
            "rows_total": report.total,
            "rows_created": report.created,
            "rows_updated": report.updated,
            "rows_unchanged": report.unchanged,
            "rows_failed": report.failed,
        }
        if errors_changed:
            fields["errors"] = report.errors
        ImportJob.objects.filter(id=self.job.pk).update(**fields)

    def _finish(self) -> None:
        """Mark the job done and write the one audit row of the import."""
        report = self.report
        with transaction.atomic():
            if self.job is not None:
                job = self.job
                status, current = (
                    ImportJob.objects.select_for_update()
                    .filter(id=job.pk)
                    .values_list("status", "mapping")
                    .get()
                )
                mapping = dict(current or {})
                progress = dict(mapping.get("progress") or {})
                if (
                    status == ImportJob.Status.DONE
                    or int(progress.get("line") or 0) != self._committed_line
                ):
                    # Another run of this job finished it, or is ahead of us.
                    report.superseded = True
                    return
                progress.update(report.counts(), seconds=round(report.seconds, 2))
                progress["line"] = progress.get("line") or 0
                mapping["progress"] = progress
                ImportJob.objects.filter(id=job.pk).update(
                    status=ImportJob.Status.DONE,
                    mapping=mapping,
                    rows_total=report.total,
                    rows_created=report.created,
                    rows_updated=report.updated,
                    rows_unchanged=report.unchanged,
                    rows_failed=report.failed,
                    errors=report.errors,
                    finished_at=timezone.now(),
                )
            audit.record(
                verb="people.imported",
                object_type="import_job",
                object_id=self.job.pk if self.job is not None else None,
                actor=self.actor,
                unit_path=self.scope.path,
                data={
                    **report.counts(),
                    "filename": self.job.filename if self.job is not None else "",
                    "verify": self.verify,
                    "default_position": self.default_kind.code if self.default_kind else "",
                },
            )

    # -- writing one chunk ---------------------------------------------------------------------

    def _json(self, languages: list[str]) -> Any:
        key = tuple(languages)
        value = self._json_cache.get(key)
        if value is None:
            value = self._languages_field.get_db_prep_save(languages, connection)
            if len(self._json_cache) < 1000:
                self._json_cache[key] = value
        return value

    def _raw(self, row: _Row, name: str) -> str:
        index = self.columns.get(name)
        return row.cells[index] if index is not None and index < len(row.cells) else ""

    def _write(self, rows: list[_Row]) -> _ChunkResult:
        """Decide and write one chunk of valid rows (runs inside the chunk's transaction).

        Persons are keyed by phone while the chunk is decided: a phone appears once per file,
        and new persons have no id until they are inserted.
        """
        result = _ChunkResult()
        if not rows:
            return result
        now = timezone.now()
        existing = self._existing_persons([r.phone for r in rows])
        phone_of = {p["id"]: phone for phone, p in existing.items()}
        in_scope = self._persons_in_scope(existing)
        epic_owners = self._epic_owners({r.epic for r in rows if r.epic}, phone_of)
        held, staff_of = self._seats({r.unit_id for r in rows if r.kind is not None}, phone_of)
        consent_state = self._consent_state(phone_of) if "consent" in self.columns else {}
        name_flags = self._open_phone_flags(
            [p["id"] for r in rows if (p := existing.get(r.phone)) and p["name"] != r.name]
        )

        new_persons: dict[str, tuple[Any, ...]] = {}
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        changed: list[tuple[Person, set[str]]] = []
        new_assignments: list[tuple[str, int, int, int]] = []
        verify_ids: list[int] = []
        flags: list[tuple[str, str, str, str | int | None]] = []
        consents: list[tuple[str, str]] = []
        touched: set[int] = set()
        status = AssignmentStatus.VERIFIED if self.verify else AssignmentStatus.PENDING

        for row in rows:
            key = row.phone
            current = existing.get(key)
            # Position first: a row whose position cannot be taken is not imported at all.
            seat = 0
            upgrade: int | None = None
            kind = row.kind
            if kind is not None:
                seats = held.setdefault((row.unit_id, kind.pk), {})
                mine = next((s for s, held_by in seats.items() if held_by[0] == key), None)
                if mine is not None:
                    _, assignment_id, held_status = seats[mine]
                    if self.verify and held_status == AssignmentStatus.PENDING:
                        upgrade = assignment_id
                        seats[mine] = (key, assignment_id, AssignmentStatus.VERIFIED)
                else:
                    other = (
                        staff_of.get((key, row.unit_id)) if kind.counts_toward_staffing else None
                    )
                    free = [s for s in range(1, kind.seats + 1) if s not in seats]
                    if other is not None or not free:
                        result.failed += 1
                        result.errors.append(self._seat_error(row, kind, other))
                        continue
                    seat = free[0]
                    seats[seat] = (key, 0, status)
                    if kind.counts_toward_staffing:
                        staff_of[(key, row.unit_id)] = kind.pk

            epic_new = bool(row.epic) and (
                current is None or (key in in_scope and current["epic"] != row.epic)
            )
            wrote = False
            if current is None:
                new_persons[key] = (
                    row.name,
                    row.phone,
                    row.epic,
                    row.email or "",
                    row.gender or "",
                    ops.adapt_datefield_value(row.dob),
                    self._json(row.languages or []),
                    row.unit_id,
                    self.source,
                    stamp,
                )
                result.created += 1
            else:
                fields = self._changes(current, row, key, flags, name_flags, in_scope)
                if fields:
                    changed.append((self._person_from(current), fields))
                    wrote = True
            if epic_new:
                owners = epic_owners.setdefault(row.epic, [])
                others = [o for o in owners if o != key]
                if others:
                    flags.append((key, FlagKind.EPIC_REUSED, row.epic, others[0]))
                owners.append(key)
            if seat:
                assert kind is not None
                new_assignments.append((key, row.unit_id, kind.pk, seat))
                wrote = True
                if self.verify:
                    touched.add(row.unit_id)
            if upgrade is not None:
                verify_ids.append(upgrade)
                wrote = True
                touched.add(row.unit_id)
            if row.consent is not None:
                state = consent_state.get(key, ConsentAction.WITHDRAWN)
                if state != row.consent:
                    consents.append((key, row.consent))
                    consent_state[key] = row.consent
                    wrote = True
            if current is not None:
                if wrote:
                    result.updated += 1
                else:
                    result.unchanged += 1

        # Writes, in dependency order; then every key resolves to a person id.
        ids: dict[str, int] = {phone: p["id"] for phone, p in existing.items()}
        if new_persons:
            self._person_insert.insert(new_persons.values())
            ids.update(_pairs(Person, "phone", "id", new_persons))
        if changed:
            self._update_persons(changed)
        if new_assignments:
            verified = self.verify
            by = self.actor.pk if verified and self.actor is not None else None
            method = VerifyMethod.IMPORT if verified else ""
            verified_at = stamp if verified else None
            self._assignment_insert.insert(
                (ids[key], unit_id, kind_id, seat, status, method, by, verified_at, stamp)
                for key, unit_id, kind_id, seat in new_assignments
            )
            result.assignments = len(new_assignments)
            if verified:
                result.verified += len(new_assignments)
        if verify_ids:
            for batch in _batched(verify_ids):
                Assignment.objects.filter(id__in=batch, status=AssignmentStatus.PENDING).update(
                    status=AssignmentStatus.VERIFIED,
                    verify_method=VerifyMethod.IMPORT,
                    verified_by=self.actor,
                    verified_at=now,
                )
            result.verified += len(verify_ids)
        if flags:
            SignupFlag.objects.bulk_create(
                [
                    SignupFlag(
                        person_id=ids[key],
                        kind=flag_kind,
                        detail=detail[:200],
                        other_person_id=(
                            other if isinstance(other, int) or other is None else ids[other]
                        ),
                        created_at=now,
                    )
                    for key, flag_kind, detail, other in flags
                ],
                batch_size=500,
            )
            result.flags = len(flags)
        if consents:
            purpose, channel = ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.SMS
            notice, source = self.notice_version, self.source
            self._consent_insert.insert(
                (ids[key], purpose, channel, action, notice, source, stamp)
                for key, action in consents
            )
            result.consents = len(consents)
        booths = [u for u in touched if self.unit_level.get(u) == Level.BOOTH]
        if booths:
            staffing.booth_recount(booth_ids=booths)
        return result

    def _seat_error(self, row: _Row, kind: PositionKind, other: int | None) -> dict[str, Any]:
        value = self._raw(row, "position") or kind.code
        if other is not None:
            held = next((k for k in self.kinds.values() if k.pk == other), None)
            return self._error(
                row.line,
                "position",
                value,
                "one_position_per_booth",
                _(
                    "Already holds the booth position “%(position)s” here; a person holds one "
                    "booth position per booth."
                )
                % {"position": held.name_en if held else other},
            )
        return self._error(
            row.line,
            "position",
            value,
            "position_taken",
            _("“%(position)s” on this unit is already held by someone else.")
            % {"position": kind.name_en},
        )

    _PERSON_FIELDS = (
        "id",
        "name",
        "epic",
        "email",
        "gender",
        "date_of_birth",
        "languages",
        "home_unit_id",
    )

    def _existing_persons(self, phones: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        ids = [pid for _phone, pid in _pairs(Person, "phone", "id", phones)]
        for batch in _batched(ids):
            for person in Person.objects.filter(id__in=batch).values("phone", *self._PERSON_FIELDS):
                found[person["phone"]] = person
        return found

    def _persons_in_scope(self, existing: dict[str, dict[str, Any]]) -> set[str]:
        """Phones of existing persons the import may edit: living in, or holding a position in,
        the import's scope. Others keep their details; they can still take a position here."""
        units = self.unit_level
        phones = {phone for phone, p in existing.items() if p["home_unit_id"] in units}
        phone_of = {p["id"]: phone for phone, p in existing.items() if phone not in phones}
        for batch in _batched(list(phone_of)):
            for pid, unit_id in (
                Assignment.objects.filter(person_id__in=batch)
                .exclude(status=AssignmentStatus.ENDED)
                .values_list("person_id", "unit_id")
            ):
                if unit_id in units:
                    phones.add(phone_of[pid])
        return phones

    def _epic_owners(self, epics: set[str], phone_of: dict[int, str]) -> dict[str, list[str | int]]:
        """{epic: [persons holding it, oldest first]} (persons of this chunk by phone)."""
        owners: dict[str, list[str | int]] = {}
        for epic, pid in sorted(_pairs(Person, "epic", "id", sorted(epics)), key=lambda p: p[1]):
            owners.setdefault(epic, []).append(phone_of.get(pid, pid))
        return owners

    def _seats(
        self, unit_ids: set[int], phone_of: dict[int, str]
    ) -> tuple[
        dict[tuple[int, int], dict[int, tuple[str | int, int, str]]],
        dict[tuple[str | int, int], int],
    ]:
        """Active seats on the units: {(unit, kind): {seat: (holder, assignment id, status)}},
        and {(holder, unit): staffing kind} for the one-booth-position rule."""
        held: dict[tuple[int, int], dict[int, tuple[str | int, int, str]]] = {}
        staff_of: dict[tuple[str | int, int], int] = {}
        staffing_kinds = {k.pk for k in self.kinds.values() if k.counts_toward_staffing}
        for batch in _batched(sorted(unit_ids)):
            for aid, unit_id, kind_id, seat, person_id, status in (
                Assignment.objects.filter(unit_id__in=batch)
                .exclude(status=AssignmentStatus.ENDED)
                .values_list("id", "unit_id", "kind_id", "seat", "person_id", "status")
            ):
                holder = phone_of.get(person_id, person_id)
                held.setdefault((unit_id, kind_id), {})[seat] = (holder, aid, status)
                if kind_id in staffing_kinds:
                    staff_of.setdefault((holder, unit_id), kind_id)
        return held, staff_of

    def _consent_state(self, phone_of: dict[int, str]) -> dict[str, str]:
        """The latest volunteer-coordination/SMS action per phone (withdrawal wins a tie)."""
        latest: dict[int, tuple[dt.datetime, int, int, str]] = {}
        for batch in _batched(list(phone_of)):
            for pid, at, eid, action in ConsentEvent.objects.filter(
                person_id__in=batch,
                purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
                channel=ConsentChannel.SMS,
            ).values_list("person_id", "at", "id", "action"):
                rank = (at, int(action == ConsentAction.WITHDRAWN), eid, action)
                if pid not in latest or rank > latest[pid]:
                    latest[pid] = rank
        return {phone_of[pid]: rank[3] for pid, rank in latest.items()}

    def _open_phone_flags(self, person_ids: list[int]) -> set[tuple[int, str]]:
        found: set[tuple[int, str]] = set()
        for batch in _batched(person_ids):
            found.update(
                SignupFlag.objects.filter(
                    person_id__in=batch, kind=FlagKind.PHONE_REUSED, resolved_at=None
                ).values_list("person_id", "detail")
            )
        return found

    def _changes(
        self,
        current: dict[str, Any],
        row: _Row,
        key: str,
        flags: list[tuple[str, str, str, str | int | None]],
        name_flags: set[tuple[int, str]],
        in_scope: set[str],
    ) -> set[str]:
        """Fields of an existing person the row changes (blank cells never erase data)."""
        fields: set[str] = set()
        editable = key in in_scope
        if row.name != current["name"]:
            if row.name.casefold() == current["name"].casefold():
                if editable:
                    fields.add("name")
                    current["name"] = row.name
            elif (current["id"], row.name[:200]) not in name_flags:
                # Same phone, another name: someone else may be using this number. Keep the
                # name on record and flag the row for an in-charge to review.
                flags.append((key, FlagKind.PHONE_REUSED, row.name, None))
                name_flags.add((current["id"], row.name[:200]))
        if not editable:
            return fields
        updates = (
            ("epic", row.epic or None),
            ("email", row.email),
            ("gender", row.gender),
            ("date_of_birth", row.dob),
            ("languages", row.languages),
        )
        for name, value in updates:
            if value is not None and value != current[name]:
                fields.add(name)
                current[name] = value
        if current["home_unit_id"] is None:
            fields.add("home_unit")
            current["home_unit_id"] = row.unit_id
        return fields

    @staticmethod
    def _person_from(current: dict[str, Any]) -> Person:
        return Person(
            id=current["id"],
            name=current["name"],
            phone=current["phone"],
            epic=current["epic"],
            email=current["email"],
            gender=current["gender"],
            date_of_birth=current["date_of_birth"],
            languages=current["languages"],
            home_unit_id=current["home_unit_id"],
        )

    @staticmethod
    def _update_persons(changed: list[tuple[Person, set[str]]]) -> None:
        # Group by the set of changed fields so each UPDATE touches only what changed.
        groups: dict[frozenset[str], list[Person]] = {}
        for person, fields in changed:
            groups.setdefault(frozenset(fields), []).append(person)
        for names, persons in groups.items():
            Person.objects.bulk_update(persons, sorted(names), batch_size=500)


def _code(exc: ValidationError) -> str:
    return str(getattr(exc, "code", None) or "invalid")


# ---------------------------------------------------------------------------------------------
# Jobs


def import_jobs_visible(*, user: User) -> QuerySet[ImportJob]:
    """Import jobs whose scope lies in the user's subtree, newest first."""
    return (
        ImportJob.objects.filter(scope_q(user=user, field="scope"))
        .select_related("scope", "created_by")
        .order_by("-created_at", "-id")
    )


def access_import_job(*, user: User, job_id: int) -> ImportJob:
    """Return the job if its scope lies in the user's subtree, else 404."""
    return get_object_or_404(import_jobs_visible(user=user), id=job_id)


def job_settings(
    *,
    columns: Mapping[str, str],
    verify: bool = False,
    default_position: str = "",
    notice_version: str = "",
) -> dict[str, Any]:
    """The `ImportJob.mapping` document: column choices and run options (progress is added
    by the run)."""
    return {
        "columns": dict(columns),
        "options": {
            "verify": verify,
            "default_position": default_position,
            "notice_version": notice_version,
        },
    }


def job_errors_omitted(job: ImportJob) -> int:
    return int(((job.mapping or {}).get("progress") or {}).get("errors_omitted") or 0)


def job_counts(job: ImportJob) -> dict[str, int]:
    progress = (job.mapping or {}).get("progress") or {}
    return {
        "total": job.rows_total,
        "created": job.rows_created,
        "updated": job.rows_updated,
        "unchanged": job.rows_unchanged,
        "failed": job.rows_failed,
        **{
            key: int(progress.get(key) or 0)
            for key in ("assignments", "verified", "flags", "consents", "errors_omitted")
        },
    }


def import_file(
    *,
    source: Path | IO[bytes],
    scope: Unit,
    actor: User | None,
    filename: str = "",
    mapping: Mapping[str, str | None] | None = None,
    verify: bool = False,
    default_position: str = "",
    notice_version: str = "",
    job: ImportJob | None = None,
    chunk_size: int | None = None,
) -> ImportReport:
    """Import a volunteer file into `scope` (actor None: the system, e.g. the console)."""
    importer = VolunteerImport(
        scope=scope,
        actor=actor,
        mapping=mapping,
        verify=verify,
        default_position=default_position,
        notice_version=notice_version,
        job=job,
        chunk_size=chunk_size,
    )
    return importer.run(source, filename=filename)


def import_job_create(
    *,
    scope: Unit,
    actor: User | None,
    filename: str,
    file: Any = "",
    settings: Mapping[str, Any] | None = None,
    status: str = ImportJob.Status.QUEUED,
) -> ImportJob:
    """Store a new import job (the upload, or a console run)."""
    with transaction.atomic():
        job = ImportJob(
            created_by=actor if actor is not None and actor.pk else None,
            scope=scope,
            filename=filename[:200],
            mapping=dict(settings or job_settings(columns={})),
            status=status,
        )
        if file:
            job.file.save(Path(filename).name or "import.csv", file, save=False)
        job.save()
        return job


def import_job_queue(*, job: ImportJob, settings: Mapping[str, Any]) -> ImportJob:
    """Save the mapping step's choices and queue the job's run."""
    from sampark.core.tasks import enqueue

    with transaction.atomic():
        job.mapping = dict(settings)
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["mapping", "status"])
        enqueue("people.import", job_id=job.pk)
    return job


def job_run(*, job_id: int) -> dict[str, Any]:
    """Run (or resume) an import job; a job already done is left as it is."""
    job = ImportJob.objects.select_related("scope", "created_by").filter(id=job_id).first()
    if job is None:
        return {"missing": job_id}
    if job.status == ImportJob.Status.DONE:
        return {"job_id": job.pk, **job_counts(job)}
    options = _options(job)
    actor = job.created_by
    language = getattr(actor, "preferred_language", "") or translation.get_language() or "hi"
    ImportJob.objects.filter(id=job.pk).update(status=ImportJob.Status.RUNNING)
    with translation.override(language):
        try:
            if not job.file:
                raise ImportFileError(_("The job has no file."))
            with job.file.open("rb") as handle:
                report = import_file(
                    source=handle,
                    filename=job.filename,
                    scope=job.scope,
                    actor=actor,
                    mapping=job_columns(job),
                    verify=bool(options.get("verify")),
                    default_position=str(options.get("default_position") or ""),
                    notice_version=str(options.get("notice_version") or ""),
                    job=job,
                )
        except ImportFileError as exc:
            ImportJob.objects.filter(id=job.pk).update(
                status=ImportJob.Status.FAILED,
                errors=[{"line": 0, "column": "", "value": "", "code": "file", "reason": str(exc)}],
                finished_at=timezone.now(),
            )
            return {"job_id": job.pk, "failed": str(exc)}
        except Exception:
            # Leave the progress for the retry (the task queue runs the job again, which
            # resumes after the last committed chunk); show the job as failed meanwhile.
            ImportJob.objects.filter(id=job.pk).update(status=ImportJob.Status.FAILED)
            raise
    return report.as_dict(with_errors=False)
