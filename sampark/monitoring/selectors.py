"""Scoped reads of the listening app.

Public-platform posts (X, YouTube, news, Facebook, Telegram channels) are visible to every
listening user. Group content (WhatsApp exports, tips) is visible only inside the subtree of
the unit it came from; a tip with no unit (from the public) only at the top of the tree. A
narrative is visible when it has a public post or a post the user may see, and it is shown
through those posts only: its title is the first post the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncHour
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from pipeline import score
from sampark.accounts.enums import LISTENING_PAGES, Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.core.series import daily, daily_counts
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q
from sampark.monitoring import matching, tipreply
from sampark.monitoring.enums import NarrativeStatus, SourceKind
from sampark.monitoring.models import (
    Alert,
    ExportUpload,
    Narrative,
    NarrativeHour,
    Post,
    Source,
    Variant,
    WatchHit,
    Watchlist,
)
from sampark.monitoring.tipreply import HANDED_OVER, KEY, TIP_KINDS, State


def require_listen(user: User) -> None:
    if not user.can_any(LISTENING_PAGES):
        raise PermissionDenied


def post_visibility_q(*, user: User, prefix: str = "") -> Q:
    """Q over Post (or, with `prefix` "post__", over a model pointing at one): what this user
    may read."""
    return unit_visibility_q(unit=scope_root(user=user), prefix=prefix)


def unit_visibility_q(*, unit: Unit, prefix: str = "") -> Q:
    """Q over Post: what may be read from `unit` (public posts, group content of its subtree,
    and unplaced tips at the top of the tree)."""
    q = Q(**{f"{prefix}is_private": False}) | subtree_q(unit, field=f"{prefix}unit")
    if unit.parent_id is None:
        q |= Q(**{f"{prefix}unit": None})
    return q


def sees_all_posts(*, user: User) -> bool:
    """Whether the user's scope is the top of the tree (every post is theirs to read)."""
    return scope_root(user=user).parent_id is None


def may_change_state_wide(*, user: User) -> bool:
    """Whether the user may change what the whole state shares (narratives, sources with no
    unit): a listening manager scoped to the top of the tree (issue #12: a district muting a
    narrative would silence its alerts for everyone)."""
    return user.can(Capability.MANAGE_LISTENING) and sees_all_posts(user=user)


def may_manage_source(*, user: User, source: Source) -> bool:
    """A source with a unit is managed inside that unit's subtree (the caller got it through
    `access_source`); a state-wide one only from the top of the tree."""
    if not user.can(Capability.MANAGE_LISTENING):
        return False
    return source.unit_id is not None or sees_all_posts(user=user)


def posts_visible(*, user: User) -> QuerySet[Post]:
    return Post.objects.filter(post_visibility_q(user=user))


def feed(
    *,
    user: User,
    lang: str = "",
    platform: str = "",
    unit: Unit | None = None,
    narrative_id: int | None = None,
    before_id: int | None = None,
    after_id: int | None = None,
    query: str = "",
) -> QuerySet[Post]:
    """The live feed: processed posts, last processed first, with the filters of the feed page.

    `before_id`/`after_id` are processing-order cursors (`Post.seq`), not ids: a post with a
    lower id processed later (it waited for its image's text, or was retried) still appears
    after the last poll (issue #17)."""
    qs = posts_visible(user=user).filter(seq__isnull=False)
    if lang:
        qs = qs.filter(lang=lang)
    if platform:
        qs = qs.filter(platform=platform)
    if unit is not None:
        qs = qs.filter(subtree_q(unit, field="unit"))
    if narrative_id:
        qs = qs.filter(narrative_id=narrative_id)
    if before_id:
        qs = qs.filter(seq__lt=before_id)
    if after_id:
        qs = qs.filter(seq__gt=after_id)
    if query:
        qs = qs.filter(text__icontains=query)
    return qs.select_related("unit", "narrative").order_by("-seq")


def narratives_visible(*, user: User) -> QuerySet[Narrative]:
    """Narratives with at least one post the user may see, titled from the first such post."""
    root = scope_root(user=user)
    qs = Narrative.objects.all()
    if root.parent_id is not None:
        mine = Post.objects.filter(narrative=OuterRef("pk")).filter(
            scope_q(user=user, field="unit")
        )
        qs = qs.filter(Q(has_public=True) | Exists(mine))
        first = (
            posts_visible(user=user)
            .filter(narrative=OuterRef("pk"))
            .exclude(text="")
            .order_by("id")
            .values("text")[:1]
        )
        qs = qs.annotate(visible_title=Subquery(first))
    return qs


def narratives_accelerating(*, user: User, limit: int = 10) -> list[Narrative]:
    """Visible narratives by burst score, fastest first, with the user's own figures.

    Below the state the candidates are taken by the stored (state-wide) scores, then ranked
    again by what the user may see; those with no visible post in the last hour drop out.
    """
    qs = narratives_visible(user=user).filter(status="active", velocity__gt=0)
    if sees_all_posts(user=user):
        return list(qs.order_by("-burst", "-velocity")[:limit])
    rows = narratives_scoped(user=user, narratives=qs.order_by("-burst", "-velocity")[: limit * 4])
    rows = [n for n in rows if n.velocity > 0]
    rows.sort(key=lambda n: (-n.burst, -n.velocity))
    return rows[:limit]


def access_narrative(*, user: User, narrative_id: int) -> Narrative:
    """The narrative if the user may see any of its posts, else 404."""
    return get_object_or_404(narratives_visible(user=user), id=narrative_id)


SERIES_HOURS = 48


def narrative_series(
    *, user: User, narrative: Narrative, hours: int = SERIES_HOURS, now: datetime | None = None
) -> list[int]:
    """Posts per hour over the last `hours` hours (oldest first) that the user may see, for the
    sparkline: the stored hourly totals at the state, the visible posts below it."""
    now = now or timezone.now()
    end = score.hour_floor(now)
    start = end - timedelta(hours=hours - 1)
    counts: dict[datetime, int]
    if sees_all_posts(user=user):
        rows = (
            NarrativeHour.objects.filter(narrative=narrative, hour__gte=start)
            .values("hour")
            .annotate(n=Sum("posts"))
            .values_list("hour", "n")
        )
        counts = {hour: int(n) for hour, n in rows}
    else:
        counts = _visible_hours(user=user, narrative_ids=[narrative.id], start=start).get(
            narrative.id, {}
        )
    return [int(counts.get(start + timedelta(hours=k), 0)) for k in range(hours)]


def _visible_hours(
    *, user: User, narrative_ids: list[int], start: datetime
) -> dict[int, dict[datetime, int]]:
    """Visible posts per narrative and hour (UTC hours, like `NarrativeHour`) since `start`:
    one GROUP BY."""
    rows = (
        posts_visible(user=user)
        .filter(narrative_id__in=narrative_ids, posted_at__gte=start)
        .annotate(h=TruncHour("posted_at", tzinfo=UTC))
        .values("narrative_id", "h")
        .annotate(n=Count("id"))
        .values_list("narrative_id", "h", "n")
    )
    out: dict[int, dict[datetime, int]] = defaultdict(dict)
    for nid, hour, n in rows:
        out[nid][hour] = int(n)
    return out


def narratives_scoped(
    *, user: User, narratives: Iterable[Narrative], now: datetime | None = None
) -> list[Narrative]:
    """The narratives with their figures (posts, wordings, districts, first and last seen,
    velocity, burst) counted over the posts the user may see (issue #12).

    At the state every post is visible: the stored totals are the figures, no query. Below it,
    three GROUP BY queries for the whole list. The figures are set on the objects in memory,
    never saved.
    """
    items = list(narratives)
    if not items or sees_all_posts(user=user):
        return items
    now = now or timezone.now()
    ids = [n.id for n in items]
    totals = {
        row["narrative_id"]: row
        for row in posts_visible(user=user)
        .filter(narrative_id__in=ids)
        .values("narrative_id")
        .annotate(
            n=Count("id"),
            districts=Count("district_id", distinct=True),
            first=Min("posted_at"),
            last=Max("posted_at"),
        )
    }
    wordings = dict(
        Variant.objects.filter(narrative_id__in=ids)
        .filter(post_visibility_q(user=user, prefix="post__"))
        .values("narrative_id")
        .annotate(n=Count("id"))
        .values_list("narrative_id", "n")
    )
    start = score.hour_floor(now) - timedelta(hours=score.BASELINE_HOURS + 1)
    hours = _visible_hours(user=user, narrative_ids=ids, start=start)
    for n in items:
        row = totals.get(n.id)
        n.posts = int(row["n"]) if row else 0
        n.districts = int(row["districts"]) if row else 0
        if row:
            n.first_seen, n.last_seen = row["first"], row["last"]
        n.variants = int(wordings.get(n.id, 0))
        n.velocity, n.burst = score.velocity_burst(hours.get(n.id, {}), now=now)
    return items


def narrative_districts(*, user: User, narrative: Narrative) -> list[dict[str, Any]]:
    """Districts the narrative's group posts came from (within the user's scope), busiest first."""
    rows = (
        NarrativeHour.objects.filter(narrative=narrative, district_key__gt=0)
        .values("district_key")
        .annotate(n=Sum("posts"))
        .order_by("-n")
    )
    counts = {r["district_key"]: r["n"] for r in rows}
    units = Unit.objects.filter(scope_q(user=user)).filter(id__in=list(counts))
    out = [{"unit": u, "posts": counts[u.id]} for u in units]
    out.sort(key=lambda d: -int(d["posts"]))
    return out


def narrative_images(*, user: User, narrative: Narrative, limit: int = 6) -> list[Post]:
    return list(
        posts_visible(user=user)
        .filter(narrative=narrative, image_hash__isnull=False)
        .exclude(media=[])
        .order_by("id")[:limit]
    )


def sources_visible(*, user: User) -> QuerySet[Source]:
    """Public sources for everyone who listens; group sources inside the user's subtree."""
    root = scope_root(user=user)
    q = Q(unit=None) & ~Q(kind=SourceKind.WHATSAPP_EXPORT)
    q |= scope_q(user=user, field="unit")
    if root.parent_id is None:
        q |= Q(unit=None)
    return Source.objects.filter(q).select_related("unit")


def access_source(*, user: User, source_id: int) -> Source:
    return get_object_or_404(sources_visible(user=user), id=source_id)


def group_sources(*, user: User) -> QuerySet[Source]:
    """WhatsApp groups whose exports this user may upload (groups in the user's subtree)."""
    return (
        Source.objects.filter(kind=SourceKind.WHATSAPP_EXPORT)
        .filter(scope_q(user=user, field="unit"))
        .select_related("unit")
        .order_by("name")
    )


def export_sources_at_booths(*, exclude_ids: set[int]) -> list[tuple[int, str, int, datetime]]:
    """(id, name, booth id, created) of the WhatsApp chat-export channels placed at a booth,
    leaving out these (the group registry adopts the others, `groups.services`)."""
    rows = Source.objects.filter(kind=SourceKind.WHATSAPP_EXPORT, unit__level=Level.BOOTH).order_by(
        "id"
    )
    return [
        (sid, name, int(unit_id), created)
        for sid, name, unit_id, created in rows.values_list("id", "name", "unit_id", "created_at")
        if sid not in exclude_ids
    ]


def access_group_source(*, user: User, source_id: int) -> Source:
    return get_object_or_404(group_sources(user=user), id=source_id)


def uploads_of(*, source: Source) -> QuerySet[ExportUpload]:
    return (
        ExportUpload.objects.filter(source=source)
        .select_related("uploaded_by")
        .order_by("-uploaded_at")
    )


def watchlists_visible(*, user: User, with_state: bool = False) -> QuerySet[Watchlist]:
    """Watchlists of the user's subtree (theirs to edit); `with_state` adds the state's own,
    which every listener may read but only the state changes (issue #12)."""
    q = scope_q(user=user, field="unit")
    if with_state:
        q |= Q(unit__parent=None)
    return (
        Watchlist.objects.filter(q)
        .select_related("unit")
        .prefetch_related("terms")
        .order_by("name")
    )


def access_watchlist(*, user: User, watchlist_id: int) -> Watchlist:
    return get_object_or_404(watchlists_visible(user=user), id=watchlist_id)


def alerts_visible(*, user: User, open_only: bool = False) -> QuerySet[Alert]:
    qs = Alert.objects.filter(scope_q(user=user, field="unit"))
    if open_only:
        qs = qs.filter(acknowledged_at=None)
    return qs.select_related("narrative", "watchlist", "unit", "acknowledged_by").order_by(
        "-last_at"
    )


def access_alert(*, user: User, alert_id: int) -> Alert:
    return get_object_or_404(alerts_visible(user=user), id=alert_id)


def watch_hits_for(*, posts: list[Post]) -> dict[int, list[str]]:
    """Matched words per post id, for highlighting in the feed."""
    out: dict[int, list[str]] = {}
    for post_id, matched in WatchHit.objects.filter(post_id__in=[p.id for p in posts]).values_list(
        "post_id", "matched"
    ):
        out.setdefault(post_id, []).append(matched)
    return out


# --- for the war room (issue #11: other apps read listening here, never its models) ----------
# Unscoped: the war room's worker and services call these with ids they already hold; a view
# gets a user's object through the `access_*` selectors above.


def alert_get(*, alert_id: int) -> Alert:
    """An alert with its unit and post loaded."""
    return Alert.objects.select_related("unit", "post").get(id=alert_id)


def alert_ids_since(
    *,
    since: datetime,
    limit: int,
    exclude_ids: Iterable[int] | QuerySet[Any] = (),
    exclude_narrative_ids: Iterable[int] | QuerySet[Any] = (),
) -> list[int]:
    """Ids of alerts raised since `since`, newest first, leaving out these alerts and alerts on
    these narratives (querysets of ids are used as subqueries: one query in all)."""
    return list(
        Alert.objects.filter(created_at__gte=since)
        .exclude(id__in=exclude_ids)
        .exclude(narrative_id__in=exclude_narrative_ids)
        .order_by("-created_at")
        .values_list("id", flat=True)[:limit]
    )


def narratives_live(*, narrative_ids: list[int]) -> set[int]:
    """Which of these narratives are active (neither muted nor the organisation's own)."""
    return set(
        Narrative.objects.filter(id__in=narrative_ids, status=NarrativeStatus.ACTIVE).values_list(
            "id", flat=True
        )
    )


def story_root(*, narrative_id: int) -> int:
    """The first narrative of the narrative's story (the same claim in both scripts)."""
    return matching.story_root(narrative_id)


def tip_story(*, post_id: int) -> int | None:
    """The story a tip belongs to: its narrative's, else a story already carrying its text in
    either script (the pipeline may not have reached the tip yet); None when there is none."""
    post = Post.objects.filter(id=post_id).only("id", "narrative_id", "text", "image_text").first()
    if post is None:
        return None
    if post.narrative_id is not None:
        return matching.story_root(post.narrative_id)
    return matching.story_of_text(text=tipreply.tip_text(post))


def story_members(*, user: User, narrative: Narrative) -> list[Narrative]:
    """The other narratives of this narrative's story that the user may see, oldest first."""
    root = narrative.story_id or narrative.id
    rows = (
        narratives_visible(user=user)
        .filter(Q(id=root) | Q(story_id=root))
        .exclude(id=narrative.id)
        .order_by("id")[:20]
    )
    return narratives_scoped(user=user, narratives=list(rows))


def narrative_get(*, narrative_id: int) -> Narrative:
    """A narrative by id."""
    return Narrative.objects.get(id=narrative_id)


def narrative_district_ids(*, narrative_id: int) -> list[int]:
    """Ids of the districts the narrative's group posts came from, ascending."""
    rows = (
        NarrativeHour.objects.filter(narrative_id=narrative_id, district_key__gt=0)
        .values_list("district_key", flat=True)
        .distinct()
    )
    return sorted(int(d) for d in rows)


def narrative_posts_by_hour(
    *, narrative_id: int, start: datetime, end: datetime
) -> dict[datetime, int]:
    """Posts of the narrative per hour (all districts together), for hours in [start, end)."""
    rows = (
        NarrativeHour.objects.filter(narrative_id=narrative_id, hour__gte=start, hour__lt=end)
        .values("hour")
        .annotate(n=Sum("posts"))
        .values_list("hour", "n")
    )
    return {hour: int(n) for hour, n in rows}


def post_get(*, post_id: int) -> Post:
    """A post with its unit loaded."""
    return Post.objects.select_related("unit").get(id=post_id)


@dataclass(frozen=True, slots=True)
class Spread:
    """How far a narrative or a post has spread (the war room's triage signals)."""

    reach: int = 0
    velocity: float = 0.0
    watch_hits: int = 0
    district_ids: tuple[int, ...] = ()


def spread_of(
    *,
    narrative_id: int | None = None,
    post_id: int | None = None,
    alert_id: int | None = None,
    unit: Unit | None = None,
) -> Spread:
    """Reach, velocity, watchlist hits and districts of a narrative, else of one post (with its
    duplicates); an alert's watchlist count stands in when no post was hit.

    With a `unit` below the state (the incident's), only the posts that may be read from that
    unit count (issue #12: a district's incident showed other districts' group posts in its
    reach); at the state, the stored totals.
    """
    reach, velocity, hits = 0, 0.0, 0
    districts: tuple[int, ...] = ()
    if unit is not None and unit.parent_id is not None and (narrative_id or post_id):
        reach, velocity, hits, districts = _spread_in(
            unit=unit, narrative_id=narrative_id, post_id=post_id
        )
    elif narrative_id is not None:
        narrative = Narrative.objects.only("id", "posts", "velocity").get(id=narrative_id)
        reach, velocity = narrative.posts, narrative.velocity
        hits = WatchHit.objects.filter(post__narrative_id=narrative.id).count()
        districts = tuple(narrative_district_ids(narrative_id=narrative.id))
    elif post_id is not None:
        post = Post.objects.only("id", "district_id").get(id=post_id)
        reach = 1 + Post.objects.filter(duplicate_of_id=post.id).count()
        hits = WatchHit.objects.filter(post_id=post.id).count()
        districts = (post.district_id,) if post.district_id else ()
    if alert_id is not None and not hits:
        alert = Alert.objects.filter(id=alert_id).only("id", "watchlist_id", "count").first()
        if alert is not None and alert.watchlist_id is not None:
            hits = alert.count
    return Spread(reach=reach, velocity=velocity, watch_hits=hits, district_ids=districts)


def _spread_in(
    *, unit: Unit, narrative_id: int | None, post_id: int | None
) -> tuple[int, float, int, tuple[int, ...]]:
    """`spread_of` over the posts readable from `unit`: at most four queries."""
    readable = Post.objects.filter(unit_visibility_q(unit=unit))
    if narrative_id is None:
        assert post_id is not None
        post = readable.filter(id=post_id).only("id", "district_id").first()
        if post is None:
            return 0, 0.0, 0, ()
        reach = 1 + readable.filter(duplicate_of_id=post.id).count()
        hits = WatchHit.objects.filter(post_id=post.id).count()
        return reach, 0.0, hits, ((post.district_id,) if post.district_id else ())
    seen = readable.filter(narrative_id=narrative_id)
    now = timezone.now()
    hours = dict(
        seen.filter(posted_at__gte=score.hour_floor(now) - timedelta(hours=1))
        .annotate(h=TruncHour("posted_at", tzinfo=UTC))
        .values("h")
        .annotate(n=Count("id"))
        .values_list("h", "n")
    )
    velocity, _ = score.velocity_burst(hours, now=now)
    hits = WatchHit.objects.filter(post__in=seen.values("id")).count()
    districts = seen.exclude(district_id=None).values_list("district_id", flat=True)
    return (
        seen.count(),
        velocity,
        hits,
        tuple(sorted({int(d) for d in districts.distinct().order_by()})),
    )


def tip_ids_for_war_room(
    *, since: datetime, limit: int, exclude_ids: Iterable[int] | QuerySet[Any] = ()
) -> list[int]:
    """Tips received since `since` that got no automatic reply and that the war room has not
    taken yet (`services.tip_hand_over`), oldest first, leaving out these posts."""
    return list(
        Post.objects.exclude(id__in=exclude_ids)
        .filter(
            source_id__in=Source.objects.filter(kind__in=TIP_KINDS).values("id"),
            received_at__gte=since,
            **{f"metrics__{KEY}__state": State.QUEUED},
        )
        .exclude(**{f"metrics__{KEY}__has_key": HANDED_OVER})
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


# --- the sender's own web tips (the volunteer app) ------------------------------------------

TIP_LOOKING = "looking"
TIP_ANSWERED = "answered"
TIP_RECEIVED = "received"
_REPLY_SHOWN = ("text", "url", "verdict", "publisher", "lang", "sent_at")


@dataclass(frozen=True, slots=True)
class TipAnswer:
    """Where a web tip stands for its sender: the reply step is still `looking` for a
    published fact-check (the page asks again), it `answered`, or the war room has it
    (`received`)."""

    state: str
    reply: dict[str, Any] | None = None

    @property
    def looking(self) -> bool:
        return self.state == TIP_LOOKING


def own_tips(*, user: User) -> QuerySet[Post]:
    """The user's own web tips, newest first."""
    return Post.objects.filter(submitted_by=user, source__kind=SourceKind.TIP_FORM).order_by(
        "-received_at", "-id"
    )


def access_own_tip(*, user: User, post_id: int) -> Post:
    """The user's own web tip. Any other post is a 404 outside what the user may read (another
    area's tip), a 403 inside it (a tip from one's own booth that someone else sent)."""
    tip = own_tips(user=user).filter(id=post_id).first()
    if tip is not None:
        return tip
    if posts_visible(user=user).filter(id=post_id).exists():
        raise PermissionDenied(_("Only the person who sent this report may follow it."))
    raise Http404


def tip_answer(*, post: Post, now: datetime | None = None) -> TipAnswer:
    """The automatic reply to a web tip, or whether one may still come."""
    value = (post.metrics or {}).get(tipreply.KEY)
    if isinstance(value, dict) and value.get("state") == tipreply.State.SENT:
        return TipAnswer(TIP_ANSWERED, {k: value.get(k) for k in _REPLY_SHOWN})
    # The reply step leaves tips older than its window alone: no answer will come then.
    window = timedelta(hours=tipreply.conf("WINDOW_HOURS"))
    if value is None and post.received_at >= (now or timezone.now()) - window:
        return TipAnswer(TIP_LOOKING)
    return TipAnswer(TIP_RECEIVED)


def narratives_daily(*, unit: Unit, since: datetime) -> dict[str, dict[date, int]]:
    """New narratives (first seen) and narratives that grew (had a new post readable from the
    unit) per day (IST) since `since`; the caller has scoped the unit (results' charts). Two
    GROUP BYs by day in the database."""
    readable = Post.objects.filter(unit_visibility_q(unit=unit)).filter(narrative__isnull=False)
    narratives = Narrative.objects.all()
    if unit.parent_id is not None:
        inside = Post.objects.filter(narrative=OuterRef("pk")).filter(subtree_q(unit, field="unit"))
        narratives = narratives.filter(Q(has_public=True) | Exists(inside))
    grown = daily(
        readable, field="posted_at", since=since, narratives=Count("narrative", distinct=True)
    )
    return {
        "new": daily_counts(narratives, field="first_seen", since=since),
        "growing": {day: int(r["narratives"]) for day, r in grown.items()},
    }
