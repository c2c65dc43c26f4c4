"""`sampark distribute simulate|calendar|dnd` (the importers themselves: rules/tests)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sampark.accounts.models import User
from sampark.content.models import ContentItem, Delivery
from sampark.content.tests.fixtures import Volunteers, add_volunteers
from sampark.devtools.synthetic import Tree
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent
from sampark.rules.models import DndNumber

pytestmark = pytest.mark.django_db


def _simulate(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("distribute", "simulate", *args, "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


def test_simulate_counts_what_would_go_and_why_the_rest_is_held(
    tree: Tree, kit: ContentItem, volunteers: Volunteers, tmp_path: Path
) -> None:
    # given the state's volunteers, one opted out, one minor, one without consent, and AC 1
    # polling two days later (so its volunteers are in the silence period)
    people = volunteers.people
    ConsentEvent.objects.create(
        person=people[0],
        purpose="volunteer_coordination",
        channel="push",
        action=ConsentAction.WITHDRAWN,
        notice_version="v1",
        source="test",
        at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    people[1].date_of_birth = dt.date(2012, 1, 1)
    people[1].save()
    no_consent = add_volunteers(
        [tree.booths[-1]], per_booth=1, consent=False, start=500, first_kind=3
    ).people[0]
    ac = tree.acs[0]
    csv_file = tmp_path / "phases.csv"
    csv_file.write_text(f"election,phase,poll_date,unit\nVS 2027,1,2027-02-14,{ac.path}\n")
    call_command("distribute", "calendar", str(csv_file), "--state", "UP", stdout=StringIO())
    in_ac = {p.id for p in people if volunteers.booth_of[p.id].ac_id == ac.id}
    # when simulating a send at 10:00 IST on 13 Feb
    result = _simulate("--content", str(kit.id), "--target", "UP", "--at", "2027-02-13T10:00:00")
    # then it counts everybody and holds each for the first rule that stops them
    assert result["deliveries"] == len(people) + 1
    held = dict(result["held"])
    assert set(held) >= {
        "silence",
        "quiet_hours",
        "opted_out",
        "no_consent",
        "no_certificate",
        "dnd",
        "minor",
    }
    assert held["opted_out"] == 1
    assert held["minor"] == 1
    assert held["no_consent"] == 1
    assert held["silence"] == len(in_ac - {people[0].id, people[1].id})
    assert result["would_send"] == result["deliveries"] - sum(held.values())
    assert no_consent.id not in in_ac
    # and it wrote nothing
    assert not Delivery.objects.exists()


def test_simulate_at_night_holds_everyone_for_quiet_hours(
    tree: Tree, kit: ContentItem, volunteers: Volunteers
) -> None:
    result = _simulate(
        "--content",
        str(kit.id),
        "--target",
        tree.districts[0].path,
        "--at",
        "2027-02-13T23:30:00+05:30",
    )
    assert result["would_send"] == 0
    assert result["deliveries"] > 0
    assert result["held"]["quiet_hours"] == result["deliveries"]


def test_dnd_command_loads_the_scrub_file(tmp_path: Path) -> None:
    # given an operator's NCPR file with one bad line
    scrub = tmp_path / "ncpr.txt"
    scrub.write_text("# NCPR\n9810000001\nnot a number\n")
    # when it is loaded from the shell
    out = StringIO()
    call_command("distribute", "dnd", str(scrub), "--json", stdout=out)
    # then the good number is on the register and the bad line reported
    report = json.loads(out.getvalue())
    assert (report["loaded"], report["failed"], report["errors"][0]["line"]) == (1, 1, 3)
    assert list(DndNumber.objects.values_list("phone", flat=True)) == ["+919810000001"]


def test_simulate_rejects_an_unknown_unit(kit: ContentItem, alice: User) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no unit"):
        _simulate("--content", str(kit.id), "--target", "UP/D99", "--at", "2027-02-13T10:00:00")
