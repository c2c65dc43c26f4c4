"""From a finished import's page to the invitations page with that import chosen (issue #13)."""

from __future__ import annotations

import pytest
from django.test import Client

from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.people.models import ImportJob

pytestmark = pytest.mark.django_db


def _job(bob: User, unit: Unit, status: str = ImportJob.Status.DONE) -> ImportJob:
    return ImportJob.objects.create(
        created_by=bob, scope=unit, filename="volunteers.csv", status=status, rows_created=5
    )


def test_a_finished_import_links_to_its_invitations(client: Client, bob: User, district1: Unit):
    # given a finished import and a running one in bob's district
    done = _job(bob, district1)
    running = _job(bob, district1, ImportJob.Status.RUNNING)
    client.force_login(bob)
    # when bob opens both import pages
    done_page = client.get(f"/imports/{done.id}/").content.decode()
    running_page = client.get(f"/imports/{running.id}/").content.decode()
    # then only the finished one offers to invite its people, with the job chosen
    assert f'href="/content/invitations/?job={done.id}"' in done_page
    assert 'data-testid="invite-link"' not in running_page


def test_the_invitations_page_preselects_the_job(client: Client, bob: User, district1: Unit):
    # given two finished imports, the older one chosen from its page
    older = _job(bob, district1)
    _job(bob, district1)
    client.force_login(bob)
    # when the invitations page is opened with ?job=
    html = client.get(f"/content/invitations/?job={older.id}").content.decode()
    # then that job is the selected option
    assert f'<option value="{older.id}" selected>' in html


def test_a_job_outside_the_area_is_a_404(
    client: Client, bob: User, alice: User, district2: Unit
) -> None:
    # given a finished import in District 2, outside bob's area
    other = _job(alice, district2)
    client.force_login(bob)
    # when bob asks for the invitations page with it chosen
    response = client.get(f"/content/invitations/?job={other.id}")
    # then it does not exist for him
    assert response.status_code == 404
