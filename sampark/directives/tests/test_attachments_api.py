"""The attachments API: list, download and upload, bounded and checked by first bytes, 404
outside the directive's audience."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from sampark.accounts.models import User
from sampark.directives import services
from sampark.directives.models import Directive, DirectiveAttachment

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _directive(alice: User) -> Directive:
    return services.directive_send(
        sender=alice, title="Booth lists", body="Send them", due=None, level="district"
    )


def _upload(client: Client, directive: Directive, name: str, data: bytes):
    return client.post(
        f"/api/directives/{directive.id}/attachments",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_the_sender_uploads_and_a_recipient_lists_and_downloads(client, alice, bob):
    # given a directive the state sent to every district
    directive = _directive(alice)
    # when alice uploads a PDF through the API
    client.force_login(alice)
    created = _upload(client, directive, "circular.pdf", PDF)
    # then it is stored, typed by its first bytes
    assert created.status_code == 201
    body = created.json()
    assert (body["filename"], body["content_type"], body["size"]) == (
        "circular.pdf",
        "application/pdf",
        len(PDF),
    )
    # and bob (District 1, a recipient) lists it and downloads the same bytes
    client.force_login(bob)
    listed = client.get(f"/api/directives/{directive.id}/attachments").json()
    assert [a["id"] for a in listed] == [body["id"]]
    got = client.get(listed[0]["url"])
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert 'attachment; filename="circular.pdf"' in got["Content-Disposition"]
    assert b"".join(got.streaming_content) == PDF


def test_outside_the_audience_every_attachment_route_is_a_404(client, alice, charlie):
    # given a directive from the state with a PNG attached
    directive = _directive(alice)
    attachment = services.attachment_add(
        directive_id=directive.id, actor=alice, upload=SimpleUploadedFile("p.png", PNG)
    )
    # when charlie (a booth volunteer in District 2) lists, downloads or uploads
    client.force_login(charlie)
    answers = [
        client.get(f"/api/directives/{directive.id}/attachments").status_code,
        client.get(f"/api/directives/attachments/{attachment.id}").status_code,
        _upload(client, directive, "x.pdf", PDF).status_code,
    ]
    # then the directive and its file do not exist for him, and nothing was stored
    assert answers == [404, 404, 404]
    assert DirectiveAttachment.objects.count() == 1


def test_a_recipient_may_not_upload(client, alice, bob):
    # given the state's directive, which bob's district received
    directive = _directive(alice)
    # when bob uploads to it
    client.force_login(bob)
    response = _upload(client, directive, "x.pdf", PDF)
    # then only the sending unit may attach
    assert response.status_code == 403
    assert not DirectiveAttachment.objects.exists()


@pytest.mark.parametrize(
    ("_case", "name", "data"),
    [
        ("an executable named .pdf", "x.pdf", b"MZ\x90\x00rest"),
        ("html", "x.html", b"<html>hi</html>"),
        ("empty", "x.pdf", b""),
    ],
)
def test_other_files_are_a_400(client, alice, _case, name, data):
    # given alice's directive
    directive = _directive(alice)
    client.force_login(alice)
    # when a file that is not a PDF, PNG or JPEG is uploaded
    response = _upload(client, directive, name, data)
    # then 400 says what is accepted, and nothing is stored
    assert response.status_code == 400
    assert response.json() == {"detail": "Attach a PDF, PNG or JPEG file."}
    assert not DirectiveAttachment.objects.exists()


def test_a_missing_file_field_is_a_400(client, alice):
    directive = _directive(alice)
    client.force_login(alice)
    # when the form carries no `file`
    response = client.post(f"/api/directives/{directive.id}/attachments", {"other": "x"})
    # then 400
    assert response.status_code == 400


@override_settings(SAMPARK_DIRECTIVES={"ATTACHMENT_MAX_BYTES": 1024})
def test_a_file_over_the_limit_is_a_413(client, alice):
    # given a limit of 1 KB
    directive = _directive(alice)
    client.force_login(alice)
    # when a 2 KB PDF is uploaded (the request fits the envelope, the file does not)
    response = _upload(client, directive, "big.pdf", PDF + b"0" * 2048)
    # then 413, nothing stored
    assert response.status_code == 413
    assert not DirectiveAttachment.objects.exists()


@override_settings(SAMPARK_DIRECTIVES={"ATTACHMENT_MAX_BYTES": 1024})
def test_a_request_over_the_limit_is_refused_before_its_body_is_read(alice):
    # given a limit of 1 KB and a request announcing 1 MB
    directive = _directive(alice)
    client = Client()
    client.force_login(alice)

    class Unreadable:
        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

        readline = read

    # when it arrives with a body that must not be read
    environ: dict[str, Any] = {
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(1024 * 1024),
        "wsgi.input": Unreadable(),
    }
    response = client.generic("POST", f"/api/directives/{directive.id}/attachments", **environ)
    # then 413 from the Content-Length alone
    assert response.status_code == 413


def test_a_sixth_file_is_a_400(client, alice):
    # given a directive with five files
    directive = _directive(alice)
    for n in range(5):
        services.attachment_add(
            directive_id=directive.id,
            actor=alice,
            upload=SimpleUploadedFile(f"{n}.pdf", PDF),
        )
    client.force_login(alice)
    # when a sixth is uploaded
    response = _upload(client, directive, "6.pdf", PDF)
    # then 400
    assert response.status_code == 400
    assert DirectiveAttachment.objects.count() == 5
