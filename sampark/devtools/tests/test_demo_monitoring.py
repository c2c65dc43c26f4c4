"""The demo's listening data goes through the real parser and pipeline."""

from __future__ import annotations

import random

from sampark.devtools.demo import monitoring as demo
from sampark.monitoring import processing
from sampark.monitoring.enums import AlertKind, NarrativeStatus, PostStatus
from sampark.monitoring.models import Alert, Narrative, Post, Watchlist


def test_demo_listening_data_forms_narratives_and_alerts(tree, alice, settings):
    alice.username = "state-head"
    alice.save()
    settings.SAMPARK_PIPELINE = {**settings.SAMPARK_PIPELINE, "VELOCITY_MIN_POSTS": 5}
    report = demo.load(rng=random.Random(4))
    assert report["groups"] >= 2
    processor = processing.Processor()
    while processor.run_batch(owner="demo"):
        pass
    assert not Post.objects.exclude(status=PostStatus.DONE).exists()
    # the five rumours are the biggest narratives, each seen in groups and in public
    top = list(Narrative.objects.order_by("-posts")[:5])
    assert all(n.posts >= 5 for n in top)
    assert Watchlist.objects.count() == 2
    assert Alert.objects.filter(kind=AlertKind.WATCH).exists()
    assert Alert.objects.filter(kind=AlertKind.VELOCITY).exists()
    # the organisation's daily messages are counted as ours and never alert (issue #17)
    ours = Narrative.objects.filter(status=NarrativeStatus.ORGANISATIONAL)
    assert ours.filter(title__icontains="ghar ghar sampark").exists()
    assert not Alert.objects.filter(narrative__in=ours).exists()
    # loading again adds nothing
    assert demo.load(rng=random.Random(4)) == {}
