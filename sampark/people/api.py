"""HTTP API of the people app (mounted at /api/people/ by sampark.api).

404 outside the caller's subtree, 403 inside it without the capability, 409 when a state
change lost a race, 422 with the validation message for bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import access_unit
from sampark.core.http import request_user as _user
from sampark.core.pagination import Pagination
from sampark.people import audit, selectors, services
from sampark.people.enums import VerifyMethod
from sampark.people.models import Assignment, Person
from sampark.people.schemas import (
    ConsentIn,
    ConsentLedgerOut,
    ConsentOut,
    EndIn,
    EnrolOut,
    ErrorOut,
    OtpConfirmIn,
    OtpConfirmOut,
    OtpSentOut,
    PersonIn,
    PersonOut,
    PositionOut,
)

router = Router(tags=["people"])

ERRORS: dict[int, type[ErrorOut]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@contextmanager
def _service_errors() -> Iterator[None]:
    """Map service exceptions to HTTP: ValidationError -> 422, PermissionDenied -> 403."""
    try:
        yield
    except ValidationError as exc:
        raise HttpError(422, _message(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Forbidden") from exc


def _require(user: User, capability: str) -> None:
    if not user.can(capability):
        raise HttpError(403, "Your role may not do this.")


def _with_positions(user: User, person: Person) -> Person:
    person.scoped_assignments = list(  # type: ignore[attr-defined]
        selectors.person_assignments(user=user, person=person)
    )
    return person


class PhoneAuditedPagination(Pagination):
    """Limit/offset; a page that shows full phone numbers leaves an audit row (issue #12)."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Person],
        pagination: LimitOffsetPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        user = _user(request)
        if user.can(Capability.SEE_PHONES):
            items = list(page[self.items_attribute])  # evaluated once, then serialised
            page[self.items_attribute] = items
            filters = {k: v for k, v in params.items() if k != "ninja_pagination" and v}
            unit_id = params.get("unit_id")
            audit.phones_read(
                actor=user,
                what="api.people.persons",
                rows=len(items),
                filters={**filters, "limit": pagination.limit, "offset": pagination.offset},
                # the endpoint answered 404 before this for a unit outside the user's area
                unit=access_unit(user=user, unit_id=unit_id) if unit_id is not None else None,
            )
        return page


@router.get("/persons", response=list[PersonOut])
@paginate(PhoneAuditedPagination)
def list_persons(
    request: HttpRequest,
    q: str = "",
    unit_id: int | None = None,
    status: str = "",
) -> QuerySet[Person]:
    user = _user(request)
    unit = access_unit(user=user, unit_id=unit_id) if unit_id is not None else None
    return selectors.persons_for_list(user=user, q=q, status=status, unit=unit).order_by("-id")


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request: HttpRequest, person_id: int) -> Person:
    user = _user(request)
    return _with_positions(user, selectors.access_person(user=user, person_id=person_id))


@router.post("/persons", response={200: EnrolOut, 201: EnrolOut, **ERRORS})
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    user = _user(request)
    home_unit = (
        access_unit(user=user, unit_id=payload.home_unit_id)
        if payload.home_unit_id is not None
        else None
    )
    unit = access_unit(user=user, unit_id=payload.unit_id) if payload.unit_id is not None else None
    _require(user, Capability.MANAGE_PEOPLE)
    with _service_errors():
        result = services.person_enrol(
            name=payload.name,
            phone=payload.phone,
            epic=payload.epic,
            date_of_birth=payload.date_of_birth,
            gender=payload.gender,
            languages=payload.languages,
            email=payload.email,
            home_unit=home_unit,
            unit=unit,
            kind_code=payload.kind,
            age_confirmed=payload.age_confirmed,
            consents=[(c.purpose, c.channel) for c in payload.consents],
            notice_version=payload.notice_version,
            source=payload.source[:40] or "api",
            actor=user,
        )
    if not selectors.persons_visible(user=user).filter(id=result.person.id).exists():
        # The phone belongs to someone outside the caller's area: say so, show nothing of them.
        return Status(409, ErrorOut(detail="This phone number is already registered."))
    out = {
        "created": result.created,
        "person": _with_positions(user, result.person),
        "assignment_id": result.assignment.id if result.assignment else None,
        "flags": result.flags,
    }
    return Status(201 if result.created else 200, out)


@router.get("/persons/{person_id}/consents", response={200: ConsentLedgerOut, **ERRORS})
def get_consents(request: HttpRequest, person_id: int) -> ConsentLedgerOut:
    person = selectors.access_person(user=_user(request), person_id=person_id)
    current = selectors.consent_current(person=person)
    return ConsentLedgerOut(
        current=[ConsentOut.of(e) for _key, e in sorted(current.items())],
        events=[ConsentOut.of(e) for e in selectors.consent_ledger(person=person)],
    )


@router.post("/persons/{person_id}/consents", response={201: ConsentOut, **ERRORS})
def post_consent(request: HttpRequest, person_id: int, payload: ConsentIn) -> Status[Any]:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    with _service_errors():
        event = services.consent_record(
            person=person,
            purpose=payload.purpose,
            channel=payload.channel,
            action=payload.action,
            notice_version=payload.notice_version,
            source=payload.source,
            actor=user,
        )
    return Status(201, ConsentOut.of(event))


@router.post("/persons/{person_id}/otp", response={202: OtpSentOut, 503: ErrorOut, **ERRORS})
def send_otp(request: HttpRequest, person_id: int) -> Status[Any]:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    try:
        with _service_errors():
            verification = services.otp_send(person=person, actor=user)
    except services.OtpUnavailable as exc:
        return Status(503, ErrorOut(detail=str(exc)))
    return Status(202, OtpSentOut(expires_at=verification.expires_at))


@router.post("/persons/{person_id}/otp/confirm", response={200: OtpConfirmOut, **ERRORS})
def confirm_otp(request: HttpRequest, person_id: int, payload: OtpConfirmIn) -> Status[Any]:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    if not selectors.can_handle_person(
        user=user, person=person, capability=Capability.MANAGE_PEOPLE
    ):
        raise HttpError(403, "Your role may not do this.")
    if not services.otp_confirm(person=person, code=payload.code):
        return Status(422, ErrorOut(detail="The code is wrong or has expired."))
    positions = list(selectors.person_assignments(user=user, person=person))
    return Status(200, {"confirmed": True, "positions": positions})


def _position(user: User, assignment_id: int) -> Assignment:
    return selectors.access_assignment(user=user, assignment_id=assignment_id)


@router.post("/assignments/{assignment_id}/verify", response={200: PositionOut, **ERRORS})
def verify_assignment(request: HttpRequest, assignment_id: int) -> Status[Any]:
    user = _user(request)
    assignment = _position(user, assignment_id)
    with _service_errors():
        won = services.assignment_verify(
            assignment_id=assignment.id, actor=user, method=VerifyMethod.INCHARGE
        )
    if not won:
        return Status(409, ErrorOut(detail="This position is no longer awaiting verification."))
    return Status(200, _position(user, assignment.id))


@router.post("/assignments/{assignment_id}/end", response={200: PositionOut, **ERRORS})
def end_assignment(request: HttpRequest, assignment_id: int, payload: EndIn) -> Status[Any]:
    user = _user(request)
    assignment = _position(user, assignment_id)
    with _service_errors():
        ended = services.assignment_end(
            assignment_id=assignment.id, actor=user, reason=payload.reason
        )
    if not ended:
        return Status(409, ErrorOut(detail="This position has already ended."))
    return Status(200, _position(user, assignment.id))
