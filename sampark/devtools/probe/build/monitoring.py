"""Listening objects for the probe: group sources with private posts, narratives, alerts."""

from __future__ import annotations

import random

from django.utils import timezone

from pipeline import score
from sampark.devtools.probe.world import World
from sampark.geo.models import Unit
from sampark.monitoring.enums import AlertKind, SourceKind
from sampark.monitoring.models import (
    Alert,
    ExportUpload,
    Narrative,
    NarrativeHour,
    Post,
    Source,
    Watchlist,
)


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    """Group sources with private posts, a public source, narratives mixing them, watchlists
    and alerts at random units."""
    now = timezone.now()
    public = Source.objects.create(kind=SourceKind.X_SEARCH, name=f"Probesource {token} public")
    w.sources[public.id] = public
    groups = []
    for n in range(6):
        unit = rng.choice(units)
        g = Source.objects.create(
            kind=SourceKind.WHATSAPP_EXPORT, name=f"Probegroup {token}{n:02d}", unit=unit
        )
        w.sources[g.id] = g
        groups.append(g)
        up = ExportUpload.objects.create(
            source=g,
            sha256=f"{token}{n:02d}".ljust(64, "0"),
            filename=f"probechat-{token}{n:02d}.txt",
        )
        w.uploads[up.id] = up
    for n in range(10):
        narrative = Narrative.objects.create(
            title=f"Probenarrative {token}{n:02d}", first_seen=now, last_seen=now
        )
        w.narratives[narrative.id] = narrative
        members = rng.sample(groups, k=rng.randint(1, 2))
        if rng.random() < 0.3:
            members.append(public)
        for m, source in enumerate(members):
            private = source.kind == SourceKind.WHATSAPP_EXPORT
            post = Post.objects.create(
                source=source,
                platform="whatsapp" if private else "x",
                external_id=f"{token}-{n}-{m}",
                unit=source.unit,
                district_id=source.unit.district_id if source.unit else None,
                is_private=private,
                text=f"Probepost {token}{n:02d}{m}",
                posted_at=now,
                processed_at=now,
                seq=1 + len(w.posts),
                status=2,
                narrative=narrative,
            )
            w.posts[post.id] = post
            w.narrative_posts.setdefault(narrative.id, []).append(post.id)
        # The stored totals and hourly rows, as the pipeline keeps them: the state reads these.
        posts = [w.posts[p] for p in w.narrative_posts[narrative.id]]
        Narrative.objects.filter(id=narrative.id).update(
            posts=len(posts),
            districts=len({p.district_id for p in posts if p.district_id}),
            has_public=any(not p.is_private for p in posts),
        )
        hours: dict[int, int] = {}
        for p in posts:
            hours[p.district_id or 0] = hours.get(p.district_id or 0, 0) + 1
        NarrativeHour.objects.bulk_create(
            NarrativeHour(narrative=narrative, district_key=d, hour=score.hour_floor(now), posts=n)
            for d, n in hours.items()
        )
    creator = next(iter(w.users.values()))
    # A watchlist of the state itself: read below it, changed only there (issue #12).
    top = next(u for u in units if u.parent_id is None)
    wl = Watchlist.objects.create(name=f"Probewatch {token} state", unit=top, created_by=creator)
    w.watchlists[wl.id] = wl
    for n in range(5):
        wl = Watchlist.objects.create(
            name=f"Probewatch {token}{n:02d}", unit=rng.choice(units), created_by=creator
        )
        w.watchlists[wl.id] = wl
        a = Alert.objects.create(
            kind=AlertKind.WATCH,
            unit=rng.choice(units),
            watchlist=wl,
            narrative=rng.choice(list(w.narratives.values())),
            message=f"Probealert {token}{n:02d}",
        )
        w.alerts[a.id] = a
