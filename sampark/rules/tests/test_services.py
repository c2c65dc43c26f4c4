"""Loading the rule tables (election calendar, DND scrub list) and registering certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sampark.accounts.models import User
from sampark.core.models import AuditEvent
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.rules import services
from sampark.rules.errors import RulesError
from sampark.rules.models import Certificate, DndNumber, PollPhase

pytestmark = pytest.mark.django_db


def test_calendar_import_keeps_good_rows_and_reports_bad_ones(tree: Tree) -> None:
    ac1, ac2 = tree.acs[0], tree.acs[1]
    text = (
        "election,phase,poll_date,unit,poll_end,silence_hours\n"
        f"VS 2027,1,2027-02-14,{ac1.path},18:00,48\n"
        "VS 2027,1,2027-02-14,AC999,18:00,48\n"
        f"VS 2027,2,14/02/2027,{ac2.path},,\n"
        f"VS 2027,2,2027-02-20,{tree.pcs[0].path},19:00,\n"
    )
    report = services.calendar_import(text=text, state=tree.state)
    assert report.loaded == 2
    assert [line for line, _ in report.errors] == [3, 4]
    assert "AC999" in report.errors[0][1]
    assert PollPhase.objects.get(number=2).poll_end == dt.time(19, 0)


def test_dnd_import_normalises_numbers_and_reports_bad_lines() -> None:
    report = services.dnd_import(
        text="# NCPR\n98100 00001\n+91-9810000001\nnot a number\n09810000002\n", source="ncpr"
    )
    assert report.loaded == 2
    assert [line for line, _ in report.errors] == [4]
    assert set(DndNumber.objects.values_list("phone", flat=True)) == {
        "+919810000001",
        "+919810000002",
    }


def _register(actor: User, unit: Unit, **overrides: object) -> Certificate:
    fields: dict[str, object] = {
        "number": " MCMC/UP/17 ",
        "committee": "State MCMC",
        "content_hash": "AB" * 32,
        "issued_on": dt.date(2027, 1, 1),
    }
    fields.update(overrides)
    return services.certificate_create(actor=actor, unit=unit, **fields)  # type: ignore[arg-type]


def test_a_certificate_is_recorded_for_the_hash_it_names(tree: Tree, alice: User) -> None:
    cert = _register(alice, tree.state)
    assert (cert.number, cert.content_hash) == ("MCMC/UP/17", "ab" * 32)
    assert AuditEvent.objects.filter(verb="certificate.created", object_id=cert.id).exists()


@pytest.mark.parametrize(
    ("_case", "overrides", "message"),
    [
        ("short hash", {"content_hash": "ab" * 10}, "64 hexadecimal"),
        ("not hex", {"content_hash": "zz" * 32}, "64 hexadecimal"),
        ("expires first", {"valid_until": dt.date(2026, 12, 31)}, "expire before"),
    ],
)
def test_a_bad_certificate_is_refused(
    _case: str, overrides: dict[str, object], message: str, tree: Tree, alice: User
) -> None:
    with pytest.raises(RulesError, match=message):
        _register(alice, tree.state, **overrides)
    assert not Certificate.objects.exists()


def test_only_compliance_managers_register_certificates(
    tree: Tree, bob: User, district1: Unit
) -> None:
    # bob, a district in-charge, does not manage the election's compliance
    with pytest.raises(PermissionDenied):
        _register(bob, district1)
    assert not Certificate.objects.exists()
