"""Bad input fails its row or the file with a reason, never the web process (issue #12)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sampark.people.importer import ImportFileError, import_file
from sampark.people.importer.lookups import Catalogue, load_units
from sampark.people.importer.mapping import Layout, resolve_columns
from sampark.people.importer.reading import open_table
from sampark.people.importer.validating import RowValidator
from sampark.people.tests.test_import import write_csv

FUZZ = hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
HEADER = ["Name", "Phone", "EPIC", "DOB", "Age", "Gender", "AC No", "Part No", "Position"]


def test_an_infinite_age_fails_its_row_and_keeps_the_others(tmp_path, bob, district1):
    # given eleven rows, one of which has "inf" as its age
    rows = [[f"Person {i}", f"98123456{i:02d}", "", "", "30", "M", 1, 1, ""] for i in range(11)]
    rows[4][4] = "inf"
    rows[6][6] = "1e999"
    path = write_csv(tmp_path / "a.csv", HEADER, rows)

    # when imported
    report = import_file(source=path, scope=district1, actor=bob)

    # then the two bad rows are errors and the nine others are in
    assert sorted((e["line"], e["code"]) for e in report.errors) == [
        (6, "age_invalid"),
        (8, "unknown_booth"),
    ]
    assert report.created == 9


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], drop: tuple[str, ...] = ()) -> bytes:
    replace = dict(replace)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, replace.pop(info.filename, src.read(info)))
        for name, content in replace.items():  # parts the workbook did not have
            dst.writestr(name, content)
    return out.getvalue()


def _no_sheets() -> bytes:
    data = _xlsx([["Name", "Phone"]])
    book = b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    return _rezip(data, {"xl/workbook.xml": book}, drop=("xl/worksheets/sheet1.xml",))


def _broken_sheet() -> bytes:
    return _rezip(_xlsx([["Name", "Phone"]]), {"xl/worksheets/sheet1.xml": b"<worksheet><sh"})


def _shared_strings_bomb() -> bytes:
    data = _xlsx([["Name", "Phone"]])
    bomb = b"<sst>" + b"<si><t>" + b"A" * (40 * 1024 * 1024) + b"</t></si></sst>"
    return _rezip(data, {"xl/sharedStrings.xml": bomb})


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: b"Name,Phone\nnot a zip at all", id="non_zip_case"),
        pytest.param(lambda: b"PK\x03\x04 truncated", id="broken_zip_case"),
        pytest.param(_no_sheets, id="no_sheets_case"),
        pytest.param(_broken_sheet, id="malformed_xml_case"),
        pytest.param(_shared_strings_bomb, id="shared_strings_bomb_case"),
    ],
)
def test_an_unreadable_workbook_is_a_file_error(make):
    # given a workbook that cannot (or must not) be read
    data = make()

    # when opened, then it is refused with a reason
    with (
        pytest.raises(ImportFileError) as caught,
        open_table(io.BytesIO(data), filename="people.xlsx") as table,
    ):
        list(table.rows)
    assert str(caught.value)


def test_the_shared_strings_bomb_is_refused_before_it_is_expanded():
    # given 40 MB of shared strings in a workbook of under 100 KB
    data = _shared_strings_bomb()
    assert len(data) < 100 * 1024

    # when opened, then the error names the part and its size
    with (
        pytest.raises(ImportFileError, match="sharedStrings"),
        open_table(io.BytesIO(data), filename="people.xlsx"),
    ):
        pass


def test_a_broken_file_on_the_mapping_step_fails_the_job(client, bob, district1, tmp_path):
    # given a job whose stored file is not a workbook (the upload step was bypassed)
    from django.core.files.base import ContentFile

    from sampark.people import importer

    job = importer.import_job_create(
        scope=district1,
        actor=bob,
        filename="p.xlsx",
        file=ContentFile(b"garbage", name="p.xlsx"),
        settings={**importer.job_settings(columns={}), "confirmed": False},
    )
    client.force_login(bob)

    # when the mapping page is opened
    response = client.get(reverse("imports:mapping", kwargs={"job_id": job.pk}))

    # then the job is failed with its reason, and the page is not a 500
    assert response.status_code in (302, 200)
    job.refresh_from_db()
    assert job.status == job.Status.FAILED
    assert job.errors[0]["code"] == "file"


CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["inf", "-inf", "nan", "1e999", "-0", "१२", "0x10", "1_000", "", " "]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
)


def test_row_validation_never_raises(bob, district1):
    # given the validator of an import into district 1
    header = [*HEADER, "Email", "Languages", "Consent", "Booth path"]
    layout = Layout(header, resolve_columns(header, {}))
    validator = RowValidator(
        layout=layout,
        catalogue=Catalogue(),
        units=load_units(district1),
        default_kind=None,
        today=timezone.localdate(),
    )

    @FUZZ
    @given(st.lists(CELL, max_size=len(header) + 2))
    def check(cells: list[str]) -> None:
        # when any row is validated, then it is a row or errors, never an exception
        row, errors = validator.validate(2, cells, {})
        assert (row is None) == bool(errors) or row is not None

    check()


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["p.csv", "p.xlsx", "p.txt"]))
def test_reading_any_bytes_gives_rows_or_a_file_error(data: bytes, name: str) -> None:
    # when any bytes are read as a people file, then only ImportFileError escapes
    try:
        with open_table(io.BytesIO(data), filename=name) as table:
            for _line, cells in table.rows:
                assert isinstance(cells, list)
    except ImportFileError:
        pass
