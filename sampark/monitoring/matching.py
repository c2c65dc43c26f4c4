"""Claim matching as a stage of the listening pipeline (issue #17).

Matching runs once per narrative, not per post: a narrative is due when it is born, when a new
wording may change its representative text (one of its first `REP_VARIANTS` wordings arrived),
and when fact-checks are published (back-matching: open narratives seen in the last
`BACKMATCH_DAYS` days). The stage claims a due narrative under a lease (a conditional UPDATE of
`match_claimed_at`), hashes its representative text, and only when the hash differs from the
one last matched asks the fact-check app to match and store (`factcheck.services
.claim_match_store`, which writes the `ClaimMatch` rows and stamps a first "auto" match for the
war room). The due flag is cleared only while the claim is still this worker's: the pipeline
marking the narrative due again meanwhile (a new wording) drops the claim, so the newer text is
matched too. A killed worker's claim runs out with its lease.

Tips are matched here too, one post at a time, by the tip-reply step (`post_match`), which must
answer within a minute and so does not wait for the narrative.

After matching, the narrative is linked into a story: narratives matched to the same fact-check
(both with an "auto" match, sharing a fact-check that is "auto" for one of them), or carrying the
same text in the other script (`pipeline.stories`), share `story` (the story's first narrative).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from pipeline import dedupe, stories
from sampark.core import worker
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck import services as factcheck_services
from sampark.monitoring.enums import NarrativeStatus
from sampark.monitoring.models import Narrative, PipelineLock, StoryBand, Variant

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "MATCH_BATCH": 50,
    "MATCH_LEASE_SECONDS": 120,
    # Open narratives last seen this many days ago or less are matched again when fact-checks
    # are imported or published.
    "BACKMATCH_DAYS": 14,
    # The representative text is the longest of the narrative's first wordings.
    "REP_VARIANTS": 5,
}
STORY_CANDIDATES = 50


def conf(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "SAMPARK_PIPELINE", {})}[name]


def text_hash(text: str) -> int:
    """A signed 64-bit hash of the text (stored as `Narrative.match_hash`)."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def representative_text(narrative_id: int) -> str:
    """The text a narrative is matched with (see `representative_texts`)."""
    return representative_texts([narrative_id])[narrative_id]


def representative_texts(narrative_ids: list[int]) -> dict[int, str]:
    """The text each narrative is matched with: the longest of its first REP_VARIANTS
    wordings (with the text read from their images), without forward boilerplate (its title when no wording has text). One query for
    the wordings of the whole batch (a window keeps the first few of each narrative)."""
    first = Window(RowNumber(), partition_by=[F("narrative_id")], order_by=F("id").asc())
    rows = (
        Variant.objects.filter(narrative_id__in=narrative_ids)
        .annotate(n=first)
        .filter(n__lte=conf("REP_VARIANTS"))
        .values_list("narrative_id", "post__text", "post__image_text")
    )
    best: dict[int, str] = {}
    for nid, raw, in_image in rows:
        # The words of a forward and the text read from its image (a quote card) together.
        joined = f"{raw or ''}\n{in_image}" if in_image else raw or ""
        text = " ".join(dedupe.without_boilerplate(joined).split())
        if len(text.split()) > len(best.get(nid, "").split()):
            best[nid] = text
    missing = [n for n in narrative_ids if not best.get(n)]
    titles = dict(Narrative.objects.filter(id__in=missing).values_list("id", "title"))
    for nid in missing:
        title = titles.get(nid) or ""
        best[nid] = "" if title == "[media]" else title
    return best


def narratives_mark_due(*, narrative_ids: list[int]) -> int:
    """Have these narratives matched again (their text may have changed: a new wording, text
    read from an image); drops a running claim so the newer text is matched."""
    if not narrative_ids:
        return 0
    return Narrative.objects.filter(id__in=narrative_ids).update(
        match_due=True, match_claimed_at=None
    )


def _claimable(now: Any) -> Q:
    stale = now - timedelta(seconds=conf("MATCH_LEASE_SECONDS"))
    return Q(match_due=True) & (Q(match_claimed_at=None) | Q(match_claimed_at__lt=stale))


def narratives_due(*, limit: int) -> list[int]:
    """Narratives waiting to be matched (and not claimed by a live worker), oldest first."""
    return list(
        Narrative.objects.filter(_claimable(timezone.now()))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def narrative_match(*, narrative_id: int) -> bool:
    """Match one due narrative if this caller wins its claim; True when it did."""
    return narratives_match(narrative_ids=[narrative_id]) == 1


def narratives_match(*, narrative_ids: list[int]) -> int:
    """Match the due narratives among these whose claim this caller wins; returns how many it
    claimed. The whole batch costs a few queries and one look at the fact-check index."""
    now = timezone.now()
    Narrative.objects.filter(_claimable(now), id__in=narrative_ids).update(match_claimed_at=now)
    mine = dict(
        Narrative.objects.filter(id__in=narrative_ids, match_claimed_at=now).values_list(
            "id", "match_hash"
        )
    )
    if not mine:
        return 0
    texts = representative_texts(list(mine))
    digests = {nid: text_hash(texts[nid]) for nid in mine}
    todo = {nid: texts[nid] for nid in mine if digests[nid] != mine[nid]}
    if todo:
        with transaction.atomic():
            factcheck_services.claim_match_store_many(texts=todo, owner="narrative")
            stories_link(texts=todo)
    # Done only where the claim is still ours: a narrative marked due meanwhile stays due.
    table = connection.ops.quote_name(Narrative._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {table} SET match_due = %s, match_claimed_at = NULL, match_hash = %s "  # noqa: S608
            "WHERE id = %s AND match_claimed_at = %s",
            [(False, digests[nid], nid, stamp) for nid in mine],
        )
    return len(mine)


def post_match(*, post_id: int, text: str) -> list[tuple[int, float, str]]:
    """Match one post (a tip) and store its matches; returns (fact-check id, score, band),
    best first, as stored (the organisation's own responses included)."""
    factcheck_services.claim_match_store(text=text, post_id=post_id)
    return factcheck_selectors.claim_matches_best(
        narrative_id=None, post_id=post_id, include_own=True
    )


def backmatch_if_changed() -> int:
    """When fact-checks were added or changed since the stage last looked (a mark kept in the
    pipeline's lock row, so every worker and every restart agree), mark the open narratives of
    the last BACKMATCH_DAYS days due; returns how many."""
    n, last = factcheck_selectors.factchecks_changed_mark()
    mark = f"{n}|{last}"[:100]
    if not PipelineLock.objects.filter(pk=1).exists():
        PipelineLock.objects.get_or_create(pk=1)
    seen = PipelineLock.objects.filter(pk=1).values_list("factchecks_mark", flat=True).first()
    if seen == mark:
        return 0
    if not PipelineLock.objects.filter(pk=1, factchecks_mark=seen).update(factchecks_mark=mark):
        return 0  # another worker saw the change first
    since = timezone.now() - timedelta(days=conf("BACKMATCH_DAYS"))
    return Narrative.objects.filter(last_seen__gte=since, status=NarrativeStatus.ACTIVE).update(
        match_due=True, match_claimed_at=None, match_hash=None
    )


def run_stage(*, limit: int | None = None) -> int:
    """One round of the stage: back-matching check, then a batch of due narratives. A batch
    that fails is taken one narrative at a time, and a narrative that fails alone is logged and
    left (not due) so it cannot hold the stage up."""
    backmatch_if_changed()
    due = narratives_due(limit=limit or conf("MATCH_BATCH"))
    if not due or worker.shutdown_requested():
        return 0
    try:
        return narratives_match(narrative_ids=due)
    except Exception:
        logger.exception("claim matching of a batch failed; one at a time")
    done = 0
    for narrative_id in due:
        try:
            done += narratives_match(narrative_ids=[narrative_id])
        except Exception:
            logger.exception("claim match failed", extra={"narrative_id": narrative_id})
            Narrative.objects.filter(id=narrative_id).update(match_due=False, match_claimed_at=None)
    return done


def make_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["match"]): match the narratives that are due."""
    return lambda: run_stage()


# --- stories ----------------------------------------------------------------------------------


def story_root(narrative_id: int) -> int:
    """The first narrative of the story this narrative belongs to (itself when alone)."""
    story = Narrative.objects.filter(id=narrative_id).values_list("story_id", flat=True).first()
    return int(story) if story else narrative_id


def story_link(*, narrative_id: int, text: str) -> int:
    """Link one narrative into its story (see `stories_link`); returns the story's first
    narrative."""
    stories_link(texts={narrative_id: text})
    return story_root(narrative_id)


def stories_link(*, texts: dict[int, str]) -> None:
    """Link each narrative with the narratives carrying the same claim: matched to the same
    fact-check (`factcheck.selectors.narratives_sharing_claim`), or the same text in the other
    script. All of them then point at the story's first narrative."""
    others = _same_text_elsewhere(texts=texts)
    for nid, found in factcheck_selectors.narratives_sharing_claim(
        narrative_ids=list(texts)
    ).items():
        others.setdefault(nid, set()).update(found)
    _link_all({nid: found - {nid} for nid, found in others.items() if found - {nid}})


def _link_all(pairs: dict[int, set[int]]) -> None:
    """Merge the stories these narratives and their partners belong to: each merged story
    points at its first narrative (two UPDATEs per story, whatever its size)."""
    if not pairs:
        return
    involved = set(pairs) | {o for found in pairs.values() for o in found}
    story = dict(Narrative.objects.filter(id__in=list(involved)).values_list("id", "story_id"))
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for nid, found in pairs.items():
        for other in found:
            if nid in story and other in story:
                a, b = find(story[nid] or nid), find(story[other] or other)
                parent[max(a, b)] = min(a, b)
    groups: dict[int, set[int]] = {}
    for n in story:
        groups.setdefault(find(story[n] or n), set()).update({n, story[n] or n})
    for root, members in groups.items():
        if len(members) < 2:
            continue
        everyone = Q(id__in=list(members)) | Q(story_id__in=list(members))
        Narrative.objects.filter(everyone).exclude(id=root).exclude(story_id=root).update(
            story_id=root
        )
        Narrative.objects.filter(id=root).exclude(story_id=None).update(story_id=None)


def _same_text_elsewhere(*, texts: dict[int, str]) -> dict[int, set[int]]:
    """Narratives whose story print (transliteration skeleton) says they carry each text;
    stores these narratives' prints for those that come later."""
    prints = {nid: stories.story_print(text) for nid, text in texts.items()}
    StoryBand.objects.filter(narrative_id__in=list(texts)).delete()
    Narrative.objects.filter(id__in=[n for n, p in prints.items() if p is None]).update(
        story_sig=None
    )
    printed = {n: p for n, p in prints.items() if p is not None}
    if not printed:
        return {}
    Narrative.objects.bulk_update(
        [Narrative(id=n, story_sig=stories.to_bytes(p.signature)) for n, p in printed.items()],
        ["story_sig"],
        batch_size=500,
    )
    StoryBand.objects.bulk_create(
        [StoryBand(key=k, narrative_id=n) for n, p in printed.items() for k in set(p.bands)],
        batch_size=2000,
    )
    keys = list({k for p in printed.values() for k in p.bands})
    holders: dict[int, set[int]] = {}
    for key, nid in StoryBand.objects.filter(key__in=keys).values_list("key", "narrative_id"):
        holders.setdefault(key, set()).add(nid)
    wanted = {c for p in printed.values() for k in p.bands for c in holders.get(k, ())}
    sigs = {
        nid: stories.from_bytes(bytes(sig))
        for nid, sig in Narrative.objects.filter(id__in=list(wanted)).values_list("id", "story_sig")
        if sig is not None
    }
    out: dict[int, set[int]] = {}
    for nid, p in printed.items():
        candidates = {c for k in p.bands for c in holders.get(k, ())} - {nid}
        same = {c for c in candidates if c in sigs and stories.same_story(p.signature, sigs[c])}
        if same:
            out[nid] = same
    return out


def story_candidates(*, signature: Any, bands: list[int], exclude: int | None = None) -> list[int]:
    """Narratives whose stored story print is the same text as this one."""
    found = StoryBand.objects.filter(key__in=list(set(bands)))
    if exclude is not None:
        found = found.exclude(narrative_id=exclude)
    ids = found.values_list("narrative_id", flat=True).distinct()[:STORY_CANDIDATES]
    rows = Narrative.objects.filter(id__in=list(ids), story_sig__isnull=False)
    return [
        nid
        for nid, sig in rows.values_list("id", "story_sig")
        if sig is not None and stories.same_story(signature, stories.from_bytes(bytes(sig)))
    ]


def story_of_text(*, text: str) -> int | None:
    """The story (its first narrative) that already carries this text, in either script, or
    None (a tip joins the story it belongs to)."""
    found = stories.story_print(text)
    if found is None:
        return None
    ids = story_candidates(signature=found.signature, bands=found.bands)
    return story_root(min(ids)) if ids else None
