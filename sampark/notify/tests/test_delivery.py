"""Sending beyond the inbox: the sending rules, quiet hours (pages pass), once per key."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.notify import delivery, selectors, services
from sampark.notify.enums import Channel, DeliveryStatus, Kind
from sampark.notify.models import Delivery
from sampark.notify.services import Draft

NOON = dt.datetime(2026, 12, 6, 6, 30, tzinfo=dt.UTC)  # 12:00 IST
NIGHT = dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.UTC)  # 23:00 IST


def _by_email(user: User, kinds: tuple[str, ...] = (Kind.INCIDENT, Kind.PAGE)) -> None:
    choices = selectors.preferences_of(user=user)
    for kind in kinds:
        choices[kind] = ([Channel.EMAIL], 1)
    services.preferences_save(user=user, choices=choices, quiet_start=22, quiet_end=7, digest=False)


def _draft(tree: Tree, kind: str = Kind.INCIDENT, signal: str = "incident:1") -> Draft:
    return Draft(kind=kind, signal=signal, unit=tree.state, title="Rumour spreading", severity=3)


def test_it_sends_by_email_once_after_asking_the_rules(analyst, tree):
    # given an analyst who chose e-mail (consent recorded) and a new notification
    _by_email(analyst)
    with time_machine.travel(NOON, tick=False):
        services.notification_create(user=analyst, draft=_draft(tree))

        # when the sender runs twice
        delivery.send_batch(owner="w1")
        delivery.send_batch(owner="w1")

    # then one e-mail left, keyed by (notification, channel)
    assert len(mail.outbox) == 1
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.SENT
    assert mail.outbox[0].subject == "Rumour spreading"


def test_without_consent_nothing_leaves(analyst, tree):
    # given a preference row written without the ledger (no consent for operations)
    from sampark.notify.models import Preference

    Preference.objects.create(user=analyst, kind=Kind.INCIDENT, channels=[Channel.EMAIL])
    with time_machine.travel(NOON, tick=False):
        services.notification_create(user=analyst, draft=_draft(tree))
        # when the sender runs
        delivery.send_batch(owner="w1")
    # then the rules hold it for good
    row = Delivery.objects.get()
    assert (row.status, row.hold_reason) == (DeliveryStatus.CANCELLED, "no_consent")
    assert mail.outbox == []


def test_quiet_hours_hold_a_notification_but_not_a_page(analyst, tree):
    # given an incident notification and a page, at 23:00 IST
    _by_email(analyst)
    with time_machine.travel(NIGHT, tick=False):
        services.notification_create(user=analyst, draft=_draft(tree))
        services.notification_create(user=analyst, draft=_draft(tree, Kind.PAGE, "page:1:0"))

        # when the sender runs
        delivery.send_batch(owner="w1")

    # then the page left and the other waits for the morning
    statuses = dict(Delivery.objects.values_list("notification__kind", "status"))
    assert statuses == {Kind.PAGE: DeliveryStatus.SENT, Kind.INCIDENT: DeliveryStatus.HELD}
    held = Delivery.objects.get(notification__kind=Kind.INCIDENT)
    assert held.hold_reason == "quiet_hours"
    assert len(mail.outbox) == 1


def test_a_lease_that_expired_resends_with_the_same_key(analyst, tree):
    # given a delivery claimed by a worker that died before recording
    _by_email(analyst)
    with time_machine.travel(NOON, tick=False):
        services.notification_create(user=analyst, draft=_draft(tree))
        assert delivery.claim(owner="dead", limit=10)
    row = Delivery.objects.get()
    key = row.idempotency_key

    # when another worker runs after the lease
    with time_machine.travel(NOON + dt.timedelta(minutes=2), tick=False):
        delivery.send_batch(owner="w2")

    # then it is sent once, with the key of (notification, channel)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert key == f"sampark-n{row.notification_id}-email"
    assert len(mail.outbox) == 1


def test_with_the_digest_on_only_pages_leave_at_once(analyst, tree):
    # given the digest switched on
    choices = selectors.preferences_of(user=analyst)
    choices[Kind.INCIDENT] = ([Channel.EMAIL], 1)
    services.preferences_save(
        user=analyst, choices=choices, quiet_start=0, quiet_end=0, digest=True
    )
    # when an incident and a page come in
    services.notification_create(user=analyst, draft=_draft(tree))
    services.notification_create(user=analyst, draft=_draft(tree, Kind.PAGE, "page:1:0"))
    # then only the page is queued beyond the inbox
    assert set(Delivery.objects.values_list("notification__kind", flat=True)) == {Kind.PAGE}
    assert selectors.unread_count(user=analyst) == 2


@pytest.mark.parametrize(
    ("_case", "channel", "reason"),
    [
        ("sms without a DLT template set", Channel.SMS, "no_template"),
        ("telegram without a linked chat", Channel.TELEGRAM, "no_address"),
        ("push without a subscription", Channel.PUSH, "no_address"),
    ],
)
def test_a_channel_without_its_address_is_not_sent(analyst, tree, _case, channel, reason):
    # given the analyst chose a channel they have no address (or template) on
    choices = selectors.preferences_of(user=analyst)
    choices[Kind.INCIDENT] = ([channel], 1)
    services.preferences_save(
        user=analyst, choices=choices, quiet_start=0, quiet_end=0, digest=False
    )
    with time_machine.travel(NOON, tick=False):
        services.notification_create(user=analyst, draft=_draft(tree))
        # when the sender runs
        delivery.send_batch(owner="w1")
    # then it is not sent, with the reason, and stays in the inbox
    row = Delivery.objects.get()
    assert (row.status, row.hold_reason) == (DeliveryStatus.CANCELLED, reason)
    assert selectors.unread_count(user=analyst) == 1
