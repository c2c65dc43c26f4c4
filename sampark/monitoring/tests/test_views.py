"""Listening pages: scope (bob never sees District 2's groups), capabilities, the live poll,
paging, query budgets, uploads, tips, sources, watchlists and alerts."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.core.models import Task
from sampark.integrations import fetch
from sampark.monitoring import forms as monitoring_forms
from sampark.monitoring import tasks as monitoring_tasks
from sampark.monitoring.enums import AlertKind, NarrativeStatus, SourceKind
from sampark.monitoring.models import (
    Alert,
    ExportUpload,
    Narrative,
    Post,
    Source,
    WatchHit,
    Watchlist,
    WatchTerm,
)
from sampark.monitoring.tests.factories import (
    D1_TEXT,
    D2_SECRET,
    PHONE,
    booth_in,
    build_world,
    group_source,
    make_narrative,
    make_post,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(tree, district1, district2):
    return build_world(district1=district1, district2=district2)


def _ids(html: str) -> set[int]:
    return {int(m) for m in re.findall(r'id="post-(\d+)"', html)}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# -- capabilities and scope ------------------------------------------------------------------


def test_feed_needs_a_login(client, db):
    response = client.get(reverse("monitoring:feed"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "name",
    ["feed", "feed_side", "narratives", "alerts", "sources", "watchlists", "source_new"],
    ids=lambda n: f"{n}_case",
)
def test_volunteer_may_not_open_listening_pages(client, charlie, name):
    client.force_login(charlie)
    assert client.get(reverse(f"monitoring:{name}")).status_code == 403


def test_state_head_sees_every_post(client, alice, world):
    client.force_login(alice)
    html = client.get(reverse("monitoring:feed")).content.decode()
    assert {world["pub"].id, world["p1"].id, world["p2"].id} <= _ids(html)


def test_district_incharge_sees_public_and_own_district_only(client, bob, world):
    # when bob opens the feed
    client.force_login(bob)
    html = client.get(reverse("monitoring:feed")).content.decode()
    # then he sees public posts and District 1's group posts, never District 2's
    ids = _ids(html)
    assert {world["pub"].id, world["p1"].id} <= ids
    assert world["p2"].id not in ids
    assert D2_SECRET not in html
    # and group posts are shown by group and booth, never by the member's phone number
    assert "Booth 1 workers" in html
    assert PHONE not in html


def test_narrative_made_only_of_another_districts_groups_is_404(client, bob, world):
    client.force_login(bob)
    url = reverse("monitoring:narrative", kwargs={"narrative_id": world["only_d2"].id})
    assert client.get(url).status_code == 404
    assert (
        client.get(f"{reverse('monitoring:feed')}?narrative={world['only_d2'].id}").status_code
        == 404
    )


def test_mixed_narrative_is_titled_from_a_post_the_user_may_see(client, bob, alice, world):
    # given a narrative whose stored title comes from District 2's group
    url = reverse("monitoring:narrative", kwargs={"narrative_id": world["mixed"].id})
    # when bob opens it (he sees it through District 1's post)
    client.force_login(bob)
    html = client.get(url).content.decode()
    # then it is titled from District 1's post and shows nothing of District 2
    assert "जिला 1 में भी यही संदेश आया" in html
    assert D2_SECRET not in html
    # while the state head sees the stored title
    client.force_login(alice)
    assert D2_SECRET in client.get(url).content.decode()


def test_narratives_list_and_side_panel_hide_other_districts(client, bob, world):
    client.force_login(bob)
    listing = client.get(reverse("monitoring:narratives")).content.decode()
    side = client.get(reverse("monitoring:feed_side")).content.decode()
    for html in (listing, side):
        assert f"/listening/narratives/{world['shared'].id}/" in html
        assert f"/listening/narratives/{world['only_d2'].id}/" not in html
        assert D2_SECRET not in html


# -- the live feed -------------------------------------------------------------------------


def test_poll_returns_only_new_rows_then_nothing(client, alice, world):
    client.force_login(alice)
    newest = Post.objects.latest("seq").seq
    url = reverse("monitoring:feed")
    # given nothing new: the poll answers 204 (htmx swaps nothing)
    assert client.get(url, {"after": newest}, **HTMX).status_code == 204
    # when a post is processed
    fresh = make_post(source=world["x"], text="नई खबर: मतदान दो दिन बढ़ा", lang="hi")
    response = client.get(url, {"after": newest}, **HTMX)
    html = response.content.decode()
    # then only that row comes back, with the poller moved past it (out of band)
    assert response.status_code == 200
    assert _ids(html) == {fresh.id}
    assert 'id="feed-poll"' in html
    assert "hx-swap-oob" in html
    assert f"after={fresh.seq}" in html


def test_poll_keeps_the_filters(client, alice, world):
    client.force_login(alice)
    page = client.get(reverse("monitoring:feed"), {"lang": "hi", "platform": "whatsapp"})
    html = page.content.decode()
    poll = re.search(r'id="feed-poll"[^>]*hx-get="([^"]+)"', html, re.S)
    assert poll is not None
    assert "lang=hi" in poll.group(1)
    assert "platform=whatsapp" in poll.group(1)
    expected = set(Post.objects.filter(platform="whatsapp", lang="hi").values_list("id", flat=True))
    assert _ids(html) == expected
    assert world["pub"].id not in expected


def test_unparsed_posts_wait_for_the_pipeline(client, alice, world):
    client.force_login(alice)
    pending = make_post(source=world["x"], text="not processed yet", processed=False)
    assert pending.id not in _ids(client.get(reverse("monitoring:feed")).content.decode())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lang": "en"}, {"pub"}),
        ({"platform": "x"}, {"pub"}),
        ({"q": "GPS चिप"}, {"p1"}),
    ],
    ids=["lang_case", "platform_case", "search_case"],
)
def test_feed_filters(client, bob, world, params, expected):
    client.force_login(bob)
    html = client.get(reverse("monitoring:feed"), params).content.decode()
    assert _ids(html) == {world[k].id for k in expected}


def test_unit_filter_is_scoped(client, bob, world, district1, district2):
    client.force_login(bob)
    mine = client.get(reverse("monitoring:feed"), {"unit": district1.id})
    assert world["p1"].id in _ids(mine.content.decode())
    assert world["pub"].id not in _ids(mine.content.decode())
    assert client.get(reverse("monitoring:feed"), {"unit": district2.id}).status_code == 404


def test_older_paging_by_id(client, alice, world):
    # given 60 more public posts
    for i in range(60):
        make_post(source=world["x"], text=f"post {i}", lang="en")
    client.force_login(alice)
    first = client.get(reverse("monitoring:feed")).content.decode()
    ids = _ids(first)
    # then the page holds 50 and links to older ones by id
    assert len(ids) == 50
    match = re.search(r"before=(\d+)", first)
    assert match is not None
    older = client.get(reverse("monitoring:feed"), {"before": match.group(1)}, **HTMX)
    older_ids = _ids(older.content.decode())
    assert older_ids
    assert max(older_ids) < min(ids)
    assert len(ids | older_ids) == Post.objects.count()


def test_feed_query_budget_does_not_grow_with_rows(
    client, alice, world, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("monitoring:feed")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(9):
        client.get(url)
    for i in range(80):
        make_post(source=world["g1"], text=f"समूह संदेश {i}", narrative=world["shared"])
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(_ids(response.content.decode())) == 50
    with django_assert_max_num_queries(6):
        client.get(url, {"after": world["pub"].id}, **HTMX)


def test_feed_highlights_watch_terms_and_shows_safe_links(client, alice, world, tree):
    # given a post with a link and a watched word that matched it
    post = make_post(
        source=world["x"],
        text="EVM hack video <script> देखें https://www.youtube.com/watch?v=abc&feature=share",
        lang="hinglish",
    )
    wl = Watchlist.objects.create(name="EVM", unit=tree.state)
    term = WatchTerm.objects.create(watchlist=wl, text="evm hack")
    WatchHit.objects.create(post=post, term=term, matched="EVM hack")
    client.force_login(alice)
    html = client.get(reverse("monitoring:feed")).content.decode()
    # then the word is marked, the text escaped, and the link canonical and safe to follow
    assert "<mark>EVM hack</mark>" in html
    assert "&lt;script&gt;" in html
    assert (
        '<a href="https://youtube.com/watch?v=abc" target="_blank" '
        'rel="noopener noreferrer nofollow">https://youtube.com/watch?v=abc</a>'
    ) in html


def test_duplicate_markers(client, alice, world):
    copy = make_post(
        source=world["g1"], text=D1_TEXT, duplicate_of=world["p1"], is_exact_duplicate=True
    )
    near = make_post(
        source=world["g1"], text=D1_TEXT + "!!", duplicate_of=world["p1"], similarity=0.93
    )
    client.force_login(alice)
    html = client.get(reverse("monitoring:feed")).content.decode()
    copy_html = html.split(f'id="post-{copy.id}"')[1].split("</article>")[0]
    near_html = html.split(f'id="post-{near.id}"')[1].split("</article>")[0]
    assert "exact copy" in copy_html
    assert "near-duplicate 93%" in near_html


# -- narrative page and media ---------------------------------------------------------------


def test_narrative_page_shows_growth_districts_and_posts(client, alice, world, district1):
    client.force_login(alice)
    url = reverse("monitoring:narrative", kwargs={"narrative_id": world["shared"].id})
    html = client.get(url).content.decode()
    assert "<svg" in html
    assert "<polyline" in html
    points = re.search(r'points="([^"]+)"', html)
    assert points is not None
    assert len(points.group(1).split()) == 48
    assert district1.name in html
    assert {world["pub"].id, world["p1"].id} == _ids(html)


def test_media_is_served_only_inside_scope(client, alice, bob, world, settings, tmp_path):
    # given an image of a District 2 group post stored where exports keep them
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "whatsapp" / str(world["g2"].id)
    folder.mkdir(parents=True)
    (folder / "IMG-1.png").write_bytes(_png())
    post = make_post(source=world["g2"], text="", media=["IMG-1.png"], image_hash=1, is_media=True)
    url = reverse("monitoring:post_media", kwargs={"post_id": post.id})
    # then the state head gets the picture, privately cached
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content) == _png()
    # and bob (District 1) gets 404
    client.force_login(bob)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "/etc/hosts", "page.html"], ids=["dotdot", "abs", "html"]
)
def test_media_never_leaves_media_root(client, alice, world, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.png").write_bytes(_png())
    tips = Source.objects.create(kind=SourceKind.TIP_FORM, name="tips")
    post = make_post(source=tips, text="x", media=[name], unit=None)
    client.force_login(alice)
    url = reverse("monitoring:post_media", kwargs={"post_id": post.id})
    assert client.get(url).status_code == 404


def test_mute_and_unmute(client, alice, world):
    client.force_login(alice)
    narrative = world["shared"]
    url = reverse("monitoring:narrative_status", kwargs={"narrative_id": narrative.id})
    response = client.post(url, {"status": "muted"}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="unmute"' in response.content.decode()
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.MUTED
    client.post(url, {"status": "active"})
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.ACTIVE


def test_the_state_marks_a_narrative_as_ours_and_back(client, alice, world):
    # given alice (state) on a narrative that is the organisation's own message
    client.force_login(alice)
    narrative = world["shared"]
    url = reverse("monitoring:narrative_status", kwargs={"narrative_id": narrative.id})
    # when she marks it as ours
    response = client.post(url, {"status": "ours"}, **HTMX)
    # then it carries the organisational label (no more fast-growth alerts) and can be undone
    assert response.status_code == 200
    assert 'data-testid="organisational"' in response.content.decode()
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.ORGANISATIONAL
    client.post(url, {"status": "active"})
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.ACTIVE


def test_district_may_not_mute_a_state_wide_narrative(client, bob, world):
    # given bob, who manages listening in District 1 and sees the shared narrative
    client.force_login(bob)
    narrative = world["shared"]
    page = client.get(reverse("monitoring:narrative", kwargs={"narrative_id": narrative.id}))
    assert 'data-testid="mute"' not in page.content.decode()
    # when he posts the mute anyway
    url = reverse("monitoring:narrative_status", kwargs={"narrative_id": narrative.id})
    response = client.post(url, {"status": "muted"}, **HTMX)
    # then it is refused and the narrative's alerts still run for everyone
    assert response.status_code == 403
    narrative.refresh_from_db()
    assert narrative.status == NarrativeStatus.ACTIVE


def test_listener_without_manage_may_not_mute(client, tree, world):
    ac = tree.acs[0]
    viewer = make_user("dave", ac, Role.AC_INCHARGE)
    client.force_login(viewer)
    url = reverse("monitoring:narrative_status", kwargs={"narrative_id": world["shared"].id})
    assert client.post(url, {"status": "muted"}).status_code == 403


# -- alerts -------------------------------------------------------------------------------


@pytest.fixture
def alerts(world, district1, district2):
    return {
        "d1": Alert.objects.create(
            kind=AlertKind.WATCH, unit=district1, narrative=world["shared"], message="नोट: GPS"
        ),
        "d2": Alert.objects.create(kind=AlertKind.WATCH, unit=district2, message="D2 only"),
    }


def test_alerts_are_scoped_and_acknowledged_in_place(client, bob, alerts):
    client.force_login(bob)
    html = client.get(reverse("monitoring:alerts")).content.decode()
    assert "नोट: GPS" in html
    assert "D2 only" not in html
    # when bob acknowledges his alert by HTMX
    url = reverse("monitoring:alert_ack", kwargs={"alert_id": alerts["d1"].id})
    row = client.post(url, **HTMX).content.decode()
    # then the row comes back acknowledged, and the alert is closed
    assert row.startswith(f'<tr id="alert-{alerts["d1"].id}"')
    assert "Seen" in row
    alerts["d1"].refresh_from_db()
    assert alerts["d1"].acknowledged_by == bob
    # and District 2's alert does not exist for him
    other = reverse("monitoring:alert_ack", kwargs={"alert_id": alerts["d2"].id})
    assert client.post(other).status_code == 404


# -- sources ---------------------------------------------------------------------------------


def test_add_an_x_search_with_the_name_of_its_token_variable(client, alice, tree):
    client.force_login(alice)
    response = client.post(
        reverse("monitoring:source_new"),
        {
            "kind": "x_search",
            "name": "X: EVM",
            "interval_min": 10,
            "query": "EVM lang:hi",
            "bearer_token_env": "X_BEARER_TOKEN",
            "url": "https://ignored.example/",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(name="X: EVM")
    assert source.config == {"query": "EVM lang:hi", "bearer_token_env": "X_BEARER_TOKEN"}
    assert source.interval_s == 600
    assert source.unit is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "kind": "x_search",
                "query": "q",
                "bearer_token_env": "AAAAAAAAAAAAAAAAAAAAAx%2Fsecret",
            },
            "bearer_token_env",
        ),
        ({"kind": "x_search", "query": "q"}, "bearer_token_env"),
        ({"kind": "rss"}, "url"),
        ({"kind": "telegram_channel", "channel": "no spaces!"}, "channel"),
        ({"kind": "facebook_page", "page_id": "123", "token_env": "token-value"}, "token_env"),
    ],
    ids=["secret_pasted", "missing_env", "missing_url", "bad_channel", "fb_secret"],
)
def test_source_form_refuses_bad_config(client, alice, tree, data, field):
    client.force_login(alice)
    response = client.post(
        reverse("monitoring:source_new"), {"name": "s", "interval_min": 5, **data}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Source.objects.filter(name="s").exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/feed", "127.0.0.1 is loopback"),
        ("http://[::1]/feed", "::1 is loopback"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local"),
        ("https://intranet.example/rss", "10.0.0.5 is private"),
    ],
    ids=["loopback_case", "v6_loopback_case", "metadata_case", "name_inside_case"],
)
def test_an_rss_source_at_a_private_address_is_refused(client, bob, tree, monkeypatch, url, reason):
    # given a district in-charge (who may manage listening) and a name that resolves inside
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["10.0.0.5"])
    client.force_login(bob)
    # when they add a feed at a non-public address
    response = client.post(
        reverse("monitoring:source_new"),
        {"kind": "rss", "name": "s", "interval_min": 5, "url": url},
    )
    # then the form says why, and no source is stored
    assert response.status_code == 200
    (error,) = response.context["form"].errors["url"]
    assert "is not a public address" in error
    assert reason in error
    assert not Source.objects.filter(name="s").exists()


def test_an_rss_source_at_a_public_address_is_added(client, bob, tree, monkeypatch):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.216.34"])
    client.force_login(bob)
    response = client.post(
        reverse("monitoring:source_new"),
        {"kind": "rss", "name": "s", "interval_min": 5, "url": "https://news.example/rss"},
    )
    assert response.status_code == 302
    assert Source.objects.get(name="s").config == {"url": "https://news.example/rss"}


def test_a_source_added_by_a_district_is_that_districts(
    client, bob, district1, district2, monkeypatch
):
    # given District 1's in-charge adding a feed
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.216.34"])
    client.force_login(bob)
    client.post(
        reverse("monitoring:source_new"),
        {"kind": "rss", "name": "Bob's feed", "interval_min": 5, "url": "https://news.example/"},
    )
    # then the source is District 1's, not state-wide, and he may switch it
    source = Source.objects.get(name="Bob's feed")
    assert source.unit == district1
    url = reverse("monitoring:source_toggle", kwargs={"source_id": source.id})
    assert client.post(url, {"enabled": "0"}).status_code == 302
    source.refresh_from_db()
    assert source.enabled is False
    # and another district neither sees nor switches it
    client.force_login(make_user("dora", district2, Role.DISTRICT_INCHARGE))
    assert "Bob's feed" not in client.get(reverse("monitoring:sources")).content.decode()
    assert client.post(url, {"enabled": "1"}).status_code == 404
    source.refresh_from_db()
    assert source.enabled is False


def test_a_district_may_not_switch_a_state_wide_source_it_added(client, bob, tree):
    # given a state-wide source that bob added before sources had units (issue #12)
    source = Source.objects.create(kind=SourceKind.RSS, name="Old feed", created_by=bob)
    client.force_login(bob)
    # when he pauses it, then it is refused and the source keeps running
    url = reverse("monitoring:source_toggle", kwargs={"source_id": source.id})
    assert client.post(url, {"enabled": "0"}).status_code == 403
    source.refresh_from_db()
    assert source.enabled is True


def test_pause_and_resume_a_source(client, alice, bob, world):
    client.force_login(alice)
    url = reverse("monitoring:source_toggle", kwargs={"source_id": world["x"].id})
    row = client.post(url, {"enabled": "0"}, **HTMX).content.decode()
    assert "Resume" in row
    world["x"].refresh_from_db()
    assert world["x"].enabled is False
    # a district in-charge sees the state-wide source but may not switch it
    client.force_login(bob)
    assert "X: election" in client.get(reverse("monitoring:sources")).content.decode()
    assert client.post(url, {"enabled": "1"}).status_code == 403


# -- groups and uploads ----------------------------------------------------------------------

EXPORT = (
    "12/01/24, 10:00 am - कार्यकर्ता 1: कल सुबह 8 बजे बूथ पर बैठक है\n"
    "12/01/24, 10:05 am - +91 98390 12345: 2000 के नोट में GPS चिप है\n"
    "12/01/24, 10:06 am - कार्यकर्ता 2 joined using this group's invite link\n"
    "12/01/24, 10:07 am - कार्यकर्ता 1: <Media omitted>\n"
).encode()


def _file(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def _upload(client, source, data: bytes, name: str = "WhatsApp Chat.txt"):
    url = reverse("monitoring:group_upload", kwargs={"group_id": source.id})
    return client.post(url, {"file": _file(data, name)})


def test_volunteer_uploads_the_export_of_his_registered_group(client, charlie):
    # given charlie's booth group, registered in the group registry with its export channel
    group = group_source(unit=charlie.unit, name="Booth 9 group")
    client.force_login(charlie)
    # when he opens the chat-export page, it lists the channel and sends registrations to the
    # group registry (one registry of groups, issue #17)
    page = client.get(reverse("monitoring:groups"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="upload-{group.id}"' in html
    assert reverse("groups:home") in html
    assert client.post(reverse("monitoring:groups"), {"name": "x"}).status_code == 405
    # and uploads its export
    first = _upload(client, group, EXPORT)
    html = first.content.decode()
    assert first.status_code == 200
    assert first.context["result"].ingest.new == 3
    assert first.context["result"].summary["system_events"] == 1
    assert 'data-testid="upload-result"' in html
    # then uploading the same file again adds nothing and says so
    again = _upload(client, group, EXPORT)
    assert again.context["result"].duplicate_file is True
    assert 'data-testid="upload-duplicate"' in again.content.decode()
    assert Post.objects.filter(source=group).count() == 3
    assert ExportUpload.objects.filter(source=group).count() == 1


def test_volunteer_may_not_upload_outside_his_booth(client, charlie, district1):
    client.force_login(charlie)
    elsewhere = group_source(unit=booth_in(district1))
    url = reverse("monitoring:group_upload", kwargs={"group_id": elsewhere.id})
    assert client.get(url).status_code == 404
    assert _upload(client, elsewhere, EXPORT).status_code == 404


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"hello, this is not a chat export\n", "notes.txt"),
        (b"PK\x03\x04 broken zip", "chat.zip"),
        (EXPORT, "chat.pdf"),
    ],
    ids=["no_headers", "broken_zip", "wrong_suffix"],
)
def test_unreadable_export_stores_nothing(client, charlie, data, name):
    group = group_source(unit=charlie.unit)
    client.force_login(charlie)
    response = _upload(client, group, data, name)
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert Post.objects.count() == 0
    assert ExportUpload.objects.count() == 0


def test_export_over_the_limit_is_refused(client, charlie, monkeypatch):
    monkeypatch.setattr(monitoring_forms, "EXPORT_MAX_BYTES", 100)
    group = group_source(unit=charlie.unit)
    client.force_login(charlie)
    response = _upload(client, group, EXPORT)
    assert "50 MB" in str(response.context["form"].errors["file"])
    assert ExportUpload.objects.count() == 0


# -- tips --------------------------------------------------------------------------------------


def test_volunteer_sends_a_tip_in_two_taps(client, charlie, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(charlie)
    assert client.get(reverse("monitoring:tip_new")).status_code == 200
    response = client.post(
        reverse("monitoring:tip_new"),
        {
            "text": "गांव में अफवाह: वोटिंग की तारीख बदल गई",
            "url": "https://example.com/x",
            "image": _file(_png(), "screenshot.png"),
        },
    )
    assert response.status_code == 302
    tip = Post.objects.get(source__kind=SourceKind.TIP_FORM)
    assert response["Location"] == f"{reverse('monitoring:tip_done')}?tip={tip.id}"
    assert tip.unit == charlie.unit
    assert tip.submitted_by == charlie
    assert tip.is_private
    assert tip.text.endswith("https://example.com/x")
    assert len(tip.media) == 1
    assert (tmp_path / tip.media[0]).read_bytes() == _png()
    done = client.get(response["Location"]).content.decode()
    assert "war room" in done


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x", "image": ("fake.jpg", b"not an image")}, "image"),
        ({"text": "x", "url": "javascript:alert(1)"}, "url"),
    ],
    ids=["empty", "not_an_image", "bad_url"],
)
def test_tip_form_errors(client, charlie, payload, field):
    client.force_login(charlie)
    data = dict(payload)
    if "image" in data:
        data["image"] = _file(data["image"][1], data["image"][0])
    response = client.post(reverse("monitoring:tip_new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Post.objects.exists()


def test_tip_image_over_ten_mb_is_refused(client, charlie, monkeypatch):
    monkeypatch.setattr(monitoring_forms, "TIP_IMAGE_MAX_BYTES", 10)
    client.force_login(charlie)
    response = client.post(
        reverse("monitoring:tip_new"), {"text": "x", "image": _file(_png(), "a.png")}
    )
    assert "10 MB" in str(response.context["form"].errors["image"])


# -- watchlists ------------------------------------------------------------------------------


def test_watchlist_create_and_edit_in_scope(client, bob, district1, district2):
    client.force_login(bob)
    response = client.post(
        reverse("monitoring:watchlist_new"),
        {
            "name": "EVM",
            "unit": str(district1.id),
            "terms": "ईवीएम\nEVM hack\n\nईवीएम",
            "active": "on",
        },
    )
    wl = Watchlist.objects.get(name="EVM")
    assert response["Location"] == reverse("monitoring:watchlist", kwargs={"watchlist_id": wl.id})
    assert sorted(wl.terms.values_list("text", flat=True)) == ["EVM hack", "ईवीएम"]
    # when he edits it: terms replaced, switched off, the unit stays
    client.post(
        reverse("monitoring:watchlist", kwargs={"watchlist_id": wl.id}),
        {"name": "EVM 2", "unit": district2.path, "terms": "booth capture"},
    )
    wl.refresh_from_db()
    assert (wl.name, wl.active, wl.unit) == ("EVM 2", False, district1)
    assert list(wl.terms.values_list("text", flat=True)) == ["booth capture"]
    # and District 2 is not his to watch
    response = client.post(
        reverse("monitoring:watchlist_new"),
        {"name": "D2", "unit": district2.path, "terms": "x"},
    )
    assert "unit" in response.context["form"].errors
    other = Watchlist.objects.create(name="theirs", unit=district2)
    url = reverse("monitoring:watchlist", kwargs={"watchlist_id": other.id})
    assert client.get(url).status_code == 404
    listing = client.get(reverse("monitoring:watchlists")).content.decode()
    assert "EVM 2" in listing
    assert "theirs" not in listing


def test_state_watchlists_are_read_below_but_changed_only_at_the_state(client, bob, tree):
    # given a state-wide watchlist
    wl = Watchlist.objects.create(name="Statewide EVM", unit=tree.state)
    WatchTerm.objects.create(watchlist=wl, text="evm")
    url = reverse("monitoring:watchlist", kwargs={"watchlist_id": wl.id})
    client.force_login(bob)
    # when District 1's in-charge lists watchlists, then he reads it, with no edit link
    listing = client.get(reverse("monitoring:watchlists")).content.decode()
    assert "Statewide EVM" in listing
    assert url not in listing
    # and when he posts an edit anyway, then nothing changes
    assert client.post(url, {"name": "mine now", "terms": ""}).status_code == 404
    wl.refresh_from_db()
    assert wl.name == "Statewide EVM"
    assert list(wl.terms.values_list("text", flat=True)) == ["evm"]


def test_narrative_model_ids_stay_out_of_the_page_for_outsiders(client, bob, world):
    # the narrative link of a visible post never points at a narrative bob may not open
    client.force_login(bob)
    html = client.get(reverse("monitoring:feed")).content.decode()
    linked = {int(n) for n in re.findall(r"/listening/narratives/(\d+)/", html)}
    visible = set(Narrative.objects.exclude(id=world["only_d2"].id).values_list("id", flat=True))
    assert linked <= visible


def test_volunteer_gets_404_outside_his_booth_and_403_inside(client, charlie, world, alerts):
    # given a narrative of District 1's group only, and one of charlie's own booth (District 2)
    d1_only = make_narrative(title="d1", posts=[make_post(source=world["g1"], text="d1 only")])
    inside = world["only_d2"]
    client.force_login(charlie)

    def status(name: str, **kwargs: int) -> int:
        url = reverse(f"monitoring:{name}", kwargs=kwargs)
        send = client.post if "ack" in name or "status" in name else client.get
        return int(send(url).status_code)

    # then objects outside his subtree do not exist for him, and those inside need LISTEN
    assert status("narrative", narrative_id=d1_only.id) == 404
    assert status("narrative_status", narrative_id=d1_only.id) == 404
    assert status("post_media", post_id=world["p1"].id) == 404
    assert status("alert_ack", alert_id=alerts["d1"].id) == 404
    assert status("narrative", narrative_id=inside.id) == 403
    assert status("post_media", post_id=world["p2"].id) == 403
    assert status("alert_ack", alert_id=alerts["d2"].id) == 404  # District 2 is above his booth
    booth_alert = Alert.objects.create(kind=AlertKind.WATCH, unit=charlie.unit, message="booth")
    assert status("alert_ack", alert_id=booth_alert.id) == 403


def test_upload_list_survives_a_deleted_uploader(client, charlie):
    group = group_source(unit=charlie.unit)
    ExportUpload.objects.create(source=group, sha256="0" * 64, filename="old.txt", messages=4)
    client.force_login(charlie)
    response = client.get(reverse("monitoring:group_upload", kwargs={"group_id": group.id}))
    assert response.status_code == 200
    assert "old.txt" in response.content.decode()


def test_the_tip_page_shows_the_automatic_reply_to_its_sender_only(
    client, charlie, bob, settings, tmp_path
):
    # given a tip of charlie's that the reply step answered
    settings.MEDIA_ROOT = tmp_path
    client.force_login(charlie)
    client.post(reverse("monitoring:tip_new"), {"text": "EVM bluetooth से हैक हो सकती है, सबको भेजो"})
    tip = Post.objects.get(source__kind=SourceKind.TIP_FORM)
    done = f"{reverse('monitoring:tip_done')}?tip={tip.id}"
    assert (
        "Looking for a published fact-check"
        in client.get(done, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    tip.metrics = {
        **tip.metrics,
        "tip_reply": {
            "state": "sent",
            "text": "यह दावा झूठा है।",
            "url": "https://www.boomlive.in/fact-check/evm",
            "verdict": "false",
            "publisher": "BOOM",
            "lang": "hi",
        },
    }
    tip.save(update_fields=["metrics"])
    # then the page (and its HTMX poll) shows the answer to charlie
    page = client.get(done, HTTP_HX_REQUEST="true").content.decode()
    assert "https://www.boomlive.in/fact-check/evm" in page
    assert "hx-trigger" not in page
    # and to someone else the tip does not exist
    client.force_login(bob)
    assert client.get(done).status_code == 404


def test_a_triager_opens_a_war_room_incident_from_a_narrative(client, bob, world):
    from sampark.warroom.models import Incident

    # given bob (district in-charge, may triage) on a narrative he can see
    url = reverse("monitoring:narrative", kwargs={"narrative_id": world["mixed"].id})
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert 'data-testid="open-incident"' in page
    # when he presses the button
    response = client.post(
        reverse("warroom:open_narrative", kwargs={"narrative_id": world["mixed"].id})
    )
    # then the incident exists, in his district, and he lands on it
    incident = Incident.objects.get(narrative=world["mixed"])
    assert incident.unit_id == bob.unit_id
    assert response.status_code == 302
    assert str(incident.id) in response["Location"]


def test_a_large_export_is_queued_for_the_worker(client, charlie, settings):
    # given a group and an export larger than what the request reads itself
    settings.SAMPARK_CHAT_INLINE_BYTES = 10
    group = group_source(unit=charlie.unit)
    client.force_login(charlie)

    # when it is uploaded
    response = _upload(client, group, EXPORT)

    # then the page says it is queued, and nothing is stored until the worker runs the task
    assert response.status_code == 200
    assert 'data-testid="upload-queued"' in response.content.decode()
    assert not Post.objects.filter(source=group).exists()
    task = Task.objects.get(name="monitoring.export_ingest")

    # when the worker runs it, then the messages are in and the stored copy is gone
    result = monitoring_tasks.export_ingest_run(**task.payload)
    assert result is not None
    assert result["new"] == 3
    assert Post.objects.filter(source=group).count() == 3
    assert not default_storage.exists(task.payload["name"])


def test_an_export_over_the_caps_is_refused_with_the_reason(client, charlie, settings):
    settings.SAMPARK_CHAT_MAX_MESSAGES = 1
    group = group_source(unit=charlie.unit)
    client.force_login(charlie)
    response = _upload(client, group, EXPORT)
    assert "more than 1 messages" in str(response.context["form"].errors["file"])
    assert not Post.objects.filter(source=group).exists()


def test_a_zip_whose_chat_expands_past_the_cap_is_refused_at_once(client, charlie, settings):
    # given a small zip whose chat text declares more than the cap
    settings.SAMPARK_CHAT_MAX_BYTES = 100
    group = group_source(unit=charlie.unit)
    client.force_login(charlie)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Ward.txt", EXPORT * 10)

    # when uploaded, then it is refused with the reason and nothing is queued or stored
    response = _upload(client, group, data.getvalue(), "chat.zip")
    assert "too large" in str(response.context["form"].errors["file"])
    assert not Task.objects.filter(name="monitoring.export_ingest").exists()
    assert not Post.objects.filter(source=group).exists()
