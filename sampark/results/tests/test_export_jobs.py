from __future__ import annotations

import csv
import io
from pathlib import Path

from django.test import Client
from django.urls import reverse

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.results import services
from sampark.results.models import ExportJob
from sampark.results.tests.fixtures import write_files


def test_background_export_shows_progress_and_is_the_owners_only(
    tree: Tree, tmp_path: Path, alice: User, bob: User, client: Client
) -> None:
    # given results and a snapshot, and the state head asking for every booth in the background
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    services.refresh_strength(state="UP")
    client.force_login(alice)
    response = client.post(
        reverse("results:export_queue", kwargs={"unit_id": tree.state.id}),
        {"list": "booths", "format": "csv"},
    )
    job = ExportJob.objects.get()
    page = reverse("results:export_job", kwargs={"token": job.token})
    # then the job waits with its total, and its page polls while it is not done
    assert response.status_code == 302
    assert (job.status, job.total) == ("queued", 16)
    assert b'hx-trigger="every 2s"' in client.get(page, HTTP_HX_REQUEST="true").content
    # when the worker runs it
    assert services.run_exports() == 1
    # then the file holds every booth under the header, and the page links it
    body = client.get(reverse("results:export_file", kwargs={"token": job.token})).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1 + 16
    assert b"export-file" in client.get(page).content
    # and another user holding the token finds nothing
    client.force_login(bob)
    assert client.get(page).status_code == 404
    # and an unknown format is a 400
    client.force_login(alice)
    url = reverse("results:export_queue", kwargs={"unit_id": tree.state.id})
    assert client.post(url, {"list": "booths", "format": "pdf"}).status_code == 400
