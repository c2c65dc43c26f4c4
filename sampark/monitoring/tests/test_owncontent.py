"""Our own content is ours (issue #17): forwards of a kit are counted, never an alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pipeline.types import Platform, RawPost
from sampark.geo.models import Unit
from sampark.monitoring import processing, services
from sampark.monitoring.enums import AlertKind, NarrativeStatus, SourceKind
from sampark.monitoring.models import Alert, Narrative, OwnContent, Source, WatchHit

KIT = (
    "आज का काम: घर घर संपर्क। हर बूथ के पांच कार्यकर्ता सुबह 9 बजे से अपने बूथ के हर घर "
    "जाएं, मतदाता सूची में नाम जांचें और नए मतदाताओं का फॉर्म 6 भरवाएं। शाम को रिपोर्ट भेजें।"
)
RUMOUR = (
    "EVM machines can be hacked with a bluetooth device from outside the booth, "
    "an engineer showed it in a video, share before it gets deleted"
)


def forwards(text: str, n: int, prefix: str) -> list[RawPost]:
    """n forwards within half an hour, with the noise volunteers add."""
    tails = ["", "\n*Forwarded as received*", " 🙏🙏", "\nजय हिंद", "\nसबको भेजें"]
    return [
        RawPost(
            platform=Platform.WHATSAPP,
            external_id=f"{prefix}{i}",
            text=text + tails[i % len(tails)],
            posted_at=timezone.now() - timedelta(minutes=i % 30),
            author=f"volunteer {i % 7}",
        )
        for i in range(n)
    ]


@pytest.fixture
def group(district1):
    booth = Unit.objects.filter(level="booth", district=district1).order_by("id").first()
    return Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name="Booth group", unit=booth)


@pytest.fixture
def fast(settings):
    settings.SAMPARK_PIPELINE = {**settings.SAMPARK_PIPELINE, "VELOCITY_MIN_POSTS": 10}


def run_all() -> None:
    processor = processing.Processor()
    while processor.run_batch(owner="test"):
        pass


def test_a_kit_forwarded_fifty_times_is_counted_as_ours_and_raises_no_alert(
    fast, tree, alice, group
):
    # given a kit the organisation sent, and a watchlist that one of its words hits
    assert services.register_own_content(text=KIT, label="kit", source_ref="content.item:1")
    services.watchlist_save(
        watchlist=None, name="booth", unit=tree.state, terms=["मतदाता"], active=True, actor=alice
    )
    # when volunteers forward it fifty times into a group we listen to, beside a rumour
    services.posts_ingest(source=group, posts=forwards(KIT, 50, "k") + forwards(RUMOUR, 15, "r"))
    run_all()
    # then the kit is one narrative, labelled ours, with every forward counted
    ours = Narrative.objects.get(status=NarrativeStatus.ORGANISATIONAL)
    assert ours.posts == 50
    assert ours.velocity >= 10
    # and it raised no alert of any kind (the watch hits are kept), while the rumour did
    assert WatchHit.objects.count() == 50
    assert not Alert.objects.filter(narrative=ours).exists()
    rumour = Narrative.objects.get(status=NarrativeStatus.ACTIVE)
    assert Alert.objects.filter(kind=AlertKind.VELOCITY, narrative=rumour).exists()


def test_a_kit_registered_after_its_first_forwards_marks_their_narrative(group):
    services.posts_ingest(source=group, posts=forwards(KIT, 3, "k"))
    run_all()
    assert Narrative.objects.get().status == NarrativeStatus.ACTIVE
    services.register_own_content(text=KIT, label="kit", source_ref="content.item:1")
    assert Narrative.objects.get().status == NarrativeStatus.ORGANISATIONAL


def test_marking_a_narrative_ours_teaches_the_filter_and_unmarking_forgets(fast, alice, group):
    # given a routine message that became a narrative
    services.posts_ingest(source=group, posts=forwards(KIT, 2, "a"))
    run_all()
    narrative = Narrative.objects.get()
    # when the state marks it as the organisation's own
    services.narrative_set_status(
        narrative=narrative, status=NarrativeStatus.ORGANISATIONAL, actor=alice
    )
    # then its wording is registered: the same message in another group starts as ours
    assert OwnContent.objects.filter(source_ref=f"monitoring.narrative:{narrative.id}").exists()
    other = Source.objects.create(kind=SourceKind.X_SEARCH, name="public")
    services.posts_ingest(source=other, posts=forwards(KIT.replace("9", "10"), 20, "b"))
    run_all()
    assert not Narrative.objects.filter(status=NarrativeStatus.ACTIVE).exists()
    assert not Alert.objects.exists()
    # and making it active again forgets what it taught
    services.narrative_set_status(narrative=narrative, status=NarrativeStatus.ACTIVE, actor=alice)
    assert not OwnContent.objects.exists()


def test_nothing_to_compare_is_not_registered(db):
    assert not services.register_own_content(text=" 🙏 ", label="kit", source_ref="x")
    assert not OwnContent.objects.exists()
