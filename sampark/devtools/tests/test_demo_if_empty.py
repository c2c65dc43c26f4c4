"""`demo load --if-empty`, which `sampark start` runs: load a fresh database, else greet."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sampark.devtools import demo


def test_it_loads_a_database_without_a_tree(db, monkeypatch):
    # given an empty database (the loader itself is stubbed: it takes minutes)
    loads: list[str] = []

    def fake_load(*, scale: str = "small", **_: object) -> demo.DemoReport:
        loads.append(scale)
        return demo.DemoReport(scale=scale)

    monkeypatch.setattr(demo, "load", fake_load)
    out = io.StringIO()
    # when asked to load only if empty
    call_command("demo", "load", "--scale", "small", "--if-empty", stdout=out)
    # then it announced the first start and loaded the small demo
    assert loads == ["small"]
    assert "first start" in out.getvalue()


def test_it_only_prints_the_logins_when_the_tree_is_there(tree, monkeypatch):
    # given a database that already holds a tree
    monkeypatch.setattr(demo, "load", lambda **_: pytest.fail("must not load again"))
    out = io.StringIO()
    # when asked to load only if empty
    call_command("demo", "load", "--if-empty", stdout=out)
    # then nothing is loaded and the logins are printed
    assert "first start" not in out.getvalue()
    assert "Log in with any of these" in out.getvalue()
