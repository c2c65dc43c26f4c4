"""Every list of the results pages as CSV (streamed) or XLSX (openpyxl, write-only).

The rows come from the same board and snapshot readers as the page, so an export never shows
more than the page's unit (already scoped by the view). XLSX is bounded (`XLSX_MAX_ROWS`);
larger lists are offered as CSV, which streams.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sampark.geo.models import Unit
from sampark.results import board as boards
from sampark.results.board import Board, Place
from sampark.results.models import BoothStrength
from sampark.results.templatetags.results import place_name

LISTS = ("children", "weak", "booths")
FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 50_000
CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header(board: Board) -> list[str]:
    party = board.org_party or _("organisation")
    return [
        _("Level"),
        _("Number"),
        _("Name"),
        _("Booths"),
        _("Strength score"),
        _("Verified volunteers"),
        _("Active groups"),
        _("Group members"),
        _("Kits forwarded"),
        _("%(party)s vote share %%") % {"party": party},
        _("%(party)s margin, points") % {"party": party},
        _("%(party)s margin, votes") % {"party": party},
        _("Winner"),
    ]


def row(place: Place) -> list[object]:
    return [
        place.level,
        place.number or "",
        place_name(place),
        place.booths,
        place.score,
        place.volunteers,
        place.groups,
        place.members,
        place.kits,
        "" if place.share is None else place.share,
        "" if place.margin_pct is None else place.margin_pct,
        place.org_margin if place.has_result else "",
        place.winner,
    ]


def places(board: Board, which: str) -> Iterator[Place]:
    """The rows of one list: the children ranked, or every weak-and-close / every booth."""
    if which == "children":
        yield from board.ranked()
        return
    snap = boards.snapshot_of(board.unit)
    if which == "weak":
        snap = snap.filter(boards.weak_close_q())
    ordered = snap.order_by("ac_id", "booth__number", "booth_id")
    ids = list(ordered.values_list("booth_id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {
            p.id: p for p in boards.booth_places(BoothStrength.objects.filter(booth_id__in=chunk))
        }
        yield from (found[i] for i in chunk if i in found)


def count(board: Board, which: str) -> int:
    if which == "children":
        return len(board.children)
    snap = boards.snapshot_of(board.unit)
    return snap.filter(boards.weak_close_q()).count() if which == "weak" else snap.count()


def filename(unit: Unit, which: str, fmt: str) -> str:
    return f"results-{unit.path.replace('/', '-')}-{which}.{fmt}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(board: Board, which: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff"  # Excel opens UTF-8 (Devanagari) correctly with a BOM
        yield writer.writerow(header(board))
        for place in places(board, which):
            yield writer.writerow(row(place))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(board.unit, which, "csv")}"'
    return response


def xlsx_response(board: Board, which: str) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=which)
    sheet.append(header(board))
    for place in places(board, which):
        sheet.append(row(place))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type=XLSX_TYPE,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{filename(board.unit, which, "xlsx")}"'
    )
    return response


def write_bytes(board: Board, which: str, fmt: str, progress: Callable[[int], None]) -> bytes:
    """The whole list as a file (the worker's background export), reporting rows written."""
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=which)
        sheet.append(header(board))
        for n, place in enumerate(places(board, which), start=1):
            sheet.append(row(place))
            if n % CHUNK == 0:
                progress(n)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    text.write("\ufeff")
    writer.writerow(header(board))
    for n, place in enumerate(places(board, which), start=1):
        writer.writerow(row(place))
        if n % CHUNK == 0:
            progress(n)
    return text.getvalue().encode("utf-8")
