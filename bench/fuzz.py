"""Fuzz every importer and parser with random and mutated inputs (issue #12); prints JSON.

    python -m bench.fuzz [--cases 100000] [--seconds 900] [--parsers a,b]

Each parser gets `--cases` inputs (or what fits in `--seconds`), made by mutating valid
samples (bytes flipped, inserted, dropped, repeated; odd tokens such as `inf`, a bare CR,
deep brackets, huge fields spliced in) or drawn at random. A crash is any exception the
parser does not document: `{parser: {"cases", "crashes", "errors": {type: first message}}}`.
The suite runs the same parsers under Hypothesis with a few hundred examples each.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

TOKENS = [
    b"inf",
    b"-inf",
    b"nan",
    b"1e999",
    b"\r",
    b"\n",
    b"\r\n",
    b'"',
    b",",
    b";",
    b"\t",
    b"\x00",
    b"[" * 2000,
    b"{" * 50,
    b"x" * 140_000,
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"\xe0\xa4",
    b"99999999999999999999",
    b"-0",
    b"31/02/2024",
    b"0001-01-01",
    b"9999-12-31T23:59:59",
    b"\u200e".decode("unicode_escape").encode(),
    b"<",
    b"]]>",
    b"&#0;",
    b"<!ENTITY",
]


def mutate(rng: random.Random, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        at = rng.randint(0, len(data))
        if op == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[at:at] = rng.choice(TOKENS)
        elif op == 2:
            del data[at : at + rng.randint(1, 40)]
        elif op == 3:
            data[at:at] = data[max(0, at - 60) : at] * rng.randint(1, 4)
        elif op == 4:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
        else:
            data = data[:at]
    return bytes(data)


def inputs(rng: random.Random, samples: list[bytes]) -> bytes:
    if rng.random() < 0.1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    return mutate(rng, rng.choice(samples))


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


CHAT = (
    "12/03/2024, 09:15 - Ramesh: जय हिंद\n12/03/2024, 09:16 - Sita: IMG-1.jpg (file attached)\n"
    "[3/12/24, 9:17:00 PM] Arjun: <Media omitted>\nmore text\n12/03/2024, 09:18 - Ravi joined\n"
).encode()
PEOPLE = (
    "Name,Phone,EPIC,DOB,Age,Gender,AC No,Part No,Position,Email,Languages,Consent\n"
    "Ram,9812345678,ABC1234567,1990-01-02,34,M,1,1,booth_president,a@b.in,hi,yes\n"
    "सीता,+91 98123 45611,,15-08-1990,,महिला,1,2,,,,no\n"
).encode()
FC_CSV = b"url,claim,rating,date,language\nhttps://a.in/1,EVM hacked,False,2024-03-01,hi\n"
FC_JSON = json.dumps(
    {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://a.in/fc/1",
        "claimReviewed": "EVM hacked",
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1},
        "author": {"@type": "Organization", "name": "Alt"},
        "datePublished": "2024-03-01",
    }
).encode()
FC_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>t</title>'
    b"<link>https://a.in/1</link><pubDate>Fri, 01 Mar 2024 10:00:00 GMT</pubDate></item>"
    b"</channel></rss>"
)
FC_HTML = (
    b'<html><head><script type="application/ld+json">' + FC_JSON + b"</script></head><body>"
    b'<div itemscope itemtype="https://schema.org/ClaimReview"><span itemprop="claimReviewed">'
    b"EVM</span></div></body></html>"
)
POSTS_JSONL = (
    b'{"id": "t1", "text": "EVM", "posted_at": "2026-11-20T10:00:00+05:30", "likes": 3}\n'
    b'{"id": "t2", "text": "x", "posted_at": "1763614800", "platform": "youtube"}\n'
)
POSTS_CSV = b"id,text,posted_at,likes\nt1,EVM,2026-11-20T10:00:00+05:30,3\nt2,x,1763614800,\n"


def _people_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in PEOPLE.decode().splitlines():
        sheet.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parsers() -> dict[
    str, tuple[Callable[[bytes], Any], list[bytes], tuple[type[BaseException], ...]]
]:
    """name → (call, samples, exceptions the parser documents)."""
    from pipeline import whatsapp
    from sampark.factcheck import claimreview
    from sampark.monitoring import importers as posts
    from sampark.people.importer import ImportFileError
    from sampark.people.importer.reading import open_table

    def people_file(data: bytes, name: str) -> None:
        with open_table(io.BytesIO(data), filename=name) as table:
            for _line, cells in table.rows:
                VALIDATOR.validate(_line, cells, {})

    xlsx = _people_xlsx()
    return {
        "whatsapp_text": (lambda d: whatsapp.parse_bytes(d, filename="c.txt"), [CHAT], ()),
        "whatsapp_zip": (
            lambda d: whatsapp.parse_bytes(d, filename="c.zip"),
            [_zip("WhatsApp Chat with X.txt", CHAT)],
            (),
        ),
        "people_csv": (lambda d: people_file(d, "p.csv"), [PEOPLE], (ImportFileError,)),
        "people_xlsx": (lambda d: people_file(d, "p.xlsx"), [xlsx], (ImportFileError,)),
        "factcheck_csv": (lambda d: claimreview.parse_bytes(d, name="f.csv"), [FC_CSV], ()),
        "factcheck_jsonld": (lambda d: claimreview.parse_bytes(d, name="f.json"), [FC_JSON], ()),
        "factcheck_html": (lambda d: claimreview.parse_bytes(d, name="f.html"), [FC_HTML], ()),
        "factcheck_feed": (
            lambda d: claimreview.parse_feed(d, fetch=lambda url: "<html></html>"),
            [FC_FEED],
            (),
        ),
        "listening_jsonl": (posts.parse_jsonl, [POSTS_JSONL], ()),
        "listening_csv": (posts.parse_csv, [POSTS_CSV], ()),
    }


VALIDATOR: Any = None


def _setup() -> None:
    """Django on a throw-away SQLite database with a small tree (the row validator needs it)."""
    global VALIDATOR
    folder = Path(tempfile.mkdtemp(prefix="sampark-fuzz-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="sampark.settings",
        DATABASE_URL=f"sqlite:///{folder / 'fuzz.sqlite3'}",
        SAMPARK_VAR_DIR=str(folder / "var"),
        SAMPARK_DEMO="1",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from sampark.devtools.synthetic import build_tree
    from sampark.people.importer.lookups import Catalogue, load_units
    from sampark.people.importer.mapping import Layout, resolve_columns
    from sampark.people.importer.validating import RowValidator

    call_command("migrate", verbosity=0)
    tree = build_tree()
    header = PEOPLE.decode().splitlines()[0].split(",")
    VALIDATOR = RowValidator(
        layout=Layout(header, resolve_columns(header, {})),
        catalogue=Catalogue(),
        units=load_units(tree.districts[0]),
        default_kind=None,
        today=timezone.localdate(),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=900.0, help="per parser")
    parser.add_argument("--parsers", default="")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    _setup()
    logging.disable(logging.CRITICAL)  # extruct logs every broken JSON-LD block it meets
    table = parsers()
    wanted = [p for p in args.parsers.split(",") if p] or list(table)
    results: dict[str, Any] = {}
    for name in wanted:
        call, samples, allowed = table[name]
        rng = random.Random(f"{args.seed}:{name}")
        crashes, cases = 0, 0
        errors: dict[str, str] = {}
        deadline = time.monotonic() + args.seconds
        while cases < args.cases and time.monotonic() < deadline:
            data = inputs(rng, samples)
            cases += 1
            try:
                call(data)
            except allowed:
                pass
            except Exception as exc:
                crashes += 1
                where = traceback.extract_tb(exc.__traceback__)[-1]
                errors.setdefault(
                    type(exc).__name__,
                    f"{exc!s:.200} at {where.filename}:{where.lineno} <- {data[:120]!r}",
                )
        results[name] = {"cases": cases, "crashes": crashes, "errors": errors}
        print(json.dumps({name: results[name]}), file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
