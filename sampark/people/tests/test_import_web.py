"""The import pages: upload -> mapping -> queued task -> job page; scope and capability."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.core.models import Task
from sampark.core.tasks import run_pending
from sampark.people import importer
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, ImportJob, Person

CSV = (
    "नाम,मोबाइल,विधानसभा संख्या,बूथ संख्या,पद,Remarks\n"
    "रमेश कुमार,9812345610,1,1,booth_president,ok\n"
    "सीता देवी,9812345611,1,2,whatsapp_pramukh,\n"
    "Bad Phone,12345,1,1,,\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, unit, *, content: str = CSV, name: str = "volunteers.csv", **extra):
    data = {
        "file": SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv"),
        "scope": str(unit.id),
        **extra,
    }
    return client.post("/imports/", data)


def test_it_runs_the_whole_web_flow(client, bob, district1, booth1):
    # given bob on the upload page
    client.force_login(bob)
    page = client.get("/imports/")
    assert page.status_code == 200
    assert b'name="verify"' in page.content

    # when he uploads a file, asking to verify
    response = upload(client, district1, verify="on")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.id}/mapping/"
    assert not Task.objects.exists()

    # then the mapping step shows the detected columns, with the unknown one ignored
    page = client.get(f"/imports/{job.id}/mapping/")
    assert page.status_code == 200
    form = page.context["form"]
    assert [form[f"col_{i}"].initial for i in range(6)] == [
        "name",
        "phone",
        "ac_no",
        "part_no",
        "position",
        "",
    ]
    assert "रमेश कुमार" in page.content.decode()

    # when he confirms the columns
    fields = {f"col_{i}": form[f"col_{i}"].initial for i in range(6)}
    response = client.post(f"/imports/{job.id}/mapping/", fields)
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.id}/"
    assert Task.objects.filter(name="people.import", payload={"job_id": job.id}).exists()

    # and the page polls while the job is queued
    page = client.get(f"/imports/{job.id}/")
    assert b'hx-trigger="every 2s"' in page.content

    # when the worker runs the queued task
    assert run_pending() == 1

    # then the job page shows the counts and the row error, and stops polling
    page = client.get(f"/imports/{job.id}/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" not in html
    assert 'hx-trigger="every 2s"' not in html
    assert page.context["counts"]["created"] == 2
    assert page.context["counts"]["failed"] == 1
    assert 'data-testid="count-created">2<' in html
    assert "Bad Phone" not in html
    assert "12345" in html
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert set(Assignment.objects.values_list("status", flat=True)) == {AssignmentStatus.VERIFIED}
    booth1.refresh_from_db()
    assert booth1.volunteers == 1

    # and the errors download as CSV
    response = client.get(f"/imports/{job.id}/errors.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "line,column,value,reason"
    assert body.splitlines()[1].startswith("4,मोबाइल,12345,")


def test_mapping_step_refuses_a_mapping_without_phone(client, bob, district1):
    # given an uploaded file
    client.force_login(bob)
    upload(client, district1)
    job = ImportJob.objects.get()

    # when the phone column is set to "ignore"
    fields = {"col_0": "name", "col_1": "", "col_2": "ac_no", "col_3": "part_no"}
    page = client.post(f"/imports/{job.id}/mapping/", fields)

    # then the step says so and nothing is queued
    assert page.status_code == 200
    assert "no column for: Mobile number" in page.content.decode()
    assert not Task.objects.exists()


def test_upload_refuses_other_file_types(client, bob, district1):
    client.force_login(bob)
    page = upload(client, district1, name="volunteers.pdf")
    assert page.status_code == 200
    assert "Upload a .csv or .xlsx file." in page.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_offers_only_units_in_scope(client, bob, district1, district2):
    # given bob, in district 1
    client.force_login(bob)

    # when he posts an import into district 2
    page = upload(client, district2)

    # then it is not a choice he has
    assert page.status_code == 200
    assert not ImportJob.objects.exists()
    choices = [value for value, _label in page.context["form"].fields["scope"].choices]
    assert district1.id in choices
    assert district2.id not in choices


def test_a_volunteer_gets_403(client, tree, booth1, bob):
    # given a job of bob's on a booth, and a volunteer of that booth
    job = importer.import_job_create(scope=booth1, actor=bob, filename="x.csv")
    volunteer = make_user("dev", booth1, Role.VOLUNTEER)
    client.force_login(volunteer)

    # then the import pages are not allowed
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/export/").status_code == 403
    assert client.get(f"/imports/{job.id}/").status_code == 403


@pytest.mark.parametrize(
    "suffix", ["", "mapping/", "errors.csv"], ids=["detail_case", "mapping_case", "errors_case"]
)
def test_outsider_gets_404_on_bobs_job(client, bob, charlie, district1, suffix):
    # given a job of bob's in district 1
    job = importer.import_job_create(scope=district1, actor=bob, filename="x.csv")

    # when charlie, in district 2, asks for it
    client.force_login(charlie)

    # then it does not exist for him
    assert client.get(f"/imports/{job.id}/{suffix}").status_code == 404


def test_other_district_incharge_gets_404(client, bob, district1, district2):
    job = importer.import_job_create(scope=district1, actor=bob, filename="x.csv")
    dora = make_user("dora", district2, Role.DISTRICT_INCHARGE)
    client.force_login(dora)
    assert client.get(f"/imports/{job.id}/").status_code == 404
    assert job not in list(importer.import_jobs_visible(user=dora))


def test_alice_sees_bobs_job(client, alice, bob, district1):
    job = importer.import_job_create(scope=district1, actor=bob, filename="x.csv")
    assert importer.access_import_job(user=alice, job_id=job.id) == job


def test_a_broken_file_fails_the_job_with_its_reason(client, bob, district1):
    # given an uploaded file whose columns were confirmed, then replaced by a non-UTF-8 body
    client.force_login(bob)
    upload(client, district1)
    job = ImportJob.objects.get()
    form = client.get(f"/imports/{job.id}/mapping/").context["form"]
    client.post(
        f"/imports/{job.id}/mapping/", {f"col_{i}": form[f"col_{i}"].initial for i in range(6)}
    )
    with open(job.file.path, "wb") as handle:
        handle.write("नाम,मोबाइल,विधानसभा संख्या,बूथ संख्या\n".encode() + b"\xff\xfe,1,1,1\n")

    # when the task runs
    run_pending()

    # then the job failed with a readable reason and no one was imported
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "UTF-8" in job.errors[0]["reason"]  # stored in English, shown in the page's language
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "“12345” is not a valid Indian mobile number."),
        ("hi", "“12345” मान्य भारतीय मोबाइल नंबर नहीं है।"),
    ],
    ids=["english_page_case", "hindi_page_case"],
)
def test_row_errors_speak_the_pages_language(client, settings, bob, district1, language, reason):
    # given a job run for bob, whose preferred language is Hindi
    assert bob.preferred_language == "hi"
    client.force_login(bob)
    upload(client, district1)
    job = ImportJob.objects.get()
    form = client.get(f"/imports/{job.id}/mapping/").context["form"]
    client.post(
        f"/imports/{job.id}/mapping/", {f"col_{i}": form[f"col_{i}"].initial for i in range(6)}
    )
    run_pending()

    # when the job page and the errors CSV are read in one language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/imports/{job.id}/")
    response = client.get(f"/imports/{job.id}/errors.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    # then the row's reason is in that language, in both
    assert page.context["errors"][0]["reason"] == reason
    assert reason in page.content.decode()
    assert body.splitlines()[1].endswith(reason)


def test_errors_stored_translated_before_are_shown_as_stored(client, bob, district1):
    # given a job from before errors were stored language-neutral (reason already in Hindi)
    job = importer.import_job_create(scope=district1, actor=bob, filename="x.csv")
    old = {"line": 3, "column": "फ़ोन", "value": "1", "code": "phone_not_mobile", "reason": "पुराना"}
    ImportJob.objects.filter(id=job.id).update(errors=[old], status=ImportJob.Status.DONE)

    # when its page is read, then the stored reason is shown
    client.force_login(bob)
    page = client.get(f"/imports/{job.id}/")
    assert page.context["errors"] == [{k: old[k] for k in old}]
