"""Staff pages: library, edit, review, certificates, sending, reports, failed deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sampark.accounts.models import User
from sampark.content import gates, hashing, services
from sampark.content.enums import DeliveryStatus, DistributionStatus, ItemState
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.content.tests.factories import make_deliveries, make_distribution
from sampark.core.models import AuditEvent
from sampark.devtools.synthetic import Tree
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.rules.enums import HoldReason
from sampark.rules.models import Certificate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _booths(district: Unit) -> list[Unit]:
    return list(Unit.objects.filter(level=Level.BOOTH, district=district).order_by("path"))


def _draft(author: User, unit: Unit, **fields: Any) -> ContentItem:
    return services.item_create(
        actor=author,
        unit=unit,
        title=str(fields.pop("title", "किसान सम्मेलन")),
        text_hi="किसानों के लिए नई योजना",
        text_en="A new scheme for farmers",
        tags=["kisan"],
        **fields,
    )


@pytest.fixture
def bob_draft(bob: User, district1: Unit) -> ContentItem:
    return _draft(bob, district1)


@pytest.fixture
def bob_in_review(bob_draft: ContentItem, bob: User) -> ContentItem:
    return services.item_submit(item_id=bob_draft.id, actor=bob)


@pytest.fixture
def bob_approved(bob_in_review: ContentItem, alice: User) -> ContentItem:
    return services.item_approve(item_id=bob_in_review.id, actor=alice)


@pytest.fixture
def bob_distribution(bob_approved: ContentItem, bob: User, district1: Unit) -> Distribution:
    return services.distribution_create(
        actor=bob,
        item_id=bob_approved.id,
        target_ids=[district1.id],
        positions=[],
        scheduled_at=timezone.now() + dt.timedelta(hours=1),
    )


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- scope: the outsider sees nothing of district 1 ---


@pytest.mark.parametrize(
    "url_case",
    [
        "detail",
        "edit",
        "send",
        "media",
        "media/remove",
        "media/file",
        "review",
        "recall",
        "submit",
        "certificate",
        "certificate/new",
    ],
)
def test_outsider_gets_404_on_district1_item(client, charlie, bob_in_review, url_case):
    # given charlie, a booth volunteer in district 2
    _login(client, charlie)
    url = f"/content/{bob_in_review.id}/" + ("" if url_case == "detail" else f"{url_case}/")
    # when he opens or posts to any page of a district-1 kit
    get = client.get(url)
    post = client.post(url, {"decision": "approve", "reason": "x", "media": "1"})
    # then it does not exist for him
    assert get.status_code in (404, 405)
    assert post.status_code in (404, 405)
    assert 404 in (get.status_code, post.status_code)


def test_outsider_gets_404_on_district1_distribution(client, charlie, bob_distribution, district1):
    _login(client, charlie)
    base = f"/content/distributions/{bob_distribution.id}/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}unit/{district1.id}/").status_code == 404
    assert client.post(f"{base}cancel/").status_code == 404


def test_outsider_gets_404_on_district1_report_and_retry(client, charlie, bob, district1):
    # given a dead delivery of a district-1 distribution
    distribution = make_distribution(unit=district1, author=bob)
    (dead,) = make_deliveries(distribution, [(_booths(district1)[0], {"status": "dead"})])
    _login(client, charlie)
    # then neither the unit report nor the retry reaches it
    assert client.get(f"/content/reports/?unit={district1.id}").status_code == 404
    assert client.post(f"/content/dead-letters/{dead.id}/retry/").status_code == 404
    assert dead.person.name not in client.get("/content/dead-letters/").content.decode()


def test_library_hides_other_districts_kits(client, charlie, bob_draft):
    _login(client, charlie)
    response = client.get("/content/?state=draft")
    assert response.status_code == 200
    assert bob_draft.title not in response.content.decode()


# --- the library and the editor ---


def test_library_tabs_and_search(client, bob, bob_draft, district1):
    # given a draft and an in-review kit in bob's district
    other = _draft(bob, district1, title="युवा संवाद")
    services.item_submit(item_id=other.id, actor=bob)
    _login(client, bob)
    # when bob opens the drafts tab, the review tab, and searches by tag
    drafts = client.get("/content/?state=draft").content.decode()
    review = client.get("/content/?state=in_review").content.decode()
    found = client.get("/content/?state=draft&q=kisan", HTTP_HX_REQUEST="true")
    missing = client.get("/content/?state=draft&q=nothing-like-it").content.decode()
    # then each tab lists its own kits and the search filters them
    assert bob_draft.title in drafts
    assert "युवा संवाद" not in drafts
    assert "युवा संवाद" in review
    assert bob_draft.title in found.content.decode()
    assert "<html" not in found.content.decode()
    assert bob_draft.title not in missing


def test_create_kit_from_the_form(client, bob):
    _login(client, bob)
    response = client.post(
        "/content/new/",
        {
            "title": "आज का किट",
            "text_hi": "नमस्ते",
            "text_en": "Hello",
            "tags": "kisan, yuva",
            "ai_generated": "",
        },
    )
    item = ContentItem.objects.get(title="आज का किट")
    assert response.status_code == 302
    assert response["Location"] == f"/content/{item.id}/edit/"
    assert (item.state, item.tags, item.author_id, item.unit_id) == (
        ItemState.DRAFT,
        ["kisan", "yuva"],
        bob.id,
        bob.unit_id,
    )


def test_ai_generated_needs_a_label(client, bob):
    _login(client, bob)
    response = client.post("/content/new/", {"title": "AI", "ai_generated": "on", "ai_label": ""})
    assert response.status_code == 200
    assert not ContentItem.objects.filter(title="AI").exists()
    assert response.context["form"].errors["ai_label"]


def test_volunteer_cannot_create(client, charlie):
    _login(client, charlie)
    assert client.get("/content/new/").status_code == 403


def test_edit_upload_preview_and_remove_media(client, bob, bob_draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _login(client, bob)
    # when bob edits the text and uploads an image
    client.post(
        f"/content/{bob_draft.id}/edit/",
        {"title": "नया शीर्षक", "text_hi": "बदला", "text_en": "", "tags": ""},
    )
    client.post(
        f"/content/{bob_draft.id}/media/",
        {"upload": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
    )
    bob_draft.refresh_from_db()
    asset = bob_draft.media.get()
    page = client.get(f"/content/{bob_draft.id}/edit/").content.decode()
    served = client.get(f"/content/{bob_draft.id}/media/file/", {"sha": asset.sha256})
    # then the text changed, the thumbnail is shown and the file is served to staff
    assert bob_draft.title == "नया शीर्षक"
    assert f'<img src="/content/{bob_draft.id}/media/file/?sha={asset.sha256}"' in page
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    # when he removes it with HTMX
    removed = client.post(
        f"/content/{bob_draft.id}/media/remove/", {"media": str(asset.id)}, HTTP_HX_REQUEST="true"
    )
    assert removed.status_code == 200
    assert not bob_draft.media.exists()


def test_media_of_another_item_cannot_be_removed_through_this_one(
    client, bob, bob_draft, district1
):
    # given a second draft with a file
    other = _draft(bob, district1, title="दूसरा")
    asset = services.media_add(
        item_id=other.id,
        actor=bob,
        upload=SimpleUploadedFile("b.png", PNG, content_type="image/png"),
    )
    _login(client, bob)
    # when its media id is posted against the first item
    response = client.post(f"/content/{bob_draft.id}/media/remove/", {"media": str(asset.id)})
    # then nothing happens
    assert response.status_code == 404
    assert other.media.filter(id=asset.id).exists()


# --- review ---


def test_author_cannot_approve_own_kit(client, bob, bob_in_review):
    _login(client, bob)
    # the review box is not offered to the author
    page = client.get(f"/content/{bob_in_review.id}/").content.decode()
    assert 'data-testid="review-box"' not in page
    assert 'data-testid="awaiting-review"' in page
    # and a forged approval is refused
    response = client.post(f"/content/{bob_in_review.id}/review/", {"decision": "approve"})
    bob_in_review.refresh_from_db()
    assert response.status_code == 403
    assert bob_in_review.state == ItemState.IN_REVIEW


def test_reviewer_approves(client, alice, bob_in_review):
    _login(client, alice)
    page = client.get(f"/content/{bob_in_review.id}/").content.decode()
    assert 'data-testid="review-box"' in page
    response = client.post(f"/content/{bob_in_review.id}/review/", {"decision": "approve"})
    bob_in_review.refresh_from_db()
    assert response.status_code == 302
    assert (bob_in_review.state, bob_in_review.reviewer_id) == (ItemState.APPROVED, alice.id)
    # then the timeline shows the steps
    timeline = client.get(f"/content/{bob_in_review.id}/").content.decode()
    assert timeline.count("<li>") >= 3


def test_send_back_needs_a_note(client, alice, bob_in_review):
    _login(client, alice)
    client.post(f"/content/{bob_in_review.id}/review/", {"decision": "reject", "note": ""})
    bob_in_review.refresh_from_db()
    assert bob_in_review.state == ItemState.IN_REVIEW
    client.post(f"/content/{bob_in_review.id}/review/", {"decision": "reject", "note": "फोटो बदलें"})
    bob_in_review.refresh_from_db()
    assert (bob_in_review.state, bob_in_review.review_note) == (ItemState.DRAFT, "फोटो बदलें")


# --- certificates ---


def test_certificate_panel_shows_mismatch_after_a_change(client, alice, bob, district1):
    # given a political ad certified for other content
    item = _draft(bob, district1, is_political_ad=True)
    cert = Certificate.objects.create(
        number="MCMC/1",
        committee="District MCMC",
        unit=district1,
        content_hash="0" * 64,
        issued_on=dt.date(2026, 1, 1),
    )
    services.certificate_attach(item_id=item.id, certificate_id=cert.id, actor=alice)
    _login(client, alice)
    page = client.get(f"/content/{item.id}/").content.decode()
    # then the panel shows the current hash and says it does not match
    assert hashing.compute_hash(item) in page
    assert 'data-testid="cert-mismatch"' in page


def test_register_certificate_for_the_current_content(client, alice, bob, district1):
    item = _draft(bob, district1, is_political_ad=True)
    _login(client, alice)
    response = client.post(
        f"/content/{item.id}/certificate/new/",
        {"number": "MCMC/7", "committee": "District MCMC", "issued_on": "2026-01-02"},
    )
    item.refresh_from_db()
    assert response.status_code == 302
    assert item.certificate is not None
    assert item.certificate.content_hash == hashing.compute_hash(item)
    assert 'data-testid="cert-match"' in client.get(f"/content/{item.id}/").content.decode()


def test_district_incharge_cannot_register_certificates(client, bob, bob_draft):
    _login(client, bob)
    response = client.post(
        f"/content/{bob_draft.id}/certificate/new/",
        {"number": "X", "committee": "Y", "issued_on": "2026-01-02"},
    )
    assert response.status_code == 403


# --- sending ---


def test_unit_search_is_limited_to_the_subtree(client, bob, district1, district2):
    _login(client, bob)
    found = client.get("/content/units/search/", {"q": district2.path}).content.decode()
    mine = client.get("/content/units/search/", {"q": district1.path}).content.decode()
    assert f'value="{district2.id}"' not in found
    assert f'value="{district1.id}"' in mine


def test_send_form_defaults_to_booth_positions(client, bob, bob_approved):
    _login(client, bob)
    response = client.get(f"/content/{bob_approved.id}/send/")
    form = response.context["form"]
    assert response.status_code == 200
    assert "booth_president" in form.initial["positions"]
    assert form.initial["time"] == dt.time(8, 0)


def test_preview_shows_held_by_reason(client, bob, bob_approved, district1, monkeypatch):
    # given the gates would hold some volunteers (simulate is the gates' own concern)
    calls: list[dict[str, Any]] = []

    def simulate(**kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return {"deliveries": 12, "would_send": 9, "held": {"dnd": 2, "no_consent": 1}}

    monkeypatch.setattr(gates, "simulate", simulate, raising=False)
    _login(client, bob)
    # when bob previews a send with HTMX
    response = client.post(
        f"/content/{bob_approved.id}/send/",
        {
            "action": "preview",
            "targets": [district1.id],
            "positions": ["booth_president"],
            "purpose": "volunteer_coordination",
            "date": "2026-03-01",
            "time": "08:00",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    # then the counts and the translated reasons come back, and nothing is scheduled
    assert response.status_code == 200
    assert 'data-testid="preview-send">9<' in body
    assert 'data-testid="preview-held">3<' in body
    assert str(HoldReason.DND.label) in body
    assert calls[0]["target_ids"] == [district1.id]
    assert calls[0]["at"] == dt.datetime(
        2026, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
    )
    assert not Distribution.objects.exists()


def test_preview_with_the_real_gates(client, tree, alice, kit, volunteers, district1):
    # given verified, consenting volunteers on every booth and an approved state kit
    _login(client, alice)
    # when alice previews a send to district 1 at 23:00 IST (quiet hours)
    response = client.post(
        f"/content/{kit.id}/send/",
        {
            "action": "preview",
            "targets": [district1.id],
            "positions": [],
            "purpose": "volunteer_coordination",
            "date": "2026-03-01",
            "time": "23:00",
        },
    )
    preview = response.context["preview"]
    # then all of district 1's volunteers are counted, and quiet hours hold them
    in_district = sum(1 for b in volunteers.booth_of.values() if b.district_id == district1.id)
    assert response.status_code == 200
    assert preview["deliveries"] == in_district
    assert preview["would_send"] + preview["held_total"] == in_district
    assert preview["would_send"] == 0
    assert [(code, n) for code, _label, n in preview["held"]] == [("quiet_hours", in_district)]


def test_schedule_a_send(client, bob, bob_approved, district1):
    _login(client, bob)
    response = client.post(
        f"/content/{bob_approved.id}/send/",
        {
            "action": "send",
            "targets": [district1.id],
            "positions": ["booth_president"],
            "purpose": "volunteer_coordination",
            "date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "time": "08:00",
        },
    )
    distribution = Distribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/content/distributions/{distribution.id}/"
    assert list(distribution.targets.values_list("id", flat=True)) == [district1.id]
    assert distribution.positions == ["booth_president"]


def test_cannot_target_outside_the_subtree(client, bob, bob_approved, district2):
    _login(client, bob)
    response = client.post(
        f"/content/{bob_approved.id}/send/",
        {
            "action": "send",
            "targets": [district2.id],
            "positions": ["booth_president"],
            "purpose": "volunteer_coordination",
            "date": "2026-03-01",
            "time": "08:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["targets"]
    assert not Distribution.objects.exists()


def test_volunteer_cannot_open_the_send_form_of_a_visible_kit(client, tree, alice, bob_approved):
    # given a booth volunteer inside district 1 (sees the kit, may not distribute)
    from conftest import make_user

    booth = _booths(bob_approved.unit)[0]
    volunteer = make_user("v1", booth, "volunteer")
    item = bob_approved
    item.unit = booth
    item.save(update_fields=["unit"])
    _login(client, volunteer)
    assert client.get(f"/content/{item.id}/send/").status_code == 403


# --- reports ---


@pytest.fixture
def report_rows(tree: Tree, alice: User, district1: Unit) -> Distribution:
    distribution = make_distribution(unit=tree.state, author=alice)
    b = _booths(district1)
    make_deliveries(
        distribution,
        [
            (
                b[0],
                {
                    "status": DeliveryStatus.DELIVERED,
                    "opened_at": timezone.now(),
                    "forwarded_groups": 2,
                    "reach": 300,
                },
            ),
            (b[0], {"status": DeliveryStatus.HELD, "hold_reason": HoldReason.QUIET_HOURS}),
            (b[1], {"status": DeliveryStatus.SENT}),
        ],
    )
    return distribution


def test_report_page_totals_and_drilldown(
    client, alice, report_rows, district1, django_assert_max_num_queries
):
    _login(client, alice)
    page = client.get(f"/content/distributions/{report_rows.id}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="n-targeted">3<' in body
    assert 'data-testid="n-reach">300<' in body
    assert str(HoldReason.QUIET_HOURS.label) in body
    assert f"/content/distributions/{report_rows.id}/unit/{district1.id}/" in body
    # while sending it refreshes itself every 30 seconds
    assert 'hx-trigger="every 30s"' in body
    # the drill-down to the district shows its ACs (HTMX: the partial only)
    ac = _booths(district1)[0].ac
    assert ac is not None
    nested = client.get(
        f"/content/distributions/{report_rows.id}/unit/{district1.id}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in nested
    assert f'data-unit="{ac.id}"' in nested
    by_query = client.get(f"/content/distributions/{report_rows.id}/?unit={ac.id}").content.decode()
    assert by_query.count('data-testid="rollup-row"') == 2


def test_report_stops_refreshing_when_done(client, alice, report_rows):
    report_rows.status = DistributionStatus.DONE
    report_rows.save()
    _login(client, alice)
    body = client.get(f"/content/distributions/{report_rows.id}/").content.decode()
    assert "every 30s" not in body


def test_cancel_a_scheduled_distribution(client, bob, bob_distribution):
    _login(client, bob)
    page = client.get(f"/content/distributions/{bob_distribution.id}/").content.decode()
    assert 'data-testid="cancel"' in page
    response = client.post(f"/content/distributions/{bob_distribution.id}/cancel/")
    bob_distribution.refresh_from_db()
    assert response.status_code == 302
    assert bob_distribution.status == DistributionStatus.CANCELLED


def test_distribution_list(client, bob, bob_distribution, charlie):
    _login(client, bob)
    assert bob_distribution.item.title in client.get("/content/distributions/").content.decode()
    _login(client, charlie)
    assert bob_distribution.item.title not in client.get("/content/distributions/").content.decode()


def test_unit_report_page(client, alice, report_rows, district1):
    _login(client, alice)
    body = client.get("/content/reports/").content.decode()
    assert 'data-testid="n-targeted">3<' in body
    assert f'data-unit="{district1.id}"' in body


# --- failed deliveries ---


@pytest.fixture
def dead(tree: Tree, alice: User, district1: Unit) -> Delivery:
    distribution = make_distribution(unit=tree.state, author=alice)
    (row,) = make_deliveries(
        distribution,
        [
            (
                _booths(district1)[0],
                {"status": DeliveryStatus.DEAD, "attempts": 5, "last_error": "HTTP 410"},
            )
        ],
    )
    return row


def test_dead_letters_mask_phones_without_the_capability(client, alice, writer, dead):
    national = dead.person.phone[3:]
    _login(client, alice)
    assert national[:5] in client.get("/content/dead-letters/").content.decode()
    _login(client, writer)
    body = client.get("/content/dead-letters/").content.decode()
    assert "HTTP 410" in body
    assert national not in body
    assert f"{national[:5]} {national[5:]}" not in body


def test_dead_letters_with_full_phones_are_audited_masked_ones_not(client, alice, writer, dead):
    # when alice (full phones) and then the writer (masked) read the dead letters
    _login(client, alice)
    client.get("/content/dead-letters/")
    _login(client, writer)
    client.get("/content/dead-letters/")
    # then only alice's read is in the audit log, with its row count
    [event] = AuditEvent.objects.filter(verb="phones.read")
    assert event.actor == alice
    assert event.data == {"what": "content.dead_letters", "rows": 1, "filters": {"page": 1}}


def test_retry_a_dead_delivery(client, alice, dead):
    _login(client, alice)
    response = client.post(f"/content/dead-letters/{dead.id}/retry/", HTTP_HX_REQUEST="true")
    dead.refresh_from_db()
    assert response.status_code == 200
    assert dead.status == DeliveryStatus.QUEUED


def test_writer_without_distribute_cannot_retry(client, writer, dead):
    _login(client, writer)
    assert client.post(f"/content/dead-letters/{dead.id}/retry/").status_code == 403


def test_report_pages_query_budget(
    client, alice, report_rows, district1, django_assert_max_num_queries
):
    # given more rows in more booths (the number of queries must not grow with them)
    make_deliveries(report_rows, [(b, {"status": DeliveryStatus.SENT}) for b in _booths(district1)])
    _login(client, alice)
    # then the report and its drill-down stay within a fixed number of queries
    with django_assert_max_num_queries(12):
        assert client.get(f"/content/distributions/{report_rows.id}/").status_code == 200
    with django_assert_max_num_queries(14):
        url = f"/content/distributions/{report_rows.id}/unit/{district1.id}/"
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/content/reports/").status_code == 200
