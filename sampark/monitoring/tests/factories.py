"""Listening test data made directly with the ORM (shared by the app's tests).

`make_post` writes a post as the pipeline leaves it (processed, with a language); use
`process_all` instead when a test needs the pipeline's own narratives, duplicates and alerts.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from pipeline import score
from pipeline.types import Platform
from sampark.geo.models import Unit
from sampark.monitoring import processing, services
from sampark.monitoring.enums import KIND_PLATFORM, PostStatus, SourceKind
from sampark.monitoring.models import Narrative, NarrativeHour, Post, Source

_ids = itertools.count(1)
_seqs = itertools.count(1)  # processing order, as the pipeline gives it

PUBLIC_TEXT = "EVM machines can be hacked with bluetooth, share before it is deleted"
D1_TEXT = "बूथ 1 समूह: 2000 के नोट में GPS चिप है, सबको बताएं"
D2_SECRET = "जिला 2 का गुप्त संदेश: कल सुबह रैली रद्द"
PHONE = "+91 98390 12345"


def booth_in(district: Unit) -> Unit:
    """The first booth of a district (tree order)."""
    booth = Unit.objects.filter(level="booth", district=district).order_by("id").first()
    assert booth is not None
    return booth


def public_source(*, name: str = "X: election", kind: str = SourceKind.X_SEARCH) -> Source:
    return Source.objects.create(kind=kind, name=name, config={"query": name})


def group_source(*, unit: Unit, name: str = "Booth group") -> Source:
    return Source.objects.create(
        kind=SourceKind.WHATSAPP_EXPORT, name=name, unit=unit, interval_s=0
    )


def make_post(
    *,
    source: Source,
    text: str,
    lang: str = "hi",
    narrative: Narrative | None = None,
    posted_at: datetime | None = None,
    processed: bool = True,
    author: str = "someone",
    unit: Unit | None = None,
    **fields: Any,
) -> Post:
    """One post of `source` (group posts take the group's unit), processed unless told not."""
    unit = unit if unit is not None else source.unit
    platform = KIND_PLATFORM[source.kind]
    now = timezone.now()
    return Post.objects.create(
        source=source,
        platform=platform,
        external_id=f"t{next(_ids)}",
        unit=unit,
        district_id=services.district_of(unit),
        is_private=platform in Platform.PRIVATE,
        author=author,
        text=text,
        posted_at=posted_at or now - timedelta(minutes=5),
        lang=lang if processed else "",
        status=PostStatus.DONE if processed else PostStatus.PENDING,
        processed_at=now if processed else None,
        seq=next(_seqs) if processed else None,
        narrative=narrative,
        **fields,
    )


def make_narrative(
    *,
    title: str,
    posts: list[Post],
    velocity: float = 0.0,
    burst: float = 0.0,
) -> Narrative:
    """A narrative over existing posts, with its hourly counts (sparkline, districts)."""
    times = [p.posted_at for p in posts] or [timezone.now()]
    narrative = Narrative.objects.create(
        title=title,
        first_seen=min(times),
        last_seen=max(times),
        posts=len(posts),
        variants=1,
        has_public=any(not p.is_private for p in posts),
        velocity=velocity,
        burst=burst,
    )
    Post.objects.filter(id__in=[p.id for p in posts]).update(narrative=narrative)
    hours: dict[tuple[int, datetime], int] = {}
    for p in posts:
        key = (p.district_id or 0, score.hour_floor(p.posted_at))
        hours[key] = hours.get(key, 0) + 1
    NarrativeHour.objects.bulk_create(
        NarrativeHour(narrative=narrative, district_key=d, hour=h, posts=n)
        for (d, h), n in hours.items()
    )
    districts = {d for d, _ in hours if d}
    Narrative.objects.filter(id=narrative.id).update(districts=len(districts))
    narrative.refresh_from_db()
    for p in posts:
        p.narrative = narrative
    return narrative


def process_all(owner: str = "test") -> int:
    """Run the pipeline worker until the inbox is empty; returns how many posts it took."""
    processor = processing.Processor()
    total = 0
    while n := processor.run_batch(owner=owner):
        total += n
    return total


def build_world(*, district1: Unit, district2: Unit) -> dict[str, Any]:
    """Public posts, a group in District 1 and one in District 2, and three narratives:
    `shared` (public + District 1), `mixed` (titled from District 2's post, also in District 1)
    and `only_d2` (District 2's group only: bob must never see it)."""
    x = public_source()
    g1 = group_source(unit=booth_in(district1), name="Booth 1 workers")
    g2 = group_source(unit=booth_in(district2), name="D2 booth group")
    pub = make_post(source=x, text=PUBLIC_TEXT, lang="en", author="@someone")
    p1 = make_post(source=g1, text=D1_TEXT, author=PHONE)
    p2 = make_post(source=g2, text=D2_SECRET, author="+91 90000 00000")
    shared = make_narrative(title=PUBLIC_TEXT, posts=[pub, p1], velocity=5, burst=4)
    p2b = make_post(source=g2, text=D2_SECRET + " (फॉरवर्ड)")
    p1b = make_post(source=g1, text="जिला 1 में भी यही संदेश आया")
    mixed = make_narrative(title=D2_SECRET, posts=[p2b, p1b], velocity=2, burst=2)
    only_d2 = make_narrative(title=D2_SECRET, posts=[p2], velocity=9, burst=9)
    return {
        "x": x,
        "g1": g1,
        "g2": g2,
        "pub": pub,
        "p1": p1,
        "p2": p2,
        "shared": shared,
        "mixed": mixed,
        "only_d2": only_d2,
    }
