"""Writes of the content app: the library's states, certificates, distributions, acknowledgements.

Sending itself lives in `sending.py` (the outbox worker); the sending rules in `sampark.rules`
(content's side of them in `gates.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area as _require
from sampark.content import audit, hashing
from sampark.content.enums import (
    Channel,
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
    ItemState,
    MediaKind,
)
from sampark.content.event_messages import event_invitation_create as event_invitation_create
from sampark.content.event_messages import event_notice_send as event_notice_send
from sampark.content.models import (
    ChannelPreference,
    ContentItem,
    Delivery,
    Distribution,
    MediaAsset,
    PushSubscription,
)
from sampark.core import tasks
from sampark.geo.models import Unit
from sampark.groups import selectors as groups_selectors
from sampark.integrations import fetch
from sampark.monitoring import services as monitoring_services
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentPurpose
from sampark.rules import selectors as rules_selectors
from sampark.rules.enums import HoldReason

if TYPE_CHECKING:
    from sampark.people.models import Person


class ContentError(ValueError):
    """A refused change, with a message meant for the user."""


# Accepted media, recognised by their first bytes (never by the browser's claimed type).
MAX_BYTES = {MediaKind.IMAGE: 10 << 20, MediaKind.VIDEO: 64 << 20, MediaKind.PDF: 20 << 20}
EDITABLE = {ItemState.DRAFT}
SENDABLE = {ItemState.APPROVED, ItemState.SCHEDULED, ItemState.SENT}
MAX_FORWARDED_GROUPS = 50


def sniff(head: bytes) -> tuple[str, str] | None:
    """(kind, mime) of a media file from its first bytes, or None when not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaKind.IMAGE, "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaKind.IMAGE, "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return MediaKind.IMAGE, "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaKind.IMAGE, "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"3g"):
            return MediaKind.VIDEO, "video/3gpp"
        return MediaKind.VIDEO, "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MediaKind.VIDEO, "video/webm"
    if head.startswith(b"%PDF-"):
        return MediaKind.PDF, "application/pdf"
    return None


def _locked_item(item_id: int) -> ContentItem:
    return ContentItem.objects.select_for_update().select_related("unit").get(id=item_id)


def _check_labels(*, ai_generated: bool, ai_label: str) -> None:
    if ai_generated and not ai_label.strip():
        raise ContentError(_("AI-generated content must carry a label that viewers will see."))


# --- the library ---


def item_create(
    *,
    actor: User,
    unit: Unit,
    title: str,
    text_hi: str = "",
    text_en: str = "",
    tags: list[str] | None = None,
    is_political_ad: bool = False,
    ai_generated: bool = False,
    ai_label: str = "",
    expires_at: dt.datetime | None = None,
    origin: str = "",
) -> ContentItem:
    """Start a draft kit in `unit` (the actor's unit or below)."""
    _require(actor, Capability.CREATE_CONTENT, unit)
    _check_labels(ai_generated=ai_generated, ai_label=ai_label)
    if not title.strip():
        raise ContentError(_("A kit needs a title."))
    with transaction.atomic():
        item = ContentItem.objects.create(
            unit=unit,
            title=title.strip(),
            text_hi=text_hi,
            text_en=text_en,
            tags=sorted({t.strip() for t in tags or [] if t.strip()}),
            is_political_ad=is_political_ad,
            ai_generated=ai_generated,
            ai_label=ai_label.strip(),
            expires_at=expires_at,
            author=actor,
            origin=origin,
        )
        audit.item_event(verb="created", item=item, actor=actor)
    return item


_UPDATABLE = {
    "title",
    "text_hi",
    "text_en",
    "tags",
    "is_political_ad",
    "ai_generated",
    "ai_label",
    "expires_at",
}


def item_update(*, item_id: int, actor: User, **fields: Any) -> ContentItem:
    """Change a draft. Approved kits are frozen: a certificate and the reviewer saw these bytes."""
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise TypeError(f"not updatable: {sorted(unknown)}")
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.CREATE_CONTENT, item.unit)
        if item.state not in EDITABLE:
            raise ContentError(_("Only drafts can be changed; send it back to draft first."))
        for name, value in fields.items():
            setattr(item, name, value)
        _check_labels(ai_generated=item.ai_generated, ai_label=item.ai_label)
        item.updated_at = timezone.now()
        item.save()
        audit.item_event(verb="updated", item=item, actor=actor, data={"fields": sorted(fields)})
    return item


def media_add(*, item_id: int, actor: User, upload: UploadedFile) -> MediaAsset:
    """Attach an image, video or PDF to a draft; its type is read from the file itself."""
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.CREATE_CONTENT, item.unit)
        if item.state not in EDITABLE:
            raise ContentError(_("Only drafts can be changed; send it back to draft first."))
        upload.seek(0)
        head = upload.read(32)
        upload.seek(0)
        found = sniff(head)
        if found is None:
            raise ContentError(
                _("Only JPEG, PNG, WebP or GIF images, MP4/3GP/WebM videos and PDFs.")
            )
        kind, mime = found
        size = upload.size or 0
        if size > MAX_BYTES[MediaKind(kind)]:
            raise ContentError(
                _("This file is too large (%(mb)s MB at most).")
                % {"mb": MAX_BYTES[MediaKind(kind)] >> 20}
            )
        sha = hashing.file_sha256(upload.chunks())
        upload.seek(0)
        name = (upload.name or "file").rsplit("/", 1)[-1][-120:]
        asset = MediaAsset(
            item=item,
            kind=kind,
            filename=name,
            mime=mime,
            size=size,
            sha256=sha,
            order=item.media.count(),
        )
        asset.file.save(name, upload, save=False)
        asset.save()
        item.updated_at = timezone.now()
        item.save(update_fields=["updated_at"])
        audit.item_event(verb="media_added", item=item, actor=actor, data={"sha256": sha})
    return asset


def media_remove(*, media_id: int, actor: User) -> None:
    with transaction.atomic():
        asset = MediaAsset.objects.select_related("item__unit").get(id=media_id)
        item = _locked_item(asset.item_id)
        _require(actor, Capability.CREATE_CONTENT, item.unit)
        if item.state not in EDITABLE:
            raise ContentError(_("Only drafts can be changed; send it back to draft first."))
        asset.file.delete(save=False)
        asset.delete()
        audit.item_event(
            verb="media_removed", item=item, actor=actor, data={"sha256": asset.sha256}
        )


def item_submit(*, item_id: int, actor: User) -> ContentItem:
    """Draft → in review."""
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.CREATE_CONTENT, item.unit)
        if item.state != ItemState.DRAFT:
            raise ContentError(_("Only a draft can be sent for review."))
        if not (item.text_hi.strip() or item.text_en.strip() or item.media.exists()):
            raise ContentError(_("Add a text or a media file first."))
        _check_labels(ai_generated=item.ai_generated, ai_label=item.ai_label)
        item.state = ItemState.IN_REVIEW
        item.submitted_at = timezone.now()
        item.save(update_fields=["state", "submitted_at"])
        audit.item_event(verb="submitted", item=item, actor=actor)
    return item


def item_approve(*, item_id: int, actor: User, note: str = "") -> ContentItem:
    """In review → approved, by someone other than the author; freezes the content hash."""
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.REVIEW_CONTENT, item.unit)
        if item.author_id == actor.id:
            raise PermissionDenied(_("A kit must be approved by someone other than its author."))
        if item.state != ItemState.IN_REVIEW:
            raise ContentError(_("Only a kit in review can be approved."))
        item.state = ItemState.APPROVED
        item.reviewer = actor
        item.reviewed_at = timezone.now()
        item.review_note = note
        item.content_hash = hashing.compute_hash(item)
        item.save()
        audit.item_event(verb="approved", item=item, actor=actor, data={"hash": item.content_hash})
        _register_with_listening(item)
    return item


def _register_with_listening(item: ContentItem) -> None:
    """Volunteers forward an approved kit into groups we listen to: listening counts those
    forwards as ours and never alerts on them (issue #17)."""
    for text in (item.text_hi, item.text_en):
        if text.strip():
            monitoring_services.register_own_content(
                text=text, label="kit", source_ref=f"content.item:{item.id}"
            )


def item_reject(*, item_id: int, actor: User, note: str) -> ContentItem:
    """In review → back to draft with the reviewer's note."""
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.REVIEW_CONTENT, item.unit)
        if item.state != ItemState.IN_REVIEW:
            raise ContentError(_("Only a kit in review can be sent back."))
        if not note.strip():
            raise ContentError(_("Say what needs to change."))
        item.state = ItemState.DRAFT
        item.reviewer = actor
        item.reviewed_at = timezone.now()
        item.review_note = note
        item.save()
        audit.item_event(verb="sent_back", item=item, actor=actor, data={"note": note[:500]})
    return item


def certificate_attach(*, item_id: int, certificate_id: int, actor: User) -> ContentItem:
    """Attach an MCMC certificate (registered with `rules.services.certificate_create`)."""
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.REVIEW_CONTENT, item.unit)
        cert = rules_selectors.certificate_get(certificate_id=certificate_id)
        item.certificate = cert
        item.save(update_fields=["certificate"])
        audit.item_event(
            verb="certificate_attached", item=item, actor=actor, data={"certificate": cert.id}
        )
    return item


# --- distributions ---


def _booth_position_codes() -> list[str]:
    return people_selectors.position_kind_codes(booth_only=True)


def distribution_create(
    *,
    actor: User,
    item_id: int,
    target_ids: list[int],
    positions: list[str] | None = None,
    purpose: str = ConsentPurpose.VOLUNTEER_COORDINATION,
    scheduled_at: dt.datetime | None = None,
) -> Distribution:
    """Schedule a kit for the holders of `positions` in the target units.

    Recipients are computed when it is due (people who join before 8 am get the 8 am kit), and
    every rule is checked again as each message leaves.
    """
    if not target_ids:
        raise ContentError(_("Choose at least one unit to send to."))
    targets = list(Unit.objects.filter(id__in=set(target_ids)))
    if len(targets) != len(set(target_ids)):
        raise ContentError(_("One of the chosen units does not exist."))
    for unit in targets:
        _require(actor, Capability.DISTRIBUTE, unit)
    codes = sorted(set(positions or []))
    known = set(people_selectors.position_kind_codes())
    if set(codes) - known:
        raise ContentError(_("Unknown position: %(p)s") % {"p": ", ".join(set(codes) - known)})
    if purpose not in ConsentPurpose.values:
        raise ContentError(_("Unknown consent purpose."))
    when = scheduled_at or timezone.now()
    with transaction.atomic():
        item = _locked_item(item_id)
        if item.state not in SENDABLE:
            raise ContentError(_("Only an approved kit can be sent."))
        if item.expires_at is not None and item.expires_at <= when:
            raise ContentError(_("This kit expires before that time."))
        assert actor.unit is not None  # _require checked it
        distribution = Distribution.objects.create(
            item=item,
            unit=actor.unit,
            positions=codes,
            purpose=purpose,
            scheduled_at=when,
            created_by=actor,
        )
        distribution.targets.set(targets)
        if item.state == ItemState.APPROVED:
            item.state = ItemState.SCHEDULED
            item.save(update_fields=["state"])
        audit.distribution_event(
            verb="scheduled",
            distribution=distribution,
            actor=actor,
            data={"targets": [u.path for u in targets], "positions": codes, "at": when.isoformat()},
        )
        tasks.enqueue_at("content.expand", when, distribution_id=distribution.id)
    return distribution


def distribution_cancel(*, distribution_id: int, actor: User) -> bool:
    """Stop a distribution: nothing more leaves; what already left stays recorded."""
    with transaction.atomic():
        distribution = (
            Distribution.objects.select_for_update().select_related("unit").get(id=distribution_id)
        )
        _require(actor, Capability.DISTRIBUTE, distribution.unit)
        if distribution.status in (DistributionStatus.DONE, DistributionStatus.CANCELLED):
            return False
        distribution.status = DistributionStatus.CANCELLED
        distribution.finished_at = timezone.now()
        distribution.save(update_fields=["status", "finished_at"])
        stopped = _cancel_pending(Q(distribution=distribution), reason="")
        audit.distribution_event(
            verb="cancelled", distribution=distribution, actor=actor, data={"stopped": stopped}
        )
    return True


def _cancel_pending(where: Q, *, reason: str) -> int:
    return Delivery.objects.filter(
        where, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.HELD]
    ).update(status=DeliveryStatus.CANCELLED, hold_reason=reason)


def item_recall(*, item_id: int, actor: User, reason: str) -> Distribution | None:
    """Withdraw a kit: stop what has not left and send a take-down notice to whoever got it."""
    if not reason.strip():
        raise ContentError(_("Say why the kit is withdrawn; volunteers will read it."))
    with transaction.atomic():
        item = _locked_item(item_id)
        _require(actor, Capability.REVIEW_CONTENT, item.unit)
        if item.state == ItemState.RECALLED:
            raise ContentError(_("This kit is already withdrawn."))
        item.state = ItemState.RECALLED
        item.recalled_at = timezone.now()
        item.recall_reason = reason.strip()
        item.save(update_fields=["state", "recalled_at", "recall_reason"])
        sends = Distribution.objects.filter(item=item, kind=DistributionKind.SEND)
        sends.filter(status=DistributionStatus.SCHEDULED).update(
            status=DistributionStatus.CANCELLED, finished_at=timezone.now()
        )
        _cancel_pending(Q(distribution__in=sends), reason=HoldReason.RECALLED)
        audit.item_event(verb="recalled", item=item, actor=actor, data={"reason": reason[:500]})
        received = Delivery.objects.filter(distribution__in=sends, sent_at__isnull=False)
        if not received.exists():
            return None
        assert actor.unit is not None
        # The notice travels under the consent the kit went out under.
        last = sends.exclude(status=DistributionStatus.CANCELLED).order_by("-id").first()
        notice = Distribution.objects.create(
            item=item,
            kind=DistributionKind.RECALL,
            unit=item.unit,
            purpose=last.purpose if last else ConsentPurpose.VOLUNTEER_COORDINATION,
            scheduled_at=timezone.now(),
            created_by=actor,
        )
        audit.distribution_event(verb="recall_scheduled", distribution=notice, actor=actor)
        tasks.enqueue("content.expand", distribution_id=notice.id)
    return notice


def delivery_retry(*, delivery_id: int, actor: User) -> bool:
    """Put a dead delivery back in the queue (after the cause was fixed)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_related("distribution__unit").get(id=delivery_id)
        _require(actor, Capability.DISTRIBUTE, delivery.distribution.unit)
        done = (
            Delivery.objects.filter(id=delivery_id, status=DeliveryStatus.DEAD).update(
                status=DeliveryStatus.QUEUED,
                attempts=0,
                last_error="",
                next_attempt_at=timezone.now(),
            )
            == 1
        )
        if done:
            audit.distribution_event(
                verb="delivery_retried",
                distribution=delivery.distribution,
                actor=actor,
                data={"delivery": delivery_id},
            )
    return done


# --- the volunteer's side ---


def delivery_open(*, delivery_id: int, person: Person) -> bool:
    """Record the first time the recipient opens the kit (opening implies it was delivered)."""
    now = timezone.now()
    mine = Delivery.objects.filter(id=delivery_id, person=person)
    mine.filter(delivered_at__isnull=True, sent_at__isnull=False).update(
        delivered_at=now, status=DeliveryStatus.DELIVERED
    )
    return mine.filter(opened_at__isnull=True).update(opened_at=now) == 1


def _reach(person: Person, groups: int) -> int:
    """Estimated people reached: the person's biggest groups first, then the average size."""
    average = int(getattr(settings, "SAMPARK_AVERAGE_GROUP_SIZE", 150))
    sizes = sorted(
        groups_selectors.groups_admined_by(person_id=person.id).values_list(
            "member_count", flat=True
        ),
        reverse=True,
    )
    known = sizes[:groups]
    return sum(known) + (groups - len(known)) * average


def delivery_forwarded(*, delivery_id: int, person: Person, groups: int) -> Delivery:
    """ "I forwarded this to N groups": the volunteer's own account of what they shared."""
    if not 1 <= groups <= MAX_FORWARDED_GROUPS:
        raise ContentError(_("Between 1 and %(n)s groups, please.") % {"n": MAX_FORWARDED_GROUPS})
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("distribution")
            .get(id=delivery_id, person=person)
        )
        if delivery.distribution.kind == DistributionKind.RECALL:
            raise ContentError(_("A take-down notice is not forwarded."))
        now = timezone.now()
        delivery.forwarded_groups = groups
        delivery.reach = _reach(person, groups)
        delivery.forwarded_at = now
        delivery.opened_at = delivery.opened_at or now
        delivery.save(update_fields=["forwarded_groups", "reach", "forwarded_at", "opened_at"])
    return delivery


def preference_set(
    *, person: Person, channel: str, telegram_chat_id: str = "", language: str = "hi"
) -> ChannelPreference:
    """The channel and language a person wants kits on."""
    if channel not in Channel.values:
        raise ContentError(_("Unknown channel."))
    if channel == Channel.TELEGRAM and not telegram_chat_id.strip():
        existing = ChannelPreference.objects.filter(person=person).first()
        telegram_chat_id = existing.telegram_chat_id if existing else ""
        if not telegram_chat_id:
            raise ContentError(_("Start a chat with our Telegram bot first, then choose Telegram."))
    if channel == Channel.EMAIL and not person.email:
        raise ContentError(_("Add an e-mail address first."))
    pref, _created = ChannelPreference.objects.update_or_create(
        person=person,
        defaults={
            "channel": channel,
            "telegram_chat_id": telegram_chat_id.strip(),
            "language": "en" if language.startswith("en") else "hi",
            "updated_at": timezone.now(),
        },
    )
    return pref


TELEGRAM_LINK_SALT = "sampark.content.telegram-link"
TELEGRAM_LINK_MAX_AGE = 24 * 60 * 60


def telegram_link_token(*, person: Person) -> str:
    """The `/start <token>` payload that ties a Telegram chat to this person (valid one day)."""
    return signing.dumps(person.id, salt=TELEGRAM_LINK_SALT, compress=True)


def telegram_link(*, token: str, chat_id: int) -> Person | None:
    """A volunteer pressed Start in our bot: store their chat and make Telegram their channel.

    The token is signed and short-lived, so a chat cannot claim someone else's kits."""
    try:
        person_id = int(
            signing.loads(token, salt=TELEGRAM_LINK_SALT, max_age=TELEGRAM_LINK_MAX_AGE)
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    person = people_selectors.person_by_id(person_id=person_id)
    if person is None:
        return None
    existing = ChannelPreference.objects.filter(person=person).first()
    ChannelPreference.objects.update_or_create(
        person=person,
        defaults={
            "channel": Channel.TELEGRAM,
            "telegram_chat_id": str(chat_id),
            "language": existing.language if existing else "hi",
            "updated_at": timezone.now(),
        },
    )
    return person


def push_subscribe(
    *, person: Person, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Store (or move to this person) a browser's web-push subscription.

    The browser names the endpoint, so it is a user-supplied URL: one at a loopback, private or
    otherwise non-public address is refused like any other (issue #12, the safe fetcher).
    """
    if not endpoint.startswith("https://") and not settings.DEBUG and not _loopback(endpoint):
        raise ContentError(_("Push endpoints must use https."))
    try:
        fetch.check_url(endpoint)
    except fetch.FetchRefused as exc:
        raise ContentError(str(exc)) from exc
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "person": person,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:200],
            "gone_at": None,
        },
    )
    return sub


def _loopback(endpoint: str) -> bool:
    return endpoint.startswith(("http://127.0.0.1", "http://localhost"))


# --- kits approved outside the library (issue #11: one call per intent) ---


def response_kit_publish(
    *,
    actor: User,
    author: User,
    approver: User,
    unit: Unit,
    title: str,
    text_hi: str,
    text_en: str,
    origin: str,
    target_ids: list[int],
    approval_note: str = "",
    tags: list[str] | None = None,
    purpose: str = ConsentPurpose.VOLUNTEER_COORDINATION,
    scheduled_at: dt.datetime | None = None,
) -> Distribution:
    """Publish a kit whose text was approved outside the library (a war-room response): the kit,
    written by `author` and approved by `approver`, sent by `actor` to the target units.

    The library's rules still hold: the author may create content in `unit`, the approver may
    review there and is not the author, the kit has a title and a text, and its content hash is
    frozen at approval; the distribution checks the actor's area and the kit, and every sending
    rule is checked again as each message leaves. The audit trail reads as for a kit reviewed in
    the library (created, submitted, approved, then scheduled).
    """
    _require(author, Capability.CREATE_CONTENT, unit)
    if not title.strip():
        raise ContentError(_("A kit needs a title."))
    if not (text_hi.strip() or text_en.strip()):
        raise ContentError(_("Add a text or a media file first."))
    _require(approver, Capability.REVIEW_CONTENT, unit)
    if approver.id == author.id:
        raise PermissionDenied(_("A kit must be approved by someone other than its author."))
    now = timezone.now()
    with transaction.atomic():
        item = ContentItem(
            unit=unit,
            title=title.strip(),
            text_hi=text_hi,
            text_en=text_en,
            tags=sorted({t.strip() for t in tags or [] if t.strip()}),
            author=author,
            origin=origin,
            state=ItemState.APPROVED,
            submitted_at=now,
            reviewer=approver,
            reviewed_at=now,
            review_note=approval_note,
        )
        item.content_hash = hashing.compute_hash(item, media_hashes=[])
        item.save()
        audit.item_event(verb="created", item=item, actor=author, data={"state": ItemState.DRAFT})
        audit.item_event(
            verb="submitted", item=item, actor=author, data={"state": ItemState.IN_REVIEW}
        )
        audit.item_event(
            verb="approved", item=item, actor=approver, data={"hash": item.content_hash}
        )
        _register_with_listening(item)
        return distribution_create(
            actor=actor,
            item_id=item.id,
            target_ids=target_ids,
            purpose=purpose,
            scheduled_at=scheduled_at,
        )
