"""Writes of the rule tables: the election calendar, the DND (NCPR) scrub list, certificates.

The two importers keep every good row and report each bad one with its line number and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.core import audit as core_audit
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.validation import normalize_phone
from sampark.rules.errors import RulesError
from sampark.rules.models import Certificate, DndNumber, Election, PollPhase

CALENDAR_COLUMNS = ("election", "phase", "poll_date", "unit")


@dataclass
class Report:
    loaded: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "failed": len(self.errors),
            "errors": [{"line": n, "reason": r} for n, r in self.errors],
        }


def _time(raw: str, default: str) -> dt.time:
    return dt.time.fromisoformat((raw or default).strip())


def calendar_import(*, text: str, state: Unit) -> Report:
    """CSV with columns election, phase, poll_date (YYYY-MM-DD), unit (an AC or PC path or
    code such as `AC173` / `PC17`), and optionally poll_start, poll_end (HH:MM, IST) and
    silence_hours (per election; 48 when absent)."""
    report = Report()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CALENDAR_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append((1, f"missing column(s): {', '.join(missing)}"))
        return report
    units = {
        key: unit
        for unit in Unit.objects.filter(level__in=[Level.AC, Level.PC], state=state)
        for key in (unit.path, unit.code)
    }
    for line, row in enumerate(reader, start=2):
        try:
            with transaction.atomic():
                loaded = _calendar_row(row, state=state, units=units)
        except (ValueError, ValidationError) as exc:
            report.errors.append((line, str(exc)))
            continue
        if loaded:
            report.loaded += 1
        else:
            report.unchanged += 1
    return report


def _calendar_row(row: dict[str, str], *, state: Unit, units: dict[str, Unit]) -> bool:
    name = (row.get("election") or "").strip()
    if not name:
        raise ValueError("election is empty")
    unit = units.get((row.get("unit") or "").strip())
    if unit is None:
        raise ValueError(f"no AC or PC {row.get('unit')!r} in {state.name}")
    try:
        number = int(row["phase"])
        day = dt.date.fromisoformat(row["poll_date"].strip())
        start = _time(row.get("poll_start", ""), "07:00")
        end = _time(row.get("poll_end", ""), "18:00")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad phase, date or time ({exc})") from exc
    if end <= start:
        raise ValueError("poll_end must be after poll_start")
    hours_raw = (row.get("silence_hours") or "").strip()
    election, _created = Election.objects.get_or_create(state=state, name=name)
    if hours_raw:
        hours = int(hours_raw)
        if not 0 < hours <= 96:
            raise ValueError("silence_hours must be between 1 and 96")
        if election.silence_hours != hours:
            election.silence_hours = hours
            election.save(update_fields=["silence_hours"])
    phase, created = PollPhase.objects.get_or_create(
        election=election,
        number=number,
        defaults={"poll_date": day, "poll_start": start, "poll_end": end},
    )
    if not created and (phase.poll_date, phase.poll_start, phase.poll_end) != (day, start, end):
        raise ValueError(
            f"phase {number} of {name} is already on {phase.poll_date}; one date per phase"
        )
    if phase.units.filter(id=unit.id).exists():
        return False
    phase.units.add(unit)
    return True


def dnd_import(*, text: str, source: str) -> Report:
    """One number per line (an operator's NCPR scrub file); blank lines and # comments skipped."""
    report = Report()
    numbers: dict[str, int] = {}
    for line, raw in enumerate(text.splitlines(), start=1):
        value = raw.split(",")[0].strip()
        if not value or value.startswith("#"):
            continue
        try:
            numbers.setdefault(normalize_phone(value), line)
        except ValidationError as exc:
            report.errors.append((line, " ".join(exc.messages)))
    existing = set(
        DndNumber.objects.filter(phone__in=list(numbers)).values_list("phone", flat=True)
    )
    fresh = [DndNumber(phone=p, source=source) for p in numbers if p not in existing]
    DndNumber.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    report.loaded = len(fresh)
    report.unchanged = len(existing)
    return report


def certificate_create(
    *,
    actor: User,
    unit: Unit,
    number: str,
    committee: str,
    content_hash: str,
    issued_on: dt.date,
    valid_until: dt.date | None = None,
) -> Certificate:
    """Record an MCMC pre-certification (for the exact content hash it names)."""
    require_in_area(actor, Capability.MANAGE_COMPLIANCE, unit)
    content_hash = content_hash.strip().lower()
    if len(content_hash) != 64 or any(c not in "0123456789abcdef" for c in content_hash):
        raise RulesError(_("The content hash must be 64 hexadecimal characters."))
    if valid_until is not None and valid_until < issued_on:
        raise RulesError(_("A certificate cannot expire before it is issued."))
    with transaction.atomic():
        cert = Certificate.objects.create(
            unit=unit,
            number=number.strip(),
            committee=committee.strip(),
            content_hash=content_hash,
            issued_on=issued_on,
            valid_until=valid_until,
            created_by=actor,
        )
        core_audit.record(
            verb="certificate.created",
            object_type="certificate",
            object_id=cert.id,
            actor=actor,
            unit_path=unit.path,
            data={"number": cert.number, "hash": content_hash},
        )
    return cert
