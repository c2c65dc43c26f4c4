"""The real UP files in settings.DATA_DIR/geo-up: the whole state imports, in bulk and cleanly.

This test fails (it does not skip) when the data folder is missing: the demo needs it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from sampark.geo.enums import Level
from sampark.geo.importer import import_state
from sampark.geo.models import Unit

pytestmark = pytest.mark.django_db


def test_it_imports_all_of_up():
    # given the real UP files
    data = Path(settings.DATA_DIR) / "geo-up"
    assert (data / "up_ac_master.csv").is_file(), f"UP data folder missing: {data}"
    # when the state is imported, counting the statements it sends
    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        report = import_state(state="UP", data_dir=data, name="Uttar Pradesh")
    # then every level has the published counts, with no bad rows and no stray boundaries
    assert report.errors == []
    assert report.warnings == []
    counts = {level: Unit.objects.filter(level=level).count() for level in report.created}
    assert counts[Level.DISTRICT] == 75
    assert counts[Level.PC] == 80
    assert counts[Level.AC] == 403
    assert counts[Level.BOOTH] == 138_771
    assert counts == report.created
    # and AC 1, part 1 is where the Form-20 file puts it
    booth = Unit.objects.get(level=Level.BOOTH, ac__number=1, number=1)
    assert booth.name == "PRATHMIK VIDYALAYA ROOM NO. 1 RAHNA"
    assert booth.path == "UP/D1/AC1/M01/S01/B1"
    assert booth.ac is not None
    assert (booth.ac.name, booth.district and booth.district.name) == ("Behat", "Saharanpur")
    assert booth.pc is not None
    assert (booth.pc.name, booth.pc.name_hi) == ("Saharanpur", "सहारनपुर")
    # and every AC, district and PC has a boundary
    for level in (Level.AC, Level.DISTRICT, Level.PC):
        assert not Unit.objects.filter(level=level, boundary="").exists(), level
    # and it wrote in bulk: fewer statements than one per hundred booths (310 today). Its speed
    # is a benchmark figure (docs/benchmarks.md: 8.4 s), not a wall-clock bound that a busy
    # machine breaks (issue #11)
    assert statements < counts[Level.BOOTH] // 100
    # and every district, PC and AC has a Hindi name, marked with how it was made (issue #16)
    named = Unit.objects.filter(level__in=(Level.DISTRICT, Level.PC, Level.AC))
    assert not named.filter(name_hi="").exists()
    assert not named.filter(name_hi_source="").exists()
    assert named.filter(level=Level.PC, name_hi_source="public").count() == 80
    sources = {
        (row["level"], row["name_hi_source"]): row["n"]
        for row in named.values("level", "name_hi_source").annotate(n=Count("id"))
    }
    # (measured: districts 61 public, 2 derived, 12 transliterated; ACs 60 / 26 / 317)
    assert sources[(Level.DISTRICT, "public")] >= 60
    saharanpur = Unit.objects.get(level=Level.DISTRICT, name="Saharanpur")
    assert (saharanpur.name_hi, saharanpur.name_hi_source) == ("सहारनपुर", "public")
