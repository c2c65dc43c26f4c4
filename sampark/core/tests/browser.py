"""Shared fixtures of the browser tests (pytest mark `browser`): Debian's chromium driven by
Playwright with `executable_path` (never a downloaded browser), screenshots to test-artifacts/.
Registered for the whole suite by the root conftest."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install chromium` (make test does this as root)"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def project_static(request: pytest.FixtureRequest) -> None:
    """For browser tests: serve sampark/static (htmx, fonts, Leaflet) from the live server even
    while the test settings lack STATICFILES_DIRS."""
    if request.node.get_closest_marker("browser") is None:
        return
    settings = request.getfixturevalue("settings")
    folder = Path(settings.BASE_DIR) / "sampark" / "static"
    dirs = [Path(d) for d in getattr(settings, "STATICFILES_DIRS", [])]
    if folder not in dirs:
        settings.STATICFILES_DIRS = [*dirs, folder]
