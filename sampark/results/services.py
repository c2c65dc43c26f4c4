"""Writing results: `import_results` reads a folder, matches units and replaces each election.

Idempotent: an election's rows are replaced in one transaction (no URL names a result row, so
their ids need not survive). Units missing from the tree and bad rows are reported as
`file:line: reason` and skipped. Roll-ups the files do not carry are summed here: AC from
booths, district from ACs, state from PCs (Lok Sabha) or ACs (assembly).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Q, Sum
from django.utils import timezone

from sampark.accounts.models import User
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.enums import ConsentPurpose
from sampark.results import audit, briefing, exports, parties, snapshot, strength
from sampark.results import board as boards
from sampark.results import brief as brief_data
from sampark.results.models import (
    BoothStrength,
    Brief,
    BriefSend,
    BriefSubscription,
    Election,
    ExportJob,
    Result,
    UnitStrength,
)
from sampark.results.reading import ElectionData, Key, Tally, read_dir
from sampark.rules import selectors as rules_selectors
from sampark.rules.enums import Channel

BATCH = 5000


@dataclass
class ImportReport:
    elections: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "elections": self.elections,
            "problems": self.problems,
            "seconds": round(self.seconds, 1),
        }


def org_party() -> str:
    """The organisation's party, normalised (settings.RESULTS_ORG_PARTY; "" for none)."""
    raw = str(getattr(settings, "RESULTS_ORG_PARTY", "") or "")
    return parties.normalise(raw) if raw.strip() else ""


@dataclass
class _Units:
    """Unit ids of the state's tree by the numbers the files use."""

    state_id: int
    state_path: str
    pc: dict[int, int]
    ac: dict[int, int]
    ac_district: dict[int, int | None]
    booth: dict[tuple[int, int], int]


def _units(state_code: str) -> _Units | None:
    state = geo_selectors.unit_by_path(path=state_code)
    if state is None:
        return None
    pcs = dict(geo_selectors.units_at(unit=state, level=Level.PC).values_list("number", "id"))
    acs = list(
        geo_selectors.units_at(unit=state, level=Level.AC).values_list(
            "number", "id", "district_id"
        )
    )
    ac_no = {ac_id: number for number, ac_id, _ in acs if number is not None}
    booths = {
        (ac_no[ac_id], number): booth_id
        for booth_id, ac_id, number in geo_selectors.booths_under(unit=state)
        .order_by()
        .values_list("id", "ac_id", "number")
        if ac_id in ac_no and number is not None
    }
    return _Units(
        state_id=state.id,
        state_path=state.path,
        pc={n: i for n, i in pcs.items() if n is not None},
        ac={n: i for n, i, _ in acs if n is not None},
        ac_district={n: d for n, _, d in acs if n is not None},
        booth=booths,
    )


def import_results(*, data_dir: Path, state: str = "UP", party: str | None = None) -> ImportReport:
    """Read every results file of `state` in `data_dir` and replace its elections."""
    started = time.perf_counter()
    report = ImportReport()
    units = _units(state.upper())
    if units is None:
        report.problems.append(f"{data_dir}:0: no {state.upper()} tree; run `sampark geo import`")
        return report
    reading = read_dir(Path(data_dir), state=state)
    report.problems.extend(reading.problems)
    chosen = org_party() if party is None else parties.normalise(party)
    for (st, year, kind), data in sorted(reading.elections.items()):
        rows = _results(data, units=units, party=chosen, problems=report.problems)
        with transaction.atomic():
            election, _ = Election.objects.update_or_create(
                state_code=st,
                year=year,
                kind=kind,
                defaults={"org_party": chosen, "sources": data.sources},
            )
            Result.objects.filter(election=election).delete()
            for row in rows:
                row.election = election
            Result.objects.bulk_create(rows, batch_size=BATCH)
            counts = dict(Counter(str(r.level) for r in rows))
            audit.results_imported(election=election, state_path=units.state_path, counts=counts)
        report.elections[str(election)] = counts
    report.seconds = time.perf_counter() - started
    return report


def _results(data: ElectionData, *, units: _Units, party: str, problems: list[str]) -> list[Result]:
    """One Result per unit the files (and the sums of them) cover."""
    by_level: dict[str, dict[int, Tally]] = {}
    lookups: dict[str, dict[Key, int]] = {
        Level.BOOTH: {(a, p): i for (a, p), i in units.booth.items()},
        Level.AC: {(n,): i for n, i in units.ac.items()},
        Level.PC: {(n,): i for n, i in units.pc.items()},
    }
    for level, read in data.tallies.items():
        found = by_level.setdefault(level, {})
        for key, tally in read.items():
            unit_id = lookups[level].get(key)
            if unit_id is None:
                problems.append(f"{tally.line}: no {level} {'/'.join(map(str, key))} in the tree")
                continue
            turnout = data.turnout.get(level, {}).get(key)
            if turnout is not None:
                tally.electors = turnout.electors if tally.electors is None else tally.electors
                tally.voters = turnout.voters if tally.voters is None else tally.voters
            found[unit_id] = tally
    _roll_up(data, by_level=by_level, units=units)
    rows: list[Result] = []
    for level, unit_tallies in by_level.items():
        rows.extend(
            _result(level, unit_id, tally, party) for unit_id, tally in unit_tallies.items()
        )
    return rows


def _roll_up(data: ElectionData, *, by_level: dict[str, dict[int, Tally]], units: _Units) -> None:
    booths = data.tallies.get(Level.BOOTH, {})
    if booths and not data.tallies.get(Level.AC):
        acs = by_level.setdefault(Level.AC, {})
        for (ac_no, _part), tally in booths.items():
            if (ac_id := units.ac.get(ac_no)) is not None:
                acs.setdefault(ac_id, Tally()).add(tally)
    district_of = {units.ac[n]: d for n, d in units.ac_district.items() if n in units.ac}
    if by_level.get(Level.AC):
        districts = by_level.setdefault(Level.DISTRICT, {})
        for ac_id, tally in by_level[Level.AC].items():
            if (district_id := district_of.get(ac_id)) is not None:
                districts.setdefault(district_id, Tally()).add(tally)
    top = Level.PC if data.kind == "ls" and by_level.get(Level.PC) else Level.AC
    if by_level.get(top):
        state = Tally()
        for tally in by_level[top].values():
            state.add(tally)
        by_level[Level.STATE] = {units.state_id: state}


def _result(level: str, unit_id: int, tally: Tally, party: str) -> Result:
    pool = tally.candidates or [(v, p) for p, v in tally.votes.items()]
    contenders = sorted(
        ((v, p) for v, p in pool if p not in parties.NOT_CONTENDERS and v > 0),
        key=lambda vp: (-vp[0], vp[1]),
    )
    winner = contenders[0] if contenders else (0, "")
    runner = contenders[1] if len(contenders) > 1 else (0, "")
    org_votes = tally.votes.get(party, 0) if party else 0
    rival = next((v for v, p in contenders if p != party), 0)
    return Result(
        unit_id=unit_id,
        level=level,
        electors=tally.electors,
        voters=tally.voters,
        total=sum(tally.votes.values()),
        votes=dict(sorted(tally.votes.items(), key=lambda pv: -pv[1])),
        winner=winner[1],
        winner_votes=winner[0],
        runner_up=runner[1],
        runner_up_votes=runner[0],
        org_votes=org_votes,
        org_margin=org_votes - rival if party else 0,
    )


def refresh_strength(*, state: str = "UP", now: dt.datetime | None = None) -> int:
    """Rewrite the booth strength snapshot of `state` and today's unit figures; returns the
    booths written (0 without a tree). Idempotent: a second run the same day replaces both."""
    root = geo_selectors.unit_by_path(path=state.upper())
    if root is None:
        return 0
    now = now or timezone.now()
    rows = list(snapshot.booth_rows(state=root, now=now))
    with transaction.atomic():
        BoothStrength.objects.filter(state_id=root.id).delete()
        BoothStrength.objects.bulk_create(rows, batch_size=BATCH)
        _unit_day(root, day=timezone.localdate(now))
    return len(rows)


def _unit_day(root: Unit, *, day: dt.date) -> None:
    """Today's score of the state and each district, PC and AC (from the new snapshot)."""
    close, weak = strength.close_pct(), strength.weak_score()
    weak_close = Q(score__lt=weak, margin_pct__gte=-close, margin_pct__lte=close)
    stats = {
        "n_booths": Count("booth_id"),
        "avg_score": Avg("score"),
        "sum_volunteers": Sum("volunteers"),
        "n_weak_close": Count("booth_id", filter=weak_close),
        "sum_groups": Sum("groups"),
        "sum_members": Sum("members"),
        "sum_kits": Sum("kits"),
        "latest": Max("computed_at"),
    }
    snap = BoothStrength.objects.filter(state_id=root.id).order_by()
    rows = [
        UnitStrength(
            day=day, unit_id=root.id, level=Level.STATE, **_figures(snap.aggregate(**stats))
        )
    ]
    for level in (Level.DISTRICT, Level.PC, Level.AC):
        column = f"{level}_id"
        for found in snap.values(column).annotate(**stats):
            if found[column] is not None:
                rows.append(
                    UnitStrength(day=day, unit_id=found[column], level=level, **_figures(found))
                )
    UnitStrength.objects.filter(day=day, unit__state_id=root.id).delete()
    UnitStrength.objects.filter(day=day, unit_id=root.id).delete()
    UnitStrength.objects.bulk_create(rows, batch_size=BATCH)


def _figures(found: dict[str, object]) -> dict[str, object]:
    return {
        "booths": found["n_booths"] or 0,
        "score": round(float(found["avg_score"] or 0.0), 2),  # type: ignore[arg-type]
        "volunteers": found["sum_volunteers"] or 0,
        "weak_close": found["n_weak_close"] or 0,
        "groups": found["sum_groups"] or 0,
        "members": found["sum_members"] or 0,
        "kits": found["sum_kits"] or 0,
        "computed_at": found["latest"],
    }


def subscribe_brief(*, user: User, email: bool = True, active: bool = True) -> BriefSubscription:
    found, _ = BriefSubscription.objects.update_or_create(
        user=user, defaults={"email": email, "active": active}
    )
    return found


def role_of(user: User) -> str:
    """The role a brief is written for: the user's first role by name (stable)."""
    names = sorted(user.role_names)
    return names[0] if names else "user"


def brief_for(*, user: User, now: dt.datetime | None = None) -> Brief | None:
    """Today's brief for the user's role, unit and language; written once per day (idempotent:
    a second call, or a second subscriber of the same role and unit, gets the same row)."""
    if user.unit_id is None:
        return None
    now = now or timezone.now()
    day = timezone.localdate(now)
    unit = user.unit
    assert unit is not None
    key = {
        "role": role_of(user),
        "unit_id": unit.id,
        "day": day,
        "language": user.preferred_language,
    }
    found = Brief.objects.filter(**key).first()
    if found is not None:
        return found
    started = time.perf_counter()
    data = brief_data.gather(user=user, unit=unit, now=now)
    brief = Brief(**key, data=data)
    brief.pdf = briefing.pdf_bytes(brief, unit)
    brief.seconds = round(time.perf_counter() - started, 2)
    try:
        with transaction.atomic():
            brief.save()
    except IntegrityError:  # another worker wrote it first
        return Brief.objects.get(**key)
    return brief


def send_brief(*, brief: Brief, user: User, url: str, now: dt.datetime | None = None) -> BriefSend:
    """E-mail the brief to one subscriber once; the sending rules decide at this moment."""
    existing = BriefSend.objects.filter(brief=brief, user=user).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    reason = ""
    if not user.email:
        reason = "no e-mail address"
    elif user.person_id is None:
        reason = "no person record to check consent"
    else:
        recipient = rules_selectors.recipients(person_ids=[user.person_id]).get(user.person_id)
        verdict = (
            rules_selectors.check(
                recipient=recipient,
                channel=Channel.EMAIL,
                purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
                at=now,
            )
            if recipient is not None
            else None
        )
        reason = "no recipient" if verdict is None else verdict.reason
    status = "held" if reason else "sent"
    if not reason:
        unit = brief.unit
        briefing.email(brief, unit, to=user.email, url=url, user_id=user.id).send()
    return BriefSend.objects.create(brief=brief, user=user, status=status, reason=reason)


def morning_briefs(*, now: dt.datetime | None = None, url_of: Callable[[Brief], str]) -> int:
    """Today's brief for every active subscriber (page + PDF), e-mailed to those who asked."""
    now = now or timezone.now()
    done = 0
    subscriptions = BriefSubscription.objects.filter(active=True).select_related(
        "user", "user__unit"
    )
    for sub in subscriptions:
        brief = brief_for(user=sub.user, now=now)
        if brief is None:
            continue
        if sub.email:
            send_brief(brief=brief, user=sub.user, url=url_of(brief), now=now)
        done += 1
    return done


def export_request(*, user: User, unit: Unit, which: str, fmt: str) -> ExportJob:
    """Queue a background export of one list of the unit's page (the worker writes it)."""
    board = boards.build(unit=unit)
    return ExportJob.objects.create(
        token=secrets.token_hex(16),
        user=user,
        unit=unit,
        which=which,
        fmt=fmt,
        total=exports.count(board, which),
    )


def run_exports(*, limit: int = 1) -> int:
    """Write up to `limit` queued exports, saving the progress every chunk of rows."""
    done = 0
    for job in ExportJob.objects.filter(status="queued").order_by("created_at")[:limit]:
        claimed = ExportJob.objects.filter(id=job.id, status="queued").update(status="running")
        if not claimed:
            continue

        def progress(n: int, job_id: int = job.id) -> None:
            ExportJob.objects.filter(id=job_id).update(done=n)

        try:
            board = boards.build(unit=job.unit)
            content = exports.write_bytes(board, job.which, job.fmt, progress)
        except Exception as exc:
            ExportJob.objects.filter(id=job.id).update(status="failed", error=str(exc)[:200])
            continue
        ExportJob.objects.filter(id=job.id).update(
            status="done", content=content, done=job.total, finished_at=timezone.now()
        )
        done += 1
    return done
