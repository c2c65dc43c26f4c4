"""`import_state` and `sampark geo import` on small files in the geo-up layout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sampark.core.models import AuditEvent
from sampark.geo.enums import Level
from sampark.geo.importer import import_state, readable
from sampark.geo.models import Unit
from sampark.geo.services import child_fields
from sampark.geo.tests.fixtures import (
    BOOTH_HEADER,
    booth_row,
    booth_rows,
    master_row,
    write_state,
)

pytestmark = pytest.mark.django_db

MASTER = "br_ac_master.csv"
BOOTHS = "br_ls2014_polling_stations.csv"


def _paths(level: str) -> list[str]:
    return list(Unit.objects.filter(level=level).order_by("path").values_list("path", flat=True))


def test_it_imports_the_tree(state_dir):
    # given two districts, two PCs and three ACs with 25, 85 and 3 booths
    # when the state is imported
    report = import_state(state="BR", data_dir=state_dir, name="Bihar")
    # then every level is created, and nothing is wrong
    assert report.errors == []
    assert report.warnings == []
    assert report.created == {
        "state": 1,
        "district": 2,
        "pc": 2,
        "ac": 3,
        "mandal": 1 + 2 + 1,
        "sector": 3 + 9 + 1,
        "booth": 25 + 85 + 3,
    }
    assert report.created == report.in_files
    assert _paths(Level.DISTRICT) == ["BR/D1", "BR/D2"]
    assert _paths(Level.PC) == ["BR/PC01", "BR/PC02"]
    assert _paths(Level.AC) == ["BR/D1/AC1", "BR/D1/AC3", "BR/D2/AC2"]
    state = Unit.objects.get(path="BR")
    assert (state.level, state.name, state.parent_id) == (Level.STATE, "Bihar", None)
    # and the import is in the audit log
    assert AuditEvent.objects.filter(verb="geo.imported", object_id=state.id).count() == 1


def test_districts_are_numbered_by_their_lowest_ac(state_dir):
    # given Bettiah holds AC 1 and AC 3, Arrah holds AC 2
    import_state(state="BR", data_dir=state_dir)
    # then Bettiah is D1 and Arrah D2, whatever the alphabet says
    d1, d2 = Unit.objects.filter(level=Level.DISTRICT).order_by("number")
    assert (d1.code, d1.name, d1.number) == ("D1", "Bettiah", 1)
    assert (d2.code, d2.name, d2.number) == ("D2", "Arrah", 2)


def test_names_are_title_cased_but_booth_names_kept(state_dir):
    import_state(state="BR", data_dir=state_dir)
    ac1 = Unit.objects.get(path="BR/D1/AC1")
    booth = Unit.objects.get(path="BR/D1/AC1/M01/S01/B1")
    pc1 = Unit.objects.get(path="BR/PC01")
    # then upper-case source names read as names, booth part names stay as written
    assert (ac1.name, ac1.number, ac1.reservation, ac1.electors) == (
        "Valmiki Nagar",
        1,
        "GEN",
        2500,
    )
    assert Unit.objects.get(path="BR/D2/AC2").reservation == "SC"
    assert (booth.name, booth.number, booth.electors) == ("PRATHMIK VIDYALAYA 1", 1, 100)
    # and the PC takes its Hindi name from the PC GeoJSON
    assert (pc1.name, pc1.name_hi, pc1.number) == ("Valmiki Nagar", "वाल्मीकि नगर", 1)
    assert ac1.pc_id == pc1.id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("MUZAFFAR NAGAR", "Muzaffar Nagar", id="upper_case"),
        pytest.param("rae  bareli", "Rae Bareli", id="lower_case_and_spaces"),
        pytest.param("Sant Kabir Nagar", "Sant Kabir Nagar", id="mixed_case_kept"),
        pytest.param("GAUTAM BUDDHA NAGAR (NOIDA)", "Gautam Buddha Nagar (Noida)", id="brackets"),
    ],
)
def test_readable(raw, expected):
    assert readable(raw) == expected


@pytest.mark.parametrize(
    ("booths", "sectors", "mandals", "last_sector"),
    [
        pytest.param(1, 1, 1, "Sector 1 (part 1)", id="one_booth_case"),
        pytest.param(25, 3, 1, "Sector 3 (parts 21–25)", id="25_booths_case"),
        pytest.param(80, 8, 1, "Sector 8 (parts 71–80)", id="exactly_one_mandal_case"),
        pytest.param(85, 9, 2, "Sector 9 (parts 81–85)", id="85_booths_case"),
    ],
)
def test_mandal_sector_rule(tmp_path, booths, sectors, mandals, last_sector):
    # given one AC with `booths` booths, written out of order
    folder = write_state(
        tmp_path,
        master=[master_row(1, "Bagaha", "West Champaran")],
        booths=booth_rows(1, list(range(booths, 0, -1))),
    )
    # when imported with 10 booths a sector and 8 sectors a mandal
    import_state(state="BR", data_dir=folder)
    # then runs of 10 booths (by part number) are sectors and runs of 8 sectors are mandals
    ac = Unit.objects.get(level=Level.AC)
    assert Unit.objects.filter(level=Level.SECTOR, ac=ac).count() == sectors
    assert Unit.objects.filter(level=Level.MANDAL, ac=ac).count() == mandals
    last = Unit.objects.filter(level=Level.SECTOR).order_by("-number").first()
    assert last is not None
    assert last.name == last_sector
    assert last.name_hi == last_sector.replace("Sector", "सेक्टर").replace("parts", "भाग").replace(
        "part", "भाग"
    )
    assert last.path == f"BR/D1/AC1/M{mandals:02d}/S{sectors:02d}"
    first_sector = Unit.objects.get(path="BR/D1/AC1/M01/S01")
    assert list(
        Unit.objects.filter(sector=first_sector).order_by("number").values_list("number", flat=True)
    ) == list(range(1, min(booths, 10) + 1))
    mandal = Unit.objects.get(path="BR/D1/AC1/M01")
    assert (mandal.name, mandal.name_hi) == ("Mandal 1", "मंडल 1")


def test_sector_and_mandal_sizes_come_from_settings(tmp_path, settings):
    # given 5 booths a sector and 2 sectors a mandal
    settings.SECTOR_BOOTHS = 5
    settings.MANDAL_SECTORS = 2
    folder = write_state(
        tmp_path,
        master=[master_row(1, "Bagaha", "West Champaran")],
        booths=booth_rows(1, range(1, 26)),
    )
    # when 25 booths are imported
    import_state(state="BR", data_dir=folder)
    # then there are 5 sectors in 3 mandals
    assert Unit.objects.filter(level=Level.SECTOR).count() == 5
    assert _paths(Level.MANDAL) == ["BR/D1/AC1/M01", "BR/D1/AC1/M02", "BR/D1/AC1/M03"]


def test_every_unit_has_its_ancestors_like_child_fields(state_dir):
    import_state(state="BR", data_dir=state_dir)
    units = {u.id: u for u in Unit.objects.all()}
    ancestor_fields = ["state_id", "district_id", "pc_id", "ac_id", "mandal_id", "sector_id"]
    for unit in units.values():
        if unit.parent_id is None:
            assert unit.level == Level.STATE
            continue
        # then each unit's columns are exactly what child_fields gives under its parent
        parent = units[unit.parent_id]
        expected = child_fields(
            parent=parent,
            level=unit.level,
            code=unit.code,
            pc_id=unit.pc_id if unit.level == Level.AC else None,
        )
        assert unit.path == expected["path"]
        assert unit.depth == expected["depth"]
        for name in ancestor_fields:
            assert getattr(unit, name) == expected[name], (unit.path, name)
    # and booths carry their AC's PC
    booth = Unit.objects.get(path="BR/D1/AC3/M01/S01/B2")
    assert booth.pc_id == Unit.objects.get(path="BR/PC02").id
    assert booth.ac_id == Unit.objects.get(path="BR/D1/AC3").id
    assert booth.district_id == Unit.objects.get(path="BR/D1").id


def test_electors_roll_up(state_dir):
    import_state(state="BR", data_dir=state_dir)
    # then sectors and mandals sum their booths; districts, PCs and the state sum their ACs
    assert Unit.objects.get(path="BR/D1/AC1/M01/S03").electors == 5 * 100
    assert Unit.objects.get(path="BR/D1/AC1/M01").electors == 25 * 100
    assert Unit.objects.get(path="BR/D1").electors == 2500 + 1000
    assert Unit.objects.get(path="BR/PC01").electors == 2500 + 1000
    assert Unit.objects.get(path="BR").electors == 2500 + 1000 + 1000


def test_boundaries_are_stored_and_strays_are_warnings(tmp_path):
    # given boundary files with one feature each that matches nothing
    folder = write_state(
        tmp_path,
        master=[master_row(1, "Bagaha", "Arrah"), master_row(2, "Ramnagar", "Bettiah", 2)],
        booths=[booth_row(1, 1), booth_row(2, 1, pc_no=2)],
        acs=[{"AC_NO": 1}, {"AC_NO": 99}],
        districts=[{"district": "Arah"}, {"district": "BETTIAH"}, {"district": "Gaya"}],
        pcs=[{"pc_no": 1, "pc_name_hi": "एक"}, {"pc_no": "7"}],
    )
    # when imported
    report = import_state(state="BR", data_dir=folder)
    # then matched features are stored (Arah matches Arrah) and strays are warnings
    assert [str(w) for w in report.warnings] == [
        "br_pc_boundaries_2019.geojson: feature 2: pc_no '7' matches no PC",
        "br_ac_boundaries.geojson: feature 2: AC_NO 99 matches no AC",
        "br_district_boundaries.geojson: feature 3: district 'Gaya' matches no district",
    ]
    assert report.errors == []
    assert Unit.objects.get(path="BR/D1/AC1").boundary.startswith('{"type":"Polygon"')
    assert Unit.objects.get(path="BR/D1").boundary
    assert Unit.objects.get(path="BR/D2").boundary
    assert Unit.objects.get(path="BR/D2/AC2").boundary == ""
    assert Unit.objects.get(path="BR/PC01").boundary


def test_missing_boundary_files_are_warnings(tmp_path):
    folder = write_state(
        tmp_path, master=[master_row(1, "Bagaha", "Arrah")], booths=[booth_row(1, 1)]
    )
    report = import_state(state="BR", data_dir=folder)
    assert report.created[Level.BOOTH] == 1
    assert [str(w) for w in report.warnings] == [
        "br_pc_boundaries_2019.geojson: file not found; boundaries not loaded",
        "br_ac_boundaries.geojson: file not found; boundaries not loaded",
        "br_district_boundaries.geojson: file not found; boundaries not loaded",
    ]


def test_bad_rows_are_reported_and_good_rows_kept(tmp_path):
    # given files with one problem per row (the header is line 1)
    folder = write_state(
        tmp_path,
        master=[
            master_row(1, "Bagaha", "Arrah"),  # 2
            master_row(2, "Ramnagar", "Arrah"),  # 3
            master_row(3, "", "Arrah"),  # 4
            master_row(4, "Narkatiaganj", ""),  # 5
            master_row("abc", "Lauriya", "Arrah"),  # 6
            master_row(1, "Bagaha again", "Arrah"),  # 7
            master_row("", "Sikta", "Arrah"),  # 8
        ],
        booths=[
            booth_row(1, 1, "GOOD ONE"),  # 2
            booth_row("x", 2),  # 3
            booth_row(1, ""),  # 4
            booth_row(99, 1),  # 5
            booth_row(1, 3, ""),  # 6
            booth_row(1, 1, "DUPLICATE"),  # 7
            booth_row(1, "2a"),  # 8
            booth_row(4, 1),  # 9
            "1,1,5,SCHOOL, ROOM 2,50,50,0,100,80,40",  # 10
            "",  # 11: blank lines are skipped
            booth_row(1, 4, "GOOD TWO", electors="many"),  # 12
            booth_row(2, 1),  # 13
        ],
    )
    # when imported
    report = import_state(state="BR", data_dir=folder)
    # then each bad row is named by file, line and reason
    assert [str(e) for e in report.errors] == [
        f"{MASTER}:4: ac_name is empty",
        f"{MASTER}:5: district is missing",
        f"{MASTER}:6: ac_no 'abc' is not a number",
        f"{MASTER}:7: duplicate AC 1 (first on line 2)",
        f"{MASTER}:8: ac_no is missing",
        f"{BOOTHS}:3: ac_no 'x' is not a number",
        f"{BOOTHS}:4: part_no is missing",
        f"{BOOTHS}:5: AC 99 is not in {MASTER}",
        f"{BOOTHS}:6: part_name is empty",
        f"{BOOTHS}:7: duplicate part 1 of AC 1 (first on line 2)",
        f"{BOOTHS}:8: part_no '2a' is not a number",
        f"{BOOTHS}:9: AC 4 was rejected in {MASTER} (line 5)",
        f"{BOOTHS}:10: 11 fields where the header has 10 (an unquoted comma?)",
    ]
    assert (report.errors[0].file, report.errors[0].line) == (MASTER, 4)
    # and the kept row with a bad electors count is a warning
    assert f"{BOOTHS}:12: electors_total 'many' is not a number" in [
        str(w) for w in report.warnings
    ]
    # and the good rows are in
    assert _paths(Level.AC) == ["BR/D1/AC1", "BR/D1/AC2"]
    booths = Unit.objects.filter(level=Level.BOOTH, ac__number=1).order_by("number")
    assert [(b.number, b.name, b.electors) for b in booths] == [
        (1, "GOOD ONE", 100),
        (4, "GOOD TWO", None),
    ]
    assert report.imported


def test_a_missing_booth_file_still_imports_the_acs(tmp_path):
    folder = write_state(tmp_path, master=[master_row(1, "Bagaha", "Arrah")], booths=[])
    (folder / BOOTHS).unlink()
    report = import_state(state="BR", data_dir=folder)
    assert [str(e) for e in report.errors] == [f"{BOOTHS}: file not found"]
    assert _paths(Level.AC) == ["BR/D1/AC1"]


def test_nothing_importable_writes_nothing(tmp_path):
    folder = write_state(tmp_path, master=[master_row("", "Bagaha", "Arrah")], booths=[])
    report = import_state(state="BR", data_dir=folder)
    assert not report.imported
    assert [str(e) for e in report.errors] == [
        f"{MASTER}:2: ac_no is missing",
        f"{MASTER}: no usable AC rows; nothing imported",
    ]
    assert not Unit.objects.exists()


def test_a_missing_column_is_reported(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / MASTER).write_text("ac_no,ac_name\n1,Bagaha\n")
    report = import_state(state="BR", data_dir=tmp_path)
    assert str(report.errors[0]) == f"{MASTER}:1: missing column(s): district"
    assert not report.imported


def test_a_second_run_creates_nothing_and_keeps_ids(state_dir):
    # given an imported state
    import_state(state="BR", data_dir=state_dir, name="Bihar")
    before = dict(Unit.objects.values_list("path", "id"))
    # when the same files are imported again (without --name)
    report = import_state(state="BR", data_dir=state_dir)
    # then nothing is created or updated, and every id is the same
    assert report.total_created == 0
    assert report.total_updated == 0
    assert dict(Unit.objects.values_list("path", "id")) == before
    assert Unit.objects.get(path="BR").name == "Bihar"


def test_a_rerun_updates_changed_rows(tmp_path):
    # given an imported AC with three booths
    master = [master_row(1, "Bagaha", "Arrah")]
    folder = write_state(tmp_path, master=master, booths=booth_rows(1, range(1, 4)))
    import_state(state="BR", data_dir=folder)
    booth2 = Unit.objects.get(path="BR/D1/AC1/M01/S01/B2")
    # when booth 2 is renamed and booth 3 gets more electors
    write_state(
        tmp_path,
        master=master,
        booths=[booth_row(1, 1), booth_row(1, 2, "NEW NAME"), booth_row(1, 3, electors=150)],
    )
    report = import_state(state="BR", data_dir=folder)
    # then both booths are updated in place, and the electors roll up to the sector and mandal
    # (ACs, and so districts, PCs and the state, take theirs from ac_master, unchanged)
    assert report.total_created == 0
    assert report.updated == {
        "state": 0,
        "district": 0,
        "pc": 0,
        "ac": 0,
        "mandal": 1,
        "sector": 1,
        "booth": 2,
    }
    booth2.refresh_from_db()
    assert booth2.name == "NEW NAME"
    assert Unit.objects.get(path="BR/D1/AC1/M01/S01").electors == 350


def test_a_new_booth_moves_others_without_changing_their_ids(tmp_path):
    # given an AC whose parts 1-4 and 6-11 fill sector 1
    master = [master_row(1, "Bagaha", "Arrah")]
    folder = write_state(
        tmp_path, master=master, booths=booth_rows(1, [1, 2, 3, 4, 6, 7, 8, 9, 10, 11])
    )
    import_state(state="BR", data_dir=folder)
    booth11 = Unit.objects.get(path="BR/D1/AC1/M01/S01/B11")
    # when part 5 appears
    write_state(tmp_path, master=master, booths=booth_rows(1, range(1, 12)))
    report = import_state(state="BR", data_dir=folder)
    # then part 11 moves to sector 2 and keeps its id
    assert (report.created[Level.BOOTH], report.created[Level.SECTOR]) == (1, 1)
    assert report.updated[Level.BOOTH] == 1
    booth11.refresh_from_db()
    sector2 = Unit.objects.get(path="BR/D1/AC1/M01/S02")
    assert booth11.path == "BR/D1/AC1/M01/S02/B11"
    assert (booth11.parent_id, booth11.sector_id) == (sector2.id, sector2.id)


def test_units_missing_from_the_files_are_kept_with_a_warning(tmp_path):
    master = [master_row(1, "Bagaha", "Arrah")]
    folder = write_state(tmp_path, master=master, booths=booth_rows(1, range(1, 4)))
    import_state(state="BR", data_dir=folder)
    write_state(tmp_path, master=master, booths=booth_rows(1, range(1, 3)))
    report = import_state(state="BR", data_dir=folder)
    assert Unit.objects.filter(path="BR/D1/AC1/M01/S01/B3").exists()
    assert [str(w) for w in report.warnings][-1] == (
        "database: 1 booth unit(s) under BR are not in the files; kept as they are"
    )


def test_command_prints_a_summary_and_bad_rows(tmp_path):
    folder = write_state(
        tmp_path,
        master=[master_row(1, "Bagaha", "Arrah")],
        booths=[booth_row(1, 1), booth_row(1, 2, "")],
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("geo", "import", "--state", "br", "--data", str(folder), stdout=out, stderr=err)
    assert "booth" in out.getvalue()
    assert "1 error(s) (rows skipped), 3 warning(s):" in out.getvalue()  # 3 missing GeoJSON
    assert f"{BOOTHS}:3: part_name is empty" in err.getvalue().splitlines()
    assert Unit.objects.filter(path="BR/D1/AC1/M01/S01/B1").exists()


def test_command_fails_when_nothing_could_be_imported(tmp_path):
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "geo", "import", "--state", "BR", "--data", str(tmp_path / "nope"), stderr=io.StringIO()
        )


def test_an_ac_without_booths_is_kept_with_a_warning(tmp_path):
    folder = write_state(tmp_path, master=[master_row(1, "Bagaha", "Arrah")], booths=[])
    assert (folder / BOOTHS).read_text() == BOOTH_HEADER + "\n"
    report = import_state(state="BR", data_dir=Path(folder))
    assert str(report.warnings[0]) == f"{MASTER}:2: AC 1 has no polling stations in {BOOTHS}"
    assert report.created[Level.AC] == 1
    assert report.created[Level.MANDAL] == 0
