"""Shared fixtures of the browser tests (pytest mark `browser`): Debian's chromium driven by
Playwright with `executable_path` (never a downloaded browser), screenshots to test-artifacts/.
Registered for the whole suite by the root conftest."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, sync_playwright

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


# Every Content-Security-Policy violation seen by any page of the running test (issue #12):
# chromium logs each to the console, and the init script reports securitypolicyviolation events.
CSP_VIOLATIONS: list[str] = []
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
  " at " + e.sourceFile + ":" + e.lineNumber));
"""


def _on_console(message: ConsoleMessage) -> None:
    text = message.text
    if "Content Security Policy" in text or "CSP violation" in text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '')}: {text}")


class CspWatchingBrowser:
    """The launched Browser, with every new context watched for CSP violations."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> BrowserContext:
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_CSP)
        context.on("console", _on_console)
        return context

    def new_page(self, **options: Any) -> Any:
        return self.new_context(**options).new_page()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Browser tests fail on any CSP violation (the pages must work under the policy)."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    CSP_VIOLATIONS.clear()
    yield
    found = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


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
        yield cast(Browser, CspWatchingBrowser(launched))
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
