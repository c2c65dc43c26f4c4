"""An export read in the worker that fails is shown to its uploader (issue #12)."""

from __future__ import annotations

from django.urls import reverse

from sampark.core import tasks as core_tasks
from sampark.core.models import Task, TaskStatus
from sampark.monitoring import services
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Source


def test_a_refused_and_a_failed_queued_export_are_shown_to_the_uploader(client, charlie, bob):
    # given charlie's group, an export of his that is not a chat, queued for the worker
    group = Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name="Booth", unit=charlie.unit)
    services.export_queue(source=group, data=b"not a chat at all", filename="a.txt", actor=charlie)
    # and another that failed for good in the worker
    Task.objects.create(
        name="monitoring.export_ingest",
        payload={"source_id": group.id, "name": "x", "filename": "b.zip", "actor_id": charlie.id},
        status=TaskStatus.FAILED,
        attempts=5,
        last_error="OSError: disk",
    )
    # when the worker has run and charlie opens the group's upload page
    core_tasks.run_pending()
    client.force_login(charlie)
    html = client.get(reverse("monitoring:group_upload", kwargs={"group_id": group.id})).content
    # then he sees both outcomes by file name
    page = html.decode()
    assert 'data-testid="queued-refused"' in page
    assert 'data-testid="queued-failed"' in page
    assert "a.txt" in page
    assert "b.zip" in page


def test_another_users_queued_files_are_not_listed(charlie, bob):
    # given an export queued by charlie
    group = Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name="Booth", unit=charlie.unit)
    services.export_queue(source=group, data=b"x", filename="a.txt", actor=charlie)
    # when bob's queued files are asked for, then none are his
    mine = core_tasks.queued_files(
        name="monitoring.export_ingest", source_id=group.id, actor_id=bob.id
    )
    theirs = core_tasks.queued_files(
        name="monitoring.export_ingest", source_id=group.id, actor_id=charlie.id
    )
    assert mine == []
    assert [f.state for f in theirs] == ["waiting"]
