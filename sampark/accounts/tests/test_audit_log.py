"""The audit log page: scoped to the reader's subtree, filtered, paginated, in both languages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.core import audit
from sampark.core.models import AuditEvent

URL = "/account/audit/"


def _event(verb: str, unit_path: str, *, actor=None, at: dt.datetime | None = None) -> AuditEvent:
    event = audit.record(
        verb=verb,
        object_type="unit",
        object_id=None,
        actor=actor,
        unit_path=unit_path,
        data={"rows": 3},
    )
    if at is not None:
        AuditEvent.objects.filter(id=event.id).update(at=at)
    return event


@pytest.fixture
def events(tree, alice, bob):
    """One row in District 1 (by bob), one in District 2, one at no unit (a system job)."""
    d1, d2 = tree.districts[0], tree.districts[1]
    return {
        "d1": _event("phones.read", f"{d1.path}/AC1", actor=bob),
        "d2": _event("people.exported", d2.path, actor=alice),
        "none": _event("task.done", ""),
    }


def _shown(response) -> set[int]:
    return {e.id for e in response.context["page"].object_list}


def test_the_state_head_sees_every_row(client, alice, events):
    client.force_login(alice)
    assert _shown(client.get(URL)) == {e.id for e in events.values()}


def test_a_district_incharge_sees_only_his_subtree(client, bob, events):
    client.force_login(bob)
    assert _shown(client.get(URL)) == {events["d1"].id}


def test_roles_without_the_capability_get_403(client, tree, charlie, events):
    analyst = make_user("ana", tree.state, Role.ANALYST)
    for user in (charlie, analyst):
        client.force_login(user)
        assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "bob"}, {"d1"}),
        ({"action": "phones"}, {"d1"}),
        ({"action": "people.exported"}, {"d2"}),
        ({"unit": "UP/D2"}, {"d2"}),
        ({"unit": "UP/D1/AC1"}, {"d1"}),
    ],
    ids=["user_case", "action_prefix_case", "action_case", "unit_case", "unit_below_case"],
)
def test_filters(client, alice, events, query, expected):
    client.force_login(alice)
    assert _shown(client.get(URL, query)) == {events[k].id for k in expected}


def test_a_unit_outside_the_area_is_an_error_not_a_leak(client, bob, events):
    # when bob filters by District 2
    client.force_login(bob)
    response = client.get(URL, {"unit": "UP/D2"})
    # then the form says so and shows nothing
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _shown(response) == set()


def test_the_time_range_includes_both_days(client, alice, tree):
    # given rows on the 1st, 2nd, 3rd and 4th of May (IST noon)
    d1 = tree.districts[0].path
    ist = ZoneInfo("Asia/Kolkata")
    noon = [dt.datetime(2026, 5, day, 12, tzinfo=ist) for day in (1, 2, 3, 4)]
    rows = [_event("phones.read", d1, at=at) for at in noon]
    client.force_login(alice)
    # when she asks for the 2nd to the 3rd
    shown = _shown(client.get(URL, {"since": "2026-05-02", "until": "2026-05-03"}))
    # then both of those days, and only they, are shown
    assert shown == {rows[1].id, rows[2].id}


def test_it_is_paginated_with_a_query_budget(
    client, tree, alice, bob, django_assert_max_num_queries
):
    # given 60 rows by bob in District 1
    for _ in range(60):
        _event("phones.read", tree.districts[0].path, actor=bob)
    client.force_login(alice)
    # when the first and second pages are read / then the queries do not grow with the rows
    with django_assert_max_num_queries(6):
        first = client.get(URL)
    with django_assert_max_num_queries(6):
        second = client.get(URL, {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert "page=2" in first.content.decode()


def test_it_speaks_hindi_and_english(client, alice, events):
    client.force_login(alice)
    assert "ऑडिट" in client.get(URL, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "Audit log" in client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_pc_incharge_with_the_capability_sees_the_rows_of_its_acs(client, tree):
    # given rows in an AC of the PC, and in an AC of another PC (a superuser placed on the PC
    # stands for a role on it that may read the log)
    pc = tree.pcs[0]
    mine = next(ac for ac in tree.acs if ac.pc_id == pc.id)
    other = next(ac for ac in tree.acs if ac.pc_id != pc.id)
    inside = _event("phones.read", f"{mine.path}/M01")
    _event("phones.read", other.path)
    admin = make_user("pcadmin", pc)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    # then only the row under its own AC is shown
    assert _shown(client.get(URL)) == {inside.id}
