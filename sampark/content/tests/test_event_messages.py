"""Content's side of an event's messages (issue #14): plain data in, the usual outbox out."""

from __future__ import annotations

import pytest

from sampark.accounts.models import User
from sampark.content import event_messages, sending, services
from sampark.content.enums import Channel, DistributionKind
from sampark.content.models import ChannelPreference, ContentItem, Delivery, Distribution
from sampark.content.tests.fixtures import add_volunteers
from sampark.devtools.synthetic import Tree
from sampark.rules.enums import Kind

pytestmark = pytest.mark.django_db


def test_a_notice_to_named_people_is_queued_once_per_person(tree: Tree, alice: User) -> None:
    # given three volunteers, one preferring SMS
    vols = add_volunteers(tree.booths[:3], per_booth=1)
    ChannelPreference.objects.create(person=vols.people[0], channel=Channel.SMS)
    people: list[tuple[int, int | None]] = [(p.id, vols.booth_of[p.id].id) for p in vols.people]

    def send(to: list[tuple[int, int | None]]) -> int:
        return services.event_notice_send(
            author=alice,
            unit_id=tree.state.id,
            ref="7:remind:day",
            title="Workshop",
            text_hi="कल कार्यशाला",
            text_en="Workshop tomorrow",
            link="https://example.org/app/events/#event-7",
            people=to,
        )

    # when the notice is sent to them, then again to them and one more (a retried run)
    first = send(people[:2])
    second = send(people)
    # then one distribution holds one row per person, on each person's channel
    assert (first, second) == (2, 1)
    d = Distribution.objects.get(kind=DistributionKind.NOTICE)
    rows = dict(Delivery.objects.filter(distribution=d).values_list("person_id", "channel"))
    assert rows == {
        vols.people[0].id: "sms",
        vols.people[1].id: "push",
        vols.people[2].id: "push",
    }
    assert d.targeted == 3
    # and the item is no kit of the library
    assert not ContentItem.objects.filter(id=d.item_id, origin__startswith="invite:").exists()
    assert d.item.origin == "event:7:remind:day"


def test_an_event_sms_names_its_template_title_and_link(tree: Tree, alice: User) -> None:
    # given a notice to a volunteer on SMS
    vols = add_volunteers(tree.booths[:1], per_booth=1, channel="sms")
    services.event_notice_send(
        author=alice,
        unit_id=tree.state.id,
        ref="9:answer:1",
        title="State convention",
        text_hi="उत्तर",
        text_en="Answer",
        link="https://example.org/e/9",
        people=[(vols.people[0].id, None)],
    )
    row = Delivery.objects.select_related("person", "distribution__item").get()
    # when the sender prepares it
    prepared = sending.prepare([row])[0]
    # then it is MSG91's event_notice entry with the title and the link
    assert prepared.message is not None
    assert prepared.message.template_id == "event_notice"
    assert prepared.message.variables == ("State convention", "https://example.org/e/9")
    assert prepared.message.url == "https://example.org/e/9"


def test_event_kinds_are_held_like_invitations() -> None:
    from sampark.content.gates import _KINDS

    assert _KINDS[DistributionKind.EVENT] == Kind.INVITATION
    assert _KINDS[DistributionKind.NOTICE] == Kind.INVITATION
    assert event_messages.sms_template(DistributionKind.EVENT) == "event_invite"
