"""Run one `sampark bench …-one` measurement in a fresh process bound to a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def run_child(*args: str, database_url: str) -> dict[str, Any]:
    """`sampark bench <args>` with DATABASE_URL set; returns the JSON its last line prints."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "sampark.settings"}
    out = subprocess.run(  # noqa: S603  (our own interpreter and command)
        [sys.executable, "-m", "sampark", "bench", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-4000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
