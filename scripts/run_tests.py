#!/usr/bin/env python3
"""Run every test the way CI does: lint, layers, sizes, types, the suite on SQLite, then PostgreSQL.

PostgreSQL is at DATABASE_URL_POSTGRES (default postgres://postgres@127.0.0.1:5432/sampark).
When it is unreachable the PostgreSQL pass is skipped with a loud note, unless
SAMPARK_REQUIRE_POSTGRES=1 (set by .ci/run), which turns that skip into a failure.
Browser tests need Debian's chromium; as root this script installs it (and fonts-noto-core).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = os.getenv("DATABASE_URL_POSTGRES", "postgres://postgres@127.0.0.1:5432/sampark")
SYSTEM_PACKAGES = {
    "chromium": Path("/usr/bin/chromium"),
    "fonts-noto-core": Path("/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"),
    # WeasyPrint (PDFs: tickets, certificates, posters, the brief) lays text out with Pango.
    "libpangoft2-1.0-0": Path("/usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0"),
    # OCR of image posts and tips (Hindi and English).
    "tesseract-ocr": Path("/usr/bin/tesseract"),
    "tesseract-ocr-hin": Path("/usr/share/tesseract-ocr/5/tessdata/hin.traineddata"),
    # pdftoppm: tests render a PDF page to PNG to check it.
    "poppler-utils": Path("/usr/bin/pdftoppm"),
}


def say(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def run(*cmd: str, env: dict[str, str] | None = None) -> int:
    print("$", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, env={**os.environ, **(env or {})})


def ensure_system_packages() -> None:
    missing = [name for name, path in SYSTEM_PACKAGES.items() if not path.exists()]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing Debian packages: {' '.join(missing)}")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        # Wait for the dpkg lock rather than fail: a second `make test` may be installing too.
        wait = ["-o", "DPkg::Lock::Timeout=600"]
        subprocess.call(["apt-get", *wait, "update", "-qq"], env={**os.environ, **env})
        subprocess.check_call(
            ["apt-get", *wait, "install", "-y", "-qq", "--no-install-recommends", *missing],
            env={**os.environ, **env},
        )
    else:
        say(f"missing Debian packages {missing}: `sudo apt-get install {' '.join(missing)}`")


def postgres_reachable() -> bool:
    import psycopg

    parsed = urlparse(PG_URL)
    try:
        with psycopg.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or "",
            dbname="postgres",
            connect_timeout=3,
        ):
            return True
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL unreachable at {parsed.hostname}:{parsed.port}: {exc}")
        return False


def main() -> int:
    ensure_system_packages()
    failures: list[str] = []
    extra = sys.argv[1:]

    say("lint (ruff)")
    if run(str(BIN / "ruff"), "check", ".") or run(str(BIN / "ruff"), "format", "--check", "."):
        failures.append("ruff")
    say("layers (import-linter contracts in pyproject.toml)")
    if run(str(BIN / "lint-imports"), "--no-cache"):
        failures.append("import contracts")
    say("module size (docs/architecture.md: ≤ 800 lines, functions ≤ 80 lines or a comment)")
    if run(str(BIN / "python"), "scripts/check_sizes.py"):
        failures.append("module size")
    say("types (mypy --strict)")
    if run(str(BIN / "mypy"), "."):
        failures.append("mypy")

    pytest = [str(BIN / "pytest"), "-n", os.getenv("PYTEST_WORKERS", "2"), *extra]
    say("tests on SQLite")
    if run(*pytest, env={"DATABASE_URL": ""}):
        failures.append("pytest (SQLite)")

    say("tests on PostgreSQL")
    if postgres_reachable():
        if run(*pytest, "-m", "not browser", env={"DATABASE_URL": PG_URL}):
            failures.append("pytest (PostgreSQL)")
    elif os.getenv("SAMPARK_REQUIRE_POSTGRES", "") in {"1", "true", "yes"}:
        failures.append("PostgreSQL unavailable and SAMPARK_REQUIRE_POSTGRES=1")
    else:
        print("SKIPPED: the PostgreSQL pass (set SAMPARK_REQUIRE_POSTGRES=1 to make this fail)")

    if failures:
        say("FAILED: " + ", ".join(failures))
        return 1
    say("all passes green")
    return 0


if __name__ == "__main__":
    sys.exit(main())
