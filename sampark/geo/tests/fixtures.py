"""Small state files in the geo-up layout, written into a test's tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

MASTER_HEADER = (
    "ac_no,ac_name,ac_type,district,district_census2011,sub_region,pc_no,pc_name,pc_type,"
    "electors_2014,polling_stations_2014"
)
BOOTH_HEADER = (
    "ac_no,pc_no,part_no,part_name,electors_male,electors_female,electors_other,"
    "electors_total,voters_total,votes_bjp"
)


def master_row(
    ac_no: int | str,
    name: str,
    district: str,
    pc_no: int | str = 1,
    *,
    ac_type: str = "GEN",
    pc_name: str = "",
    electors: int | str = 1000,
) -> str:
    pc = pc_name or f"Lok Sabha {pc_no}"
    return f"{ac_no},{name},{ac_type},{district},{district},NORTH,{pc_no},{pc},GEN,{electors},0"


def booth_row(
    ac_no: int | str, part_no: int | str, name: str | None = None, *, pc_no: int = 1, electors=100
) -> str:
    part_name = f"PRATHMIK VIDYALAYA {part_no}" if name is None else name
    return f"{ac_no},{pc_no},{part_no},{part_name},50,50,0,{electors},80,40"


def booth_rows(ac_no: int, parts: range | list[int], *, pc_no: int = 1) -> list[str]:
    return [booth_row(ac_no, p, pc_no=pc_no) for p in parts]


def square(x: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, 25.0], [x + 0.1, 25.0], [x + 0.1, 25.1], [x, 25.0]]],
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": square(float(i))}
            for i, props in enumerate(features)
        ],
    }


def write_state(
    folder: Path,
    *,
    code: str = "br",
    master: list[str],
    booths: list[str],
    acs: list[dict[str, Any]] | None = None,
    districts: list[dict[str, Any]] | None = None,
    pcs: list[dict[str, Any]] | None = None,
) -> Path:
    """Write the files; GeoJSON files only when their features are given."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{code}_ac_master.csv").write_text("\n".join([MASTER_HEADER, *master]) + "\n")
    (folder / f"{code}_ls2014_polling_stations.csv").write_text(
        "\n".join([BOOTH_HEADER, *booths]) + "\n"
    )
    for suffix, features in (
        ("ac_boundaries.geojson", acs),
        ("district_boundaries.geojson", districts),
        ("pc_boundaries_2019.geojson", pcs),
    ):
        if features is not None:
            (folder / f"{code}_{suffix}").write_text(
                json.dumps(collection(*features), ensure_ascii=False)
            )
    return folder


def small_state(folder: Path) -> Path:
    """Two districts numbered out of alphabetical order, two PCs, three ACs.

    D1 = Bettiah (holds AC 1, the lowest) with AC 1 (25 booths) and AC 3 (3 booths);
    D2 = Arrah with AC 2 (85 booths). PC 1 = ACs 1 and 2, PC 2 = AC 3.
    """
    return write_state(
        folder,
        master=[
            master_row(1, "VALMIKI NAGAR", "BETTIAH", 1, pc_name="VALMIKI NAGAR", electors=2500),
            master_row(2, "Ramnagar", "Arrah", 1, ac_type="SC", pc_name="Valmiki Nagar"),
            master_row(3, "Narkatiaganj", "Bettiah", 2, pc_name="Paschim Champaran"),
        ],
        booths=[
            *booth_rows(1, range(1, 26)),
            *booth_rows(2, range(1, 86)),
            *booth_rows(3, range(1, 4), pc_no=2),
        ],
        acs=[{"AC_NO": 1}, {"AC_NO": 2}, {"AC_NO": 3}],
        districts=[{"district": "BETTIAH"}, {"district": "Arah"}],
        pcs=[
            {"pc_no": 1, "pc_name": "Valmiki Nagar", "pc_name_hi": "वाल्मीकि नगर"},
            {"pc_no": 2, "pc_name": "Paschim Champaran", "pc_name_hi": "पश्चिम चंपारण"},
        ],
    )


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return small_state(tmp_path / "geo-br")
