"""Triage: an incident's signals (reach, velocity, watchlist hits, districts, best fact-checks),
its severity 1–4 and its SLA deadline.

Listening's numbers come from `monitoring.selectors.spread_of`, the fact-checks from the matches
listening's matching stage stored (`factcheck.selectors.claim_matches_best`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.permissions import require_in_area as _require
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck.enums import MatchBand, Verdict
from sampark.geo.enums import Level
from sampark.monitoring import selectors as monitoring_selectors
from sampark.warroom import audit
from sampark.warroom.enums import EventKind, IncidentState, Severity
from sampark.warroom.errors import WarroomError
from sampark.warroom.services.base import incident_locked, incident_touch

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.warroom.models import Incident

# Minutes from opening to a published response, per severity (SAMPARK_WARROOM_SLA overrides).
SLA_MINUTES: dict[int, int] = {4: 30, 3: 60, 2: 240, 1: 720}
MATCHES_KEPT = 5
FALSE_VERDICTS = frozenset({Verdict.FALSE, Verdict.MISLEADING, Verdict.PARTLY_FALSE})


def sla_minutes(severity: int) -> int:
    """Minutes the war room has to publish a response at this severity."""
    conf: dict[Any, Any] = getattr(settings, "SAMPARK_WARROOM_SLA", None) or SLA_MINUTES
    value = conf.get(severity, conf.get(str(severity), SLA_MINUTES.get(severity, 720)))
    return int(value)


@dataclass
class Signals:
    reach: int = 0
    velocity: float = 0.0
    watch_hits: int = 0
    district_ids: list[int] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    match_band: str = ""
    match_verdict: str = ""


def severity_for(s: Signals) -> int:
    """Severity 1–4 from the triage signals.

    Points:
    - reach (posts seen): ≥ 1,000 → 2, ≥ 100 → 1;
    - velocity (posts in the last hour): ≥ 50 → 2, ≥ 10 → 1;
    - watchlist hits: ≥ 10 → 2, ≥ 1 → 1;
    - affected districts: ≥ 3 → 1;
    - the best match is the same claim ("auto") and rated false, misleading or partly false
      → 1: a known falsehood is spreading and the answer is ready (low effort), so it goes to
      the front of the queue; rated true → −1 (probably not a rumour).
    Severity = 1 + points // 2, at most 4 (0–1 points low, 6 or more critical).
    """
    points = 0
    points += 2 if s.reach >= 1000 else 1 if s.reach >= 100 else 0
    points += 2 if s.velocity >= 50 else 1 if s.velocity >= 10 else 0
    points += 2 if s.watch_hits >= 10 else 1 if s.watch_hits >= 1 else 0
    points += 1 if len(s.district_ids) >= 3 else 0
    if s.match_band == MatchBand.AUTO and s.match_verdict in FALSE_VERDICTS:
        points += 1
    elif s.match_band == MatchBand.AUTO and s.match_verdict == Verdict.TRUE:
        points -= 1
    return min(Severity.CRITICAL, 1 + max(0, points) // 2)


def signals_of(incident: Incident) -> Signals:
    """The incident's triage signals as they are now."""
    spread = monitoring_selectors.spread_of(
        narrative_id=incident.narrative_id,
        post_id=incident.post_id,
        alert_id=incident.alert_id,
        unit=incident.unit,
    )
    s = Signals(
        reach=spread.reach,
        velocity=spread.velocity,
        watch_hits=spread.watch_hits,
        district_ids=list(spread.district_ids),
    )
    if not s.district_ids:
        unit = incident.unit
        district = unit.id if unit.level == Level.DISTRICT else unit.district_id
        s.district_ids = [district] if district else []
    # An incident opened by hand has no narrative or post to match: it keeps the fact-checks
    # its claim was searched for when it was opened (`incidents.incident_open_manual`).
    manual = incident.narrative_id is None and incident.post_id is None
    s.matches = list(incident.matches or []) if manual else matches_of(incident)
    if s.matches:
        best = s.matches[0]
        s.match_band = best["band"]
        s.match_verdict = factcheck_selectors.factcheck_verdict(factcheck_id=best["fact_check_id"])
    return s


def matches_of(incident: Incident) -> list[dict[str, Any]]:
    """The best fact-checks for the incident, as listening's matching stage stored them for its
    narrative and its post (issue #17: triage reads `ClaimMatch`, it runs no matcher)."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    rows = factcheck_selectors.claim_matches_best(
        narrative_id=incident.narrative_id, post_id=incident.post_id
    )
    for fc_id, score, band in rows:
        if fc_id not in seen:
            seen.add(fc_id)
            out.append({"fact_check_id": fc_id, "score": round(score, 4), "band": band})
    return out[:MATCHES_KEPT]


def triage_apply(incident: Incident, *, actor: User | None, floor: int = 1) -> Incident:
    """Store fresh signals, the severity (at least `floor`) and the SLA deadline; put it on the
    timeline. Caller must hold the incident row lock (or have just created the incident)."""
    s = signals_of(incident)
    severity = max(severity_for(s), floor)
    due = incident.created_at + dt.timedelta(minutes=sla_minutes(severity))
    fields: dict[str, Any] = {
        "reach": s.reach,
        "velocity": s.velocity,
        "watch_hits": s.watch_hits,
        "district_ids": s.district_ids,
        "matches": s.matches,
        "match_band": s.match_band,
        "match_verdict": s.match_verdict,
        "severity": severity,
        "sla_due_at": due,
        "triaged_at": timezone.now(),
    }
    if incident.state == IncidentState.NEW:
        fields["state"] = IncidentState.TRIAGED
    incident_touch(incident, **fields)
    audit.incident_event(
        incident=incident,
        kind=EventKind.TRIAGED,
        actor=actor,
        data={
            "severity": severity,
            "reach": s.reach,
            "velocity": s.velocity,
            "watch_hits": s.watch_hits,
            "districts": len(s.district_ids),
            "match": s.match_band,
            "verdict": s.match_verdict,
        },
    )
    return incident


def incident_triage(*, incident_id: int, actor: User | None) -> Incident:
    """Recompute the incident's signals and severity (and its SLA deadline from them)."""
    with transaction.atomic():
        incident = incident_locked(incident_id)
        if actor is not None:
            _require(actor, Capability.TRIAGE, incident.unit)
        if incident.state == IncidentState.CLOSED:
            raise WarroomError(_("A closed incident is not triaged."))
        # The opener's judgement (manual incidents) stands for what the signals cannot see.
        opened = incident.events.filter(kind=EventKind.OPENED).order_by("id").first()
        floor = int(opened.data.get("severity_floor", 1)) if opened else 1
        return triage_apply(incident, actor=actor, floor=floor)
