"""The sender against a loopback SMS gateway: gates at send time, idempotency, retries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine
from django.test import override_settings

from sampark.accounts.models import User
from sampark.content import expansion, gates, sending, services
from sampark.content.enums import DeliveryStatus, DistributionStatus
from sampark.content.models import ContentItem, Delivery, Distribution, DltTemplate
from sampark.content.tests.fixtures import add_volunteers
from sampark.devtools.loopback import FakeSmsGateway
from sampark.devtools.synthetic import Tree
from sampark.integrations.channels import reset_channels
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent
from sampark.rules.enums import HoldReason
from sampark.rules.models import DndNumber

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2027, 2, 10, 12, 0, tzinfo=gates.IST)


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    with FakeSmsGateway(api_key="k") as fake:
        channels = {
            "sms": {
                "BACKEND": "sampark.integrations.sms.DltGateway",
                "OPTIONS": {
                    "base_url": fake.url,
                    "api_key": "k",
                    "sender": "SMPARK",
                    "entity_id": "1101000000000000001",
                },
                "RATE": 1000.0,
                "BURST": 50,
            }
        }
        with override_settings(SAMPARK_CHANNELS=channels):
            yield fake
        reset_channels()


@pytest.fixture
def template(db: None) -> DltTemplate:
    return DltTemplate.objects.create(
        template_id="1107000000000000001",
        entity_id="1101000000000000001",
        header="SMPARK",
        body="Sampark: naya sandesh {#var#} dekhein {#var#}",
    )


def _send_all(owner: str = "w1", channels: list[str] | None = None) -> int:
    sender = sending.Sender(owner=owner, channels=channels or ["sms", "push"])
    total = 0
    while n := sender.step():
        total += n
    return total


def _distribute(alice: User, kit: ContentItem, tree: Tree) -> int:
    d = services.distribution_create(actor=alice, item_id=kit.id, target_ids=[tree.state.id])
    expansion.expand(distribution_id=d.id)
    return d.id


def test_it_sends_each_sms_once_with_the_dlt_template(
    tree: Tree, alice: User, kit: ContentItem, gateway: FakeSmsGateway, template: DltTemplate
) -> None:
    # given SMS volunteers everywhere
    vols = add_volunteers(tree.booths, channel="sms")
    with time_machine.travel(NOON, tick=True):
        d = _distribute(alice, kit, tree)
        # when the sender runs
        _send_all()
    # then every one of them got exactly one SMS with the template filled in
    assert len(gateway.accepted) == len(vols.people)
    message = gateway.messages[0]
    assert message.template_id == template.template_id
    assert message.text.startswith("Sampark: naya sandesh आज का संदेश dekhein http")
    assert set(Delivery.objects.filter(distribution_id=d).values_list("status", flat=True)) == {
        DeliveryStatus.SENT
    }
    # and the distribution is done once nothing is left
    sending.finish_distributions()
    assert Distribution.objects.get(id=d).status == DistributionStatus.DONE
    assert Delivery.objects.filter(distribution_id=d, provider_id="").count() == 0


def test_a_resend_after_a_crash_carries_the_same_key(
    tree: Tree, alice: User, kit: ContentItem, gateway: FakeSmsGateway, template: DltTemplate
) -> None:
    # given a worker that claimed a batch, sent it, and died before recording anything
    add_volunteers(tree.booths[:3], channel="sms")
    with time_machine.travel(NOON, tick=False) as traveller:
        _distribute(alice, kit, tree)
        crashed = sending.Sender(owner="crashed", channels=["sms"])
        ids = sending.claim(channel="sms", owner="crashed", limit=100)
        rows = list(
            Delivery.objects.filter(id__in=ids).select_related("person", "distribution__item")
        )
        from sampark.integrations.channels import get_channel

        for p in sending.prepare(rows):
            assert p.message is not None
            get_channel("sms").send(p.message)
        assert crashed.owner == "crashed"
        # when its lease runs out and another worker takes over
        assert _send_all(owner="w2", channels=["sms"]) == 0  # still leased
        traveller.shift(dt.timedelta(seconds=61))
        _send_all(owner="w2", channels=["sms"])
    # then each volunteer has one message, and the re-sends were recognised as duplicates
    assert len(gateway.accepted) == len(ids)
    assert gateway.duplicates_refused == len(ids)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == len(ids)


def test_rules_are_checked_when_the_message_leaves_not_when_queued(
    tree: Tree, alice: User, kit: ContentItem, gateway: FakeSmsGateway, template: DltTemplate
) -> None:
    # given a kit queued at noon for SMS volunteers
    vols = add_volunteers(tree.booths[:4], channel="sms")
    quitter, dnd, kid, *_rest = vols.people
    with time_machine.travel(NOON, tick=False) as traveller:
        d = _distribute(alice, kit, tree)
        # when, after it was queued, one opts out, one turns out to be on DND, one is 17
        ConsentEvent.objects.create(
            person=quitter,
            purpose="volunteer_coordination",
            channel="sms",
            action=ConsentAction.WITHDRAWN,
            notice_version="v1",
            source="sms:STOP",
        )
        DndNumber.objects.create(phone=dnd.phone)
        kid.date_of_birth = dt.date(2010, 1, 1)
        kid.save()
        # and the sender only gets to it at 22:30
        traveller.move_to(NOON.replace(hour=22, minute=30))
        _send_all()
        held = dict(
            Delivery.objects.filter(distribution_id=d).values_list("person_id", "hold_reason")
        )
        # then nothing left at night, and the three are stopped for good
        assert len(gateway.accepted) == 0
        assert held[quitter.id] == HoldReason.OPTED_OUT
        assert held[dnd.id] == HoldReason.DND
        assert held[kid.id] == HoldReason.MINOR
        waiting = Delivery.objects.filter(distribution_id=d, status=DeliveryStatus.HELD)
        assert {r.hold_reason for r in waiting} == {HoldReason.QUIET_HOURS}
        assert all(r.next_attempt_at == NOON.replace(day=11, hour=6) for r in waiting)
        # when 06:00 comes
        traveller.move_to(NOON.replace(day=11, hour=6, minute=0, second=1))
        _send_all()
    # then the others get it, the three never do
    assert len(gateway.accepted) == len(vols.people) - 3
    got = {m.to for m in gateway.messages}
    assert not got & {quitter.phone, dnd.phone, kid.phone}


def test_a_provider_outage_is_retried_with_backoff_then_dead_lettered(
    tree: Tree, alice: User, kit: ContentItem, gateway: FakeSmsGateway, template: DltTemplate
) -> None:
    add_volunteers(tree.booths[:1], per_booth=1, channel="sms")
    gateway.fail_every = 1  # every request answers 503
    with (
        override_settings(SAMPARK_SENDER={"MAX_ATTEMPTS": 3}),
        time_machine.travel(NOON, tick=False) as t,
    ):
        _distribute(alice, kit, tree)
        for _ in range(3):
            _send_all()
            t.shift(dt.timedelta(minutes=20))
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.DEAD
    assert row.attempts == 3
    assert "503" in row.last_error or "busy" in row.last_error
    # and an in-charge can put it back once the gateway is fixed
    gateway.fail_every = 0
    assert services.delivery_retry(delivery_id=row.id, actor=alice)
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        _send_all()
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_app_users_without_push_get_it_in_their_inbox(
    tree: Tree, alice: User, kit: ContentItem
) -> None:
    vols = add_volunteers(tree.booths[:2])
    with time_machine.travel(NOON, tick=False):
        _distribute(alice, kit, tree)
        _send_all(channels=["push"])
    rows = Delivery.objects.all()
    assert len(rows) == len(vols.people)
    assert all(r.status == DeliveryStatus.SENT and r.provider_id == "inbox" for r in rows)


def test_recall_stops_the_queue_and_tells_those_who_got_it(
    tree: Tree, alice: User, kit: ContentItem, gateway: FakeSmsGateway, template: DltTemplate
) -> None:
    DltTemplate.objects.create(
        template_id="1107000000000000002",
        entity_id="1101000000000000001",
        header="SMPARK",
        body="Sampark: {#var#} wapas liya gaya, kripya na bhejein {#var#}",
        use="recall",
    )
    vols = add_volunteers(tree.booths[:4], channel="sms")
    with time_machine.travel(NOON, tick=False):
        d = _distribute(alice, kit, tree)
        # given half were sent before the recall
        first = list(
            Delivery.objects.filter(distribution_id=d).order_by("id")[: len(vols.people) // 2]
        )
        Delivery.objects.filter(id__in=[r.id for r in first]).update(
            status=DeliveryStatus.SENT, sent_at=NOON, provider_id="x"
        )
        # when the kit is recalled
        notice = services.item_recall(item_id=kit.id, actor=alice, reason="तथ्य गलत निकला")
        assert notice is not None
        expansion.expand(distribution_id=notice.id)
        _send_all(channels=["sms"])
    # then the rest never got the kit, and the first half got a take-down notice
    assert Delivery.objects.filter(
        distribution_id=d, status=DeliveryStatus.CANCELLED, hold_reason=HoldReason.RECALLED
    ).count() == len(vols.people) - len(first)
    assert {m.to for m in gateway.messages} == {r.person.phone for r in first}
    assert all(m.template_id == "1107000000000000002" for m in gateway.messages)


def test_it_reports_the_distribution_done(tree: Tree, alice: User, kit: ContentItem) -> None:
    add_volunteers(tree.booths[:1])
    with time_machine.travel(NOON, tick=False):
        d = _distribute(alice, kit, tree)
        _send_all(channels=["push"])
        sending.finish_distributions()
    assert Distribution.objects.get(id=d).status == DistributionStatus.DONE


def test_a_push_subscription_that_is_gone_falls_back_to_the_inbox(
    tree: Tree, alice: User, kit: ContentItem
) -> None:
    from sampark.content.models import PushSubscription
    from sampark.devtools.loopback import FakePushService
    from sampark.integrations.webpush import vapid_keys

    # given an app volunteer whose browser subscription the push service has dropped
    vols = add_volunteers(tree.booths[:1], per_booth=1)
    private, public = vapid_keys()
    with FakePushService() as service:
        endpoint = service.subscribe()
        sub = json.loads(endpoint) if endpoint.startswith("{") else None
        assert sub is not None
        PushSubscription.objects.create(
            person=vols.people[0],
            endpoint=sub["endpoint"],
            p256dh=sub["keys"]["p256dh"],
            auth=sub["keys"]["auth"],
        )
        service.gone.add(sub["endpoint"].rsplit("/", 1)[-1])
        with (
            override_settings(SAMPARK_VAPID_PRIVATE_KEY=private, SAMPARK_VAPID_PUBLIC_KEY=public),
            time_machine.travel(NOON, tick=False),
        ):
            _distribute(alice, kit, tree)
            _send_all(channels=["push"])
    # then the kit is still in the volunteer's app, and the dead subscription is not used again
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.SENT
    assert row.provider_id == "inbox"
    assert PushSubscription.objects.get().gone_at is not None


def test_a_stopping_sender_gives_back_what_it_has_not_sent(
    tree: Tree, alice: User, kit: ContentItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given app volunteers on two booths, and a worker told to stop (SIGTERM) after one message
    add_volunteers(tree.booths[:2])
    asked = iter([False])
    monkeypatch.setattr(sending, "shutdown_requested", lambda: next(asked, True))
    with time_machine.travel(NOON, tick=False):
        d = _distribute(alice, kit, tree)
        # when the sender claims its batch
        claimed = sending.Sender(owner="w1", channels=["push"]).send_batch(channel="push")
        # then it sent one, and the rest are back in the queue, due now and claimable by anyone
        rows = Delivery.objects.filter(distribution_id=d).order_by("id")
        assert claimed == rows.count() > 1
        assert rows[0].status == DeliveryStatus.SENT
        rest = list(rows[1:].values_list("status", "locked_by", "next_attempt_at"))
        assert rest == [(DeliveryStatus.QUEUED, "", NOON)] * (claimed - 1)
        assert len(sending.claim(channel="push", owner="w2", limit=100)) == claimed - 1
