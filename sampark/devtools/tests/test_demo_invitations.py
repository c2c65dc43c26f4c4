"""The demo of issue #13's invitations: a finished Lucknow import, invited once."""

from __future__ import annotations

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.content import expansion, invitations
from sampark.devtools.demo import invitations as invitations_demo


def test_the_demo_invites_a_lucknow_import_once(district1):
    # given the demo's Lucknow in-charge
    lucknow = make_user("lucknow", district1, Role.DISTRICT_INCHARGE)
    # when the loader runs twice and the invitation expands
    first = invitations_demo.load()
    second = invitations_demo.load()
    expansion.expand(distribution_id=first)
    # then one invitation of 12 people is on the in-charge's page, 3 skipped for want of consent
    assert second == 0
    [shown] = invitations.invitations_visible(user=lucknow)
    counts = invitations.progress(distribution=shown)
    assert (counts.total, counts.queued, counts.skipped) == (12, 9, 3)
