"""What listening lets the war room read: how far a narrative or a post has spread, the hourly
counts of a narrative, and recent alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sampark.monitoring import selectors
from sampark.monitoring.enums import AlertKind
from sampark.monitoring.models import (
    Alert,
    NarrativeHour,
    Post,
    WatchHit,
    Watchlist,
    WatchTerm,
)
from sampark.monitoring.tests.factories import build_world, make_post

pytestmark = pytest.mark.django_db


def test_spread_of_a_narrative(tree, district1, district2):
    # given a narrative seen in District 1's group and publicly, with one watchlist hit
    world = build_world(district1=district1, district2=district2)
    term = WatchTerm.objects.create(
        watchlist=Watchlist.objects.create(name="EVM", unit=district1), text="EVM"
    )
    WatchHit.objects.create(post=world["p1"], term=term, matched="EVM")
    # then its spread is the narrative's counts and the districts of its group posts
    spread = selectors.spread_of(narrative_id=world["shared"].id)
    assert spread.reach == world["shared"].posts
    assert spread.velocity == world["shared"].velocity
    assert spread.watch_hits == 1
    assert spread.district_ids == (district1.id,)


def test_spread_of_a_post_counts_its_duplicates(tree, district1, district2):
    world = build_world(district1=district1, district2=district2)
    for n in range(2):
        make_post(source=world["g1"], text=f"copy {n}", duplicate_of=world["p1"])
    spread = selectors.spread_of(post_id=world["p1"].id)
    assert (spread.reach, spread.watch_hits, spread.district_ids) == (3, 0, (district1.id,))


def test_spread_in_a_district_counts_only_what_it_may_read(tree, district1, district2):
    # given `mixed`: a District 1 group post and a District 2 one, each hit by a watchlist
    world = build_world(district1=district1, district2=district2)
    term = WatchTerm.objects.create(
        watchlist=Watchlist.objects.create(name="EVM", unit=tree.state), text="EVM"
    )
    for post in Post.objects.filter(narrative=world["mixed"]):
        WatchHit.objects.create(post=post, term=term, matched="EVM")
    # when District 1's war room asks, then District 2's group post is not counted
    spread = selectors.spread_of(narrative_id=world["mixed"].id, unit=district1)
    assert (spread.reach, spread.watch_hits, spread.district_ids) == (1, 1, (district1.id,))
    assert spread.velocity <= 1
    # and the state gets the stored totals
    spread = selectors.spread_of(narrative_id=world["mixed"].id, unit=tree.state)
    assert (spread.reach, spread.watch_hits) == (2, 2)
    # and a post's duplicates count only where they may be read
    make_post(source=world["g2"], text="copy", duplicate_of=world["p1"])
    make_post(source=world["g1"], text="copy", duplicate_of=world["p1"])
    assert selectors.spread_of(post_id=world["p1"].id, unit=district1).reach == 2
    assert selectors.spread_of(post_id=world["p1"].id, unit=tree.state).reach == 3


def test_an_alerts_watchlist_count_stands_in_for_hits(tree, district1):
    watchlist = Watchlist.objects.create(name="EVM", unit=district1)
    alert = Alert.objects.create(
        kind=AlertKind.WATCH, unit=district1, watchlist=watchlist, message="EVM", count=4
    )
    assert selectors.spread_of(alert_id=alert.id).watch_hits == 4
    assert selectors.spread_of().watch_hits == 0


def test_narrative_posts_by_hour_sums_the_districts(tree, district1, district2):
    world = build_world(district1=district1, district2=district2)
    narrative = world["shared"]
    NarrativeHour.objects.filter(narrative=narrative).delete()
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    for key, hour, posts in [(district1.id, 0, 3), (0, 0, 2), (district1.id, 1, 5), (0, 2, 9)]:
        NarrativeHour.objects.create(
            narrative=narrative, district_key=key, hour=at + dt.timedelta(hours=hour), posts=posts
        )
    rows = selectors.narrative_posts_by_hour(
        narrative_id=narrative.id, start=at, end=at + dt.timedelta(hours=2)
    )
    assert rows == {at: 5, at + dt.timedelta(hours=1): 5}


def test_recent_alert_ids_leave_out_what_is_asked(tree, district1, district2):
    world = build_world(district1=district1, district2=district2)
    old = Alert.objects.create(kind=AlertKind.WATCH, unit=district1, message="old")
    Alert.objects.filter(id=old.id).update(created_at=timezone.now() - dt.timedelta(days=2))
    plain = Alert.objects.create(kind=AlertKind.WATCH, unit=district1, message="plain")
    on_narrative = Alert.objects.create(
        kind=AlertKind.VELOCITY, unit=tree.state, narrative=world["shared"], message="fast"
    )
    since = timezone.now() - dt.timedelta(hours=1)
    assert selectors.alert_ids_since(since=since, limit=10) == [on_narrative.id, plain.id]
    assert (
        selectors.alert_ids_since(
            since=since,
            limit=10,
            exclude_ids=[plain.id],
            exclude_narrative_ids=[world["shared"].id],
        )
        == []
    )
