"""Reads for recruitment drives: the unit a public link names, the booths a sign-up may pick,
a volunteer's referral figures, and a unit's progress against its target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import CHILD_LEVEL, Level
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q
from sampark.people import selectors as people_selectors
from sampark.recruit.links import JoinTarget, read_token
from sampark.recruit.models import Referral

# Levels whose booths are few enough to pick from a list on a phone (a sector has ~10, a
# mandal ~50); from an AC up, the sign-up gives the AC and the booth's part number.
PICK_LEVELS = (Level.SECTOR, Level.MANDAL)


def join_target(*, token: str) -> tuple[JoinTarget, Unit]:
    """The unit (and referrer) of a public join link; 404 for a bad token or a gone unit."""
    target = read_token(token)
    if target is None:
        raise Http404
    unit = Unit.objects.filter(id=target.unit_id).first()
    if unit is None:
        raise Http404
    return target, unit


def booths_to_pick(*, unit: Unit) -> QuerySet[Unit]:
    """The booths listed on the join page of a sector or mandal, by part number."""
    return Unit.objects.filter(subtree_q(unit), level=Level.BOOTH).order_by("number", "path")


def acs_to_pick(*, unit: Unit) -> QuerySet[Unit]:
    """The ACs a sign-up chooses from on the join page of a district, PC or the state."""
    return Unit.objects.filter(subtree_q(unit), level=Level.AC).order_by("number")


def booth_in(
    *, unit: Unit, booth_id: int | None = None, ac_id: int | None = None, part: int | None = None
) -> Unit | None:
    """The booth a sign-up chose, only if it lies under the drive's unit."""
    booths = Unit.objects.filter(subtree_q(unit), level=Level.BOOTH)
    if unit.level == Level.BOOTH:
        return unit
    if booth_id is not None:
        return booths.filter(id=booth_id).first()
    if part is None:
        return None
    if unit.level == Level.AC:
        return booths.filter(ac_id=unit.id, number=part).first()
    if ac_id is None:
        return None
    return booths.filter(ac_id=ac_id, number=part).first()


@dataclass(frozen=True, slots=True)
class ReferralStats:
    brought: int
    verified: int


def referral_stats(*, person_id: int) -> ReferralStats:
    """How many sign-ups the volunteer's link brought, and how many of them are verified."""
    ids = list(Referral.objects.filter(referrer_id=person_id).values_list("person_id", flat=True))
    verified = people_selectors.verified_person_ids(person_ids=ids) if ids else set()
    return ReferralStats(brought=len(ids), verified=len(verified))


def referrals_in(*, unit: Unit) -> int:
    """Sign-ups brought by personal links to booths of the unit's subtree."""
    return Referral.objects.filter(subtree_q(unit, field="unit")).count()


@dataclass(frozen=True, slots=True)
class Progress:
    unit: Unit
    target: int | None
    due: date | None
    verified: int

    @property
    def percent(self) -> float:
        if not self.target:
            return 0.0
        return min(100.0, round(100.0 * self.verified / self.target, 1))


def progress(*, user: User, unit_id: int) -> tuple[Progress, list[Progress]]:
    """The unit's progress against its target and its children's (404 outside the user's
    area). Verified = the booths' verified volunteers (D3); a unit with no target has none."""
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    children = list(geo_selectors.children(unit=unit).filter(account_selectors.scope_q(user=user)))
    child_level = CHILD_LEVEL.get(unit.level)
    if child_level == Level.BOOTH:
        verified = {c.id: c.volunteers for c in children}
    elif child_level is not None:
        verified = geo_selectors.verified_by_child(unit=unit, child_level=child_level)
    else:
        verified = {}
    targets = geo_selectors.recruitment_targets(unit_ids=[unit.id, *(c.id for c in children)])

    def row(u: Unit, done: int) -> Progress:
        t = targets.get(u.id)
        return Progress(
            unit=u, target=t.volunteers if t else None, due=t.due if t else None, verified=done
        )

    own = unit.volunteers if unit.level == Level.BOOTH else geo_selectors.verified_in(unit=unit)
    return row(unit, own), [row(c, verified.get(c.id, 0)) for c in children]
