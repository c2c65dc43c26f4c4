"""Import a state's electoral tree from CSV and GeoJSON files (`sampark geo import`).

The layout is the one of `../shared/data/geo-up/`; every file name starts with the state code in
lower case (`up_`), so any state in the same format loads the same way:

- `<st>_ac_master.csv`: one row per AC (ac_no, ac_name, ac_type, district, pc_no, pc_name,
  pc_type, electors_2014, ...). Districts and PCs come from here.
- `<st>_ls2014_polling_stations.csv`: one row per polling station (ac_no, part_no, part_name,
  electors_total, ...). Booths come from here; mandals and sectors are made by rule.
- `<st>_ac_boundaries.geojson`, `<st>_district_boundaries.geojson`,
  `<st>_pc_boundaries_2019.geojson`: optional boundaries (and the PCs' Hindi names).

The rules (district numbering, mandals and sectors, idempotency, the error report) are written
down in docs/geo-import.md. Everything is written in one transaction with bulk inserts, so the whole
of UP (about 1.55 lakh units) loads in seconds.

The modules: `reading` (the files, as checked rows and features), `planning` (the tree we want,
no database writes), `writing` (the tree into `geo.Unit`, in bulk), `names`, `report`, and `run`
(`import_state`, which ties them in one transaction).
"""

from sampark.geo.importer.names import mandal_names, match_key, readable, sector_names
from sampark.geo.importer.report import LEVELS, ImportReport, RowError
from sampark.geo.importer.run import import_state

__all__ = [
    "LEVELS",
    "ImportReport",
    "RowError",
    "import_state",
    "mandal_names",
    "match_key",
    "readable",
    "sector_names",
]
