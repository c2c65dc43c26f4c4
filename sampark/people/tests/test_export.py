"""Exporting volunteers: only the scope, phones masked for roles that may not see them,
re-importable by those who may; and the console commands."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from conftest import make_user
from sampark.accounts.enums import ROLE_CAPABILITIES, Capability, Role
from sampark.core.models import AuditEvent
from sampark.geo.models import Unit
from sampark.people import exporter
from sampark.people.importer import import_file
from sampark.people.models import Assignment, ImportJob, Person, PositionKind
from sampark.people.tests.test_import import HINDI_HEADER, adult, write_csv


@pytest.fixture
def people(tmp_path, alice, tree):
    """Two volunteers in district 1, one in district 2 (imported by alice at state level)."""
    rows = [
        ["रमेश कुमार", "9812345610", "ABC1234567", adult(40), "पुरुष", 1, 1, "booth_president"],
        ["=Sita", "9812345611", "", "", "F", 2, 5, "whatsapp_pramukh"],
        ["Charu Dutt", "9812345612", "", "", "", 3, 9, "booth_president"],
    ]
    path = write_csv(tmp_path / "all.csv", HINDI_HEADER, rows)
    report = import_file(source=path, scope=tree.state, actor=alice)
    assert report.created == 3, report.errors
    return report


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_export_contains_only_the_scope(client, bob, people):
    # given volunteers in both districts
    client.force_login(bob)

    # when bob exports his district as CSV
    response = client.get("/imports/export/?format=csv")

    # then only district 1 is in it, with full phones and the position
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [r["name"] for r in rows] == ["रमेश कुमार", "'=Sita"]
    assert rows[0]["phone"] == "98123 45610"
    assert rows[0]["booth_path"] == "UP/D1/AC1/M01/S01/B1"
    assert (rows[0]["ac_no"], rows[0]["part_no"], rows[0]["position"]) == (
        "1",
        "1",
        "booth_president",
    )
    assert AuditEvent.objects.filter(verb="people.exported", unit_path="UP/D1").count() == 1


def test_export_masks_phones_for_a_role_without_see_phones(client, district1, people, monkeypatch):
    # given a role that may export but not see phones
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.ANALYST, frozenset({Capability.IMPORT_EXPORT}))
    analyst = make_user("ana", district1, Role.ANALYST)
    client.force_login(analyst)

    # when the analyst exports
    rows = read_csv(client.get("/imports/export/"))

    # then the phones are masked
    assert [r["phone"] for r in rows] == ["98xxxxxx10", "98xxxxxx11"]


def test_export_of_a_unit_outside_the_scope_is_404(client, bob, district2, people):
    client.force_login(bob)
    assert client.get(f"/imports/export/?unit={district2.id}").status_code == 404


def test_export_of_a_subunit(client, bob, tree, people):
    client.force_login(bob)
    ac2 = Unit.objects.get(path="UP/D1/AC2")
    rows = read_csv(client.get(f"/imports/export/?unit={ac2.id}&format=csv"))
    assert [r["name"] for r in rows] == ["'=Sita"]


def test_export_xlsx(client, alice, people):
    # when alice exports the state as XLSX
    client.force_login(alice)
    response = client.get("/imports/export/?format=xlsx")

    # then it is a workbook with the importer's columns and everyone in it
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("name", "phone", "epic")
    assert len(rows) == 4


def test_positions_outside_the_scope_are_not_exported(bob, district1, district2, people):
    # given a district-1 volunteer who also holds a post in district 2
    person = Person.objects.get(phone="+919812345610")
    booth = Unit.objects.filter(level="booth", district=district2).order_by("id").last()
    assert booth is not None
    Assignment.objects.create(
        person=person, unit=booth, kind=PositionKind.objects.get(code="bla_liaison")
    )

    # when district 1 is exported
    rows = list(exporter.export_rows(unit=district1, masked=False))

    # then only the district-1 position shows
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["position"] == "booth_president"
    assert row["other_positions"] == ""
    assert booth.path not in "".join(rows[1])


def test_an_export_reimports_unchanged(client, tmp_path, bob, district1, people):
    # given bob's export of his district
    client.force_login(bob)
    body = b"".join(client.get("/imports/export/").streaming_content)
    path = tmp_path / "export.csv"
    path.write_bytes(body)

    # when he imports it back
    report = import_file(source=path, scope=district1, actor=bob)

    # then nothing changes
    assert (report.total, report.created, report.updated, report.unchanged, report.failed) == (
        2,
        0,
        0,
        2,
        0,
    ), report.errors


def test_a_volunteer_cannot_export(client, charlie, people):
    client.force_login(charlie)
    assert client.get("/imports/export/").status_code == 403


def test_console_import_and_export(tmp_path, tree, capsys):
    # given a file with one good row and one bad one
    path = write_csv(
        tmp_path / "c.csv",
        ["name", "phone", "booth_path", "position"],
        [
            ["Kusum", "9812345620", "UP/D1/AC1/M01/S01/B2", "booth_president"],
            ["X", "1", "UP/D1", ""],
        ],
    )

    # when it is imported from the console with --verify --json
    call_command("people", "import", str(path), "--scope", "UP/D1", "--verify", "--json")

    # then the JSON report is printed and the position is verified
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["failed"], report["verified"]) == (1, 1, 1)
    assert report["errors"][0]["line"] == 3
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert Unit.objects.get(path="UP/D1/AC1/M01/S01/B2").volunteers == 1

    # and the export writes the person to a file
    out = tmp_path / "out.xlsx"
    call_command("people", "export", "--scope", "UP/D1", "--format", "xlsx", "-o", str(out))
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "Kusum"
    out_csv = tmp_path / "out.csv"
    call_command("people", "export", "--scope", "UP/D2", "--format", "csv", "-o", str(out_csv))
    assert out_csv.read_text(encoding="utf-8-sig").splitlines()[1:] == []


def test_console_import_with_mapping(tmp_path, tree, capsys):
    path = write_csv(
        tmp_path / "c.csv", ["Volunteer", "Cell", "Where"], [["Kusum", "9812345620", "UP/D1"]]
    )
    mapping = json.dumps({"Volunteer": "name", "Cell": "phone", "Where": "booth_path"})
    call_command("people", "import", str(path), "--scope", "UP/D1", "--mapping", mapping)
    assert "created 1" in capsys.readouterr().out
