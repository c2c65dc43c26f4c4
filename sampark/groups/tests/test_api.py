"""The groups API: scoped list and detail, count reports by admins and in-charges."""

from __future__ import annotations

import pytest

from sampark.groups.tests.factories import WA_LINK, booth_in, make_group, volunteer_admin


@pytest.fixture
def groups(district1, district2):
    return {
        "d1": make_group(booth=booth_in(district1), member_count=10),
        "d1b": make_group(booth=booth_in(district1, 1)),
        "d2": make_group(booth=booth_in(district2), member_count=5),
    }


def test_list_is_scoped_and_paged(client, bob, groups):
    client.force_login(bob)
    body = client.get("/api/groups/").json()
    assert {g["id"] for g in body["items"]} == {groups["d1"].id, groups["d1b"].id}
    assert body["count"] == 2
    one = client.get("/api/groups/", {"limit": 1}).json()
    assert len(one["items"]) == 1


def test_list_by_unit_outside_scope_is_404(client, bob, groups, district2):
    client.force_login(bob)
    assert client.get("/api/groups/", {"unit_id": district2.id}).status_code == 404


def test_outsider_gets_404_on_a_district1_group(client, charlie, groups):
    client.force_login(charlie)
    assert client.get(f"/api/groups/{groups['d1'].id}").status_code == 404
    response = client.post(
        f"/api/groups/{groups['d1'].id}/count", {"count": 3}, content_type="application/json"
    )
    assert response.status_code == 404
    groups["d1"].refresh_from_db()
    assert groups["d1"].member_count == 10


def test_detail_shows_link_and_history_to_the_incharge(client, bob, groups):
    client.force_login(bob)
    body = client.get(f"/api/groups/{groups['d1'].id}").json()
    assert body["invite_link"] == WA_LINK
    assert body["booth_path"] == groups["d1"].booth.path
    assert [h["count"] for h in body["history"]] == [10]


def test_admin_reports_a_count_and_cap_is_422(client, groups):
    volunteer = volunteer_admin(username="vimla", booth=groups["d1"].booth, group=groups["d1"])
    client.force_login(volunteer)
    url = f"/api/groups/{groups['d1'].id}/count"
    ok = client.post(url, {"count": 30}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["member_count"] == 30
    too_many = client.post(url, {"count": 2000}, content_type="application/json")
    assert too_many.status_code == 422


def test_plain_volunteer_of_the_booth_may_not_report(client, groups):
    volunteer = volunteer_admin(username="vijay", booth=groups["d1"].booth)
    client.force_login(volunteer)
    body = client.get(f"/api/groups/{groups['d1'].id}").json()
    assert body["invite_link"] == ""
    response = client.post(
        f"/api/groups/{groups['d1'].id}/count", {"count": 30}, content_type="application/json"
    )
    assert response.status_code == 403
