"""The volunteer web app (/app/): my kits only, opening and "I forwarded this", take-downs,
settings, push subscriptions, and the files that make it installable."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.content.enums import (
    Channel,
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
    ItemState,
    MediaKind,
)
from sampark.content.models import (
    ChannelPreference,
    ContentItem,
    Delivery,
    Distribution,
    MediaAsset,
    PushSubscription,
)
from sampark.geo.models import Unit
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person, PositionKind

TEXT_HI = "मतदान 7 बजे से शुरू होगा।\nअपने परिवार के साथ वोट डालें।"
TEXT_EN = "Polling starts at 7 am. Vote with your family."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(width: int = 1200, height: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 20)).save(out, "PNG")
    return out.getvalue()


def _volunteer(username: str, booth: Unit, name: str, phone: str, *, kind: str = "booth_president"):
    person = Person.objects.create(name=name, phone=phone, home_unit=booth)
    Assignment.objects.create(
        person=person,
        unit=booth,
        kind=PositionKind.objects.get(code=kind),
        status=AssignmentStatus.VERIFIED,
    )
    user = make_user(username, booth, Role.VOLUNTEER)
    user.person = person
    user.save(update_fields=["person"])
    return user


@pytest.fixture
def vimla(booth1):
    """A booth volunteer in district 1 with a volunteer record (the app's user)."""
    return _volunteer("vimla", booth1, "Vimla Devi", "+919800000001")


@pytest.fixture
def charlie_person(charlie):
    """charlie (district 2) with a volunteer record of his own: the outsider in the app."""
    assert charlie.unit is not None
    person = Person.objects.create(name="Charlie", phone="+919800000009", home_unit=charlie.unit)
    charlie.person = person
    charlie.save(update_fields=["person"])
    return charlie


def _kit(
    *,
    unit: Unit,
    author,
    title: str = "मतदान का समय",
    text_hi: str = TEXT_HI,
    text_en: str = TEXT_EN,
    image: bool = False,
    **fields,
) -> ContentItem:
    item = ContentItem.objects.create(
        unit=unit,
        title=title,
        text_hi=text_hi,
        text_en=text_en,
        state=ItemState.SENT,
        author=author,
        content_hash="0" * 64,
        **fields,
    )
    if image:
        asset = MediaAsset(
            item=item,
            kind=MediaKind.IMAGE,
            filename="poster.png",
            mime="image/png",
            size=0,
            sha256="a" * 64,
        )
        asset.file.save("poster.png", ContentFile(_png()), save=False)
        asset.size = asset.file.size
        asset.save()
    return item


def _deliver(
    item: ContentItem, user, *, kind: str = DistributionKind.SEND, ago: int = 0
) -> Delivery:
    person = user.person
    assert person is not None
    distribution = Distribution.objects.create(
        item=item, unit=item.unit, kind=kind, status=DistributionStatus.DONE
    )
    sent = timezone.now() - timedelta(minutes=ago)
    return Delivery.objects.create(
        distribution=distribution,
        person=person,
        channel=Channel.PUSH,
        unit_id_at=user.unit_id,
        status=DeliveryStatus.SENT,
        sent_at=sent,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- today's kits ---------------------------------------------------------------------------


def test_it_lists_my_kits_newest_first(vimla, charlie_person, bob, district1, district2):
    # given two kits for vimla and one for charlie
    old = _deliver(_kit(unit=district1, author=bob, title="पुरानी किट"), vimla, ago=60)
    new = _deliver(_kit(unit=district1, author=bob, title="नई किट", image=True), vimla, ago=5)
    _deliver(_kit(unit=district2, author=bob, title="दूसरे जिले की किट"), charlie_person)
    # when vimla opens the app
    response = _client(vimla).get(reverse("app:home"))
    # then she sees her two kits, the newer first, with a thumbnail, and nothing of charlie's
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("नई किट") < html.index("पुरानी किट")
    assert "दूसरे जिले की किट" not in html
    assert html.count('data-testid="kit-card"') == 2
    assert reverse("app:kit_media", args=[new.id, new.distribution.item.media.get().id]) in html
    assert "https://wa.me/?text=" in html
    assert old.opened_at is None


def test_home_shows_the_text_in_the_chosen_language(vimla, bob, district1):
    # given vimla chose English for her kits
    _deliver(_kit(unit=district1, author=bob), vimla)
    ChannelPreference.objects.create(person=vimla.person, language="en")
    # when she opens the app
    html = _client(vimla).get(reverse("app:home")).content.decode()
    # then the card shows the English text
    assert "Polling starts at 7 am" in html
    assert "मतदान 7 बजे" not in html


def test_home_query_budget_does_not_grow_with_kits(
    vimla, bob, district1, django_assert_max_num_queries
):
    # given two kits with images
    for n in range(2):
        _deliver(_kit(unit=district1, author=bob, title=f"किट {n}", image=True), vimla, ago=n)
    client = _client(vimla)
    client.get(reverse("app:home"))  # session warm-up
    # when the page is loaded with 2 kits and then with 8
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("app:home"))
    for n in range(2, 8):
        _deliver(_kit(unit=district1, author=bob, title=f"किट {n}", image=True), vimla, ago=n)
    with django_assert_max_num_queries(6) as many:
        response = client.get(reverse("app:home"))
    # then the queries are the same few
    assert response.content.decode().count('data-testid="kit-card"') == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_staff_without_a_person_see_a_note(alice):
    # given alice, a state head with no volunteer record
    # when she opens the app pages
    client = _client(alice)
    for name in ("app:home", "app:booth", "app:settings"):
        response = client.get(reverse(name))
        # then each answers with the friendly note
        assert response.status_code == 200
        assert 'data-testid="no-person"' in response.content.decode()


def test_the_app_needs_a_login(client, vimla, bob, district1):
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    for url in (reverse("app:home"), reverse("app:kit", args=[delivery.id])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# -- one kit ----------------------------------------------------------------------------------


def test_it_opens_my_kit_and_records_the_first_open_only(vimla, bob, district1):
    # given a kit that reached vimla
    delivery = _deliver(_kit(unit=district1, author=bob, image=True), vimla)
    client = _client(vimla)
    # when she opens it twice
    response = client.get(reverse("app:kit", args=[delivery.id]) + "?lang=hi")
    delivery.refresh_from_db()
    first = delivery.opened_at
    client.get(reverse("app:kit", args=[delivery.id]))
    delivery.refresh_from_db()
    # then the page shows the kit and the first open is what counts
    html = response.content.decode()
    assert response.status_code == 200
    assert "मतदान 7 बजे से शुरू होगा।" in html
    assert 'preload="none"' not in html  # no video in this kit
    assert 'loading="lazy"' in html
    assert first is not None
    assert delivery.opened_at == first
    assert delivery.status == DeliveryStatus.DELIVERED


def test_another_persons_kit_is_not_found(vimla, charlie_person, bob, district1):
    # given a kit that reached vimla (district 1)
    delivery = _deliver(_kit(unit=district1, author=bob, image=True), vimla)
    media = delivery.distribution.item.media.get()
    client = _client(charlie_person)
    # when charlie (district 2) asks for it, its media, or says he forwarded it
    kit = client.get(reverse("app:kit", args=[delivery.id]))
    file = client.get(reverse("app:kit_media", args=[delivery.id, media.id]))
    forwarded = client.post(reverse("app:kit_forwarded", args=[delivery.id]), {"groups": 3})
    # then none of it exists for him, and nothing was recorded
    assert (kit.status_code, file.status_code, forwarded.status_code) == (404, 404, 404)
    delivery.refresh_from_db()
    assert delivery.opened_at is None
    assert delivery.forwarded_groups is None


def test_a_kit_still_queued_is_not_shown(vimla, bob, district1):
    # given a delivery that has not left the outbox
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    Delivery.objects.filter(id=delivery.id).update(status=DeliveryStatus.HELD, sent_at=None)
    # when vimla asks for it, then it does not exist yet
    assert _client(vimla).get(reverse("app:kit", args=[delivery.id])).status_code == 404


def test_english_toggle_shows_the_english_text(vimla, bob, district1):
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    html = _client(vimla).get(reverse("app:kit", args=[delivery.id]) + "?lang=en").content.decode()
    assert "Polling starts at 7 am" in html
    assert 'lang="en" data-testid="kit-text"' in html


def test_share_link_carries_the_text_and_a_public_media_link(client, vimla, bob, district1):
    # given a kit with an image
    delivery = _deliver(_kit(unit=district1, author=bob, image=True), vimla)
    ChannelPreference.objects.create(person=vimla.person, language="hi")
    # when vimla opens it
    html = _client(vimla).get(reverse("app:kit", args=[delivery.id])).content.decode()
    # then "Share to WhatsApp" opens wa.me with the kit's text and a link to the image
    start = html.index('href="https://wa.me/?text=') + len('href="')
    href = html[start : html.index('"', start)]
    text = unquote(href.removeprefix("https://wa.me/?text="))
    assert text.startswith(TEXT_HI)
    link = text.split("\n\n")[-1]
    assert link.startswith("http://testserver/app/m/")
    # and that link opens for anyone (the group's members have no account)
    public = client.get(link.removeprefix("http://testserver"))
    assert public.status_code == 200
    assert public["Content-Type"] == "image/png"
    # but not once the kit is withdrawn
    ContentItem.objects.filter(id=delivery.distribution.item_id).update(
        state=ItemState.RECALLED, recalled_at=timezone.now()
    )
    assert client.get(link.removeprefix("http://testserver")).status_code == 404
    assert client.get("/app/m/not-a-token/").status_code == 404


def test_ai_generated_kit_shows_its_label(vimla, bob, district1):
    item = _kit(unit=district1, author=bob, ai_generated=True, ai_label="AI से बनी तस्वीर")
    delivery = _deliver(item, vimla)
    html = _client(vimla).get(reverse("app:kit", args=[delivery.id])).content.decode()
    assert 'data-testid="ai-label"' in html
    assert "AI से बनी तस्वीर" in html


def test_media_is_served_resized_and_for_download(vimla, bob, district1):
    # given a kit with a 1200×800 image
    delivery = _deliver(_kit(unit=district1, author=bob, image=True), vimla)
    media = delivery.distribution.item.media.get()
    client = _client(vimla)
    url = reverse("app:kit_media", args=[delivery.id, media.id])
    # when the app asks for a thumbnail, then it gets a small JPEG
    thumb = client.get(url + "?size=thumb")
    assert thumb["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(thumb.getvalue()))
    assert max(image.size) == 240
    # and the download is the original file, as an attachment
    download = client.get(url + "?download=1")
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert download.getvalue() == _png()


# -- "I forwarded this to N groups" -------------------------------------------------------------


def test_forwarded_form_records_groups_and_reach(vimla, bob, district1, settings):
    # given an opened kit
    settings.SAMPARK_AVERAGE_GROUP_SIZE = 150
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    client = _client(vimla)
    # when vimla says she forwarded it to 3 groups
    response = client.post(reverse("app:kit_forwarded", args=[delivery.id]), {"groups": 3})
    # then it is recorded with the estimated reach, and the kit page thanks her
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.forwarded_groups == 3
    assert delivery.reach == 450
    assert delivery.forwarded_at is not None
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="thanks"' in page


def test_forwarded_form_answers_htmx_with_the_thank_you_state(vimla, bob, district1):
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    response = _client(vimla).post(
        reverse("app:kit_forwarded", args=[delivery.id]), {"groups": 2}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section class="forward" id="forward"')
    assert 'data-testid="thanks"' in html
    assert "2 groups" in html


@pytest.mark.parametrize(
    ("groups", "_case"), [("0", "zero"), ("51", "over the cap"), ("many", "not a number")]
)
def test_forwarded_form_refuses_a_bad_count(vimla, bob, district1, groups, _case):
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    response = _client(vimla).post(
        reverse("app:kit_forwarded", args=[delivery.id]), {"groups": groups}
    )
    assert response.status_code == 422
    delivery.refresh_from_db()
    assert delivery.forwarded_groups is None


@pytest.mark.skipif(not apps.is_installed("sampark.groups"), reason="groups app not installed")
def test_forwarded_form_defaults_to_the_groups_i_admin(vimla, bob, booth1, district1):
    # given vimla admins two live groups and one archived group
    group_model = apps.get_model("groups", "Group")
    for n, archived in enumerate([None, None, timezone.now()]):
        group = group_model.objects.create(
            booth=booth1,
            platform="whatsapp",
            name=f"बूथ समूह {n}",
            cap=1024,
            join_token=f"tok{n}",
            archived_at=archived,
        )
        group.admins.add(vimla.person)
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    # when she opens the kit, then the form suggests 2 groups
    html = _client(vimla).get(reverse("app:kit", args=[delivery.id])).content.decode()
    assert 'value="2" data-testid="groups-n"' in html


# -- take-downs -------------------------------------------------------------------------------


def test_recalled_kit_shows_the_take_down_and_no_share_link(vimla, bob, district1):
    # given a kit vimla received and then a take-down notice for it
    item = _kit(unit=district1, author=bob, image=True)
    delivery = _deliver(item, vimla, ago=30)
    ContentItem.objects.filter(id=item.id).update(
        state=ItemState.RECALLED, recalled_at=timezone.now(), recall_reason="गलत आँकड़ा"
    )
    notice = _deliver(item, vimla, kind=DistributionKind.RECALL)
    client = _client(vimla)
    # when she opens the app and the kit
    home = client.get(reverse("app:home")).content.decode()
    page = client.get(reverse("app:kit", args=[delivery.id])).content.decode()
    notice_page = client.get(reverse("app:kit", args=[notice.id])).content.decode()
    media = item.media.get()
    file = client.get(reverse("app:kit_media", args=[delivery.id, media.id]))
    # then one card, red, with the notice instead of share buttons
    assert home.count('data-testid="kit-card"') == 1
    assert 'data-testid="takedown"' in home
    assert "wa.me" not in home
    for html in (page, notice_page):
        assert 'data-testid="takedown"' in html
        assert "गलत आँकड़ा" in html
        assert "wa.me" not in html
        assert 'data-testid="forward-form"' not in html
        assert 'data-testid="kit-image"' not in html
    assert file.status_code == 404


def test_a_take_down_notice_cannot_be_marked_forwarded(vimla, bob, district1):
    item = _kit(unit=district1, author=bob)
    notice = _deliver(item, vimla, kind=DistributionKind.RECALL)
    response = _client(vimla).post(reverse("app:kit_forwarded", args=[notice.id]), {"groups": 2})
    assert response.status_code == 422
    notice.refresh_from_db()
    assert notice.forwarded_groups is None


# -- my booth ---------------------------------------------------------------------------------


def test_booth_page_names_my_booth_and_team_without_phones(vimla, booth1):
    # given another verified volunteer and a pending one on vimla's booth
    other = Person.objects.create(name="Ramesh Kumar", phone="+919800000002")
    Assignment.objects.create(
        person=other,
        unit=booth1,
        kind=PositionKind.objects.get(code="whatsapp_pramukh"),
        status=AssignmentStatus.VERIFIED,
    )
    pending = Person.objects.create(name="Pending Person", phone="+919800000003")
    Assignment.objects.create(
        person=pending,
        unit=booth1,
        kind=PositionKind.objects.get(code="bla_liaison"),
        status=AssignmentStatus.PENDING,
    )
    # when vimla opens her booth page
    html = _client(vimla).get(reverse("app:booth")).content.decode()
    # then it shows the booth, her position, the verified colleague's name only
    assert booth1.name in html
    assert "Booth president" in html
    assert "Ramesh Kumar" in html
    assert "Pending Person" not in html
    assert "+919800000002" not in html
    assert "9800000002" not in html
    assert reverse("app:rumour_new") in html


# -- settings and push ------------------------------------------------------------------------


def test_settings_saves_channel_and_language(vimla):
    # given vimla has an e-mail address
    Person.objects.filter(id=vimla.person.id).update(email="vimla@example.org")
    client = _client(vimla)
    # when she chooses e-mail in English
    response = client.post(reverse("app:settings"), {"channel": "email", "language": "en"})
    # then it is stored and the app switches to English
    assert response.status_code == 200
    assert 'data-testid="saved"' in response.content.decode()
    pref = ChannelPreference.objects.get(person=vimla.person)
    assert (pref.channel, pref.language) == ("email", "en")
    assert response.cookies["django_language"].value == "en"


def test_settings_explains_a_refused_channel(vimla):
    # when vimla picks Telegram before linking the bot, then she is told what to do
    response = _client(vimla).post(
        reverse("app:settings"), {"channel": "telegram", "language": "hi"}
    )
    assert 'data-testid="saved"' not in response.content.decode()
    assert "Telegram bot" in response.content.decode()
    assert not ChannelPreference.objects.filter(person=vimla.person).exists()


def test_push_button_follows_the_vapid_key(vimla, settings, monkeypatch):
    monkeypatch.delenv("SAMPARK_VAPID_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("SAMPARK_VAPID_PRIVATE_KEY", raising=False)
    settings.SAMPARK_VAPID_PUBLIC_KEY = ""
    settings.SAMPARK_VAPID_PRIVATE_KEY = ""
    client = _client(vimla)
    assert 'data-testid="push-on"' not in client.get(reverse("app:settings")).content.decode()
    settings.SAMPARK_VAPID_PUBLIC_KEY = "BPublicKeyForTests"
    html = client.get(reverse("app:settings")).content.decode()
    assert 'data-testid="push-on"' in html
    assert 'data-key="BPublicKeyForTests"' in html


def test_push_subscribe_stores_the_subscription(vimla, alice):
    # given the PushSubscription JSON a browser produces
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
        "expirationTime": None,
        "keys": {
            "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u",
            "auth": "tBHItJI5svbpez7KI4CCXg",
        },
    }
    client = _client(vimla)
    # when app.js posts it
    response = client.post(
        reverse("app:push_subscribe"),
        json.dumps(body),
        content_type="application/json",
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10)",
    )
    # then it is stored for vimla
    assert response.status_code == 201
    sub = PushSubscription.objects.get()
    assert sub.person_id == vimla.person.id
    assert sub.endpoint == body["endpoint"]
    assert sub.auth == "tBHItJI5svbpez7KI4CCXg"
    assert sub.user_agent.startswith("Mozilla/5.0")
    # and garbage, or a user who is not a volunteer, stores nothing
    bad = client.post(reverse("app:push_subscribe"), "{", content_type="application/json")
    staff = _client(alice).post(
        reverse("app:push_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert (bad.status_code, staff.status_code) == (400, 403)
    assert PushSubscription.objects.count() == 1


# -- installable ------------------------------------------------------------------------------


def test_manifest_makes_the_app_installable(client):
    response = client.get(reverse("app:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "संपर्क"
    assert data["start_url"] == "/app/"
    assert data["display"] == "standalone"
    assert data["theme_color"]
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_is_served_from_the_app_scope(client):
    response = client.get("/app/sw.js")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/app/"
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.SAMPARK = ").rstrip(";"))
    assert config["offline"] == "/app/offline/"
    assert (
        "/static/vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2" in config["shell"]
    )
    assert 'addEventListener("push"' in body
    assert "notificationclick" in body
    # every file the worker caches at install exists (one missing file fails the install)
    for url in [*config["shell"], config["offline"]]:
        assert client.get(url).status_code == 200, url


def test_pages_link_the_manifest_and_the_app_script(vimla):
    html = _client(vimla).get(reverse("app:home")).content.decode()
    assert 'rel="manifest" href="/app/manifest.webmanifest"' in html
    assert 'data-sw="/app/sw.js"' in html
    assert "htmx" not in html  # the app's only script is app.js


def test_the_short_sms_link_leads_to_my_kit_and_is_404_for_others(
    vimla, charlie_person, alice
) -> None:
    # given a kit that reached vimla
    delivery = _deliver(_kit(unit=vimla.unit, author=alice), vimla)
    # when she opens the link from her SMS notice, she lands on the kit
    response = _client(vimla).get(f"/k/{delivery.id}")
    assert response.status_code == 302
    assert response["Location"] == f"/app/kits/{delivery.id}/"
    # and for the outsider the same link does not exist
    assert _client(charlie_person).get(f"/k/{delivery.id}").status_code == 404


@pytest.mark.parametrize(
    "endpoint",
    [
        pytest.param("https://10.1.2.3/push/abc", id="private_case"),
        pytest.param("https://169.254.169.254/latest", id="link_local_case"),
        pytest.param("https://[::ffff:127.0.0.1]/push", id="mapped_loopback_case"),
    ],
)
def test_a_push_endpoint_at_a_non_public_address_is_refused(vimla, endpoint):
    # given a volunteer's browser that names an internal address as its push endpoint
    client = Client()
    client.force_login(vimla)
    body = {"endpoint": endpoint, "keys": {"p256dh": "BNc", "auth": "tBH"}}
    # when it subscribes
    response = client.post(
        reverse("app:push_subscribe"), json.dumps(body), content_type="application/json"
    )
    # then it is told why, and nothing is stored for the sender to post to later
    assert response.status_code == 400
    assert "public" in response.json()["detail"] or "सार्वजनिक" in response.json()["detail"]
    assert not PushSubscription.objects.filter(endpoint=endpoint).exists()
