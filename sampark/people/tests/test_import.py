"""The volunteer importer: columns, row errors, de-duplication, positions, flags, consent."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sampark.accounts.enums import Capability
from sampark.core.models import AuditEvent
from sampark.geo.models import Unit
from sampark.people import importer, staffing
from sampark.people.enums import AssignmentStatus, ConsentAction, FlagKind, VerifyMethod
from sampark.people.importer import ImportFileError, import_file
from sampark.people.importer import report as importer_report
from sampark.people.importer import run as importer_run
from sampark.people.importer import writing as importer_writing
from sampark.people.models import Assignment, ConsentEvent, ImportJob, Person, SignupFlag
from sampark.people.validation import normalize_phone

HINDI_HEADER = [
    "नाम",
    "मोबाइल",
    "मतदाता पहचान पत्र",
    "जन्म तिथि",
    "लिंग",
    "विधानसभा संख्या",
    "बूथ संख्या",
    "पद",
]
ENGLISH_HEADER = ["Name", "Phone", "EPIC", "DOB", "Gender", "AC No", "Part No", "Position"]


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], *, bom: bool = False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def adult(years: int = 30) -> str:
    today = timezone.localdate()
    return dt.date(today.year - years, 1, 15).isoformat()


def minor() -> str:
    today = timezone.localdate()
    return dt.date(today.year - 16, 1, 15).isoformat()


def good_rows() -> list[list[object]]:
    return [
        ["रमेश कुमार", "9812345610", "ABC1234567", adult(40), "पुरुष", 1, 1, "booth_president"],
        ["सीता देवी", "+91 98123 45611", "", "15-08-1990", "महिला", 1, 1, "व्हाट्सऐप प्रमुख"],
        ["Arjun Singh", "09812345612", "XYZ7654321", adult(25), "M", 1, 2, "Outreach volunteer"],
    ]


def test_it_imports_a_csv_with_hindi_headers(tmp_path, bob, district1):
    # given a CSV with Hindi headers and Devanagari names in bob's district
    path = write_csv(tmp_path / "v.csv", HINDI_HEADER, good_rows(), bom=True)

    # when bob imports it
    report = import_file(source=path, scope=district1, actor=bob)

    # then everyone is created with a pending position on their booth
    assert (report.total, report.created, report.updated, report.unchanged, report.failed) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert report.assignments == 3
    ramesh = Person.objects.get(phone="+919812345610")
    assert ramesh.name == "रमेश कुमार"
    assert ramesh.epic == "ABC1234567"
    assert ramesh.gender == "m"
    assert ramesh.home_unit is not None
    assert ramesh.home_unit.path == "UP/D1/AC1/M01/S01/B1"
    sita = Person.objects.get(phone="+919812345611")
    assert sita.date_of_birth == dt.date(1990, 8, 15)
    kinds = set(Assignment.objects.values_list("kind__code", "status", "unit__path"))
    assert kinds == {
        ("booth_president", AssignmentStatus.PENDING, "UP/D1/AC1/M01/S01/B1"),
        ("whatsapp_pramukh", AssignmentStatus.PENDING, "UP/D1/AC1/M01/S01/B1"),
        ("outreach_volunteer", AssignmentStatus.PENDING, "UP/D1/AC1/M01/S01/B2"),
    }
    # and one audit row for the whole import
    assert AuditEvent.objects.filter(verb="people.imported").count() == 1


def test_it_imports_an_xlsx_with_numeric_cells(tmp_path, bob, district1):
    # given an XLSX whose phones, numbers and dates are typed cells, not text
    rows: list[list[object]] = [
        ["गीता यादव", 9812345620, "", dt.date(1985, 3, 1), "F", 1, 3, "bla_liaison"],
        ["Mohan Lal", 9812345621.0, "", dt.datetime(1979, 12, 31), "", 2, 5, ""],  # noqa: DTZ001
    ]
    path = write_xlsx(tmp_path / "v.xlsx", HINDI_HEADER, rows)

    # when it is imported
    report = import_file(source=path, scope=district1, actor=bob)

    # then both rows are in, with the right booth and date of birth
    assert (report.created, report.failed) == (2, 0), report.errors
    geeta = Person.objects.get(phone="+919812345620")
    assert geeta.date_of_birth == dt.date(1985, 3, 1)
    assert geeta.home_unit is not None
    assert geeta.home_unit.path == "UP/D1/AC1/M01/S02/B3"
    mohan = Person.objects.get(phone="+919812345621")
    assert mohan.home_unit is not None
    assert mohan.home_unit.path == "UP/D1/AC2/M01/S01/B5"
    assert not mohan.assignments.exists()


def test_malformed_rows_are_reported_by_line_and_good_rows_kept(tmp_path, bob, district1):
    # given a file with one good row and one broken row of each kind
    rows: list[list[object]] = [
        ["Good One", "9812345630", "", adult(), "", 1, 1, ""],  # line 2
        ["Bad Phone", "12345", "", adult(), "", 1, 1, ""],  # line 3
        ["Bad Epic", "9812345631", "AB12", adult(), "", 1, 1, ""],  # line 4
        ["Young One", "9812345632", "", minor(), "", 1, 1, "whatsapp_pramukh"],  # line 5
        ["Nowhere", "9812345633", "", adult(), "", 1, 999, ""],  # line 6
        ["Elsewhere", "9812345634", "", adult(), "", 3, 9, ""],  # line 7: district 2
        ["Twice", "98123 45630", "", adult(), "", 1, 2, ""],  # line 8: phone of line 2
        ["Odd Post", "9812345635", "", adult(), "", 1, 1, "chief minister"],  # line 9
        ["", "9812345636", "", adult(), "", 1, 1, ""],  # line 10
    ]
    path = write_csv(tmp_path / "bad.csv", ENGLISH_HEADER, rows)

    # when bob imports it into his district
    report = import_file(source=path, scope=district1, actor=bob)

    # then each broken row is reported with its line, column and reason
    got = [(e["line"], e["column"], e["code"]) for e in report.errors]
    assert got == [
        (3, "Phone", "phone_not_mobile"),
        (4, "EPIC", "epic_invalid"),
        (5, "DOB", "under_18"),
        (6, "Part No", "unknown_booth"),
        (7, "Part No", "unknown_booth"),
        (8, "Phone", "duplicate_phone"),
        (9, "Position", "unknown_position"),
        (10, "Name", "name_required"),
    ]
    assert "line 2" in report.errors[5]["reason"]
    assert "Unknown booth" in report.errors[4]["reason"]
    # and only the good row is kept
    assert (report.total, report.created, report.failed) == (9, 1, 8)
    assert list(Person.objects.values_list("name", flat=True)) == ["Good One"]


def test_booth_outside_the_scope_is_unknown_by_path(tmp_path, bob, district1, district2):
    # given a row addressed by unit path to a booth in district 2
    outside = Unit.objects.filter(level="booth", district=district2).order_by("id").first()
    assert outside is not None
    path = write_csv(
        tmp_path / "p.csv",
        ["name", "phone", "booth_path"],
        [
            ["Outsider", "9812345640", outside.path],
            ["Insider", "9812345641", "UP/D1/AC1/M01/S01/B2"],
        ],
    )

    # when bob imports it
    report = import_file(source=path, scope=district1, actor=bob)

    # then the outside booth reads as unknown, exactly like one that does not exist
    assert [(e["line"], e["code"]) for e in report.errors] == [(2, "unknown_booth")]
    assert report.errors[0]["reason"] == f"Unknown booth “{outside.path}”."
    assert report.created == 1


def test_age_column_under_18_is_refused(tmp_path, bob, district1):
    # given a row with only an age, under 18
    path = write_csv(
        tmp_path / "a.csv",
        ["नाम", "फ़ोन", "आयु", "विधानसभा संख्या", "भाग संख्या"],
        [["बालक", "9812345650", "17", 1, 1], ["युवा", "9812345651", "18", 1, 1]],
    )

    # when imported
    report = import_file(source=path, scope=district1, actor=bob)

    # then the minor is refused and the adult kept
    assert [(e["line"], e["code"], e["column"]) for e in report.errors] == [(2, "under_18", "आयु")]
    assert report.created == 1


def test_reimporting_the_same_file_changes_nothing(tmp_path, bob, district1):
    # given a file already imported, with consent and a reused EPIC
    header = [*HINDI_HEADER, "सहमति"]
    rows = [[*row, "हाँ"] for row in good_rows()]
    rows.append(["Other Person", "9812345613", "ABC1234567", adult(), "", 1, 2, ""])
    path = write_csv(tmp_path / "v.csv", header, rows)
    first = import_file(source=path, scope=district1, actor=bob, notice_version="v1")
    assert (first.created, first.consents, first.flags) == (4, 3, 1)
    before = (
        Person.objects.count(),
        Assignment.objects.count(),
        ConsentEvent.objects.count(),
        SignupFlag.objects.count(),
    )

    # when the same file is imported again
    again = import_file(source=path, scope=district1, actor=bob, notice_version="v1")

    # then nothing is created or changed
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 4, 0)
    assert (again.assignments, again.consents, again.flags) == (0, 0, 0)
    after = (
        Person.objects.count(),
        Assignment.objects.count(),
        ConsentEvent.objects.count(),
        SignupFlag.objects.count(),
    )
    assert after == before


def test_changed_fields_update_the_person(tmp_path, bob, district1):
    # given an imported volunteer
    header = ["name", "phone", "dob", "email", "booth_path"]
    path = write_csv(
        tmp_path / "a.csv", header, [["Ram Prasad", "9812345660", "1980-01-01", "", "UP/D1/AC1"]]
    )
    import_file(source=path, scope=district1, actor=bob)

    # when a new file corrects the date of birth, adds an e-mail and fixes the name's case
    path = write_csv(
        tmp_path / "b.csv",
        header,
        [["Ram prasad", "9812345660", "1981-02-03", "ram@example.org", "UP/D1/AC1"]],
    )
    report = import_file(source=path, scope=district1, actor=bob)

    # then the person is updated, not duplicated
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    person = Person.objects.get()
    assert person.date_of_birth == dt.date(1981, 2, 3)
    assert person.email == "ram@example.org"
    assert person.name == "Ram prasad"


def test_phone_under_another_name_is_flagged_not_overwritten(tmp_path, bob, district1):
    # given a volunteer on record
    person = Person.objects.create(name="Suresh", phone="+919812345670")
    path = write_csv(
        tmp_path / "a.csv", ["name", "phone", "booth_path"], [["Mahesh", "9812345670", "UP/D1"]]
    )

    # when a file brings the same phone under another name, twice
    import_file(source=path, scope=district1, actor=bob)
    import_file(source=path, scope=district1, actor=bob)

    # then the name stays and one flag carries the file's name
    person.refresh_from_db()
    assert person.name == "Suresh"
    flag = SignupFlag.objects.get()
    assert (flag.person_id, flag.kind, flag.detail) == (person.id, FlagKind.PHONE_REUSED, "Mahesh")


def test_epic_on_another_person_is_flagged(tmp_path, bob, district1):
    # given a person holding an EPIC
    owner = Person.objects.create(name="Owner", phone="+919812345680", epic="ABC1234567")
    path = write_csv(
        tmp_path / "a.csv",
        ["name", "phone", "epic", "booth_path"],
        [["Newcomer", "9812345681", "abc 1234567", "UP/D1"]],
    )

    # when a new volunteer comes with the same EPIC
    import_file(source=path, scope=district1, actor=bob)

    # then the newcomer is imported and flagged against the owner
    flag = SignupFlag.objects.get()
    assert flag.kind == FlagKind.EPIC_REUSED
    assert flag.person.phone == "+919812345681"
    assert flag.other_person_id == owner.id


def test_mapping_override_beats_detection(tmp_path, bob, district1):
    # given columns the importer cannot guess, and one it guesses wrong
    path = write_csv(
        tmp_path / "m.csv",
        ["Volunteer", "Cell", "Booth", "Path to unit"],
        [["Kamla", "9812345690", "whatever", "UP/D1/AC1/M01/S02/B4"]],
    )
    with pytest.raises(ImportFileError, match="no column for"):
        import_file(source=path, scope=district1, actor=bob)

    # when an explicit mapping names them (and ignores the misleading "Booth")
    report = import_file(
        source=path,
        scope=district1,
        actor=bob,
        mapping={"Volunteer": "name", "Cell": "phone", "Booth": "", "Path to unit": "booth_path"},
    )

    # then the row imports
    assert report.created == 1, report.errors
    assert Person.objects.get().home_unit.path == "UP/D1/AC1/M01/S02/B4"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["naam", "booth_path"], "no column for: Mobile number"),
        (["name", "phone", "ac_no"], "no booth column"),
        (["name", "phone", "booth_path", "सहमति"], "notice version"),
    ],
    ids=["missing_phone_case", "missing_booth_case", "consent_without_notice_case"],
)
def test_unmapped_required_columns_fail_before_any_row(tmp_path, bob, district1, header, message):
    # given a file missing a required column
    path = write_csv(tmp_path / "x.csv", header, [["a"] * len(header)])

    # when it is imported, then it fails as a whole with a clear message
    with pytest.raises(ImportFileError, match=message):
        import_file(source=path, scope=district1, actor=bob)
    assert not Person.objects.exists()


def test_verify_flag_verifies_and_keeps_booth_counters_right(tmp_path, bob, district1, booth1):
    # given a file of booth volunteers imported by bob, who may verify workers
    assert bob.can(Capability.VERIFY_WORKERS)
    path = write_csv(tmp_path / "v.csv", HINDI_HEADER, good_rows())

    # when he imports with verify
    report = import_file(source=path, scope=district1, actor=bob, verify=True)

    # then the positions are verified by import, and the booth counters match a recount
    assert report.verified == 3
    assert set(Assignment.objects.values_list("status", "verify_method", "verified_by")) == {
        (AssignmentStatus.VERIFIED, VerifyMethod.IMPORT, bob.id)
    }
    booth1.refresh_from_db()
    assert booth1.volunteers == 2
    counters = dict(Unit.objects.filter(level="booth").values_list("id", "volunteers"))
    staffing.booth_recount()
    assert dict(Unit.objects.filter(level="booth").values_list("id", "volunteers")) == counters


def test_reimport_with_verify_upgrades_pending_positions(tmp_path, bob, district1, booth1):
    # given positions imported as pending
    path = write_csv(tmp_path / "v.csv", HINDI_HEADER, good_rows())
    import_file(source=path, scope=district1, actor=bob)
    assert booth1.volunteers == 0

    # when the same file is imported with verify
    report = import_file(source=path, scope=district1, actor=bob, verify=True)

    # then no new position is made, the pending ones are verified and counted
    assert (report.assignments, report.verified, report.updated) == (0, 3, 3)
    booth1.refresh_from_db()
    assert booth1.volunteers == 2


def test_a_volunteer_cannot_import_with_verify(tmp_path, tree, charlie):
    # given charlie, a booth volunteer with no verify capability
    path = write_csv(tmp_path / "v.csv", ["name", "phone", "booth_path"], [])
    assert charlie.unit is not None

    # when he asks to verify, then the importer refuses
    with pytest.raises(ImportFileError, match="may not verify"):
        import_file(source=path, scope=charlie.unit, actor=charlie, verify=True)


def test_scope_outside_the_actor_is_refused(tmp_path, bob, district2):
    path = write_csv(tmp_path / "v.csv", ["name", "phone", "booth_path"], [])
    with pytest.raises(ImportFileError, match="outside your area"):
        import_file(source=path, scope=district2, actor=bob)


def test_taken_seat_and_second_booth_position_are_row_errors(tmp_path, bob, district1):
    # given a booth president already on booth 1
    path = write_csv(tmp_path / "a.csv", HINDI_HEADER, [good_rows()[0]])
    import_file(source=path, scope=district1, actor=bob)

    # when a file gives the same seat to someone else, and a second booth post to the president
    rows: list[list[object]] = [
        ["Dusra", "9812345700", "", adult(), "", 1, 1, "booth_president"],  # line 2
        ["रमेश कुमार", "9812345610", "ABC1234567", adult(40), "पुरुष", 1, 1, "bla_liaison"],
        ["Teesra", "9812345701", "", adult(), "", 1, 1, "booth_president"],  # line 4
    ]
    path = write_csv(tmp_path / "b.csv", HINDI_HEADER, rows)
    report = import_file(source=path, scope=district1, actor=bob)

    # then each is refused with its reason, and nobody new is created for them
    assert [(e["line"], e["code"]) for e in report.errors] == [
        (2, "position_taken"),
        (3, "one_position_per_booth"),
        (4, "position_taken"),
    ]
    assert report.failed == 3
    assert Person.objects.count() == 1


def test_default_position_fills_the_first_free_seats(tmp_path, bob, district1):
    # given three rows on booth 1 without a position column
    path = write_csv(
        tmp_path / "a.csv",
        ["name", "phone", "booth_path"],
        [[f"V {i}", f"981234571{i}", "UP/D1/AC1/M01/S01/B1"] for i in range(3)],
    )

    # when imported with a default one-seat position
    report = import_file(
        source=path, scope=district1, actor=bob, default_position="whatsapp_pramukh"
    )

    # then the first row takes the seat and the others are refused
    assert report.assignments == 1
    assert [e["code"] for e in report.errors] == ["position_taken", "position_taken"]


def test_position_on_the_wrong_level_is_refused(tmp_path, bob, district1):
    path = write_csv(
        tmp_path / "a.csv",
        ["name", "phone", "booth_path", "position"],
        [
            ["AC head", "9812345720", "UP/D1/AC1", "it_incharge_ac"],
            ["Wrong", "9812345721", "UP/D1/AC1", "booth_president"],
        ],
    )
    report = import_file(source=path, scope=district1, actor=bob)
    assert [(e["line"], e["code"]) for e in report.errors] == [(3, "position_level")]
    assert Assignment.objects.get().kind.code == "it_incharge_ac"


def test_consent_is_written_only_when_it_changes(tmp_path, bob, district1):
    # given a consent given on import
    header = ["name", "phone", "booth_path", "consent"]
    path = write_csv(tmp_path / "a.csv", header, [["A", "9812345730", "UP/D1", "yes"]])
    import_file(source=path, scope=district1, actor=bob, notice_version="2024-01")
    event = ConsentEvent.objects.get()
    assert (event.action, event.notice_version) == (ConsentAction.GIVEN, "2024-01")
    assert event.source.startswith("import")

    # when a later file withdraws it, twice
    path = write_csv(tmp_path / "b.csv", header, [["A", "9812345730", "UP/D1", "नहीं"]])
    import_file(source=path, scope=district1, actor=bob, notice_version="2024-01")
    import_file(source=path, scope=district1, actor=bob, notice_version="2024-01")

    # then exactly one withdrawal follows the consent
    assert list(ConsentEvent.objects.order_by("id").values_list("action", flat=True)) == [
        ConsentAction.GIVEN,
        ConsentAction.WITHDRAWN,
    ]


def test_persons_outside_the_scope_keep_their_details(tmp_path, bob, district1, district2):
    # given a person living in district 2
    home = Unit.objects.filter(level="booth", district=district2).first()
    person = Person.objects.create(
        name="Far Away", phone="+919812345740", email="far@example.org", home_unit=home
    )

    # when bob's file carries that phone with another e-mail and a position in district 1
    path = write_csv(
        tmp_path / "a.csv",
        ["name", "phone", "email", "booth_path", "position"],
        [["Far Away", "9812345740", "new@example.org", "UP/D1/AC1/M01/S01/B1", "bla_liaison"]],
    )
    report = import_file(source=path, scope=district1, actor=bob)

    # then the position is added but the details are not bob's to change
    person.refresh_from_db()
    assert person.email == "far@example.org"
    assert report.assignments == 1


def test_errors_are_capped_with_a_count_of_the_rest(tmp_path, bob, district1, monkeypatch):
    monkeypatch.setattr(importer_report, "MAX_STORED_ERRORS", 2)
    path = write_csv(tmp_path / "a.csv", ["name", "phone", "booth_path"], [["x", "1", "UP/D1"]] * 5)
    report = import_file(source=path, scope=district1, actor=bob)
    assert (len(report.errors), report.errors_omitted, report.failed) == (2, 3, 5)


def test_a_crashed_job_resumes_after_its_last_chunk(
    tmp_path, bob, district1, monkeypatch, settings
):
    # given a job over 6 rows, where row 7 repeats the phone of row 2
    settings.MEDIA_ROOT = tmp_path / "media"
    rows: list[list[object]] = [
        [f"V {i}", f"98123457{50 + i}", "UP/D1/AC1/M01/S01/B1"] for i in range(5)
    ]
    rows.append(["Again", "9812345750", "UP/D1"])
    path = write_csv(tmp_path / "a.csv", ["name", "phone", "booth_path"], rows)
    with path.open("rb") as handle:
        job = importer.import_job_create(scope=district1, actor=bob, filename="a.csv", file=handle)
    monkeypatch.setattr(importer_run, "CHUNK_SIZE", 2)

    # when the run crashes while writing its second chunk
    real_write = importer_writing.ChunkWriter.write
    calls = {"n": 0}

    def crash_on_second(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_write(self, rows)

    monkeypatch.setattr(importer_writing.ChunkWriter, "write", crash_on_second)
    with pytest.raises(RuntimeError):
        importer.job_run(job_id=job.id)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_created) == (ImportJob.Status.FAILED, 2, 2)

    # and is run again
    monkeypatch.setattr(importer_writing.ChunkWriter, "write", real_write)
    importer.job_run(job_id=job.id)

    # then it completes from where it stopped, with whole-file counts and duplicate checks
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.rows_total, job.rows_created, job.rows_failed) == (6, 5, 1)
    assert [(e["line"], e["code"]) for e in job.errors] == [(7, "duplicate_phone")]
    assert Person.objects.count() == 5
    assert AuditEvent.objects.filter(verb="people.imported", object_id=job.id).count() == 1


def test_a_done_job_is_not_run_twice(tmp_path, bob, district1, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(
        tmp_path / "a.csv", ["name", "phone", "booth_path"], [["A", "9812345760", "UP/D1"]]
    )
    with path.open("rb") as handle:
        job = importer.import_job_create(scope=district1, actor=bob, filename="a.csv", file=handle)
    importer.job_run(job_id=job.id)
    importer.job_run(job_id=job.id)
    job.refresh_from_db()
    assert (job.status, job.rows_created) == (ImportJob.Status.DONE, 1)
    assert AuditEvent.objects.filter(verb="people.imported").count() == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Mobile No.", "Voter ID", "जन्मतिथि"],
            {"Mobile No.": "phone", "Voter ID": "epic", "जन्मतिथि": "date_of_birth"},
        ),
        (["फ़ोन", "भाषा", "ईमेल"], {"फ़ोन": "phone", "भाषा": "languages", "ईमेल": "email"}),
        (["PHONE", "phone"], {"PHONE": "phone", "phone": ""}),
    ],
    ids=["english_variants_case", "hindi_nukta_case", "first_column_wins_case"],
)
def test_header_detection(header, expected):
    assert importer.detect_mapping(header) == expected


_separator = st.sampled_from(["", " ", "-", "  "])


@st.composite
def phone_like(draw):
    """Strings shaped like what people type: optional +91/91/0, 9-11 digits, separators."""
    prefix = draw(st.sampled_from(["", "+91", "+91 ", "91", "0", "+1", "+9१"]))
    digits = draw(st.text(alphabet="0123456789", min_size=9, max_size=11))
    cut = draw(st.integers(min_value=0, max_value=len(digits)))
    return prefix + digits[:cut] + draw(_separator) + digits[cut:]


def _outcome(normalize: Callable[[str], str], raw: str) -> tuple[str, object]:
    try:
        return "ok", normalize(raw)
    except ValidationError as exc:
        return "error", exc.messages


@hypothesis_settings(max_examples=3000, deadline=None)
@given(raw=st.one_of(phone_like(), st.text(max_size=14)))
def test_fast_phone_normalisation_matches_the_shared_rule(raw):
    # the importer's shortcut gives exactly what validation.normalize_phone gives
    assert _outcome(importer.fast_normalize_phone, raw) == _outcome(normalize_phone, raw)


def test_a_run_overtaken_by_another_stops(tmp_path, bob, district1, monkeypatch, settings):
    # given a job whose run is overtaken mid-way (its lease ran out and another worker
    # committed a chunk first)
    settings.MEDIA_ROOT = tmp_path / "media"
    rows: list[list[object]] = [[f"V {i}", f"98123458{10 + i}", "UP/D1"] for i in range(6)]
    path = write_csv(tmp_path / "a.csv", ["name", "phone", "booth_path"], rows)
    with path.open("rb") as handle:
        job = importer.import_job_create(scope=district1, actor=bob, filename="a.csv", file=handle)
    monkeypatch.setattr(importer_run, "CHUNK_SIZE", 2)
    real_write = importer_writing.ChunkWriter.write
    calls = {"n": 0}

    def overtaken_on_second(self, chunk_rows):
        calls["n"] += 1
        if calls["n"] == 2:
            other = ImportJob.objects.get(id=job.id)
            other.mapping = {**other.mapping, "progress": {"line": 5}}
            other.save(update_fields=["mapping"])
        return real_write(self, chunk_rows)

    monkeypatch.setattr(importer_writing.ChunkWriter, "write", overtaken_on_second)

    # when it tries to commit its second chunk
    result = importer.job_run(job_id=job.id)

    # then it rolls that chunk back and stops without finishing or auditing the job
    assert result["total"] == 2
    assert Person.objects.count() == 2
    assert not AuditEvent.objects.filter(verb="people.imported").exists()
