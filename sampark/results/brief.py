"""The morning brief's figures for one subscriber's role and unit: the last 24 hours.

Everything is read through the owning app's selectors with the subscriber as the viewer, so the
brief never shows more than the subscriber's pages would: narratives that grew (monitoring),
incidents opened and answered against their SLA (war room), kits sent and forwarded (content),
volunteers and strength today against yesterday (this app's daily unit figures), and the
weak-and-close places that improved or slipped, the events of the next 7 days with registrations
against target (events), and training passes by the subtree's position holders (training; the
section is left out while there are none). The result is plain JSON, stored with the
brief, rendered as page, PDF and mail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from sampark.accounts.models import User
from sampark.content import selectors as content_selectors
from sampark.events import selectors as events_selectors
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import ANCESTOR_FIELD
from sampark.monitoring import selectors as monitoring_selectors
from sampark.results.board import DRILL
from sampark.results.models import UnitStrength
from sampark.training import selectors as training_selectors
from sampark.warroom import selectors as warroom_selectors
from sampark.warroom.enums import SLA_STATES

MOVERS = 5
NARRATIVES = 5
EVENTS_AHEAD_DAYS = 7


def gather(*, user: User, unit: Unit, now: dt.datetime) -> dict[str, Any]:
    """The brief's figures for `user` (whose scope is `unit`) over the 24 hours before `now`."""
    since = now - dt.timedelta(hours=24)
    return {
        "unit": {"id": unit.id, "name": unit.name, "name_hi": unit.name_hi, "level": unit.level},
        "since": since.isoformat(),
        "until": now.isoformat(),
        "narratives": _narratives(user),
        "incidents": _incidents(user, since=since, now=now),
        "kits": content_selectors.kit_counts(unit=unit, since=since),
        "strength": _strength(unit, day=now.date()),
        "movers": _movers(unit, day=now.date()),
        "events": _events(user, now=now),
        "training": _training(unit, since=since),
    }


def _events(user: User, *, now: dt.datetime) -> list[dict[str, Any]]:
    """Events of the next 7 days the subscriber may see, registrations in their subtree
    against their share of the target."""
    return [
        {
            "title": _printable(e.title),
            "unit": e.unit_name,
            "unit_hi": e.unit_name_hi,
            "starts_at": e.starts_at.isoformat(),
            "registered": e.registered,
            "target": e.target,
            "pct": round(100 * e.registered / e.target, 1) if e.target else None,
        }
        for e in events_selectors.events_ahead(user=user, now=now, days=EVENTS_AHEAD_DAYS)
    ]


def _training(unit: Unit, *, since: dt.datetime) -> dict[str, int] | None:
    """Training passes by the subtree's position holders: the last 24 hours and in all; None
    (the section is left out) while nobody there has passed a module."""
    total = training_selectors.completions_under(unit=unit)
    if not total:
        return None
    return {"day": training_selectors.completions_under(unit=unit, since=since), "total": total}


def _narratives(user: User) -> list[dict[str, Any]]:
    if not user.can_listen:
        return []
    return [
        {
            "title": _printable(n.title),
            "posts": n.posts,
            "velocity": round(n.velocity, 1),
            "burst": round(n.burst, 1),
        }
        for n in monitoring_selectors.narratives_accelerating(user=user, limit=NARRATIVES)
    ]


def _printable(text: str) -> str:
    """The text without emoji (the PDF's Noto fonts have none; they would print as boxes)."""
    return "".join(c for c in text if ord(c) < 0x1F000 and c not in "\u23e9\u2b50").strip()


def _incidents(user: User, *, since: dt.datetime, now: dt.datetime) -> dict[str, int] | None:
    if not user.can_warroom:
        return None
    found = (
        warroom_selectors.incidents_visible(user=user)
        .filter(created_at__gte=since)
        .aggregate(
            opened=Count("id"),
            answered=Count("id", filter=~Q(state__in=SLA_STATES)),
            overdue=Count("id", filter=Q(state__in=SLA_STATES, sla_due_at__lte=now)),
        )
    )
    return {k: int(v or 0) for k, v in found.items()}


def _day_pair(
    unit_ids: list[int], day: dt.date
) -> tuple[dict[int, UnitStrength], dict[int, UnitStrength]]:
    """Each unit's figures on `day` and on the latest earlier day that has them."""
    today = {s.unit_id: s for s in UnitStrength.objects.filter(unit_id__in=unit_ids, day=day)}
    before: dict[int, UnitStrength] = {}
    for s in UnitStrength.objects.filter(unit_id__in=unit_ids, day__lt=day).order_by(
        "unit_id", "-day"
    ):
        before.setdefault(s.unit_id, s)
    return today, before


def _strength(unit: Unit, *, day: dt.date) -> dict[str, Any] | None:
    today, before = _day_pair([unit.id], day)
    now = today.get(unit.id)
    if now is None:
        return None
    then = before.get(unit.id)
    return {
        "booths": now.booths,
        "score": now.score,
        "volunteers": now.volunteers,
        "weak_close": now.weak_close,
        "score_change": round(now.score - then.score, 2) if then else None,
        "volunteers_change": now.volunteers - then.volunteers if then else None,
        "weak_close_change": now.weak_close - then.weak_close if then else None,
    }


def _movers(unit: Unit, *, day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Children (districts or ACs) whose weak-and-close booths fell or rose most since the
    previous day's figures."""
    level = next((lvl for lvl in DRILL.get(unit.level, ()) if lvl != Level.BOOTH), None)
    if level is None:
        return {"improved": [], "slipped": []}
    column = f"{ANCESTOR_FIELD[unit.level]}_id"
    children = dict(Unit.objects.filter(level=level, **{column: unit.id}).values_list("id", "name"))
    today, before = _day_pair(list(children), day)
    changes: list[dict[str, Any]] = []
    for unit_id, now in today.items():
        then = before.get(unit_id)
        if then is None:
            continue
        changes.append(
            {
                "id": unit_id,
                "name": children[unit_id],
                "weak_close": now.weak_close,
                "change": now.weak_close - then.weak_close,
                "score_change": round(now.score - then.score, 2),
            }
        )
    improved = sorted((c for c in changes if c["change"] < 0), key=lambda c: c["change"])
    slipped = sorted((c for c in changes if c["change"] > 0), key=lambda c: -c["change"])
    return {"improved": improved[:MOVERS], "slipped": slipped[:MOVERS]}
