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
from django.db import transaction
from django.db.models import Q
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
    """The text a narrative is matched with: the longest of its first wordings, without
    forward boilerplate (its title when it has no wording with text)."""
    texts = Variant.objects.filter(narrative_id=narrative_id).order_by("id")
    found = [
        " ".join(dedupe.without_boilerplate(t).split())
        for t in texts.values_list("post__text", flat=True)[: conf("REP_VARIANTS")]
    ]
    best = max(found, key=lambda t: len(t.split()), default="")
    if best:
        return best
    title = Narrative.objects.filter(id=narrative_id).values_list("title", flat=True).first()
    return "" if not title or title == "[media]" else title


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
    now = timezone.now()
    if not Narrative.objects.filter(_claimable(now), id=narrative_id).update(match_claimed_at=now):
        return False
    text = representative_text(narrative_id)
    digest = text_hash(text)
    before = Narrative.objects.filter(id=narrative_id).values_list("match_hash", flat=True).first()
    if before != digest:
        with transaction.atomic():
            factcheck_services.claim_match_store(text=text, narrative_id=narrative_id)
            story_link(narrative_id=narrative_id, text=text)
    Narrative.objects.filter(id=narrative_id, match_claimed_at=now).update(
        match_due=False, match_claimed_at=None, match_hash=digest
    )
    return True


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
    """One round of the stage: back-matching check, then a batch of due narratives."""
    backmatch_if_changed()
    done = 0
    for narrative_id in narratives_due(limit=limit or conf("MATCH_BATCH")):
        if worker.shutdown_requested():
            break
        try:
            done += int(narrative_match(narrative_id=narrative_id))
        except Exception:
            logger.exception("claim match failed", extra={"narrative_id": narrative_id})
            # Leave it due; the lease lets another round try again.
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
    """Link the narrative with the narratives carrying the same claim: matched to the same
    fact-check (`factcheck.selectors.narratives_sharing_claim`), or the same text in the other
    script. All of them then point at the
    story's first narrative; returns that narrative's id."""
    others: set[int] = set()
    others.update(factcheck_selectors.narratives_sharing_claim(narrative_id=narrative_id))
    others.update(_same_text_elsewhere(narrative_id=narrative_id, text=text))
    others.discard(narrative_id)
    if not others:
        return story_root(narrative_id)
    roots = {story_root(n) for n in [*others, narrative_id]}
    root = min(roots)
    members = Q(id__in=[*roots, *others, narrative_id]) | Q(story_id__in=roots)
    Narrative.objects.filter(members).exclude(id=root).update(story_id=root)
    Narrative.objects.filter(id=root).update(story_id=None)
    return root


def _same_text_elsewhere(*, narrative_id: int, text: str) -> list[int]:
    """Narratives whose story print (transliteration skeleton) says they carry this text;
    stores this narrative's print for those that come later."""
    found = stories.story_print(text)
    StoryBand.objects.filter(narrative_id=narrative_id).delete()
    if found is None:
        Narrative.objects.filter(id=narrative_id).update(story_sig=None)
        return []
    Narrative.objects.filter(id=narrative_id).update(story_sig=stories.to_bytes(found.signature))
    StoryBand.objects.bulk_create(
        [StoryBand(key=k, narrative_id=narrative_id) for k in set(found.bands)]
    )
    return story_candidates(signature=found.signature, bands=found.bands, exclude=narrative_id)


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
