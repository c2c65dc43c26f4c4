"""The inbox worker: results stored, narratives formed, duplicates found, nothing lost or doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from pipeline.types import Platform, RawPost
from sampark.geo.models import Unit
from sampark.monitoring import processing, services
from sampark.monitoring.enums import AlertKind, NarrativeStatus, PostStatus, SourceKind
from sampark.monitoring.models import (
    Alert,
    Narrative,
    NarrativeHour,
    Post,
    Source,
    Variant,
    WatchHit,
)

RUMOUR = (
    "2000 रुपये के नए नोट में GPS चिप लगी है, सरकार हर नोट को सैटेलाइट से ट्रैक कर सकती है। "
    "अपने पैसे बैंक में जमा करने से पहले यह जरूर पढ़ें और सबको बताएं।"
)
# Boilerplate, emoji and punctuation differ (the dedupe key ignores those) and a line was added.
RUMOUR_FORWARD = (
    "*Forwarded as received* 🙏\n\n"
    + RUMOUR.replace("।", "!!")
    + "\nभेजने वाले रमेश, वार्ड 12\nजय हिंद 🇮🇳"
)
OTHER = (
    "EVM machines can be hacked with a bluetooth device from outside the booth, "
    "an engineer showed it in a video, share before it gets deleted"
)
HINGLISH = "bhai ye EVM wala video dekho, bluetooth se machine hack ho jati hai, sab ko bhejo jaldi"


def raw(text: str, ext: str, *, platform: str = Platform.X, minutes_ago: int = 5) -> RawPost:
    return RawPost(
        platform=platform,
        external_id=ext,
        text=text,
        posted_at=timezone.now() - timedelta(minutes=minutes_ago),
        author="someone",
    )


def booth_in(district: Unit) -> Unit:
    booth = Unit.objects.filter(level="booth", district=district).order_by("id").first()
    assert booth is not None
    return booth


@pytest.fixture
def public_source(db):
    return Source.objects.create(kind=SourceKind.X_SEARCH, name="x: 2000 note")


@pytest.fixture
def group1(district1):
    return Source.objects.create(
        kind=SourceKind.WHATSAPP_EXPORT, name="Booth 1 group", unit=booth_in(district1)
    )


@pytest.fixture
def group2(district2):
    return Source.objects.create(
        kind=SourceKind.WHATSAPP_EXPORT, name="Booth group D2", unit=booth_in(district2)
    )


def run_all(processor: processing.Processor | None = None) -> int:
    processor = processor or processing.Processor()
    total = 0
    while n := processor.run_batch(owner="test"):
        total += n
    return total


def test_forwards_of_one_rumour_form_one_narrative_and_others_do_not(public_source, group1):
    # given the same rumour as posted, as forwarded with boilerplate, an exact copy, and two
    # different stories
    services.posts_ingest(source=public_source, posts=[raw(RUMOUR, "1"), raw(OTHER, "2")])
    services.posts_ingest(
        source=group1,
        posts=[
            raw(RUMOUR_FORWARD, "g1", platform=Platform.WHATSAPP),
            raw(RUMOUR, "g2", platform=Platform.WHATSAPP),
            raw(
                "कल बूथ पर सुबह 7 बजे मिलना है, सभी कार्यकर्ता समय पर आएं",
                "g3",
                platform=Platform.WHATSAPP,
            ),
        ],
    )
    # when the worker processes the inbox
    assert run_all() == 5
    # then every post is done with a language
    posts = {p.external_id: p for p in Post.objects.all()}
    assert {p.status for p in posts.values()} == {PostStatus.DONE}
    assert posts["1"].lang == "hi"
    assert posts["2"].lang == "en"
    # the forward and the copy joined the first post's narrative
    rumour = posts["1"].narrative_id
    assert rumour is not None
    assert posts["g1"].narrative_id == rumour
    assert posts["g2"].narrative_id == rumour
    assert posts["g2"].is_exact_duplicate
    assert posts["g2"].duplicate_of_id == posts["1"].id
    assert not posts["g1"].is_exact_duplicate
    assert posts["g1"].duplicate_of_id == posts["1"].id
    # the other stories are narratives of their own
    assert len({posts["2"].narrative_id, posts["g3"].narrative_id, rumour}) == 3
    narrative = Narrative.objects.get(id=rumour)
    assert narrative.posts == 3
    assert narrative.has_public
    assert narrative.districts == 1
    # a forward is not a new wording: only one variant (and its bands) for the rumour
    assert Variant.objects.filter(narrative_id=rumour).count() == 1
    assert NarrativeHour.objects.filter(narrative_id=rumour).aggregate(n=Sum("posts"))["n"] == 3


def test_it_clusters_across_batches_and_counts_once(public_source):
    # given a rumour processed in one batch and its forwards arriving later
    services.posts_ingest(source=public_source, posts=[raw(RUMOUR, "a")])
    run_all()
    services.posts_ingest(
        source=public_source, posts=[raw(RUMOUR_FORWARD, f"f{i}") for i in range(3)]
    )
    # when processed with small batches by a fresh processor (no warm caches)
    processor = processing.Processor()
    while processor.run_batch(owner="w2", limit=2):
        pass
    # then all joined the first narrative and its count is exact
    assert Narrative.objects.count() == 1
    assert Narrative.objects.get().posts == 4
    assert set(Post.objects.values_list("status", flat=True)) == {PostStatus.DONE}


def test_reingesting_adds_nothing(public_source):
    posts = [raw(RUMOUR, "1"), raw(OTHER, "2")]
    first = services.posts_ingest(source=public_source, posts=posts)
    again = services.posts_ingest(source=public_source, posts=posts)
    assert (first.new, again.new, again.already_had) == (2, 0, 2)
    assert Post.objects.count() == 2


def test_a_worker_that_lost_its_lease_writes_nothing(public_source):
    # given worker A claimed a batch and stalled past its lease
    services.posts_ingest(source=public_source, posts=[raw(RUMOUR, "1"), raw(OTHER, "2")])
    token_a, rows_a = processing.posts_claim(limit=10, owner="A")
    assert len(rows_a) == 2
    Post.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    # when worker B picks the posts up and finishes them
    assert processing.Processor().run_batch(owner="B") == 2
    # and A wakes up and tries to store its (stale) results
    stale = processing.Processor()
    stale._refresh_watchlists()
    stale._store(token_a, stale._analyse(rows_a))
    # then nothing is counted twice
    assert Narrative.objects.aggregate(n=Sum("posts"))["n"] == 2
    assert NarrativeHour.objects.aggregate(n=Sum("posts"))["n"] == 2
    assert Post.objects.filter(status=PostStatus.DONE).count() == 2


def test_a_failing_post_is_retried_then_parked_without_sinking_its_batch(
    public_source, monkeypatch
):
    services.posts_ingest(source=public_source, posts=[raw(RUMOUR, "1"), raw("BOOM " + OTHER, "2")])
    processor = processing.Processor()
    real = processor.analyser.analyse_batch

    def flaky(texts: list[str]):
        if any(t.startswith("BOOM") for t in texts):
            raise RuntimeError("bad text")
        return real(texts)

    monkeypatch.setattr(processor.analyser, "analyse_batch", flaky)
    # when processed: the good post is done, the bad one goes back to the inbox
    processor.run_batch(owner="t")
    good, bad = Post.objects.get(external_id="1"), Post.objects.get(external_id="2")
    assert good.status == PostStatus.DONE
    assert bad.status == PostStatus.PENDING
    assert bad.attempts == 1
    assert "bad text" in bad.error
    # and after the last attempt it is parked as failed with its reason
    processor.run_batch(owner="t")
    processor.run_batch(owner="t")
    bad.refresh_from_db()
    assert bad.status == PostStatus.FAILED
    assert bad.attempts == 3
    assert services.requeue_failed() == 1


def test_watch_terms_match_across_scripts_and_alert_once_per_window(alice, tree, public_source):
    wl = services.watchlist_save(
        watchlist=None, name="EVM", unit=tree.state, terms=["ईवीएम"], active=True, actor=alice
    )
    services.posts_ingest(source=public_source, posts=[raw(OTHER, "1"), raw(HINGLISH, "2")])
    run_all()
    assert WatchHit.objects.count() == 2
    alerts = Alert.objects.filter(kind=AlertKind.WATCH, watchlist=wl)
    assert alerts.count() >= 1
    assert sum(a.count for a in alerts) == 2
    # a repeat within the window bumps the count instead of opening a new alert
    services.posts_ingest(source=public_source, posts=[raw(OTHER + " now", "3")])
    run_all()
    assert Alert.objects.filter(kind=AlertKind.WATCH, watchlist=wl).count() == alerts.count()


def test_a_district_watchlist_never_alerts_on_another_districts_groups(bob, district1, group2):
    services.watchlist_save(
        watchlist=None, name="EVM D1", unit=district1, terms=["evm"], active=True, actor=bob
    )
    services.posts_ingest(source=group2, posts=[raw(OTHER, "g", platform=Platform.WHATSAPP)])
    run_all()
    assert not Alert.objects.exists()
    assert not WatchHit.objects.exists()


def test_a_fast_growing_narrative_raises_a_velocity_alert(tree, public_source, settings):
    settings.SAMPARK_PIPELINE = {**settings.SAMPARK_PIPELINE, "VELOCITY_MIN_POSTS": 10}
    services.posts_ingest(
        source=public_source,
        posts=[raw(f"{RUMOUR} {'!' * (i % 3)}", f"v{i}", minutes_ago=i % 30) for i in range(15)],
    )
    run_all()
    narrative = Narrative.objects.get()
    assert narrative.velocity >= 10
    assert narrative.burst > 3
    alert = Alert.objects.get(kind=AlertKind.VELOCITY)
    assert alert.narrative_id == narrative.id
    assert alert.unit_id == tree.state.id


def test_media_only_forwards_of_one_picture_share_a_narrative(public_source):
    # given two media-only posts whose images hash 3 bits apart, and one far away
    base = 0x0F0F_F0F0_1234_5678
    for ext, h in (("i1", base), ("i2", base ^ 0b111), ("i3", ~base)):
        services.posts_ingest(
            source=public_source,
            posts=[RawPost(Platform.X, ext, "", timezone.now(), is_media=True, media=("x.jpg",))],
            image_hashes={"x.jpg": h},
        )
    run_all()
    n = dict(Post.objects.values_list("external_id", "narrative_id"))
    assert n["i1"] is not None
    assert n["i1"] == n["i2"] != n["i3"]


@pytest.mark.parametrize(
    "head",
    ["⏩ Forwarded", "*Forwarded as received*", "फॉरवर्ड किया गया", "Forwarded many times"],
)
def test_a_narrative_title_drops_forward_boilerplate(public_source, head):
    # given a rumour whose first post starts with a forward marker line
    services.posts_ingest(source=public_source, posts=[raw(f"{head}\n{OTHER}", "a")])
    # when it is processed
    run_all()
    # then the narrative's title starts with the claim, not with the marker
    assert Narrative.objects.get().title.startswith("EVM machines can be hacked")


def test_a_source_marked_organisational_is_counted_but_never_alerts(tree, settings):
    # given a source the state marked organisational (the organisation's own channel)
    settings.SAMPARK_PIPELINE = {**settings.SAMPARK_PIPELINE, "VELOCITY_MIN_POSTS": 10}
    ours = Source.objects.create(
        kind=SourceKind.X_SEARCH, name="our channel", config={"organisational": True}
    )
    # when fifteen forwards of its message arrive within half an hour
    services.posts_ingest(
        source=ours,
        posts=[raw(f"{RUMOUR} {'!' * (i % 3)}", f"o{i}", minutes_ago=i % 30) for i in range(15)],
    )
    run_all()
    # then they are counted in a narrative labelled organisational, and no alert is raised
    narrative = Narrative.objects.get()
    assert narrative.posts == 15
    assert narrative.status == NarrativeStatus.ORGANISATIONAL
    assert narrative.velocity >= 10
    assert not Alert.objects.filter(kind=AlertKind.VELOCITY).exists()
