"""A kit approved outside the library (a war-room response), published in one call: the
library's rules still hold inside it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from sampark.accounts.models import User
from sampark.content import hashing, services
from sampark.content.enums import ItemState
from sampark.content.models import ContentItem
from sampark.core.models import AuditEvent
from sampark.devtools.synthetic import Tree

pytestmark = pytest.mark.django_db


def _publish(tree: Tree, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "unit": tree.districts[0],
        "title": "जवाब: EVM हैक की अफवाह",
        "text_hi": "हमारा जवाब\n\nयह दावा झूठा है।",
        "text_en": "Our response\n\nThis claim is false.",
        "origin": "warroom.response:7",
        "target_ids": [tree.districts[0].id],
        "tags": ["war-room"],
    }
    return services.response_kit_publish(**(args | kw))


def test_it_publishes_an_approved_kit_with_the_library_trail(
    tree: Tree, alice: User, bob: User
) -> None:
    # when a response written by bob and approved by alice is published by alice
    distribution = _publish(tree, actor=alice, author=bob, approver=alice, approval_note="ठीक")
    # then the kit is approved by alice, its hash frozen, and scheduled to district 1
    item = ContentItem.objects.get(id=distribution.item_id)
    assert (item.author, item.reviewer, item.review_note) == (bob, alice, "ठीक")
    assert item.state == ItemState.SCHEDULED
    assert item.content_hash == hashing.compute_hash(item)
    assert item.origin == "warroom.response:7"
    assert list(distribution.targets.all()) == [tree.districts[0]]
    # and the audit trail reads as for a kit reviewed in the library
    trail = list(AuditEvent.objects.order_by("id").values_list("verb", "actor_id", "data"))
    assert [(verb, actor) for verb, actor, _d in trail] == [
        ("content.created", bob.id),
        ("content.submitted", bob.id),
        ("content.approved", alice.id),
        ("distribution.scheduled", alice.id),
    ]
    assert [d["state"] for _v, _a, d in trail[:3]] == [
        ItemState.DRAFT,
        ItemState.IN_REVIEW,
        ItemState.APPROVED,
    ]


@pytest.mark.parametrize(
    ("_case", "who"),
    [("approver_is_author_case", "bob"), ("approver_cannot_review_case", "writer")],
)
def test_the_approval_rule_holds(
    _case: str, who: str, tree: Tree, alice: User, bob: User, writer: User
) -> None:
    approver = {"bob": bob, "writer": writer}[who]
    with pytest.raises(PermissionDenied):
        _publish(tree, actor=alice, author=bob, approver=approver)
    assert not ContentItem.objects.exists()


def test_a_kit_needs_a_text(tree: Tree, alice: User, bob: User) -> None:
    with pytest.raises(services.ContentError):
        _publish(tree, actor=alice, author=bob, approver=alice, text_hi=" ", text_en="")
    assert not ContentItem.objects.exists()


def test_the_distribution_rules_hold_and_leave_no_kit(tree: Tree, alice: User, bob: User) -> None:
    # bob (District 1's in-charge) may not send to District 2: nothing is left behind
    with pytest.raises(PermissionDenied):
        _publish(
            tree,
            actor=bob,
            author=bob,
            approver=alice,
            target_ids=[tree.districts[1].id],
        )
    assert not ContentItem.objects.exists()
