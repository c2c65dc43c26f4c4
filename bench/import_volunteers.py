"""Benchmark: import N volunteers from a generated CSV against the booths in the database.

    DJANGO_SETTINGS_MODULE=sampark.settings python -m bench.import_volunteers --rows 800000

The CSV looks like a district office's sheet: Hindi headers, Devanagari and Latin names
(Faker hi_IN / en_IN), valid Indian mobiles, EPICs, dates of birth, AC and booth numbers, up
to five booth positions per booth (named by code or in Hindi), languages and consent — and a
few broken rows (bad phone, bad EPIC, minor, unknown booth) as real sheets have.

By default everything runs in one transaction that is rolled back, so the database is left as
it was (`keep=True` / `--keep` commits, chunk by chunk, as a real import does). The import is
run twice: the second pass measures the idempotent re-import (0 created).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

FIRST_BAD_EVERY = 331  # about 0.3 % of rows are broken, each in one of four ways
HEADER = [
    "नाम",
    "मोबाइल",
    "मतदाता पहचान पत्र",
    "जन्म तिथि",
    "लिंग",
    "विधानसभा संख्या",
    "बूथ संख्या",
    "पद",
    "भाषा",
    "सहमति",
]


class _Rollback(Exception):  # noqa: N818 (control flow)
    pass


def _booths() -> list[tuple[int, int]]:
    """(AC number, booth part number) of every booth in the database."""
    from sampark.geo.enums import Level
    from sampark.geo.models import Unit

    return [
        (ac, part)
        for ac, part in Unit.objects.filter(level=Level.BOOTH)
        .order_by("ac__number", "number")
        .values_list("ac__number", "number")
        if ac is not None and part is not None
    ]


def _name_pools(rng: random.Random) -> tuple[list[str], list[str], list[str], list[str]]:
    from faker import Faker

    hi, en = Faker("hi_IN"), Faker("en_IN")
    hi.seed_instance(rng.random())
    en.seed_instance(rng.random())
    return (
        [hi.first_name() for _ in range(400)],
        [hi.last_name() for _ in range(300)],
        [en.first_name() for _ in range(400)],
        [en.last_name() for _ in range(300)],
    )


def generate(*, rows: int, path: Path, seed: int = 7) -> dict[str, int]:
    """Write a volunteer CSV of `rows` rows against the database's booths."""
    import phonenumbers

    from sampark.people.catalogue import BOOTH_POSITIONS

    booths = _booths()
    if not booths:
        raise RuntimeError("no booths in the database: run `sampark geo import --state UP` first")
    rng = random.Random(seed)
    hi_first, hi_last, en_first, en_last = _name_pools(rng)
    this_year = time.localtime().tm_year
    offset = rng.randrange(10**9)
    per_booth = len(BOOTH_POSITIONS)
    staffed = per_booth * len(booths)
    written = bad = 0
    n = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        while written < rows:
            n += 1
            # A stride coprime to 10^9 walks 9xxxxxxxxx without repeats.
            national = 9_000_000_000 + (offset + n * 7919) % 1_000_000_000
            number = phonenumbers.PhoneNumber(country_code=91, national_number=national)
            if not phonenumbers.is_valid_number(number):
                continue
            i = written
            # Booth by booth, as a district's sheet is: its five posts, then, once every booth
            # is staffed, further volunteers without a post.
            if i < staffed:
                ac, part = booths[i // per_booth]
                code, _en, hindi = BOOTH_POSITIONS[i % per_booth]
                position = hindi if i % 3 == 0 else code
            else:
                ac, part = booths[(i - staffed) % len(booths)]
                position = ""
            if rng.random() < 0.6:
                name = f"{rng.choice(hi_first)} {rng.choice(hi_last)}"
                gender = rng.choice(("पुरुष", "महिला"))
            else:
                name = f"{rng.choice(en_first)} {rng.choice(en_last)}"
                gender = rng.choice(("M", "F"))
            phone = str(national) if i % 4 else f"+91 {str(national)[:5]} {str(national)[5:]}"
            epic = f"U{'ABCDEFGH'[i % 8]}{'PQRSTUVW'[(i // 8) % 8]}{i:07d}"
            year = rng.randint(this_year - 70, this_year - 19)
            dob = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{year}"
            languages = rng.choice(("हिंदी", "Hindi, English", "हिंदी, भोजपुरी", "Hindi, Urdu"))
            consent = rng.choices(("हाँ", "नहीं", ""), weights=(90, 5, 5))[0]
            row = [name, phone, epic, dob, gender, ac, part, position, languages, consent]
            if i % FIRST_BAD_EVERY == FIRST_BAD_EVERY - 1:
                bad += 1
                kind = (i // FIRST_BAD_EVERY) % 4
                if kind == 0:
                    row[1] = str(national)[:6]
                elif kind == 1:
                    row[2] = "AB12"
                elif kind == 2:
                    row[3] = f"01-01-{this_year - 15}"
                else:
                    row[6] = 99999
            out.writerow(row)
            written += 1
    return {"rows": written, "bad": bad, "booths": len(booths)}


def _scope() -> Any:
    from sampark.geo.enums import Level
    from sampark.geo.models import Unit

    state = Unit.objects.filter(level=Level.STATE).order_by("id").first()
    if state is None:
        raise RuntimeError("no state in the database")
    return state


def _timed_import(path: Path, scope: Any) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, report): on a shared machine the CPU time
    says what the import costs, the wall time what it took."""
    from sampark.people.importer import import_file

    started, cpu = time.perf_counter(), time.process_time()
    report = import_file(
        source=path, scope=scope, actor=None, notice_version="bench-1", verify=True
    )
    return time.perf_counter() - started, time.process_time() - cpu, report


def run(*, rows: int, path: Path, keep: bool = False) -> dict[str, Any]:
    """Generate `rows` rows at `path`, import them, then re-import; returns the timings."""
    from django.db import transaction

    generated = generate(rows=rows, path=path)
    scope = _scope()
    result: dict[str, Any] = {}

    def measure() -> None:
        seconds, cpu, report = _timed_import(path, scope)
        again_seconds, again_cpu, again = _timed_import(path, scope)
        result.update(
            rows=report.total,
            seconds=round(seconds, 2),
            cpu_seconds=round(cpu, 2),
            rows_per_s=round(report.total / seconds) if seconds else 0,
            created=report.created,
            failed=report.failed,
            assignments=report.assignments,
            consents=report.consents,
            reimport_seconds=round(again_seconds, 2),
            reimport_cpu_seconds=round(again_cpu, 2),
            reimport_rows_per_s=round(again.total / again_seconds) if again_seconds else 0,
            reimport_created=again.created,
            reimport_unchanged=again.unchanged,
            booths=generated["booths"],
            kept=keep,
        )

    if keep:
        measure()
        return result
    try:
        with transaction.atomic():
            measure()
            raise _Rollback
    except _Rollback:
        pass
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--path", type=Path, default=Path("/tmp/sampark-bench-volunteers.csv"))  # noqa: S108
    parser.add_argument("--keep", action="store_true", help="commit the imported rows")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampark.settings")
    import django

    django.setup()
    result = run(rows=args.rows, path=args.path, keep=args.keep)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
