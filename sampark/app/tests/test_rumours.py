"""Report a rumour inside the app (/app/rumours/): the form, my reports, and one report's page
that asks for its answer until the reply step has found a published fact-check (or handed the
tip to the war room). Nobody else's tip exists for a volunteer."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from sampark.app.tests.test_kits import _volunteer
from sampark.groups.tests.factories import booth_in
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Post

HTMX = {"HX-Request": "true"}
RUMOUR = "गांव में अफवाह: वोटिंग की तारीख बदल गई"
REPLY = {
    "state": "sent",
    "channel": "web",
    "text": "🔎 इस दावे की जाँच पहले ही हो चुकी है।\nनतीजा: झूठा",
    "url": "https://www.boomlive.in/fact-check/evm",
    "verdict": "false",
    "publisher": "BOOM",
    "lang": "hi",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def vimla(booth1):
    return _volunteer("vimla", booth1, "Vimla Devi", "+919800000001")


@pytest.fixture
def outsider(district2):
    """A volunteer of District 2 with a volunteer record."""
    return _volunteer("ram", booth_in(district2), "Ram", "+919800000077")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _report(client: Client, text: str = RUMOUR, **extra) -> Post:
    response = client.post(reverse("app:rumour_new"), {"text": text, **extra})
    tip = Post.objects.filter(source__kind=SourceKind.TIP_FORM).latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("app:rumour", args=[tip.id])
    return tip


def _answer(tip: Post, value: Mapping[str, object]) -> None:
    tip.metrics = {**(tip.metrics or {}), "tip_reply": dict(value)}
    tip.save(update_fields=["metrics"])


def test_volunteer_reports_a_rumour_inside_the_app(vimla):
    client = _client(vimla)
    # when vimla opens the form from the app and sends a rumour with a photo
    form = client.get(reverse("app:rumour_new"))
    assert form.status_code == 200
    assert 'data-testid="tip-form"' in form.content.decode()
    tip = _report(
        client,
        url="https://example.com/x",
        image=SimpleUploadedFile("screenshot.png", _png(), content_type="image/png"),
    )
    # then it is a tip from her booth, like one from the desktop page
    assert tip.submitted_by == vimla
    assert tip.unit == vimla.unit
    assert tip.is_private
    assert tip.text.startswith(RUMOUR)
    assert len(tip.media) == 1
    # and its page stays in the app, and asks for the answer while one may come
    page = client.get(reverse("app:rumour", args=[tip.id])).content.decode()
    assert 'data-sw="/app/sw.js"' in page
    assert 'class="top"' not in page
    assert 'data-testid="tip-done"' in page
    assert f'data-poll="{reverse("app:rumour", args=[tip.id])}"' in page


def test_an_empty_report_is_refused_in_the_app(vimla):
    response = _client(vimla).post(reverse("app:rumour_new"), {"text": "  "})
    assert response.status_code == 200
    assert 'data-testid="tip-form"' in response.content.decode()
    assert "text" in response.context["form"].errors
    assert not Post.objects.exists()


def test_the_poll_shows_the_answer_and_then_stops_asking(vimla):
    client = _client(vimla)
    tip = _report(client)
    url = reverse("app:rumour", args=[tip.id])
    # given the reply step has not looked yet: the fragment keeps asking
    waiting = client.get(url, headers=HTMX)
    assert waiting.status_code == 200
    assert waiting.content.decode().startswith('<section class="answer" id="tip-reply"')
    assert "data-poll" in waiting.content.decode()
    assert "HX-Request" in waiting["Vary"]
    # when the reply step answers it from a published fact-check
    _answer(tip, REPLY)
    answered = client.get(url, headers=HTMX).content.decode()
    # then the fragment shows the verdict and the link, and no longer asks
    assert "https://www.boomlive.in/fact-check/evm" in answered
    assert "नतीजा: झूठा" in answered
    assert "data-poll" not in answered


def test_a_tip_handed_to_the_war_room_stops_asking(vimla):
    client = _client(vimla)
    tip = _report(client)
    _answer(tip, {"state": "queued", "at": timezone.now().isoformat()})
    html = client.get(reverse("app:rumour", args=[tip.id])).content.decode()
    assert 'data-testid="with-war-room"' in html
    assert "data-poll" not in html


def test_an_old_tip_nobody_looked_at_does_not_ask_forever(vimla):
    client = _client(vimla)
    tip = _report(client)
    Post.objects.filter(id=tip.id).update(received_at=timezone.now() - timedelta(days=3))
    html = client.get(reverse("app:rumour", args=[tip.id])).content.decode()
    assert "data-poll" not in html
    assert 'data-testid="with-war-room"' in html


def test_my_reports_list_my_tips_with_where_they_stand(vimla, outsider):
    # given two reports of vimla's (one answered) and one of the outsider's
    client = _client(vimla)
    first = _report(client, text="पहली अफवाह")
    _report(client, text="दूसरी अफवाह")
    _answer(first, REPLY)
    _report(_client(outsider), text="दूसरे जिले की अफवाह")
    # when she opens the Rumours tab
    html = client.get(reverse("app:rumours")).content.decode()
    # then she sees her two reports, newest first, and none of his
    assert html.count('data-testid="report"') == 2
    assert html.index("दूसरी अफवाह") < html.index("पहली अफवाह")
    assert "दूसरे जिले की अफवाह" not in html
    assert 'class="state answered"' in html
    assert 'class="state looking"' in html


def test_a_double_tap_on_send_is_not_added_twice(vimla, monkeypatch):
    from sampark.monitoring import services as monitoring_services

    monkeypatch.setattr(monitoring_services, "tip_submit", lambda **kw: None)
    client = _client(vimla)
    response = client.post(reverse("app:rumour_new"), {"text": RUMOUR})
    assert response["Location"] == reverse("app:rumours") + "?again=1"
    assert 'data-testid="again"' in client.get(response["Location"]).content.decode()


def test_outsider_gets_404_for_another_persons_tip(vimla, outsider):
    # given vimla's answered tip
    tip = _report(_client(vimla))
    _answer(tip, REPLY)
    client = _client(outsider)
    # when the outsider asks for it, as a page or as the poll's fragment
    page = client.get(reverse("app:rumour", args=[tip.id]))
    fragment = client.get(reverse("app:rumour", args=[tip.id]), headers=HTMX)
    # then it does not exist for him, and nothing of it shows
    assert (page.status_code, fragment.status_code) == (404, 404)
    for response in (page, fragment):
        assert "boomlive" not in response.content.decode()
        assert RUMOUR not in response.content.decode()


def test_a_tip_of_my_own_booth_sent_by_someone_else_is_refused(vimla, booth1):
    # given a tip sent by another volunteer of vimla's booth
    colleague = _volunteer("sita", booth1, "Sita", "+919800000055", kind="whatsapp_pramukh")
    tip = _report(_client(colleague))
    # when vimla asks for it, then she may not follow it (it is in her area: 403, not 404)
    response = _client(vimla).get(reverse("app:rumour", args=[tip.id]))
    assert response.status_code == 403
    assert RUMOUR not in response.content.decode()


def test_the_booth_page_leads_to_the_rumour_form_in_the_app(vimla):
    html = _client(vimla).get(reverse("app:booth")).content.decode()
    assert f'href="{reverse("app:rumour_new")}" data-testid="report-rumour"' in html
    assert 'data-testid="tab-rumours"' in html


def test_the_desktop_tip_pages_send_a_booth_volunteer_into_the_app(vimla, charlie):
    client = _client(vimla)
    assert client.get(reverse("monitoring:tip_new"))["Location"] == reverse("app:rumour_new")
    done = reverse("monitoring:tip_done")
    assert client.get(f"{done}?tip=12")["Location"] == reverse("app:rumour", args=[12])
    assert client.get(done)["Location"] == reverse("app:rumours")
    # a user without a volunteer record keeps the desktop page
    assert _client(charlie).get(reverse("monitoring:tip_new")).status_code == 200
