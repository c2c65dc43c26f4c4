"""Invitations to sign in by phone, sent to the people of a finished import job (issue #13).

An invitation is a distribution of kind `invite`: its audience is the people the job created
(`Distribution.import_job`), not position holders, and its text is a content item kept out of
the library (`origin` "invite:<job>"). It leaves through the same outbox and sender as a kit,
so the sending rules (`sampark.rules`, purpose "operations") are asked as each message leaves.

At expansion each person gets one channel: Telegram when they connected the bot and consented
to it, else the channel the in-charge chose (SMS within the DLT template, or e-mail) when they
consented to that. Someone with neither consent gets a `skipped` row: counted and listed on the
progress page, never claimed by the sender.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.content import audit, selectors
from sampark.content.enums import (
    INVITE_ORIGIN,
    Channel,
    DeliveryStatus,
    DistributionKind,
    ItemState,
)
from sampark.content.models import ChannelPreference, ContentItem, Delivery, Distribution
from sampark.core import tasks
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentAction, ConsentPurpose
from sampark.rules.enums import HoldReason

# The channels an in-charge may choose for those not connected on Telegram.
CHOICES = (Channel.SMS, Channel.EMAIL)
PURPOSE = ConsentPurpose.OPERATIONS


class InvitationError(ValueError):
    """A refused invitation, with a message meant for the user."""


def sms_template() -> str:
    """The MSG91 template entry (or DLT id) of the invitation SMS: unit name, link."""
    return str(getattr(settings, "SAMPARK_INVITE_SMS_TEMPLATE", "invite"))


def login_url() -> str:
    site = str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return site + reverse("phone_login")


def invitation_create(*, actor: User, job_id: int, channel: str) -> Distribution:
    """Invite the people of a finished import job in the actor's subtree (404 outside it)."""
    job = people_selectors.access_finished_import_job(user=actor, job_id=job_id)
    require_in_area(actor, Capability.DISTRIBUTE, job.scope)
    if channel not in CHOICES:
        raise InvitationError(_("Choose SMS or e-mail."))
    unit = job.scope
    name = unit.name_hi or unit.name
    url = login_url()
    with transaction.atomic():
        item = ContentItem.objects.create(
            unit=unit,
            title=name[:200],
            text_hi=f"{name} की आईटी सेल टीम आपको सम्पर्क में बुला रही है। "
            f"अपने फ़ोन नंबर से साइन इन करें: {url}",
            text_en=f"The {unit.name} IT cell invites you to Sampark. "
            f"Sign in with your phone number: {url}",
            state=ItemState.SENT,
            author=actor,
            origin=f"{INVITE_ORIGIN}{job.id}",
        )
        distribution = Distribution.objects.create(
            item=item,
            kind=DistributionKind.INVITE,
            unit=unit,
            purpose=PURPOSE,
            import_job_id=job.id,
            invite_channel=channel,
            created_by=actor,
        )
        distribution.targets.set([unit])
        audit.distribution_event(
            verb="invited", distribution=distribution, actor=actor, data={"job": job.id}
        )
        tasks.enqueue("content.expand", distribution_id=distribution.id)
    return distribution


# (person, channel, unit, ac, pc, district, status, hold reason) of one outbox row.
InvitationRow = tuple[int, str, int, int | None, int | None, int | None, str, str]


def invitation_rows(distribution: Distribution) -> list[InvitationRow]:
    """The outbox rows of an invitation, as values: one per person the job created (raw
    INSERTs in `expansion`; the ORM's bulk_create spends most of its time compiling)."""
    assert distribution.import_job_id is not None
    people = people_selectors.imported_people(job_id=distribution.import_job_id)
    job_id = distribution.import_job_id
    chats = set(
        ChannelPreference.objects.filter(
            person_id__in=people_selectors.imported_person_ids(job_id=job_id)
        )
        .exclude(telegram_chat_id="")
        .values_list("person_id", flat=True)
    )
    chosen: str = distribution.invite_channel or Channel.SMS
    consent = people_selectors.imported_consent_states(
        job_id=job_id, purpose=PURPOSE, channels=[Channel.TELEGRAM, chosen]
    )
    scope_id = distribution.unit_id
    unit_ids = {p.home_unit_id or scope_id for p in people} | {scope_id}
    places = {
        row[0]: row[1:]
        for row in Unit.objects.filter(id__in=unit_ids).values_list(
            "id", "ac_id", "pc_id", "district_id"
        )
    }
    rows: list[InvitationRow] = []
    given = ConsentAction.GIVEN
    for p in people:
        channel: str
        status: str
        reason: str
        if p.person_id in chats and consent.get((p.person_id, Channel.TELEGRAM)) == given:
            channel, status, reason = Channel.TELEGRAM, DeliveryStatus.QUEUED, ""
        elif consent.get((p.person_id, chosen)) == given:
            channel, status, reason = chosen, DeliveryStatus.QUEUED, ""
        else:
            # Counted and listed as skipped; the sender never claims it.
            channel, status, reason = chosen, DeliveryStatus.SKIPPED, HoldReason.NO_CONSENT
        unit_id = p.home_unit_id if p.home_unit_id in places else scope_id
        ac_id, pc_id, district_id = places[unit_id]
        rows.append((p.person_id, channel, unit_id, ac_id, pc_id, district_id, status, reason))
    return rows


def invitations_visible(*, user: User) -> QuerySet[Distribution]:
    """Invitations sent from a unit in the user's subtree, newest first."""
    return (
        selectors.distributions_visible(user=user)
        .filter(kind=DistributionKind.INVITE)
        .order_by("-created_at", "-id")
    )


def access_invitation(*, user: User, distribution_id: int) -> Distribution:
    """The invitation if it was sent from the user's subtree, else 404."""
    return get_object_or_404(invitations_visible(user=user), id=distribution_id)


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    delivered: int
    failed: int
    blocked: int
    held: int
    skipped: int

    @property
    def total(self) -> int:
        counts = (self.queued, self.sent, self.delivered, self.failed, self.blocked, self.held)
        return sum(counts) + self.skipped

    @property
    def finished(self) -> bool:
        return self.queued == 0 and self.held == 0


def progress(*, distribution: Distribution) -> Progress:
    """Counts of an invitation's outbox rows, by what happened to them."""
    s = DeliveryStatus
    counts = Delivery.objects.filter(distribution=distribution).aggregate(
        queued=Count("id", filter=Q(status__in=[s.QUEUED, s.SENDING])),
        sent=Count("id", filter=Q(status=s.SENT)),
        delivered=Count("id", filter=Q(status=s.DELIVERED)),
        failed=Count("id", filter=Q(status=s.DEAD)),
        blocked=Count("id", filter=Q(status=s.CANCELLED)),
        held=Count("id", filter=Q(status=s.HELD)),
        skipped=Count("id", filter=Q(status=s.SKIPPED)),
    )
    return Progress(**counts)


def skipped(*, distribution: Distribution, limit: int = 100) -> QuerySet[Delivery]:
    """The first people skipped for want of consent, with their person row."""
    return (
        Delivery.objects.filter(distribution=distribution, status=DeliveryStatus.SKIPPED)
        .select_related("person")
        .order_by("id")[:limit]
    )
