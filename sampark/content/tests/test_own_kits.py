"""An approved kit is registered with listening as ours (issue #17)."""

from __future__ import annotations

import pytest

from sampark.content import services
from sampark.monitoring.models import OwnContent


@pytest.fixture
def kit_in_review(bob, district1):
    item = services.item_create(
        actor=bob,
        unit=district1,
        title="घर घर संपर्क",
        text_hi="आज का काम: घर घर संपर्क, हर बूथ पर मतदाता सूची की जांच और नए फॉर्म 6",
        text_en="Today's task: door to door contact, check the voter list at every booth",
        tags=[],
    )
    return services.item_submit(item_id=item.id, actor=bob)


def test_approving_a_kit_registers_both_its_texts_as_ours(kit_in_review, alice):
    # given a kit in review, when another person approves it
    assert not OwnContent.objects.exists()
    services.item_approve(item_id=kit_in_review.id, actor=alice)
    # then listening knows its Hindi and English texts as the organisation's own
    rows = OwnContent.objects.filter(source_ref=f"content.item:{kit_in_review.id}")
    assert sorted(r.label for r in rows) == ["kit", "kit"]
    assert any(r.excerpt.startswith("आज का काम") for r in rows)
