import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.core.models import AuditEvent
from sampark.directives import selectors, services
from sampark.directives.models import Directive, DirectiveRecipient
from sampark.geo.models import Unit
from sampark.people.models import Assignment, Person, PositionKind

DUE = dt.date(2030, 12, 30)


def _send_to_districts(alice) -> Directive:
    return services.directive_send(
        sender=alice,
        title="Recruit five volunteers on every booth",
        body="By 30 Dec.",
        due=DUE,
        level="district",
    )


def _row(directive, unit) -> DirectiveRecipient:
    return DirectiveRecipient.objects.get(directive=directive, unit=unit)


def test_it_sends_to_every_district(tree, alice):
    # when the state head sends a directive to every district
    directive = _send_to_districts(alice)
    # then there is one recipient row per district, and the send is audited
    units = set(directive.recipients.values_list("unit_id", flat=True))
    assert units == {d.id for d in tree.districts}
    assert directive.sender_unit == tree.state
    assert AuditEvent.objects.filter(
        verb="directive.sent", object_id=directive.id, data__recipients=len(tree.districts)
    ).exists()


def test_it_sends_to_chosen_units(tree, bob, district1):
    # given an AC of bob's district
    ac = Unit.objects.filter(level="ac", district=district1).order_by("id")[0]
    # when bob sends to it by id
    directive = services.directive_send(
        sender=bob, title="  Hold a  meeting ", body="", due=None, unit_ids=[ac.id]
    )
    # then only that AC receives it, and the title is tidied
    assert list(directive.recipients.values_list("unit_id", flat=True)) == [ac.id]
    assert directive.title == "Hold a meeting"


@pytest.mark.parametrize(
    ("target", "_case"),
    [
        ("district2", "another district"),
        ("own", "the sender's own unit"),
        ("state", "an ancestor"),
        ("missing", "a unit that does not exist"),
    ],
)
def test_recipients_must_be_inside_the_senders_subtree(tree, bob, district2, target, _case):
    # given a unit that is not strictly below bob's district
    unit_id = {
        "district2": district2.id,
        "own": bob.unit_id,
        "state": tree.state.id,
        "missing": 10**9,
    }[target]
    # when bob tries to send to it, then the send is refused and nothing is written
    with pytest.raises(ValidationError):
        services.directive_send(sender=bob, title="x", body="", due=None, unit_ids=[unit_id])
    assert not Directive.objects.exists()


def test_level_target_stays_in_the_subtree(tree, bob, district1):
    # when bob sends to every booth of his area
    directive = services.directive_send(sender=bob, title="x", body="", due=None, level="booth")
    # then only the booths of his district receive it
    expected = set(
        Unit.objects.filter(level="booth", district=district1).values_list("id", flat=True)
    )
    assert set(directive.recipients.values_list("unit_id", flat=True)) == expected


def test_sender_needs_the_capability(tree, charlie):
    # when a volunteer tries to send a directive, then it is refused
    with pytest.raises(PermissionDenied):
        services.directive_send(sender=charlie, title="x", body="", due=None, level="booth")


def test_acknowledge_first_one_wins(tree, alice, bob, district1):
    # given a state directive and a second in-charge on district 1
    directive = _send_to_districts(alice)
    row = _row(directive, district1)
    deputy = make_user("deputy", district1, Role.DISTRICT_INCHARGE)
    # when bob acknowledges, and then the deputy tries again
    first = services.directive_acknowledge(recipient_id=row.id, user=bob, note="on it")
    second = services.directive_acknowledge(recipient_id=row.id, user=deputy)
    # then bob won, the second is refused, and exactly one acknowledgement is audited
    assert first is True
    assert second is False
    row.refresh_from_db()
    assert row.acknowledged_by == bob
    assert row.note == "on it"
    assert AuditEvent.objects.filter(verb="directive.acknowledged").count() == 1


@pytest.mark.parametrize(
    ("who", "_case"),
    [("alice", "the sender, not the unit"), ("volunteer", "a role without the capability")],
)
def test_only_the_units_incharge_may_acknowledge(tree, alice, bob, district1, who, _case):
    # given a state directive to every district
    directive = _send_to_districts(alice)
    row = _row(directive, district1)
    user = alice if who == "alice" else make_user("vol", district1, Role.VOLUNTEER)
    # when someone other than the district's in-charge acknowledges, then it is refused
    with pytest.raises(PermissionDenied):
        services.directive_acknowledge(recipient_id=row.id, user=user)
    assert not AuditEvent.objects.filter(verb="directive.acknowledged").exists()


def test_outsider_gets_404(client, tree, alice, bob, charlie, district1):
    # given a directive from bob's district to one of its ACs
    ac = Unit.objects.filter(level="ac", district=district1).order_by("id")[0]
    directive = services.directive_send(
        sender=bob, title="secret", body="", due=None, unit_ids=[ac.id]
    )
    row = _row(directive, ac)
    # when charlie (district 2) asks for it by any route
    client.force_login(charlie)
    pages = [
        client.get(f"/directives/{directive.id}/"),
        client.post(f"/directives/recipients/{row.id}/ack/"),
        client.get(f"/api/directives/{directive.id}"),
        client.post(
            f"/api/directives/{directive.id}/recipients/{row.id}/ack",
            "{}",
            content_type="application/json",
        ),
    ]
    # then it does not exist for him
    assert [p.status_code for p in pages] == [404, 404, 404, 404]
    with pytest.raises(Http404):
        selectors.access_directive(user=charlie, directive_id=directive.id)
    assert not selectors.directives_sent_visible(user=charlie).exists()
    assert "secret" not in client.get("/directives/").content.decode()


def test_bob_sees_only_his_row_of_the_states_directive(client, tree, alice, bob, district1):
    # given a state directive to every district, acknowledged by nobody
    directive = _send_to_districts(alice)
    # when bob looks at its status
    status = selectors.directive_status(directive=directive, user=bob)
    # then only his own district counts
    assert (status.total, status.acknowledged, status.pending) == (1, 0, 1)
    assert [p.unit.id for p in status.pending_units] == [district1.id]
    client.force_login(bob)
    body = client.get(f"/api/directives/{directive.id}").json()
    assert (body["total"], [r["unit"]["id"] for r in body["recipients"]]) == (1, [district1.id])
    page = client.get(f"/directives/{directive.id}/").content.decode()
    assert "District 2" not in page


def test_state_sees_all_rows_with_incharge_names(tree, alice, bob, district1, district2):
    # given a state directive acknowledged by bob, and an IT-cell in-charge on district 2
    directive = _send_to_districts(alice)
    services.directive_acknowledge(recipient_id=_row(directive, district1).id, user=bob)
    person = Person.objects.create(name="राम कुमार", phone="+919812345610")
    Assignment.objects.create(
        person=person, unit=district2, kind=PositionKind.objects.get(code="it_incharge_district")
    )
    # when the state head looks at its status
    status = selectors.directive_status(directive=directive, user=alice)
    # then one of two acknowledged, and the pending district shows who answers for it
    assert (status.total, status.acknowledged, status.pending) == (2, 1, 1)
    assert [(p.unit.id, p.incharges) for p in status.pending_units] == [
        (district2.id, ["राम कुमार"])
    ]


def test_visibility_of_directives(tree, alice, bob, charlie, district1):
    # given a state directive to every AC (not to districts)
    directive = services.directive_send(sender=alice, title="ACs", body="", due=None, level="ac")
    ac_row = DirectiveRecipient.objects.filter(directive=directive, unit__district=district1)[0]
    # then bob's district is neither sender nor recipient: he does not see it, nor its rows
    with pytest.raises(Http404):
        selectors.access_directive(user=bob, directive_id=directive.id)
    with pytest.raises(Http404):
        selectors.access_recipient(user=bob, recipient_id=ac_row.id)
    # and an AC in-charge who received it does
    ac_user = make_user("acuser", ac_row.unit, Role.AC_INCHARGE)
    assert selectors.access_directive(user=ac_user, directive_id=directive.id) == directive
    assert [r.id for r in selectors.directives_inbox(user=ac_user)] == [ac_row.id]


def test_list_page_shows_inbox_and_progress(client, tree, alice, bob, district1):
    # given a state directive, acknowledged by bob
    directive = _send_to_districts(alice)
    services.directive_acknowledge(recipient_id=_row(directive, district1).id, user=bob)
    # when alice opens the list
    client.force_login(alice)
    page = client.get("/directives/")
    # then her sent directive shows 1 of 2 acknowledged
    assert page.status_code == 200
    assert "1 / 2" in page.content.decode()


def test_htmx_acknowledge_swaps_the_row(client, tree, alice, bob, district1):
    # given a state directive in bob's inbox
    directive = _send_to_districts(alice)
    row = _row(directive, district1)
    client.force_login(bob)
    assert f'data-testid="ack-{row.id}"' in client.get("/directives/").content.decode()
    # when bob clicks Acknowledge (HTMX)
    response = client.post(f"/directives/recipients/{row.id}/ack/", headers={"HX-Request": "true"})
    # then the row comes back acknowledged
    assert response.status_code == 200
    assert "Acknowledged" in response.content.decode()
    assert f'data-testid="ack-{row.id}"' not in response.content.decode()
    row.refresh_from_db()
    assert row.acknowledged_by == bob


def test_acknowledging_another_units_row_is_forbidden(client, tree, alice, bob):
    # given a state directive; alice sees every row but none is her unit's
    directive = _send_to_districts(alice)
    row = directive.recipients.all()[0]
    client.force_login(alice)
    # when she posts an acknowledgement, then it is refused (she can see it, so 403 not 404)
    assert client.post(f"/directives/recipients/{row.id}/ack/").status_code == 403


def test_new_page_sends_by_level(client, tree, alice):
    # when alice fills in the form for every AC
    client.force_login(alice)
    assert client.get("/directives/new/").status_code == 200
    response = client.post(
        "/directives/new/",
        {
            "title": "Booth meetings",
            "body": "Hold them",
            "due": "2030-12-30",
            "target": "level",
            "level": "ac",
        },
    )
    # then the directive is sent to every AC and she lands on its page
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert response.url == f"/directives/{directive.id}/"
    assert directive.recipients.count() == len(tree.acs)
    assert directive.due == DUE


def test_new_page_refuses_units_outside(client, tree, bob, district2):
    # when bob posts another district's unit id, then the form refuses it
    client.force_login(bob)
    response = client.post(
        "/directives/new/",
        {"title": "x", "body": "y", "target": "units", "units": [district2.id]},
    )
    assert response.status_code == 200
    assert not Directive.objects.exists()


def test_new_page_needs_the_capability(client, tree, charlie):
    client.force_login(charlie)
    assert client.get("/directives/new/").status_code == 403


def test_detail_filters_pending(client, tree, alice, bob, district1, district2):
    # given a state directive acknowledged by district 1 only
    directive = _send_to_districts(alice)
    services.directive_acknowledge(recipient_id=_row(directive, district1).id, user=bob)
    client.force_login(alice)
    # when alice filters to pending units
    page = client.get(f"/directives/{directive.id}/?pending=1").content.decode()
    # then only district 2 is listed
    assert f"recipient-{_row(directive, district2).id}" in page
    assert f"recipient-{_row(directive, district1).id}" not in page


def test_api_create_list_and_ack(client, tree, alice, bob, district1, district2):
    # when alice sends a directive through the API
    client.force_login(alice)
    created = client.post(
        "/api/directives/",
        json.dumps(
            {"title": "Recruit", "body": "five per booth", "due": "2030-12-30", "level": "district"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    directive_id = created.json()["id"]
    # and bob lists and acknowledges it
    client.force_login(bob)
    listing = client.get("/api/directives/").json()
    assert [i["directive"]["id"] for i in listing["inbox"]] == [directive_id]
    recipient_id = listing["inbox"][0]["recipient_id"]
    url = f"/api/directives/{directive_id}/recipients/{recipient_id}/ack"
    first = client.post(url, json.dumps({"note": "done"}), content_type="application/json")
    second = client.post(url, content_type="application/json")
    # then the first call wins and the second reports it was already done
    assert (first.status_code, first.json()["acknowledged"]) == (200, True)
    assert (second.status_code, second.json()["acknowledged"]) == (200, False)
    client.force_login(alice)
    sent = client.get("/api/directives/").json()["sent"][0]
    assert (sent["recipients_acknowledged"], sent["recipients_total"]) == (1, 2)


def test_api_create_outside_is_a_400(client, tree, bob, district2):
    client.force_login(bob)
    response = client.post(
        "/api/directives/",
        json.dumps({"title": "x", "unit_ids": [district2.id]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Directive.objects.exists()
