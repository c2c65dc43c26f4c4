"""factory_boy factories and outbox builders for the content reports and pages.

Use services for behaviour; these write rows directly, for reports over known statuses.
"""

# factory_boy's declarations are not annotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from typing import Any

from django.utils import timezone
from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory

from sampark.accounts.models import User
from sampark.content.enums import Channel, DeliveryStatus, DistributionStatus, ItemState
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.geo.models import Unit
from sampark.people.tests.factories import PersonFactory


class ContentItemFactory(DjangoModelFactory[ContentItem]):
    class Meta:
        model = ContentItem

    title = Sequence(lambda n: f"Kit {n}")
    text_hi = "आज का संदेश"
    text_en = "Today's message"
    state = ItemState.SENT


class DistributionFactory(DjangoModelFactory[Distribution]):
    class Meta:
        model = Distribution

    item = SubFactory(ContentItemFactory)
    status = DistributionStatus.SENDING
    purpose = "volunteer_coordination"


def make_distribution(*, unit: Unit, author: User, **fields: Any) -> Distribution:
    item = ContentItemFactory.create(unit=unit, author=author)
    return DistributionFactory.create(item=item, unit=unit, created_by=author, **fields)


def make_deliveries(
    distribution: Distribution, rows: list[tuple[Unit, dict[str, Any]]]
) -> list[Delivery]:
    """One delivery per (booth, fields) with the roll-up columns taken from the booth."""
    now = timezone.now()
    out = []
    for booth, fields in rows:
        values: dict[str, Any] = {"channel": Channel.PUSH, "status": DeliveryStatus.QUEUED}
        values.update(fields)
        if values["status"] in (DeliveryStatus.SENT, DeliveryStatus.DELIVERED):
            values.setdefault("sent_at", now)
        if values["status"] == DeliveryStatus.DELIVERED:
            values.setdefault("delivered_at", now)
        out.append(
            Delivery(
                distribution=distribution,
                person=PersonFactory.create(home_unit=booth),
                unit_id_at=booth.id,
                ac_id_at=booth.ac_id,
                pc_id_at=booth.pc_id,
                district_id_at=booth.district_id,
                **values,
            )
        )
    return Delivery.objects.bulk_create(out)
