"""Computing the booth strength snapshot from the other apps' selectors (writes in services).

One pass over the state's booths: volunteers from the booth row (kept by people.services),
active groups and members from groups' selector, kits forwarded from content's, the latest
booth-level result of the organisation's party from this app, event check-ins from events',
booth volunteers who passed the training required of them from training's. Everything is a
GROUP BY or a column scan; the per-booth score is folded in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.content import selectors as content_selectors
from sampark.events import selectors as events_selectors
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.groups import selectors as groups_selectors
from sampark.results import strength
from sampark.results.models import BoothStrength, Election, Result
from sampark.training import selectors as training_selectors


def booth_election(*, state: str) -> Election | None:
    """The latest election with booth-level results (the strength is set against it)."""
    for election in Election.objects.filter(state_code=state).order_by("-year", "kind"):
        if Result.objects.filter(election=election, level=Level.BOOTH).exists():
            return election
    return None


def booth_rows(*, state: Unit, now: dt.datetime | None = None) -> Iterator[BoothStrength]:
    """A BoothStrength (unsaved) for every booth of the state."""
    now = now or timezone.now()
    scorer = strength.Scorer.from_settings()
    groups = groups_selectors.booth_tallies(unit=state, now=now)
    kits = content_selectors.forwarded_by_booth(
        unit=state, since=now - dt.timedelta(days=strength.KITS_DAYS)
    )
    events = events_selectors.attended_by_booth(
        unit=state, since=now - dt.timedelta(days=strength.EVENTS_DAYS)
    )
    training = training_selectors.completed_by_booth(unit=state, role=Role.VOLUNTEER)
    election = booth_election(state=state.path)
    results: dict[int, tuple[int, int, int]] = {}
    if election is not None:
        results = {
            r[0]: (r[1], r[2], r[3])
            for r in Result.objects.filter(election=election, level=Level.BOOTH)
            .order_by()
            .values_list("unit_id", "total", "org_votes", "org_margin")
        }
    booths = geo_selectors.booths_under(unit=state).order_by()
    for booth_id, district_id, pc_id, ac_id, volunteers in booths.values_list(
        "id", "district_id", "pc_id", "ac_id", "volunteers"
    ):
        n_groups, members = groups.get(booth_id, (0, 0))
        n_kits = kits.get(booth_id, 0)
        n_events = events.get(booth_id, 0)
        n_training = training.get(booth_id, 0)
        total, org_votes, org_margin = results.get(booth_id, (0, 0, 0))
        has_result = booth_id in results
        yield BoothStrength(
            booth_id=booth_id,
            state_id=state.id,
            district_id=district_id,
            pc_id=pc_id,
            ac_id=ac_id,
            score=round(
                scorer.score(volunteers, n_groups, members, n_kits, n_events, n_training), 2
            ),
            volunteers=volunteers,
            groups=n_groups,
            members=members,
            kits=n_kits,
            events=n_events,
            training=n_training,
            has_result=has_result,
            total=total,
            org_votes=org_votes,
            org_margin=org_margin,
            margin_pct=round(100 * org_margin / total, 2) if has_result and total else None,
            computed_at=now,
        )
