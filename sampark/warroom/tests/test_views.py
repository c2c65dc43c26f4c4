"""War-room pages and API: scope (404 outside), capabilities (403), the live board and its query
budget, "I'll take it", approval by a person above the author, templates and the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.monitoring.enums import AlertKind
from sampark.monitoring.models import Alert
from sampark.monitoring.tests.factories import build_world
from sampark.warroom.enums import DutyRole, EventKind, ResponseState
from sampark.warroom.models import Incident, Shift
from sampark.warroom.services import incidents as incident_services
from sampark.warroom.services import responses as response_services
from sampark.warroom.services import templates as template_services
from sampark.warroom.tests.fixtures import CLAIM

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _incident_urls(incident_id: int) -> list[str]:
    return [
        f"/warroom/incidents/{incident_id}/",
        f"/warroom/incidents/{incident_id}/respond/",
        f"/api/warroom/incidents/{incident_id}",
    ]


# -- scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["charlie_case", "district2_analyst_case"])
def test_outsider_gets_404(client, who, charlie, outsider_analyst, incident):
    # given District 1's incident, and a user of District 2
    client.force_login(charlie if who == "charlie_case" else outsider_analyst)
    # then every page and endpoint about it answers 404
    for url in _incident_urls(incident.id):
        assert client.get(url).status_code == 404, url
    for url in [
        f"/warroom/incidents/{incident.id}/assign/",
        f"/warroom/incidents/{incident.id}/triage/",
        f"/warroom/incidents/{incident.id}/state/",
    ]:
        assert client.post(url, {"to": "closed"}).status_code == 404, url
    assert client.post(f"/api/warroom/incidents/{incident.id}/assign").status_code == 404
    incident.refresh_from_db()
    assert incident.assignee is None
    assert incident.state != "closed"


def test_outsider_gets_404_on_responses(client, outsider_analyst, submitted):
    client.force_login(outsider_analyst)
    assert client.get(f"/warroom/responses/{submitted.id}/").status_code == 404
    for action in ("submit", "approve", "reject", "publish"):
        url = f"/warroom/responses/{submitted.id}/{action}/"
        assert client.post(url, {"note": "x"}).status_code == 404, url


def test_outsider_queue_and_api_show_nothing(client, outsider_analyst, incident):
    client.force_login(outsider_analyst)
    html = client.get("/warroom/incidents/").content.decode()
    assert CLAIM not in html
    assert client.get("/api/warroom/incidents").json() == {"incidents": []}


def test_volunteer_may_not_open_the_war_room(client, charlie):
    client.force_login(charlie)
    for url in ["/warroom/", "/warroom/incidents/", "/warroom/templates/", "/warroom/shifts/"]:
        assert client.get(url).status_code == 403, url
    assert client.get("/api/warroom/incidents").status_code == 403


def test_district_in_charge_sees_own_incident(client, bob, incident):
    client.force_login(bob)
    response = client.get(f"/warroom/incidents/{incident.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert CLAIM in html
    assert "BOOM" in html
    assert 'data-testid="take-it"' in html


# -- taking it -----------------------------------------------------------------------------------


def test_take_it_with_htmx_shows_who_won(client, analyst, analyst2, incident):
    # given erin took the incident first
    incident_services.incident_assign(incident_id=incident.id, assignee=analyst2, actor=analyst2)
    # when dana presses "I'll take it"
    client.force_login(analyst)
    response = client.post(f"/warroom/incidents/{incident.id}/assign/", **HTMX)
    # then the fragment says erin has it and dana lost
    html = response.content.decode()
    assert response.status_code == 200
    assert "erin" in html
    assert 'data-testid="assign-lost"' in html
    assert "<html" not in html


def test_api_assign_conflict_is_409(client, analyst, analyst2, incident):
    client.force_login(analyst2)
    first = client.post(f"/api/warroom/incidents/{incident.id}/assign")
    assert first.status_code == 200
    assert first.json()["assignee"] == "erin"
    client.force_login(analyst)
    assert client.post(f"/api/warroom/incidents/{incident.id}/assign").status_code == 409


def test_api_detail_has_matches_and_timeline(client, bob, incident, fact_check):
    client.force_login(bob)
    data = client.get(f"/api/warroom/incidents/{incident.id}").json()
    assert data["matches"][0]["fact_check_id"] == fact_check.id
    assert data["matches"][0]["verdict"] == "false"
    assert [e["kind"] for e in data["timeline"]] == ["opened", "triaged"]
    assert data["sla"] in {"on_track", "due_soon"}


# -- approval ------------------------------------------------------------------------------------


def test_author_cannot_approve_own_response_page(client, alice, district1, fact_check):
    incident = incident_services.incident_open_manual(actor=alice, unit=district1, title=CLAIM)
    response = response_services.response_draft(
        incident_id=incident.id, author=alice, fact_check_id=fact_check.id, text_hi="जवाब"
    )
    response_services.response_submit(response_id=response.id, actor=alice)
    client.force_login(alice)
    page = client.get(f"/warroom/responses/{response.id}/").content.decode()
    assert 'data-testid="approve"' not in page
    assert client.post(f"/warroom/responses/{response.id}/approve/").status_code == 403
    response.refresh_from_db()
    assert response.state == ResponseState.AWAITING_APPROVAL


def test_approve_and_publish_through_the_pages(client, alice, submitted):
    client.force_login(alice)
    page = client.get(f"/warroom/responses/{submitted.id}/").content.decode()
    assert 'data-testid="approve"' in page
    assert "हमारा जवाब, BOOM की तथ्य-जाँच के हवाले से" in page
    client.post(f"/warroom/responses/{submitted.id}/approve/", {"note": "ठीक"})
    client.post(f"/warroom/responses/{submitted.id}/publish/")
    submitted.refresh_from_db()
    assert submitted.state == ResponseState.PUBLISHED
    assert submitted.content_item is not None
    assert submitted.distribution is not None


def test_draft_page_starts_a_response_from_templates(
    client, bob, incident, template_hi, template_en, fact_check
):
    client.force_login(bob)
    assert client.get(f"/warroom/incidents/{incident.id}/respond/").status_code == 200
    result = client.post(
        f"/warroom/incidents/{incident.id}/respond/",
        {
            "template_hi": template_hi.id,
            "template_en": template_en.id,
            "fact_check": fact_check.id,
            "language": "hi",
        },
    )
    response = incident.responses.get()
    assert result.status_code == 302
    assert result["Location"].endswith(f"/{response.id}/")
    assert "झूठा" in response.text_hi
    assert "It is false" in response.text_en


# -- opening from the listening pages ------------------------------------------------------------


def test_open_from_alert_page_is_idempotent(client, tree, district1, district2, alice):
    world = build_world(district1=district1, district2=district2)
    alert = Alert.objects.create(
        kind=AlertKind.VELOCITY, unit=tree.state, narrative=world["shared"], message="तेज़ी"
    )
    client.force_login(alice)
    first = client.post(f"/warroom/open/alert/{alert.id}/")
    second = client.post(f"/warroom/open/alert/{alert.id}/")
    incident = Incident.objects.get()
    assert first["Location"] == second["Location"] == f"/warroom/incidents/{incident.id}/"


def test_open_from_a_hidden_narrative_is_404(client, tree, district1, district2, bob):
    world = build_world(district1=district1, district2=district2)
    client.force_login(bob)
    assert client.post(f"/warroom/open/narrative/{world['only_d2'].id}/").status_code == 404
    assert not Incident.objects.exists()


def test_manual_open_page(client, bob, district1):
    client.force_login(bob)
    assert client.get("/warroom/incidents/new/").status_code == 200
    result = client.post(
        "/warroom/incidents/new/",
        {"title": "पुल टूटने की झूठी खबर", "claim": "", "unit": district1.id, "severity": 3},
    )
    incident = Incident.objects.get()
    assert result["Location"] == f"/warroom/incidents/{incident.id}/"
    assert incident.severity == 3
    assert incident.unit == district1


# -- the live board ------------------------------------------------------------------------------


def test_board_polls_every_10s_and_serves_a_fragment(client, alice, incident):
    client.force_login(alice)
    page = client.get(reverse("warroom:board")).content.decode()
    assert 'hx-trigger="every 10s"' in page
    assert CLAIM in page
    fragment = client.get(reverse("warroom:board"), **HTMX).content.decode()
    assert "<html" not in fragment
    assert CLAIM in fragment


def test_board_shows_who_is_on_duty_and_the_last_handover(client, alice, analyst, tree):
    now = timezone.now()
    Shift.objects.create(
        unit=tree.state,
        user=analyst,
        role=DutyRole.ANALYST,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
    )
    Shift.objects.create(
        unit=tree.state,
        user=alice,
        role=DutyRole.LEAD,
        starts_at=now - dt.timedelta(hours=9),
        ends_at=now - dt.timedelta(hours=1),
        handover_note="EVM वाली अफवाह पर नज़र रखें",
    )
    client.force_login(alice)
    html = client.get(reverse("warroom:board"), **HTMX).content.decode()
    assert "dana" in html
    assert "EVM वाली अफवाह पर नज़र रखें" in html


def test_board_query_budget_does_not_grow_with_incidents(
    client, alice, bob, district1, fact_check, django_assert_max_num_queries
):
    client.force_login(alice)
    incident_services.incident_open_manual(actor=bob, unit=district1, title=CLAIM)
    url = reverse("warroom:board")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(10):
        client.get(url, **HTMX)
    for n in range(15):
        incident_services.incident_open_manual(
            actor=bob, unit=district1, title=f"अफवाह {n}", severity=2
        )
    with django_assert_max_num_queries(10):
        response = client.get(url, **HTMX)
    assert response.content.decode().count('data-testid="incident-row"') == 10


def test_queue_filters(client, alice, bob, district1, incident):
    incident_services.incident_open_manual(
        actor=bob, unit=district1, title="गंभीर अफवाह", severity=4
    )
    client.force_login(alice)
    html = client.get("/warroom/incidents/", {"severity": 4}).content.decode()
    assert "गंभीर अफवाह" in html
    assert CLAIM not in html
    html = client.get("/warroom/incidents/").content.decode()
    assert html.index("गंभीर अफवाह") < html.index(CLAIM)  # most severe first


# -- templates and roster ------------------------------------------------------------------------


def test_templates_page_for_approvers(client, alice, analyst, template_hi):
    client.force_login(alice)
    result = client.post(
        "/warroom/templates/",
        {"name": "English", "language": "en", "body": "Claim: {claim}", "unit": "", "active": "on"},
    )
    assert result.status_code == 302
    client.force_login(analyst)
    html = client.get("/warroom/templates/").content.decode()
    assert "खंडन" in html
    assert "English" in html
    assert client.get(f"/warroom/templates/{template_hi.id}/").status_code == 403


def test_district_template_is_404_for_another_district(client, bob, outsider_analyst, district1):
    template = template_services.template_save(
        actor=bob, name="जिला 1", language="hi", body="{claim}", unit=district1
    )
    client.force_login(outsider_analyst)
    assert client.get(f"/warroom/templates/{template.id}/").status_code == 404
    assert client.post(f"/warroom/templates/{template.id}/delete/").status_code == 404


def test_roster_and_handover(client, alice, analyst, tree, outsider_analyst):
    client.force_login(alice)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    result = client.post(
        "/warroom/shifts/",
        {
            "unit": tree.state.id,
            "user": analyst.id,
            "role": "analyst",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert result.status_code == 302
    shift = Shift.objects.get()
    # the analyst on the shift writes the hand-over note
    client.force_login(analyst)
    client.post(f"/warroom/shifts/{shift.id}/", {"handover_note": "दो घटनाएँ खुली हैं"})
    shift.refresh_from_db()
    assert shift.handover_note == "दो घटनाएँ खुली हैं"
    assert "दो घटनाएँ खुली हैं" in client.get("/warroom/shifts/").content.decode()
    # a District 2 analyst cannot see the state's shift
    client.force_login(outsider_analyst)
    assert client.get(f"/warroom/shifts/{shift.id}/").status_code == 404


def test_timeline_lists_every_action(client, alice, bob, submitted):
    response_services.response_approve(response_id=submitted.id, actor=alice)
    client.force_login(bob)
    html = client.get(f"/warroom/incidents/{submitted.incident_id}/").content.decode()
    kinds = list(submitted.incident.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.OPENED,
        EventKind.TRIAGED,
        EventKind.STATE,
        EventKind.RESPONSE_DRAFTED,
        EventKind.STATE,
        EventKind.RESPONSE_SUBMITTED,
        EventKind.RESPONSE_APPROVED,
    ]
    assert html.count('<li><span class="muted">') >= len(kinds)


def test_pc_incharge_without_triage_is_refused(client, tree, incident):
    pc_user = make_user("hari", tree.state, Role.PC_INCHARGE)
    client.force_login(pc_user)
    assert client.get(f"/warroom/incidents/{incident.id}/").status_code == 403
