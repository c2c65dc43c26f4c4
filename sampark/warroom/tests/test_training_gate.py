"""An analyst takes incidents only after passing the training required for the role (#14)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.training import services as training_services
from sampark.training.models import Module
from sampark.training.tests.fixtures import build_module, right_answers
from sampark.warroom.models import Incident
from sampark.warroom.services import incidents as incident_services


@pytest.fixture
def required(alice: User, tree: Tree) -> Module:
    return build_module(alice, tree.state, title="Fact-check basics", roles=[Role.ANALYST])


def test_take_is_refused_until_the_module_is_passed(
    client: Client, analyst: User, incident: Incident, required: Module
) -> None:
    # given an analyst who has not passed the required module
    client.force_login(analyst)
    # when they take the incident
    response = client.post(f"/warroom/incidents/{incident.id}/assign/")
    # then 403, naming and linking the module, and the incident stays free
    assert response.status_code == 403
    body = response.content.decode()
    assert f"/training/{required.id}/" in body
    assert "Fact-check basics" in body
    incident.refresh_from_db()
    assert incident.assignee_id is None


def test_take_is_refused_in_hindi(
    client: Client, analyst: User, incident: Incident, required: Module
) -> None:
    client.force_login(analyst)
    client.cookies["django_language"] = "hi"
    response = client.post(f"/warroom/incidents/{incident.id}/assign/")
    assert response.status_code == 403
    assert "प्रशिक्षण" in response.content.decode()


def test_take_by_htmx_goes_to_the_module(
    client: Client, analyst: User, incident: Incident, required: Module
) -> None:
    client.force_login(analyst)
    response = client.post(f"/warroom/incidents/{incident.id}/assign/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert response["HX-Redirect"] == f"/training/{required.id}/"


def test_take_is_allowed_after_passing(
    client: Client, analyst: User, incident: Incident, required: Module
) -> None:
    training_services.quiz_submit(
        module_id=required.id, user=analyst, answers=right_answers(required)
    )
    client.force_login(analyst)
    response = client.post(f"/warroom/incidents/{incident.id}/assign/")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.assignee_id == analyst.id


def test_the_api_refuses_with_403(
    client: Client, analyst: User, incident: Incident, required: Module
) -> None:
    client.force_login(analyst)
    response = client.post(f"/api/warroom/incidents/{incident.id}/assign")
    assert response.status_code == 403
    assert "Fact-check basics" in json.loads(response.content)["detail"]


def test_a_supervisor_cannot_assign_an_untrained_analyst(
    alice: User, analyst: User, incident: Incident, required: Module
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        incident_services.incident_assign(incident_id=incident.id, assignee=analyst, actor=alice)


def test_with_no_required_module_nothing_changes(analyst: User, incident: Incident) -> None:
    assert incident_services.incident_assign(
        incident_id=incident.id, assignee=analyst, actor=analyst
    )
