"""The demo of issue #13: staff accounts on the Lucknow in-charge's page, idempotently."""

from __future__ import annotations

from conftest import make_user
from sampark.accounts import staff
from sampark.accounts.enums import Role
from sampark.devtools.demo import signin as signin_demo


def test_the_demo_gives_the_district_incharge_staff_to_manage(district1):
    # given the demo's Lucknow in-charge
    lucknow = make_user("lucknow", district1, Role.DISTRICT_INCHARGE)
    # when the loader runs twice
    signin_demo.load()
    signin_demo.load()
    # then the staff page lists its three accounts, once each
    names = list(staff.staff_accounts(actor=lucknow).values_list("username", flat=True))
    assert names == ["lko-agent-1", "lko-analyst", "lko-call-supervisor"]
