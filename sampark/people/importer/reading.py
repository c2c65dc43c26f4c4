"""Reading a volunteer file: CSV (UTF-8, any common delimiter) or XLSX, as a header and
(line, cells) rows, streamed so a file of lakhs of rows is never held in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext_noop

from pipeline import safezip
from sampark.people.importer.errors import ImportFileError


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
        raise _not_utf8(1) from exc
    if not first.strip():
        release()
        raise ImportFileError(gettext_noop("The file is empty."))
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    try:
        header = next(reader)
    except UnicodeDecodeError as exc:  # a quoted header cell that runs into later lines
        release()
        raise _not_utf8(2) from exc
    except csv.Error as exc:
        release()
        raise ImportFileError(
            gettext_noop("Line %(line)s cannot be read: %(error)s"), {"line": 1, "error": str(exc)}
        ) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        try:
            for record in reader:
                start, last = last + 1, reader.line_num
                if any(record) and "".join(record).strip():
                    yield start, record
        except UnicodeDecodeError as exc:
            raise _not_utf8(last + 1) from exc
        except csv.Error as exc:  # a field over csv.field_size_limit (128 KB)
            raise ImportFileError(
                gettext_noop("Line %(line)s cannot be read: %(error)s"),
                {"line": last + 1, "error": str(exc)},
            ) from exc

    return Table(header=[h.strip() for h in header], rows=rows()), release


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError(
        gettext_noop(
            "The file is not UTF-8 text (near line %(line)s). Save it as “CSV UTF-8” and try again."
        ),
        {"line": line},
    )


def _unreadable(exc: BaseException) -> ImportFileError:
    return ImportFileError(
        gettext_noop("The spreadsheet cannot be read: %(error)s"), {"error": str(exc)[:300]}
    )


def check_xlsx(binary: IO[bytes]) -> None:
    """Refuse a workbook whose parts would exhaust memory, before openpyxl reads any of it.

    openpyxl loads the shared strings (and styles, relationships…) whole, so every part but
    the worksheets (streamed in read-only mode) must fit `SAMPARK_XLSX_MAX_PART_BYTES`, counted
    as really decompressed; a worksheet's declared size must fit `SAMPARK_XLSX_MAX_SHEET_BYTES`
    (zipfile never yields more than a member declares). Issue #12: a 1 MB workbook whose
    shared strings expanded to 300 MB took the web process +920 MB.
    """
    try:
        with zipfile.ZipFile(binary) as archive:
            infos = safezip.check_members(archive, max_members=settings.SAMPARK_XLSX_MAX_PARTS)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    if info.file_size > settings.SAMPARK_XLSX_MAX_SHEET_BYTES:
                        raise safezip.ZipLimitError(
                            f"{info.filename} is too large ({info.file_size} bytes)"
                        )
                elif not info.is_dir():
                    safezip.measure_member(
                        archive, info, limit=settings.SAMPARK_XLSX_MAX_PART_BYTES
                    )
    except safezip.ZipLimitError as exc:
        raise ImportFileError(
            gettext_noop("The spreadsheet is too large to import: %(error)s"), {"error": str(exc)}
        ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        raise _unreadable(exc) from exc
    except (ValueError, IndexError, struct.error) as exc:  # also a malformed extra field
        raise _unreadable(exc) from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, odd compression
        raise _unreadable(exc) from exc
    finally:
        binary.seek(0)


def _xlsx_table(binary: IO[bytes]) -> tuple[Table, Callable[[], None]]:
    import openpyxl

    check_xlsx(binary)
    try:
        book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # zipfile/openpyxl raise many kinds for a damaged file
        raise _unreadable(exc) from exc
    try:
        if not book.worksheets:
            raise ImportFileError(gettext_noop("The workbook has no sheet."))
        values = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell(v).strip() for v in next(values, ())]
    except ImportFileError:
        book.close()
        raise
    except Exception as exc:  # a sheet's XML is parsed lazily: broken markup shows up here
        book.close()
        raise _unreadable(exc) from exc
    while header and not header[-1]:
        header.pop()
    if not header:
        book.close()
        raise ImportFileError(gettext_noop("The file is empty."))

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for line, cells in enumerate(values, start=2):
                record = [_cell(v) for v in cells]
                if any(record) and "".join(record).strip():
                    yield line, record
        except Exception as exc:  # broken XML further down the sheet: keep the rows before it
            raise ImportFileError(
                gettext_noop("The spreadsheet cannot be read after line %(line)s: %(error)s"),
                {"line": line, "error": str(exc)[:300]},
            ) from exc

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
            raise ImportFileError(
                gettext_noop("Old .xls files are not supported: save as .xlsx or CSV.")
            )
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
