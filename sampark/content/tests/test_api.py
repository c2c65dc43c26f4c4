"""The content API: kits and distribution reports, scoped like the pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from sampark.accounts.models import User
from sampark.content import services
from sampark.content.enums import DeliveryStatus
from sampark.content.models import ContentItem, Distribution
from sampark.content.tests.factories import make_deliveries, make_distribution
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.rules.enums import HoldReason


def _booths(district: Unit) -> list[Unit]:
    return list(Unit.objects.filter(level=Level.BOOTH, district=district).order_by("path"))


@pytest.fixture
def draft(bob: User, district1: Unit) -> ContentItem:
    return services.item_create(
        actor=bob, unit=district1, title="जन सभा", text_hi="आज शाम", tags=["sabha"]
    )


@pytest.fixture
def sent(bob: User, district1: Unit) -> Distribution:
    distribution = make_distribution(unit=district1, author=bob)
    b = _booths(district1)
    make_deliveries(
        distribution,
        [
            (b[0], {"status": DeliveryStatus.DELIVERED, "opened_at": timezone.now()}),
            (b[0], {"status": DeliveryStatus.HELD, "hold_reason": HoldReason.NO_CONSENT}),
            (b[-1], {"status": DeliveryStatus.SENT, "forwarded_groups": 4, "reach": 600}),
        ],
    )
    return distribution


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_items_list_and_detail(client, bob, draft):
    _login(client, bob)
    listed = client.get("/api/content/items", {"q": "sabha"}).json()
    detail = client.get(f"/api/content/items/{draft.id}").json()
    assert [i["id"] for i in listed] == [draft.id]
    assert (detail["title"], detail["text_hi"], detail["media"]) == ("जन सभा", "आज शाम", [])


def test_outsider_sees_no_district1_items_or_reports(client, charlie, draft, sent):
    _login(client, charlie)
    assert client.get("/api/content/items").json() == []
    assert client.get(f"/api/content/items/{draft.id}").status_code == 404
    assert client.get(f"/api/content/distributions/{sent.id}/report").status_code == 404
    assert client.get("/api/content/distributions").json() == []


def test_report_json_numbers(client, bob, sent, district1):
    _login(client, bob)
    report = client.get(f"/api/content/distributions/{sent.id}/report").json()
    totals = report["totals"]
    assert (totals["targeted"], totals["sent"], totals["delivered"], totals["opened"]) == (
        3,
        2,
        1,
        1,
    )
    assert (totals["forwarded"], totals["groups_forwarded"], totals["reach"]) == (1, 4, 600)
    assert totals["held_by_reason"] == {"no_consent": 1}
    # the rows are district 1's ACs, each with its share
    assert report["unit"]["id"] == district1.id
    assert sorted(r["targeted"] for r in report["rows"]) == [1, 2]
    assert {r["unit"]["level"] for r in report["rows"]} == {Level.AC}


def test_report_json_for_a_unit_outside_the_subtree(client, bob, sent, district2):
    _login(client, bob)
    response = client.get(f"/api/content/distributions/{sent.id}/report", {"unit_id": district2.id})
    assert response.status_code == 404
