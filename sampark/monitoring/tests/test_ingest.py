"""Exports, tips and scope: what a group admin uploads lands once, and only its subtree sees it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image, ImageDraw

from pipeline.types import Platform, RawPost
from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.monitoring import selectors, services
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import ExportUpload, Post, Source

EXPORT = (
    "12/11/26, 9:05\u202fam - रमेश कुमार: कल बूथ पर सुबह 7 बजे मिलना है\n"
    "12/11/26, 9:07\u202fam - +91 98390 12345: 2000 के नोट में GPS चिप है\n"
    "सबको बताएं\n"
    "12/11/26, 9:10\u202fam - सीमा: <Media omitted>\n"
    "12/11/26, 9:11\u202fam - सीमा: This message was deleted\n"
    "12/11/26, 9:12\u202fam - रमेश कुमार joined using this group's invite link\n"
)
LATER = "12/11/26, 10:00\u202fam - सीमा: ईवीएम हैक की खबर झूठी है\n"


def booth_of(district: Unit) -> Unit:
    booth = Unit.objects.filter(level="booth", district=district).order_by("id").first()
    assert booth is not None
    return booth


@pytest.fixture
def group1(district1):
    return Source.objects.create(
        kind=SourceKind.WHATSAPP_EXPORT, name="D1 booth group", unit=booth_of(district1)
    )


@pytest.fixture
def group2(district2):
    return Source.objects.create(
        kind=SourceKind.WHATSAPP_EXPORT, name="D2 booth group", unit=booth_of(district2)
    )


def png() -> bytes:
    img = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(img).rectangle([10, 10, 70, 60], fill="red")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_an_export_lands_once_and_a_longer_one_adds_only_new_messages(group1, bob):
    first = services.export_ingest(source=group1, data=EXPORT.encode(), filename="c.txt", actor=bob)
    assert first.ingest.new == 4  # text, multi-line text, media, deleted (system event not)
    assert first.summary["system_events"] == 1
    again = services.export_ingest(source=group1, data=EXPORT.encode(), filename="c.txt", actor=bob)
    assert again.duplicate_file
    longer = services.export_ingest(
        source=group1, data=(EXPORT + LATER).encode(), filename="c2.txt", actor=bob
    )
    assert (longer.ingest.new, longer.ingest.already_had) == (1, 4)
    assert Post.objects.filter(source=group1).count() == 5
    assert ExportUpload.objects.filter(source=group1).count() == 2
    multi = Post.objects.get(source=group1, author="+91 98390 12345")
    assert multi.text == "2000 के नोट में GPS चिप है\nसबको बताएं"
    assert multi.is_private
    assert multi.district_id == group1.unit.district_id


def test_a_zipped_export_keeps_and_hashes_its_images(group1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    chat = "12/11/26, 9:10\u202fam - सीमा: IMG-20261112-WA0001.png (file attached)\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("_chat.txt", chat)
        z.writestr("IMG-20261112-WA0001.png", png())
    result = services.export_ingest(
        source=group1, data=buf.getvalue(), filename="WhatsApp Chat.zip", actor=None
    )
    assert result.ingest.new == 1
    post = Post.objects.get(source=group1)
    assert post.is_media
    assert post.image_hash is not None
    assert (tmp_path / "whatsapp" / str(group1.id) / "IMG-20261112-WA0001.png").exists()


def test_a_tip_with_an_image_is_stored_in_the_senders_place(charlie, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post = services.tip_submit(
        text="यह वीडियो फर्जी है",
        url="https://t.me/x/1",
        image=png(),
        image_name="a.png",
        user=charlie,
    )
    assert post is not None
    assert post.unit_id == charlie.unit_id
    assert post.is_private
    assert post.image_hash is not None
    assert "https://t.me/x/1" in post.text
    assert (tmp_path / post.media[0]).exists()


def test_the_whatsapp_export_command_prints_the_contract(tmp_path, capsys, db):
    path = tmp_path / "WhatsApp Chat with Booth 12.txt"
    path.write_text(EXPORT, encoding="utf-8")
    call_command("ingest", "whatsapp-export", str(path), "--json", "--dry-run")
    out = json.loads(capsys.readouterr().out)
    assert out["messages"] == 4
    assert out["system_events"] == 1
    assert out["authors"] == 3
    assert out["media"] == 1
    assert out["first_at"] == "2026-11-12T09:05:00+05:30"
    assert out["last_at"] == "2026-11-12T09:11:00+05:30"
    assert not Post.objects.exists()  # dry run
    call_command("ingest", "whatsapp-export", str(path), "--dump", "--tz", "UTC")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4
    assert lines[0] == {
        "author": "रमेश कुमार",
        "at": "2026-11-12T09:05:00+00:00",
        "text": "कल बूथ पर सुबह 7 बजे मिलना है",
        "is_media": False,
        "is_deleted": False,
    }
    assert lines[3]["is_deleted"] is True
    assert Source.objects.get().name == "Booth 12"
    assert Post.objects.count() == 4


def test_group_content_is_visible_only_in_its_subtree(group1, group2, alice, bob, charlie, db):
    services.export_ingest(source=group1, data=EXPORT.encode(), filename="a.txt", actor=None)
    services.export_ingest(source=group2, data=LATER.encode(), filename="b.txt", actor=None)
    public = Source.objects.create(kind=SourceKind.X_SEARCH, name="x")
    services.posts_ingest(source=public, posts=[RawPost(Platform.X, "1", "public", timezone.now())])

    def seen(user: User) -> set[int]:
        return set(selectors.posts_visible(user=user).values_list("source_id", flat=True))

    assert seen(alice) == {group1.id, group2.id, public.id}
    assert seen(bob) == {group1.id, public.id}
    # charlie is a volunteer at group2's own booth: his group and public posts
    assert charlie.unit_id == group2.unit_id
    assert seen(charlie) == {group2.id, public.id}
    assert selectors.group_sources(user=bob).get() == group1
