"""The data principal's rights (DPDP Act 2023 ss. 11-13): download, correct, withdraw, erase.

Requests are rows (`DataRequest`) with the deadline of DPDP Rules 2025 r. 14(3)
(SAMPARK_GRIEVANCE_DAYS). A download and a consent withdrawal are done at once; a correction
of name or e-mail is applied at once; an erasure waits for the grievance officer
(`request_close`), because it cannot be undone. Other apps' data comes in through the
`people.privacy` registry (docs/privacy.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.models import PhoneCode, User
from sampark.core import audit as core_audit
from sampark.core.env import DEMO_ERASURE_KEY
from sampark.core.models import AuditEvent, Task
from sampark.geo.scope import subtree_q
from sampark.people import privacy, selectors, services, staffing, validation
from sampark.people.enums import ConsentAction, RequestKind, RequestStatus
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    DataRequest,
    ErasedPhone,
    ImportJob,
    Person,
    PhoneVerification,
    RightsCode,
    SignupFlag,
)

CORRECTABLE = ("name", "email")
MASK = "[erased]"


def subject_for(person: Person) -> privacy.Subject:
    """The `privacy.Subject` of a person: id, phone, name, linked user, keyed phone hash."""
    user = User.objects.filter(person=person).only("id").first()
    return privacy.Subject(
        person_id=person.id,
        phone=person.phone,
        names=(person.name,),
        user_id=user.id if user else None,
        phone_hash=privacy.phone_hash(person.phone),
    )


def due_at(received: dt.datetime) -> dt.datetime:
    """When a request received at `received` must be answered (DPDP Rules 2025 r. 14(3))."""
    return received + dt.timedelta(days=int(settings.SAMPARK_GRIEVANCE_DAYS))


def request_open(
    *,
    person: Person,
    kind: str,
    via: str,
    detail: Mapping[str, Any] | None = None,
    actor: User | None = None,
) -> DataRequest:
    """Record a request of the person's (they act themselves when `actor` is None)."""
    if kind not in RequestKind.values:
        raise ValidationError(_("Unknown request."), code="kind_invalid")
    now = timezone.now()
    with transaction.atomic():
        req = DataRequest.objects.create(
            person=person,
            unit=person.home_unit,
            phone_hash=privacy.phone_hash(person.phone),
            kind=kind,
            via=via,
            detail=dict(detail or {}),
            received_at=now,
            due_at=due_at(now),
        )
        _audit(req, verb="datarequest.received", actor=actor)
    return req


def _audit(req: DataRequest, *, verb: str, actor: User | None) -> None:
    core_audit.record(
        verb=verb,
        object_type="datarequest",
        object_id=req.id,
        actor=actor,
        unit_path=req.unit.path if req.unit is not None else "",
        data={"kind": req.kind, "status": req.status, "via": req.via},
    )


def _close(req: DataRequest, *, status: str, outcome: str, actor: User | None) -> None:
    req.status = status
    req.outcome = outcome[:300]
    req.handled_by = actor
    req.handled_at = timezone.now()
    req.detail = {}
    req.save(update_fields=["status", "outcome", "handled_by", "handled_at", "detail"])
    _audit(req, verb=f"datarequest.{status}", actor=actor)


# --- the download ---


def _rows(qs: models.QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
        for row in qs.values(*fields)
    ]


def person_data(*, person: Person) -> dict[str, Any]:
    """Everything Sampark holds about the person: people's tables and every registered app's."""
    subject = subject_for(person)
    data: dict[str, Any] = {
        "person": _rows(
            Person.objects.filter(id=person.id),
            "name",
            "phone",
            "epic",
            "email",
            "gender",
            "date_of_birth",
            "languages",
            "home_unit__name",
            "source",
            "created_at",
        ),
        "positions": _rows(
            Assignment.objects.filter(person=person).order_by("id"),
            "kind__name_en",
            "kind__name_hi",
            "unit__name",
            "status",
            "started_at",
            "ended_at",
        ),
        "consents": _rows(
            ConsentEvent.objects.filter(person=person).order_by("at", "id"),
            "purpose",
            "channel",
            "action",
            "notice_version",
            "source",
            "at",
        ),
        "requests": _rows(
            DataRequest.objects.filter(person=person).order_by("id"),
            "kind",
            "status",
            "received_at",
            "due_at",
            "outcome",
        ),
    }
    if subject.user_id is not None:
        data["account"] = _rows(
            User.objects.filter(id=subject.user_id),
            "username",
            "first_name",
            "last_name",
            "email",
            "preferred_language",
            "date_joined",
            "last_login",
        )
    for name, exporter in sorted(privacy.exporters().items()):
        for table, rows in exporter(subject).items():
            data[f"{name}.{table}"] = rows
    return data


def export_zip(*, data: Mapping[str, Any]) -> bytes:
    """The download as a zip: `data.json` and one CSV per table (UTF-8 with BOM, for Excel)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for table, rows in data.items():
            if not rows:
                continue
            out = io.StringIO()
            columns = list(dict.fromkeys(k for row in rows for k in row))
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(row.get(k)) for k in columns})
            zf.writestr(f"{table}.csv", "\ufeff" + out.getvalue())
    return buf.getvalue()


def _cell(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
    text = "" if value is None else text
    # A cell starting with = + - @ is a formula to spreadsheets: neutralise it.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def download(*, person: Person, via: str, actor: User | None = None) -> dict[str, Any]:
    """Record and answer an access request at once: `person_data` (zip it with `export_zip`)."""
    with transaction.atomic():
        req = request_open(person=person, kind=RequestKind.ACCESS, via=via, actor=actor)
        data = person_data(person=person)
        _close(req, status=RequestStatus.DONE, outcome="downloaded", actor=actor)
    return data


# --- correction and withdrawal ---


def correct(
    *, person: Person, changes: Mapping[str, str], via: str, actor: User | None = None
) -> DataRequest:
    """Apply the person's correction of their name or e-mail at once, recorded as a request.

    The phone is the person's identity here: a new phone is a new sign-up.
    """
    clean: dict[str, str] = {}
    if (name := (changes.get("name") or "").strip()) and name != person.name:
        clean["name"] = validation.normalize_name(name)[:200]
    if "email" in changes and (changes.get("email") or "").strip() != person.email:
        clean["email"] = services._clean_email(changes.get("email") or "")
    if not clean:
        raise ValidationError(_("Nothing to correct."), code="nothing")
    with transaction.atomic():
        req = request_open(person=person, kind=RequestKind.CORRECTION, via=via, actor=actor)
        Person.objects.filter(id=person.id).update(**clean)
        for key, value in clean.items():
            setattr(person, key, value)
        _close(req, status=RequestStatus.DONE, outcome=", ".join(sorted(clean)), actor=actor)
    return req


def withdraw_all(*, person: Person, via: str, actor: User | None = None) -> DataRequest:
    """Withdraw every consent the person has given: new WITHDRAWN rows in the ledger (the
    ledger is never edited), recorded as a request."""
    with transaction.atomic():
        req = request_open(person=person, kind=RequestKind.WITHDRAWAL, via=via, actor=actor)
        n = 0
        for (purpose, channel), event in selectors.consent_current(person=person).items():
            if event.action != ConsentAction.GIVEN:
                continue
            services.consent_record(
                person=person,
                purpose=purpose,
                channel=channel,
                action=ConsentAction.WITHDRAWN,
                notice_version=event.notice_version,
                source=f"rights:{via}",
            )
            n += 1
        _close(req, status=RequestStatus.DONE, outcome=f"withdrawn: {n}", actor=actor)
    return req


def erasure_ask(*, person: Person, via: str) -> DataRequest:
    """The person asks for erasure; the grievance officer carries it out (`request_close`)."""
    open_one = DataRequest.objects.filter(
        person=person, kind=RequestKind.ERASURE, status=RequestStatus.RECEIVED
    ).first()
    return open_one or request_open(person=person, kind=RequestKind.ERASURE, via=via)


def person_requests(*, person: Person) -> models.QuerySet[DataRequest]:
    """The person's own requests, newest first (for their "my data" page)."""
    return DataRequest.objects.filter(person=person).order_by("-id")[:20]


# --- the grievance officer's queue ---


def request_close(*, request_id: int, actor: User, done: bool, outcome: str = "") -> DataRequest:
    """Close an open request: an erasure is carried out when `done`, others are marked."""
    with transaction.atomic():
        req = selectors_access(actor=actor, request_id=request_id, lock=True)
        if not actor.can("handle_grievances"):
            raise PermissionDenied(_("Your role may not do this."))
        if req.status != RequestStatus.RECEIVED:
            raise ValidationError(_("This request is already closed."), code="closed")
        if done and req.kind == RequestKind.ERASURE and req.person is not None:
            report = person_erase(person=req.person, actor=actor, request=req)
            outcome = outcome or f"erased: {report.total} rows"
        status = RequestStatus.DONE if done else RequestStatus.REFUSED
        req.refresh_from_db()
        _close(req, status=status, outcome=outcome, actor=actor)
    return req


def selectors_access(*, actor: User, request_id: int, lock: bool = False) -> DataRequest:
    """The request, if it lies in `actor`'s area (else DoesNotExist → 404, whatever the role:
    outside the area a request does not exist; inside, the role decides, 403)."""
    qs = _requests_in_area(user=actor)
    if lock:
        # Only the request row: PostgreSQL cannot lock the nullable side of the joins.
        qs = qs.select_for_update(of=("self",))
    return qs.get(id=request_id)


def requests_visible(*, user: User) -> models.QuerySet[DataRequest]:
    """Requests the user may handle: those of persons in their subtree (no unit: state only)."""
    if not user.can("handle_grievances"):
        return DataRequest.objects.none()
    return _requests_in_area(user=user)


def _requests_in_area(*, user: User) -> models.QuerySet[DataRequest]:
    qs = DataRequest.objects.select_related("unit", "handled_by")
    if user.is_superuser:
        return qs
    if user.unit is None:
        return qs.none()
    inside = subtree_q(user.unit, field="unit")
    return qs.filter(inside | Q(unit=None)) if user.unit.parent_id is None else qs.filter(inside)


# --- erasure ---


@dataclass
class ErasureReport:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def person_erase(
    *, person: Person, actor: User | None, request: DataRequest | None = None
) -> ErasureReport:
    """Remove the person's personal data from every table and log; keep the keyed phone hash.

    The consent ledger keeps its rows with `person` replaced by the phone hash, so an opt-out
    outlives the person; `ErasedPhone` stops imports and sign-ups from bringing them back.
    """
    _require_own_key()
    subject = subject_for(person)
    report = ErasureReport()
    counts = report.counts
    with transaction.atomic():
        for name, eraser in sorted(privacy.erasers().items()):
            counts[name] = eraser(subject)
        counts.update(_erase_people(person, subject))
        counts.update(_erase_logs(person, subject))
        ErasedPhone.objects.get_or_create(phone_hash=subject.phone_hash)
        person_id = person.id
        person.delete()
        core_audit.record(
            verb="person.erased",
            object_type="person",
            object_id=person_id,
            actor=actor,
            data={"request_id": request.id if request else None, "rows": report.total},
        )
    return report


def _require_own_key() -> None:
    """Outside the demo and DEBUG, no hash is kept under the public demo key: anyone could test
    numbers against it, and setting a key later would let the erased be imported again."""
    if settings.DEBUG or settings.SAMPARK_DEMO:
        return
    if settings.SAMPARK_ERASURE_KEY == DEMO_ERASURE_KEY:
        raise ValidationError(
            _("Set SAMPARK_ERASURE_KEY before erasing anyone (see the README)."), code="key"
        )


def _erase_people(person: Person, subject: privacy.Subject) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts["consents"] = ConsentEvent.objects.filter(person=person).update(
        person=None, phone_hash=subject.phone_hash
    )
    counts["requests"] = DataRequest.objects.filter(person=person).update(
        person=None, detail={}, phone_hash=subject.phone_hash
    )
    booths = set(Assignment.objects.filter(person=person).values_list("unit_id", flat=True))
    counts["assignments"], _ = Assignment.objects.filter(person=person).delete()
    if booths:
        staffing.booth_recount(booth_ids=booths)
    counts["otps"], _ = PhoneVerification.objects.filter(person=person).delete()
    counts["rights_codes"], _ = RightsCode.objects.filter(phone_hash=subject.phone_hash).delete()
    counts["flags"], _ = SignupFlag.objects.filter(person=person).delete()
    counts["flag_details"] = privacy.scrub_text_column(SignupFlag, "detail", subject)
    counts["imports"] = _erase_imports(subject)
    counts["users"] = _erase_user(subject)
    # Phone sign-in codes (accounts, the kernel) name the number in clear for their 5 minutes.
    counts["sign_in_codes"] = PhoneCode.objects.filter(phone__in=subject.phone_forms()).delete()[0]
    return counts


def _erase_user(subject: privacy.Subject) -> int:
    """A volunteer's sign-in account: emptied and closed (other rows may point at it)."""
    if subject.user_id is None:
        return 0
    user = User.objects.get(id=subject.user_id)
    user.username = f"erased-{user.id}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.person = None
    user.set_unusable_password()
    user.save()
    sessions = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(user.id)
    ]
    Session.objects.filter(pk__in=sessions).delete()
    return 1 + len(sessions)


def _erase_imports(subject: privacy.Subject) -> int:
    """Import reports' rows and raw files that hold the person: rows scrubbed, files removed."""
    changed = 0
    for job in ImportJob.objects.exclude(file="").only("id", "file", "errors").iterator():
        if _file_mentions(job.file.name, subject):
            default_storage.delete(job.file.name)
            ImportJob.objects.filter(id=job.id).update(file="")
            changed += 1
    changed += privacy.scrub_json_column(ImportJob, "errors", subject)
    return changed


def _file_mentions(name: str, subject: privacy.Subject) -> bool:
    try:
        with default_storage.open(name, "rb") as fh:
            raw = fh.read()
    except OSError:
        return False
    texts = [raw.decode("utf-8", "replace")]
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                texts = [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
        except (zipfile.BadZipFile, OSError):
            return True  # unreadable: cannot prove it is free of the person
    return any(subject.mentions(t) for t in texts)


def _erase_logs(person: Person, subject: privacy.Subject) -> dict[str, int]:
    """The audit log, the admin log and the task queue: personal text scrubbed, rows kept."""
    person_type = ContentType.objects.get_for_model(Person)
    admin = LogEntry.objects.filter(content_type=person_type, object_id=str(person.id)).update(
        object_repr=MASK, change_message=""
    )
    admin += privacy.scrub_text_column(LogEntry, "object_repr", subject)
    admin += privacy.scrub_text_column(LogEntry, "change_message", subject)
    return {
        "audit": privacy.scrub_json_column(AuditEvent, "data", subject),
        "admin_log": admin,
        "tasks": privacy.scrub_json_column(Task, "payload", subject)
        + privacy.scrub_json_column(Task, "result", subject)
        + privacy.scrub_text_column(Task, "last_error", subject),
    }
