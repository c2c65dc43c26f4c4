"""Demo content: kits in every state, the rule tables, yesterday's kit with its outcome, and
today's kit scheduled for 8 am IST so the running worker sends it through the real gates.

Yesterday's figures (opened, forwarded) are written as history; today's deliveries are made by
the expansion and the sender like any other.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from sampark.accounts.models import User
from sampark.content import expansion, gates, services
from sampark.content.enums import DeliveryStatus, DistributionKind, DistributionStatus
from sampark.content.models import ContentItem, Delivery, Distribution, DltTemplate
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import services as people_services
from sampark.people.enums import AssignmentStatus, ConsentAction, ConsentChannel, ConsentPurpose
from sampark.people.models import Assignment, PositionKind
from sampark.rules.models import Election

KITS = [
    (
        "किसान सम्मान: आवेदन की अंतिम तिथि",
        "किसान भाइयों, सम्मान निधि के लिए आवेदन की अंतिम तिथि 30 तारीख है। "
        "अपने बूथ के हर किसान परिवार तक यह जानकारी पहुँचाएँ। आवेदन नज़दीकी जन सेवा केंद्र पर।",
        "Farmers: the last date to apply for the support scheme is the 30th. Please tell every "
        "farming family on your booth. Apply at the nearest Jan Seva Kendra.",
        ["किसान", "योजना"],
    ),
    (
        "मतदाता सूची में नाम जाँचें",
        "मतदाता सूची में अपना नाम जाँचें: voters.eci.gov.in पर या 1950 पर कॉल करें। नए मतदाता फ़ॉर्म 6 भरें।",
        "Check your name on the voter list at voters.eci.gov.in or call 1950. New voters: Form 6.",
        ["मतदाता", "चुनाव आयोग"],
    ),
    (
        "युवा संवाद – ज़िला सम्मेलन",
        "रविवार को ज़िला मुख्यालय पर युवा संवाद। पंजीकरण अपने मंडल प्रभारी से कराएँ।",
        "Youth dialogue at the district headquarters on Sunday. Register with your mandal in-charge.",
        ["युवा", "कार्यक्रम"],
    ),
]


def _poster(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (1080, 1080), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 1080, 60):
        draw.line([(0, i), (i, 0)], fill=(255, 255, 255), width=3)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return SimpleUploadedFile("poster.png", buf.getvalue(), content_type="image/png")


def _at_ist(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=gates.IST)


def load(*, rng: random.Random) -> dict[str, int]:
    """Idempotent: nothing when any kit exists."""
    if ContentItem.objects.exists():
        return {}
    state = Unit.objects.get(level=Level.STATE, path="UP")
    head = User.objects.get(username="state-head")
    analyst = User.objects.get(username="analyst")
    districts = _target_districts()
    with transaction.atomic():
        _rule_tables(state)
        _booth_user_holds_a_seat()
        items = []
        for n, (title, hi, en, tags) in enumerate(KITS):
            item = services.item_create(
                actor=analyst, unit=state, title=title, text_hi=hi, text_en=en, tags=tags
            )
            services.media_add(
                item_id=item.id,
                actor=analyst,
                upload=_poster(((200, 90, 30), (30, 110, 60), (40, 70, 160))[n]),
            )
            items.append(item)
        # One draft, one waiting for review, the rest approved by the state head.
        draft = services.item_create(
            actor=analyst,
            unit=state,
            title="सड़क निर्माण: गाँव-गाँव तक (मसौदा)",
            text_hi="प्रदेश में इस वर्ष बनी ग्रामीण सड़कों का ब्योरा…",
            tags=["विकास"],
        )
        services.item_submit(item_id=items[2].id, actor=analyst)
        for item in items[:2]:
            services.item_submit(item_id=item.id, actor=analyst)
            services.item_approve(item_id=item.id, actor=head, note="ठीक है")
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        sent = _history(items[0], head, districts, _at_ist(yesterday, 8), rng)
        # Today's kit at 8 am (tomorrow's 8 am if it is already past): the worker sends it.
        when = _at_ist(today, 8)
        if when < timezone.now():
            when = _at_ist(today + dt.timedelta(days=1), 8)
        services.distribution_create(
            actor=head,
            item_id=items[1].id,
            target_ids=districts,
            purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
            scheduled_at=when,
        )
    return {"kits": len(items) + 1, "draft": draft.id, "sent_yesterday": sent}


def _target_districts() -> list[int]:
    """Lucknow and Kanpur Nagar (the issue's example), or the first two districts."""
    named = list(
        Unit.objects.filter(level=Level.DISTRICT, name__in=["Lucknow", "Kanpur Nagar"]).values_list(
            "id", flat=True
        )
    )
    if len(named) == 2:
        return named
    return list(
        Unit.objects.filter(level=Level.DISTRICT)
        .order_by("number")
        .values_list("id", flat=True)[:2]
    )


def _rule_tables(state: Unit) -> None:
    for use, body in (
        (DistributionKind.SEND, "Sampark: naya sandesh {#var#} dekhein {#var#} -SMPARK"),
        (
            DistributionKind.RECALL,
            "Sampark: sandesh {#var#} wapas liya gaya. Kripya aage na bhejein {#var#}",
        ),
    ):
        DltTemplate.objects.get_or_create(
            template_id=f"11070000000000000{1 if use == DistributionKind.SEND else 2}",
            defaults={
                "entity_id": "1101000000000000001",
                "header": "SMPARK",
                "body": body,
                "use": use,
            },
        )
    # A demo calendar: two phases a few weeks out, so nothing is silent today.
    election = Election.objects.create(state=state, name="उत्तर प्रदेश विधानसभा (डेमो)")
    acs = list(Unit.objects.filter(level=Level.AC, state=state).order_by("number"))
    today = timezone.localdate()
    for number, offset in ((1, 21), (2, 28)):
        phase = election.phases.create(number=number, poll_date=today + dt.timedelta(days=offset))
        phase.units.set(acs[number - 1 :: 2])


def _booth_user_holds_a_seat() -> None:
    """The demo's booth volunteer (user `booth`) holds a verified booth position, so kits reach
    them in the volunteer app."""
    user = User.objects.filter(username="booth").select_related("person", "unit").first()
    if user is None or user.person is None or user.unit is None:
        return
    taken = set(
        Assignment.objects.filter(unit=user.unit)
        .exclude(status=AssignmentStatus.ENDED)
        .values_list("kind_id", flat=True)
    )
    kind = (
        PositionKind.objects.filter(counts_toward_staffing=True).exclude(id__in=taken).first()
        or PositionKind.objects.filter(level=Level.BOOTH).exclude(id__in=taken).first()
    )
    if kind is not None:
        Assignment.objects.create(
            person=user.person,
            unit=user.unit,
            kind=kind,
            status=AssignmentStatus.VERIFIED,
            verified_at=timezone.now(),
        )
    people_services.consent_record(
        person=user.person,
        purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
        channel=ConsentChannel.PUSH,
        action=ConsentAction.GIVEN,
        notice_version="v1",
        source="demo",
    )


def _history(
    item: ContentItem, head: User, districts: list[int], at: dt.datetime, rng: random.Random
) -> int:
    """Yesterday's distribution of `item`: expanded for real, outcomes written as history."""
    distribution = services.distribution_create(
        actor=head,
        item_id=item.id,
        target_ids=districts,
        purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
        scheduled_at=timezone.now(),
    )
    Distribution.objects.filter(id=distribution.id).update(scheduled_at=at)
    expansion.expand(distribution_id=distribution.id)
    rows = list(Delivery.objects.filter(distribution=distribution).only("id", "person_id"))
    updates = []
    for row in rows:
        roll = rng.random()
        row.status = DeliveryStatus.SENT
        row.sent_at = at + dt.timedelta(seconds=rng.randint(0, 900))
        row.provider_id = "inbox"
        if roll < 0.04:
            row.status, row.hold_reason, row.sent_at = DeliveryStatus.CANCELLED, "no_consent", None
        elif roll < 0.7:
            row.status = DeliveryStatus.DELIVERED
            row.delivered_at = row.opened_at = row.sent_at + dt.timedelta(
                minutes=rng.randint(1, 90)
            )
            if roll < 0.4:
                groups = rng.choice((1, 1, 2, 2, 3, 4))
                row.forwarded_groups = groups
                row.reach = groups * rng.randint(60, 220)
                row.forwarded_at = row.opened_at + dt.timedelta(minutes=rng.randint(1, 30))
        updates.append(row)
    Delivery.objects.bulk_update(
        updates,
        [
            "status",
            "hold_reason",
            "sent_at",
            "provider_id",
            "delivered_at",
            "opened_at",
            "forwarded_groups",
            "reach",
            "forwarded_at",
        ],
        batch_size=2000,
    )
    Distribution.objects.filter(id=distribution.id).update(
        status=DistributionStatus.DONE, finished_at=at + dt.timedelta(hours=1)
    )
    return len(rows)
