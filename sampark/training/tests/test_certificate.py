"""The certificate PDF: Hindi and English, Devanagari font embedded, a verification code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from sampark.accounts.models import User
from sampark.training import services
from sampark.training.models import Completion, Module
from sampark.training.pdf import certificate_pdf
from sampark.training.tests.fixtures import right_answers


@pytest.fixture
def passed(sita: User, content_module: Module) -> Completion:
    services.quiz_submit(
        module_id=content_module.id, user=sita, answers=right_answers(content_module)
    )
    return Completion.objects.select_related("module").get()


def test_the_pdf_embeds_a_devanagari_font(passed: Completion, tmp_path: Path) -> None:
    # when the certificate is rendered
    pdf = certificate_pdf(passed)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    # then it is one page and Noto Sans Devanagari is embedded (pdffonts, poppler-utils)
    assert pdf.startswith(b"%PDF-")
    assert shutil.which("pdffonts"), "poppler-utils is a test dependency (pdffonts)"
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    devanagari = [ln for ln in fonts.splitlines() if "NotoSansDevanagari" in ln.replace("-", "")]
    assert devanagari
    assert all(ln.split()[-5] == "yes" for ln in devanagari)  # the "emb" column
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Certificate of training" in text
    assert passed.code[:5] in text


def test_the_taker_downloads_their_certificate(
    client: Client, sita: User, passed: Completion
) -> None:
    client.force_login(sita)
    response = client.get(f"/app/training/{passed.module_id}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # the staff web answers too
    assert client.get(f"/training/{passed.module_id}/certificate.pdf").status_code == 200


def test_no_certificate_before_passing(client: Client, sita: User, content_module: Module) -> None:
    client.force_login(sita)
    assert client.get(f"/app/training/{content_module.id}/certificate.pdf").status_code == 403


def test_the_public_check_of_a_code(client: Client, passed: Completion) -> None:
    found = client.get("/training/verify/", {"code": passed.code.lower()})
    assert found.status_code == 200
    assert passed.name in found.content.decode()
    missing = client.get("/training/verify/", {"code": "ABCDE-FGHJK"})
    assert missing.status_code == 404
