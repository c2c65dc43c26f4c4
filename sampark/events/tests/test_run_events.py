"""RUN_EVENTS: who plans seasons, manages events and opens gates (targets stay SET_TARGETS)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from sampark.accounts.enums import Capability, Role
from sampark.events import services


@pytest.mark.parametrize(
    ("role", "runs"),
    [
        pytest.param(Role.STATE_HEAD, True, id="state_head_case"),
        pytest.param(Role.DISTRICT_INCHARGE, True, id="district_case"),
        pytest.param(Role.PC_INCHARGE, True, id="pc_case"),
        pytest.param(Role.AC_INCHARGE, True, id="ac_case"),
        pytest.param(Role.MANDAL_INCHARGE, False, id="mandal_case"),
        pytest.param(Role.ANALYST, False, id="analyst_case"),
        pytest.param(Role.VOLUNTEER, False, id="volunteer_case"),
    ],
)
def test_it_gives_run_events_to_the_hosts_in_charges(tree, role, runs):
    user = make_user("u", tree.state, role)
    assert user.can(Capability.RUN_EVENTS) is runs


def test_an_analyst_of_the_state_may_not_plan_a_season(numbered):
    # given a state-level analyst (no RUN_EVENTS)
    analyst = make_user("ana", numbered.state, Role.ANALYST)
    # when they plan a season, then it is refused
    with pytest.raises(PermissionDenied):
        services.season_create(
            actor=analyst,
            name="x",
            kind="district_workshop",
            starts_on=dt.date(2026, 12, 20),
            ends_on=dt.date(2026, 12, 30),
            band_min=10,
            band_max=20,
        )


def test_a_district_analyst_sees_no_gate_controls(client, workshop, gate):
    # given an analyst of the host district (in scope, no RUN_EVENTS)
    analyst = make_user("ana", workshop.unit, Role.ANALYST)
    client.force_login(analyst)
    # when they open the event page, a gate page or try to open a gate
    pages = [f"/events/{workshop.id}/", f"/events/gates/{gate.id}/"]
    codes = [client.get(p).status_code for p in pages]
    opened = client.post(f"/events/{workshop.id}/gates/", {"name": "G"}).status_code
    # then each is a 403 (the objects exist for them) and no gate was opened
    assert codes == [403, 403]
    assert opened == 403
    assert workshop.gates.count() == 1


def test_the_district_in_charge_opens_a_gate(client, workshop, bob):
    client.force_login(bob)
    response = client.post(f"/events/{workshop.id}/gates/", {"name": "North"})
    assert response.status_code == 302
    assert workshop.gates.filter(name="North").exists()
