"""The listening API: the same scope and capabilities as the pages."""

from __future__ import annotations

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.monitoring.enums import AlertKind, SourceKind
from sampark.monitoring.models import Alert, Post
from sampark.monitoring.tests.factories import (
    D1_TEXT,
    D2_SECRET,
    build_world,
    group_source,
    make_narrative,
    make_post,
)


@pytest.fixture
def world(tree, district1, district2):
    return build_world(district1=district1, district2=district2)


def test_posts_are_scoped_and_filtered(client, bob, world):
    client.force_login(bob)
    body = client.get("/api/monitoring/posts").json()
    ids = {p["id"] for p in body}
    assert {world["pub"].id, world["p1"].id} <= ids
    assert world["p2"].id not in ids
    assert all(D2_SECRET not in p["text"] for p in body)
    one = next(p for p in body if p["id"] == world["p1"].id)
    assert one == {
        "id": world["p1"].id,
        "seq": world["p1"].seq,
        "platform": "whatsapp",
        "lang": "hi",
        "text": D1_TEXT,
        "posted_at": one["posted_at"],
        "narrative_id": world["shared"].id,
        "unit_id": world["g1"].unit_id,
        "is_private": True,
    }
    english = client.get("/api/monitoring/posts", {"lang": "en"}).json()
    assert [p["id"] for p in english] == [world["pub"].id]


def test_posts_limit_is_capped_and_pages_by_processing_order(client, alice, world):
    client.force_login(alice)
    newest_first = [p["id"] for p in client.get("/api/monitoring/posts").json()]
    assert newest_first == sorted(newest_first, reverse=True)
    two = client.get("/api/monitoring/posts", {"limit": 2}).json()
    assert [p["id"] for p in two] == newest_first[:2]
    second = Post.objects.get(id=newest_first[1])
    older = client.get("/api/monitoring/posts", {"before": second.seq}).json()
    assert [p["id"] for p in older] == newest_first[2:]
    assert len(client.get("/api/monitoring/posts", {"limit": 500}).json()) <= 200
    # past the shared paging bound (issue #12) it is refused, not served
    assert client.get("/api/monitoring/posts", {"limit": 10_000}).status_code == 422


def test_bad_filter_is_422(client, alice, world):
    client.force_login(alice)
    assert client.get("/api/monitoring/posts", {"lang": "fr"}).status_code == 422


def test_narratives_are_scoped_with_titles_the_user_may_see(client, bob, world):
    client.force_login(bob)
    body = client.get("/api/monitoring/narratives").json()
    ids = [n["id"] for n in body]
    assert world["only_d2"].id not in ids
    assert {world["shared"].id, world["mixed"].id} <= set(ids)
    mixed = next(n for n in body if n["id"] == world["mixed"].id)
    assert D2_SECRET not in mixed["title"]
    # fastest first
    bursts = [n["burst"] for n in body]
    assert bursts == sorted(bursts, reverse=True)


def test_narrative_detail_has_series_and_districts(client, alice, bob, world, district1):
    client.force_login(alice)
    body = client.get(f"/api/monitoring/narratives/{world['shared'].id}").json()
    assert len(body["series"]) == 48
    assert sum(body["series"]) == 2
    assert body["districts"] == [
        {"unit_id": district1.id, "path": district1.path, "name": district1.name, "posts": 1}
    ]
    client.force_login(bob)
    assert client.get(f"/api/monitoring/narratives/{world['only_d2'].id}").status_code == 404


def test_volunteer_may_tip_but_not_read_the_feed(client, charlie, world):
    client.force_login(charlie)
    assert client.get("/api/monitoring/posts").status_code == 403
    assert client.get("/api/monitoring/narratives").status_code == 403
    assert client.get("/api/monitoring/alerts").status_code == 403
    payload = {"text": "अफवाह: बूथ बदल गया", "url": "https://example.com/a"}
    first = client.post("/api/monitoring/tips", payload, content_type="application/json")
    assert first.status_code == 201
    tip = Post.objects.get(id=first.json()["id"])
    assert (tip.source.kind, tip.unit, tip.submitted_by) == (
        SourceKind.TIP_FORM,
        charlie.unit,
        charlie,
    )
    assert first.json()["duplicate"] is False


@pytest.mark.parametrize(
    "payload",
    [{"text": "  "}, {"text": "x", "url": "javascript:alert(1)"}],
    ids=["empty_case", "bad_url_case"],
)
def test_tip_validation(client, charlie, payload):
    client.force_login(charlie)
    response = client.post("/api/monitoring/tips", payload, content_type="application/json")
    assert response.status_code == 422
    assert not Post.objects.exists()


def test_api_needs_a_login(client, db):
    assert client.get("/api/monitoring/posts").status_code == 401


def test_alerts_list_and_ack(client, bob, world, district1, district2):
    mine = Alert.objects.create(kind=AlertKind.WATCH, unit=district1, message="mine")
    theirs = Alert.objects.create(kind=AlertKind.WATCH, unit=district2, message="theirs")
    client.force_login(bob)
    assert [a["id"] for a in client.get("/api/monitoring/alerts").json()] == [mine.id]
    first = client.post(f"/api/monitoring/alerts/{mine.id}/ack").json()
    assert first["acknowledged"] is True
    assert first["alert"]["acknowledged_by"] == "bob"
    again = client.post(f"/api/monitoring/alerts/{mine.id}/ack").json()
    assert again["acknowledged"] is False
    assert client.get("/api/monitoring/alerts").json() == []
    assert len(client.get("/api/monitoring/alerts", {"open_only": False}).json()) == 1
    assert client.post(f"/api/monitoring/alerts/{theirs.id}/ack").status_code == 404


def test_narrative_figures_count_only_the_posts_the_user_may_see(client, alice, bob, world):
    # given `mixed`: one group post in District 1 and one in District 2
    url = f"/api/monitoring/narratives/{world['mixed'].id}"
    # when the state head asks, then she gets the stored totals of every post
    client.force_login(alice)
    body = client.get(url).json()
    assert (body["posts"], sum(body["series"])) == (2, 2)
    # when District 1's in-charge asks, then only District 1's post is counted
    client.force_login(bob)
    body = client.get(url).json()
    assert (body["posts"], sum(body["series"])) == (1, 1)
    assert body["velocity"] <= 1
    listed = client.get("/api/monitoring/narratives").json()
    assert next(n for n in listed if n["id"] == world["mixed"].id)["posts"] == 1


def test_other_district_counts_only_the_public_post(client, district2, world):
    # given District 2's in-charge: `shared` is a public post and a District 1 group post
    client.force_login(make_user("dora", district2, Role.DISTRICT_INCHARGE))
    # when she reads it, then the District 1 post is not counted anywhere
    body = client.get(f"/api/monitoring/narratives/{world['shared'].id}").json()
    assert (body["posts"], sum(body["series"]), body["districts"]) == (1, 1, [])


def test_narrative_list_queries_do_not_grow_with_rows(
    client, bob, world, district1, django_assert_max_num_queries
):
    # given many narratives with a District 1 post each
    g = group_source(unit=world["g1"].unit, name="More")
    for k in range(20):
        make_narrative(title=f"n{k}", posts=[make_post(source=g, text=f"t{k}")])
    client.force_login(bob)
    # then the scoped figures cost a fixed number of queries
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/monitoring/narratives").json()) >= 20
