"""The start-up refusals (issue #12): the demo SECRET_KEY outside the demo, and `check --deploy`
with the README's production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from sampark.accounts.checks import demo_secret_key
from sampark.core.env import BASE_DIR, DEMO_SECRET_KEY


def _ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_the_demo_key_is_refused_outside_the_demo(settings):
    # given DEBUG off, no SAMPARK_DEMO, and the demo key
    settings.DEBUG = False
    settings.SAMPARK_DEMO = False
    settings.SECRET_KEY = DEMO_SECRET_KEY
    # then the check fails with sampark.E001
    assert _ids(demo_secret_key()) == ["sampark.E001"]


def test_the_demo_key_as_a_fallback_is_refused_too(settings):
    settings.DEBUG = False
    settings.SAMPARK_DEMO = False
    settings.SECRET_KEY = "x" * 60
    settings.SECRET_KEY_FALLBACKS = [DEMO_SECRET_KEY]
    assert _ids(demo_secret_key()) == ["sampark.E001"]


@pytest.mark.parametrize(
    ("debug", "demo", "key", "_case"),
    [
        (False, True, DEMO_SECRET_KEY, "the demo is running"),
        (True, False, DEMO_SECRET_KEY, "DEBUG on a developer's machine"),
        (False, False, "k" * 60, "a key of its own"),
    ],
)
def test_the_check_passes(settings, debug, demo, key, _case):
    settings.DEBUG = debug
    settings.SAMPARK_DEMO = demo
    settings.SECRET_KEY = key
    settings.SECRET_KEY_FALLBACKS = []
    assert demo_secret_key() == []


def _clean_env(**extra: str) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser fixture in this process, never in production.
    drop = {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "SAMPARK_DEMO", "DATABASE_URL"}
    drop |= {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["DJANGO_SETTINGS_MODULE"] = "sampark.settings"
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_block() -> dict[str, str]:
    """The variables of the README's "Production" block, comments dropped."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Production\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the Production section has no ```sh block"
    env = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = line.split("=", 1)
            env[name] = value
    return env


def test_commands_refuse_to_start_with_the_demo_key():
    # given no SECRET_KEY and no SAMPARK_DEMO (as the issue found it: the demo key used silently)
    # when a command starts
    done = _manage("check", env=_clean_env())
    # then it stops with sampark.E001
    assert done.returncode != 0
    assert "sampark.E001" in done.stderr


def test_deploy_checks_are_clean_with_the_documented_production_settings(tmp_path: Path):
    # given the README's production block, its secret file holding a fresh random key
    env = production_block()
    assert env["DEBUG"] == "False"
    secret = tmp_path / "secret-key"
    secret.write_text(secrets.token_urlsafe(50))
    env["SECRET_KEY_FILE"] = str(secret)
    # when `check --deploy` runs with them
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=_clean_env(**env))
    # then it reports no issue at all, warnings included
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
