"""Kits, their media, distributions and deliveries for the probe."""

from __future__ import annotations

import random

from django.core.files.base import ContentFile
from django.utils import timezone

from sampark.content.enums import (
    INVITE_ORIGIN,
    DeliveryStatus,
    DistributionKind,
    ItemState,
    MediaKind,
)
from sampark.content.models import ContentItem, Delivery, Distribution, MediaAsset
from sampark.devtools.probe.world import World
from sampark.geo.models import Unit
from sampark.people.models import Person

# The smallest valid PNG (1×1), so media routes have a real file to serve.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    """Kits with media on random units, each sent once: per kit one recipient with a login
    (some users are volunteers), others without; statuses mixed, some dead letters."""
    persons = list(w.persons.values())
    free = [u for u in w.users.values() if u.person_id is None and u.unit_id is not None]
    linked: list[Person] = []
    for user, person in zip(
        rng.sample(free, k=min(6, len(free))), rng.sample(persons, k=6), strict=False
    ):
        user.person = person
        user.save(update_fields=["person"])
        linked.append(person)
    authors = [u for u in w.users.values() if u.unit_id is not None]
    statuses = [
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DEAD,
        DeliveryStatus.QUEUED,
    ]
    for n in range(8):
        unit = rng.choice(units)
        item = ContentItem.objects.create(
            unit=unit,
            title=f"Probekit {token}{n:02d}",
            text_hi="probe",
            state=ItemState.SENT,
            author=rng.choice(authors),
        )
        w.items[item.id] = item
        asset = MediaAsset(
            item=item,
            kind=MediaKind.IMAGE,
            filename="p.png",
            mime="image/png",
            size=len(_PNG),
            sha256="0" * 64,
        )
        asset.file.save(f"probe-{token}-{n}.png", ContentFile(_PNG), save=False)
        asset.save()
        w.media[asset.id] = asset
        distribution = Distribution.objects.create(item=item, unit=unit)
        w.distributions[distribution.id] = distribution
        recipients = rng.sample([p for p in persons if p not in linked], k=4)
        if linked:
            recipients.append(linked[n % len(linked)])
        for person in recipients:
            status = DeliveryStatus.SENT if person in linked else rng.choice(statuses)
            d = Delivery.objects.create(
                distribution=distribution,
                person=person,
                channel="push",
                unit_id_at=unit.id,
                status=status,
                sent_at=timezone.now() if status != DeliveryStatus.QUEUED else None,
                last_error="probe" if status == DeliveryStatus.DEAD else "",
            )
            w.deliveries[d.id] = d
    # Sign-in invitations (issue #13): distributions of kind invite, seen on their own page.
    for n in range(4):
        # Sent from the inviter's own unit, as the page does: some user has it in scope (a
        # random unit could lie under no user, leaving the invitation page unreached).
        author = rng.choice(authors)
        unit = w.units[author.unit_id] if author.unit_id in w.units else rng.choice(units)
        item = ContentItem.objects.create(
            unit=unit,
            title=f"Probeinvite {token}{n:02d}",
            state=ItemState.SENT,
            author=author,
            origin=f"{INVITE_ORIGIN}0",
        )
        distribution = Distribution.objects.create(
            item=item, unit=unit, kind=DistributionKind.INVITE, invite_channel="sms"
        )
        w.distributions[distribution.id] = distribution
