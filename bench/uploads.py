"""Peak RSS of the web process per upload case (issue #12); prints JSON.

    python -m bench.uploads [--cases a,b] [--keep DIR]

Each case runs in a fresh process that posts one file through the Django test client, as the
browser would, and reads `ru_maxrss` before and after the request. The files are made once:
a chat zip holding a 1 GiB image member, a 73 KB zip whose chat expands to 20 MB, a broken
zip, an XLSX whose shared strings expand to 300 MB, a non-zip .xlsx, and large legitimate
files (a chat just under the in-request size, one handed to the worker, a people workbook of
50,000 rows, a fact-check CSV). "queued" says the request handed the file to the worker.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHUNK = b"\0" * (1 << 20)


def _line(i: int) -> str:
    day, minute = 1 + (i // 1440) % 28, i % 1440
    return (
        f"{day:02d}/03/2024, {minute // 60:02d}:{minute % 60:02d} - Member {i % 40}: message {i}\n"
    )


def _chat(messages: int) -> bytes:
    return "".join(_line(i) for i in range(messages)).encode()


def make_files(folder: Path) -> dict[str, tuple[str, Path]]:
    """case → (form, file); form says which upload page takes it."""
    files: dict[str, tuple[str, Path]] = {}

    path = folder / "gib_member.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Ward.txt", _chat(50))
        with archive.open("IMG-20240301-WA0001.jpg", "w", force_zip64=True) as member:
            for _ in range(1024):
                member.write(CHUNK)
    files["chat_zip_1gib_member"] = ("chat", path)

    path = folder / "chat_bomb.zip"
    line = b"01/03/2024, 10:00 - Member: " + b"spam " * 30 + b"\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("WhatsApp Chat with Ward.txt", line * (20 * 1024 * 1024 // len(line)))
    files["chat_zip_bomb_20mb"] = ("chat", path)

    path = folder / "bad.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(200_000))
    files["chat_bad_zip"] = ("chat", path)

    path = folder / "legit_chat.txt"
    path.write_bytes(_chat(95_000))
    files["chat_legit_95k_messages"] = ("chat", path)

    path = folder / "inline_chat.txt"
    path.write_bytes(_chat(22_000))
    files["chat_legit_inline_22k_messages"] = ("chat", path)

    files["xlsx_shared_strings_bomb"] = ("people", _strings_bomb(folder / "bomb.xlsx"))
    path = folder / "not_zip.xlsx"
    path.write_bytes(b"Name,Phone\nRam,9812345678\n" * 1000)
    files["xlsx_not_a_zip"] = ("people", path)
    files["xlsx_legit_50k_rows"] = ("people", _people_xlsx(folder / "people.xlsx", 50_000))

    path = folder / "factchecks.csv"
    rows = [
        f"https://example.in/fc/{i},Claim number {i} about a rumour,False" for i in range(20_000)
    ]
    path.write_text("url,claim,rating\n" + "\n".join(rows) + "\n")
    files["factcheck_csv_20k_rows"] = ("factcheck", path)
    return files


def _people_xlsx(path: Path, rows: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Name", "Phone", "AC No", "Part No"])
    for i in range(rows):
        sheet.append([f"Person {i}", f"98{i:08d}", 1, 1])
    book.save(path)
    return path


def _strings_bomb(path: Path) -> Path:
    """A small valid workbook whose sharedStrings.xml is 300 MB of one repeated string."""
    base = _people_xlsx(path.with_suffix(".base.xlsx"), 1)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info.filename, src.read(info))
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            piece = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _ in range(300 * 1024 * 1024 // len(piece)):
                member.write(piece)
            member.write(b"</sst>")
    base.unlink()
    return path


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sampark.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SAMPARK_VAR_DIR": str(folder / "var"),
        "SAMPARK_DEMO": "1",
        "SAMPARK_REQUIRE_MFA": "False",
        "PYTHONPATH": str(ROOT),
    }


def _setup_database() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.devtools.synthetic import build_tree
    from sampark.monitoring.enums import SourceKind
    from sampark.monitoring.models import Source

    call_command("migrate", verbosity=0)
    tree = build_tree()
    user = User.objects.create_user(username="bench", password="pw", unit=tree.state)  # noqa: S106
    RoleGrant.objects.create(user=user, role=Role.STATE_HEAD)
    Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name="Ward", unit=tree.state)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_case(form: str, path: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from sampark.accounts.models import User
    from sampark.geo.models import Unit
    from sampark.monitoring.models import Source

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    if form == "chat":
        url = reverse("monitoring:group_upload", kwargs={"group_id": Source.objects.get().id})
        fields: dict[str, Any] = {}
    elif form == "people":
        url = reverse("imports:upload")
        fields = {"scope": Unit.objects.get(level="state").id}
    else:
        url = reverse("factcheck:import")
        fields = {"source": "bench"}
    client.get(url)  # warm: every module the request needs is imported before the baseline
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    before = _maxrss_mb()
    started = time.perf_counter()
    response = client.post(url, {**fields, "file": upload})
    seconds = time.perf_counter() - started
    after = _maxrss_mb()
    html = response.content.decode(errors="replace")
    return {
        "status": response.status_code,
        "queued": "-queued" in html,
        "file_kb": round(path.stat().st_size / 1024),
        "rss_before_mb": round(before),
        "rss_after_mb": round(after),
        "rss_delta_mb": round(after - before),
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="")
    parser.add_argument("--keep", default="")
    parser.add_argument("--child", nargs=3, metavar=("FOLDER", "FORM", "PATH"))
    parser.add_argument("--setup", default="")
    args = parser.parse_args()
    if args.setup:
        _setup_database()
        return
    if args.child:
        print(json.dumps(_run_case(args.child[1], Path(args.child[2]))))
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="sampark-uploads-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = _env(folder)
    me = [sys.executable, "-m", "bench.uploads"]
    subprocess.run([*me, "--setup", "1"], env=env, check=True, cwd=ROOT)  # noqa: S603
    files = make_files(folder)
    wanted = [c for c in args.cases.split(",") if c] or list(files)
    results: dict[str, Any] = {}
    for case in wanted:
        form, path = files[case]
        out = subprocess.run(  # noqa: S603  (this script, in a fresh interpreter)
            [*me, "--child", str(folder), form, str(path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = out.stdout.strip().splitlines()
        results[case] = (
            json.loads(lines[-1])
            if out.returncode == 0 and lines
            else {"error": out.stderr[-2000:]}
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
