"""Responses: drafted from templates with the cited fact-check's label, sent for approval,
approved by a person above the author, and published: a kit for the affected units' volunteers
(one call to `content.services.response_kit_publish`), our own fact-check, and the official
accounts where switched on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area as _require
from sampark.content import services as content_services
from sampark.content.services import ContentError
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck import services as factcheck_services
from sampark.geo import scope
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.enums import ConsentPurpose
from sampark.warroom import audit, official
from sampark.warroom.enums import EventKind, IncidentState, Language, ResponseState
from sampark.warroom.errors import WarroomError
from sampark.warroom.labels import labels_for, publisher_of, verdict_word
from sampark.warroom.models import Incident, Response, ResponseTemplate
from sampark.warroom.services.base import incident_locked, incident_move

if TYPE_CHECKING:
    from sampark.factcheck.models import FactCheck

PLACEHOLDER = re.compile(r"\{(claim|verdict|factcheck_url|publisher)\}")


def _locked_response(response_id: int) -> Response:
    return (
        # `of=("self",)`: PostgreSQL cannot lock the nullable side of the outer joins.
        Response.objects.select_for_update(of=("self",))
        .select_related("incident__unit", "fact_check", "author", "approver")
        .get(id=response_id)
    )


# --- the templates' placeholders and the cited fact-check ---------------------------------------


def fill_template(*, body: str, claim: str, fact_check: FactCheck | None, language: str) -> str:
    """Replace the four placeholders; anything else in braces is left as written."""
    values = {
        "claim": claim.strip(),
        "verdict": verdict_word(fact_check, language) if fact_check else "",
        "factcheck_url": fact_check.url if fact_check else "",
        "publisher": publisher_of(fact_check) if fact_check else "",
    }
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], body)


def _citable(fact_check_id: int | None) -> FactCheck | None:
    if fact_check_id is None:
        return None
    fact_check = factcheck_selectors.factcheck_find(factcheck_id=fact_check_id)
    if fact_check is None:
        raise WarroomError(_("That fact-check does not exist."))
    if fact_check.is_own_response:
        raise WarroomError(_("Cite a third-party fact-check, not one of our own responses."))
    return fact_check


def _best_citable(incident: Incident) -> FactCheck | None:
    """The incident's best match, when it is still there and not one of our own responses."""
    if not incident.matches:
        return None
    best = factcheck_selectors.factcheck_find(
        factcheck_id=int(incident.matches[0]["fact_check_id"])
    )
    return best if best is not None and not best.is_own_response else None


def _template(template_id: int, *, user: User, language: str) -> ResponseTemplate:
    root = user.unit
    template = (
        ResponseTemplate.objects.select_related("unit").filter(id=template_id, active=True).first()
    )
    if (
        template is None
        or root is None
        or (template.unit is not None and not scope.contains(root, template.unit))
    ):
        raise WarroomError(_("That template is not available."))
    if template.language != language:
        raise WarroomError(_("That template is in the other language."))
    return template


# --- draft, edit, submit ------------------------------------------------------------------------


def response_draft(
    *,
    incident_id: int,
    author: User,
    fact_check_id: int | None = None,
    template_hi_id: int | None = None,
    template_en_id: int | None = None,
    text_hi: str = "",
    text_en: str = "",
    language: str = Language.HINDI,
) -> Response:
    """Start a response; templates fill {claim} {verdict} {factcheck_url} {publisher}.

    Without a fact-check id the incident's best match is cited. The label is set from the cited
    fact-check and stays in front of the texts wherever they go.
    """
    if language not in Language.values:
        raise WarroomError(_("Unknown language."))
    with transaction.atomic():
        incident = incident_locked(incident_id)
        _require(author, Capability.TRIAGE, incident.unit)
        if incident.state == IncidentState.CLOSED:
            raise WarroomError(_("This incident is closed."))
        fact_check = (
            _citable(fact_check_id) if fact_check_id is not None else _best_citable(incident)
        )
        claim = incident.claim or incident.title
        if template_hi_id:
            body = _template(template_hi_id, user=author, language=Language.HINDI).body
            text_hi = fill_template(
                body=body, claim=claim, fact_check=fact_check, language=Language.HINDI
            )
        if template_en_id:
            body = _template(template_en_id, user=author, language=Language.ENGLISH).body
            text_en = fill_template(
                body=body, claim=claim, fact_check=fact_check, language=Language.ENGLISH
            )
        label_hi, label_en = labels_for(fact_check) if fact_check else ("", "")
        response = Response.objects.create(
            incident=incident,
            author=author,
            language=language,
            text_hi=text_hi.strip(),
            text_en=text_en.strip(),
            fact_check=fact_check,
            label_hi=label_hi,
            label_en=label_en,
        )
        if incident.state in (IncidentState.NEW, IncidentState.TRIAGED):
            incident_move(incident, IncidentState.RESPONDING, actor=author)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_DRAFTED,
            actor=author,
            data={"response": response.id, "fact_check": fact_check.id if fact_check else None},
        )
    return response


def response_update(
    *,
    response_id: int,
    actor: User,
    text_hi: str,
    text_en: str,
    fact_check_id: int | None,
    language: str = Language.HINDI,
) -> Response:
    """Edit a draft (or a response sent back, which becomes a draft again); author only."""
    if language not in Language.values:
        raise WarroomError(_("Unknown language."))
    with transaction.atomic():
        response = _locked_response(response_id)
        incident = response.incident
        _require(actor, Capability.TRIAGE, incident.unit)
        if response.author_id != actor.id:
            raise PermissionDenied(_("Only the author edits a response."))
        if response.state not in (ResponseState.DRAFT, ResponseState.REJECTED):
            raise WarroomError(_("Only a draft can be changed."))
        fact_check = _citable(fact_check_id)
        response.text_hi = text_hi.strip()
        response.text_en = text_en.strip()
        response.language = language
        response.fact_check = fact_check
        response.label_hi, response.label_en = labels_for(fact_check) if fact_check else ("", "")
        response.state = ResponseState.DRAFT
        response.updated_at = timezone.now()
        response.save()
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_EDITED,
            actor=actor,
            data={"response": response.id},
        )
    return response


def response_submit(*, response_id: int, actor: User) -> Response:
    """Draft → awaiting approval; needs a cited fact-check and a text in its language."""
    with transaction.atomic():
        response = _locked_response(response_id)
        incident = incident_locked(response.incident_id)
        _require(actor, Capability.TRIAGE, incident.unit)
        if response.author_id != actor.id:
            raise PermissionDenied(_("Only the author sends a response for approval."))
        if response.state not in (ResponseState.DRAFT, ResponseState.REJECTED):
            raise WarroomError(_("Only a draft can be sent for approval."))
        if response.fact_check is None:
            raise WarroomError(_("Cite a fact-check first."))
        own = response.text_en if response.language == Language.ENGLISH else response.text_hi
        if not own.strip():
            raise WarroomError(_("Write the response in its language first."))
        response.label_hi, response.label_en = labels_for(response.fact_check)
        response.state = ResponseState.AWAITING_APPROVAL
        response.submitted_at = timezone.now()
        response.review_note = ""
        response.save()
        if incident.state in (
            IncidentState.NEW,
            IncidentState.TRIAGED,
            IncidentState.RESPONDING,
        ):
            incident_move(incident, IncidentState.AWAITING_APPROVAL, actor=actor)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_SUBMITTED,
            actor=actor,
            data={"response": response.id},
        )
    return response


# --- approval -----------------------------------------------------------------------------------


def can_approve(*, user: User, response: Response) -> bool:
    """ "A role above the author": may approve responses, is not the author, and the incident's
    unit lies in the user's subtree."""
    root = user.unit
    return (
        user.can(Capability.APPROVE_RESPONSES)
        and user.id != response.author_id
        and root is not None
        and scope.contains(root, response.incident.unit)
    )


def _check_approver(actor: User, response: Response) -> None:
    if actor.id == response.author_id:
        raise PermissionDenied(_("A response must be approved by someone other than its author."))
    if not can_approve(user=actor, response=response):
        raise PermissionDenied(_("Your role may not approve responses here."))


def response_approve(*, response_id: int, actor: User, note: str = "") -> Response:
    """Awaiting approval → approved, by a person above the author (the human approval)."""
    with transaction.atomic():
        response = _locked_response(response_id)
        _check_approver(actor, response)
        if response.state != ResponseState.AWAITING_APPROVAL:
            raise WarroomError(_("Only a response awaiting approval can be approved."))
        response.state = ResponseState.APPROVED
        response.approver = actor
        response.approved_at = timezone.now()
        response.review_note = note.strip()
        response.save()
        audit.incident_event(
            incident=response.incident,
            kind=EventKind.RESPONSE_APPROVED,
            actor=actor,
            data={"response": response.id},
        )
    return response


def response_reject(*, response_id: int, actor: User, note: str) -> Response:
    """Awaiting approval → sent back to the author with a note."""
    if not note.strip():
        raise WarroomError(_("Say what needs to change."))
    with transaction.atomic():
        response = _locked_response(response_id)
        _check_approver(actor, response)
        if response.state != ResponseState.AWAITING_APPROVAL:
            raise WarroomError(_("Only a response awaiting approval can be sent back."))
        incident = incident_locked(response.incident_id)
        response.state = ResponseState.REJECTED
        response.approver = actor
        response.review_note = note.strip()
        response.save()
        if incident.state == IncidentState.AWAITING_APPROVAL:
            incident_move(incident, IncidentState.RESPONDING, actor=actor)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_REJECTED,
            actor=actor,
            data={"response": response.id, "note": note.strip()[:500]},
        )
    return response


# --- publication --------------------------------------------------------------------------------


def distribution_targets(incident: Incident) -> list[int]:
    """Units the kit goes to: the affected districts inside the incident's unit, else the unit."""
    unit = incident.unit
    if unit.level not in (Level.STATE, Level.PC):
        return [unit.id]
    inside = Unit.objects.filter(
        scope.subtree_q(unit), id__in=list(incident.district_ids), level=Level.DISTRICT
    ).values_list("id", flat=True)
    return sorted(inside) or [unit.id]


def response_url(response: Response) -> str:
    """The response's page, as cited by our own fact-check."""
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return base + reverse("warroom:response", kwargs={"response_id": response.id})


def response_publish(*, response_id: int, actor: User) -> Response:
    """Approved → published: a content kit for the affected units' volunteers, the response
    recorded as our own fact-check, and (where switched on) the official accounts.

    Content publishes the kit in one call, as written by the response's author and approved by
    its approver: that approval is the human approval the kit needs, and reviewer ≠ author holds.
    """
    with transaction.atomic():
        response = _locked_response(response_id)
        _check_approver(actor, response)
        if response.state != ResponseState.APPROVED or response.approver is None:
            raise WarroomError(_("Only an approved response can be published."))
        incident = incident_locked(response.incident_id)
        fact_check = response.fact_check
        assert fact_check is not None  # submit requires it
        now = timezone.now()
        targets = distribution_targets(incident)
        try:
            distribution = content_services.response_kit_publish(
                actor=actor,
                author=response.author,
                approver=response.approver,
                approval_note=response.review_note,
                unit=incident.unit,
                title=(_("Response") + ": " + incident.title)[:200],
                text_hi=response.full_text_hi,
                text_en=response.full_text_en,
                tags=["war-room"],
                origin=f"warroom.response:{response.id}",
                target_ids=targets,
                purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
                scheduled_at=now,
            )
        except ContentError as exc:
            raise WarroomError(str(exc)) from exc
        factcheck_services.own_response_publish(
            url=response_url(response),
            claim=incident.claim or incident.title,
            verdict=fact_check.verdict,
            text=response.full_text,
            language=response.language,
            title=incident.title,
            actor=actor,
        )
        response.state = ResponseState.PUBLISHED
        response.published_at = now
        response.content_item_id = distribution.item_id
        response.distribution = distribution
        response.official = {name: {"status": "queued"} for name in official.enabled_accounts()}
        response.official_pending = bool(response.official)
        response.save()
        if incident.state != IncidentState.CLOSED:
            incident_move(incident, IncidentState.PUBLISHED, actor=actor)
        audit.incident_event(
            incident=incident,
            kind=EventKind.RESPONSE_PUBLISHED,
            actor=actor,
            data={
                "response": response.id,
                "item": distribution.item_id,
                "distribution": distribution.id,
                "targets": targets,
                "official": sorted(response.official),
            },
        )
    return response
