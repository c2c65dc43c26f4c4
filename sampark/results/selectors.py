"""Reading results: seats, a unit's results across elections, swing.

Results are public records, yet the per-unit readers take a unit the caller has scoped
(`accounts.selectors.access_unit`), as the strength figures beside them are not public.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.results.enums import Kind
from sampark.results.models import Brief, BriefSubscription, Election, ExportJob, Result

SEAT_LEVEL = {Kind.LS: "pc", Kind.AE: "ac"}


def elections(*, state: str = "UP") -> QuerySet[Election]:
    return Election.objects.filter(state_code=state.upper()).order_by("year", "kind")


def election(*, state: str, year: int, kind: str) -> Election | None:
    return Election.objects.filter(state_code=state.upper(), year=year, kind=kind).first()


def seats(*, state: str, year: int, kind: str) -> dict[str, int] | None:
    """Seats won by each party (most first), or None if the election is not loaded."""
    found = election(state=state, year=year, kind=kind)
    if found is None:
        return None
    winners = Result.objects.filter(election=found, level=SEAT_LEVEL[Kind(kind)]).values_list(
        "winner", flat=True
    )
    counted = Counter(w for w in winners if w)
    return dict(sorted(counted.items(), key=lambda pn: (-pn[1], pn[0])))


@dataclass(frozen=True)
class UnitResult:
    election: str
    year: int
    kind: str
    electors: int | None
    voters: int | None
    total: int
    votes: dict[str, int]
    winner: str
    runner_up: str
    margin: int
    org_party: str
    org_votes: int
    org_margin: int

    def share(self, party: str) -> float:
        return round(100 * self.votes.get(party, 0) / self.total, 2) if self.total else 0.0

    @property
    def turnout_pct(self) -> float | None:
        if not self.electors or self.voters is None:
            return None
        return round(100 * self.voters / self.electors, 2)

    @property
    def margin_pct(self) -> float:
        return round(100 * self.margin / self.total, 2) if self.total else 0.0

    @property
    def org_share(self) -> float:
        return self.share(self.org_party) if self.org_party else 0.0

    @property
    def org_margin_pct(self) -> float:
        return round(100 * self.org_margin / self.total, 2) if self.total else 0.0


def unit_results(*, unit: Unit) -> list[UnitResult]:
    """The unit's result in every loaded election, oldest first, with its swing inputs."""
    rows = (
        Result.objects.filter(unit=unit)
        .select_related("election")
        .order_by("election__year", "election__kind")
    )
    return [
        UnitResult(
            election=str(r.election),
            year=r.election.year,
            kind=r.election.kind,
            electors=r.electors,
            voters=r.voters,
            total=r.total,
            votes=dict(r.votes),
            winner=r.winner,
            runner_up=r.runner_up,
            margin=r.margin,
            org_party=r.election.org_party,
            org_votes=r.org_votes,
            org_margin=r.org_margin,
        )
        for r in rows
    ]


def swing(results: list[UnitResult], party: str) -> list[tuple[str, float | None]]:
    """Change in `party`'s share from each election to the next (points); None for the first."""
    out: list[tuple[str, float | None]] = []
    previous: float | None = None
    for result in results:
        share = result.share(party)
        out.append((result.election, None if previous is None else round(share - previous, 2)))
        previous = share
    return out


def my_briefs(*, user: User, limit: int = 30) -> QuerySet[Brief]:
    """The briefs of the user's role, unit and language, newest first (the brief's history)."""
    from sampark.results.services import role_of

    if user.unit_id is None:
        return Brief.objects.none()
    return Brief.objects.filter(
        role=role_of(user), unit_id=user.unit_id, language=user.preferred_language
    ).order_by("-day")[:limit]


def my_brief(*, user: User, day: dt.date) -> Brief:
    """The user's brief of `day`, else 404 (another unit's or role's brief does not exist)."""
    from sampark.results.services import role_of

    return get_object_or_404(
        Brief.objects.select_related("unit"),
        role=role_of(user),
        unit_id=user.unit_id,
        language=user.preferred_language,
        day=day,
    )


def subscription_of(*, user: User) -> BriefSubscription | None:
    return BriefSubscription.objects.filter(user=user).first()


def my_export(*, user: User, token: str) -> ExportJob:
    """The user's own background export, else 404 (a token alone opens nothing)."""
    return get_object_or_404(ExportJob.objects.select_related("unit"), token=token, user=user)
