"""Attachments: bounded uploads checked by their first bytes, downloads inside scope only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sampark.accounts.models import User
from sampark.directives import services
from sampark.directives.models import Directive, DirectiveAttachment

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _directive(alice: User) -> Directive:
    return services.directive_send(
        sender=alice, title="Booth lists", body="Send them", due=None, level="district"
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_pdf_is_attached_and_bob_downloads_it_but_charlie_gets_404(client, alice, bob, charlie):
    # given a directive from the state with a PDF attached
    directive = _directive(alice)
    upload = SimpleUploadedFile("circular.pdf", PDF, content_type="application/pdf")
    attachment = services.attachment_add(directive_id=directive.id, actor=alice, upload=upload)

    # when bob (a recipient district) and charlie (a booth volunteer elsewhere) download it
    url = reverse("directives:attachment", args=[attachment.id])
    client.force_login(bob)
    got = client.get(url)
    client.force_login(charlie)
    refused = client.get(url)

    # then bob gets the bytes and charlie a 404
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("_case", "name", "data"),
    [
        ("an executable named .pdf", "x.pdf", b"MZ\x90\x00rest"),
        ("html", "x.html", b"<html>hi</html>"),
        ("empty", "x.pdf", b""),
    ],
)
def test_other_files_are_refused_by_their_first_bytes(client, alice, _case, name, data):
    # given the new-directive form with a file that is not a PDF, PNG or JPEG
    client.force_login(alice)

    # when it is sent
    response = client.post(
        reverse("directives:new"),
        {
            "title": "T",
            "body": "B",
            "target": "level",
            "level": "district",
            "attachment": SimpleUploadedFile(name, data),
        },
    )

    # then the form answers with an error and nothing is sent or stored
    assert response.status_code == 200
    assert not Directive.objects.exists()
    assert not DirectiveAttachment.objects.exists()


@override_settings(SAMPARK_DIRECTIVES={"ATTACHMENT_MAX_BYTES": 1024})
def test_a_file_over_the_limit_is_refused_before_it_is_read(client, alice):
    # given a limit of 1 KB and a 2 KB PDF
    client.force_login(alice)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)

    # when it is sent with a directive
    response = client.post(
        reverse("directives:new"),
        {"title": "T", "body": "B", "target": "level", "level": "district", "attachment": big},
    )

    # then it is refused
    assert response.status_code == 200
    assert "An attachment may be at most 1.0" in response.content.decode()
    assert not DirectiveAttachment.objects.exists()


def test_the_form_sends_a_directive_with_its_attachment(client, alice):
    # given the form with a PDF
    client.force_login(alice)

    # when it is sent
    response = client.post(
        reverse("directives:new"),
        {
            "title": "Circular",
            "body": "B",
            "target": "level",
            "level": "district",
            "attachment": SimpleUploadedFile("c.pdf", PDF),
        },
    )

    # then the directive carries it and its page links it
    assert response.status_code == 302
    attachment = DirectiveAttachment.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert reverse("directives:attachment", args=[attachment.id]) in page
