"""A fact-check file imported in the worker that fails is shown on the import page (#12)."""

from __future__ import annotations

from django.urls import reverse

from sampark.core.models import Task, TaskStatus


def test_a_failed_queued_import_is_shown_to_its_uploader(client, alice):
    # given a queued import of alice's that failed for good in the worker
    Task.objects.create(
        name="factcheck.import_file",
        payload={"stored": "x", "name": "claims.csv", "source": "", "actor_id": alice.id},
        status=TaskStatus.FAILED,
        attempts=5,
    )
    # when she opens the import page
    client.force_login(alice)
    page = client.get(reverse("factcheck:import")).content.decode()
    # then the failure is shown with the file's name
    assert 'data-testid="queued-failed"' in page
    assert "claims.csv" in page
