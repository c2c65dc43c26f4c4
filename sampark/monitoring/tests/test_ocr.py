"""Text in images (issue #17): read once per image in its own step, then joins its post."""

from __future__ import annotations

import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from pipeline.types import Platform, RawPost
from sampark.monitoring import ocr, processing, services
from sampark.monitoring.enums import OcrStatus, PostStatus, SourceKind
from sampark.monitoring.models import ImageText, Narrative, Post, Source, WatchHit

NOTO = Path("/usr/share/fonts/truetype/noto")
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="Debian's tesseract-ocr is installed by the project's setup",
)
CLAIM = "EVM machines can be hacked with bluetooth"


def notice(text: str = CLAIM) -> bytes:
    """A fake notice as WhatsApp delivers it: dark text on white, JPEG quality 70."""
    img = Image.new("RGB", (1400, 260), "white")
    face = ImageFont.truetype(str(NOTO / "NotoSans-Bold.ttf"), 44)
    ImageDraw.Draw(img).text((40, 100), text, font=face, fill=(20, 20, 20))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=70)
    return out.getvalue()


@pytest.fixture
def ocr_on(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SAMPARK_OCR = {**settings.SAMPARK_OCR, "ENABLED": True, "WAIT_SECONDS": 60}
    return settings


def tip(image: bytes, user, text: str = "") -> Post:
    post = services.tip_submit(text=text, image=image, image_name="a.jpg", user=user)
    assert post is not None
    return post


def run_pipeline() -> int:
    processor = processing.Processor()
    total = 0
    while n := processor.run_batch(owner="test"):
        total += n
    return total


@needs_tesseract
def test_an_image_tip_waits_for_its_text_then_joins_narratives_and_watchlists(
    ocr_on, alice, charlie, tree, client
):
    services.watchlist_save(
        watchlist=None, name="EVM", unit=tree.state, terms=["bluetooth"], active=True, actor=alice
    )
    # given a media-only tip of a notice
    post = tip(notice(), charlie)
    # then it waits for its text: the pipeline does not take it yet
    assert post.status == PostStatus.AWAITING_OCR
    assert run_pipeline() == 0
    # when the OCR step runs
    assert ocr.run_round(owner="w1") == 2  # one image read, one post released
    # then the image was read once and its text joined the post
    image = ImageText.objects.get()
    assert image.status == OcrStatus.DONE
    assert image.confidence is not None
    assert image.confidence > 60
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING
    assert CLAIM in post.image_text
    # and the pipeline reads it: a narrative titled by the image's text, a watchlist hit
    assert run_pipeline() == 1
    assert Narrative.objects.get().title.startswith(CLAIM)
    assert WatchHit.objects.get().post_id == post.id
    # and the feed shows what the image says
    client.force_login(alice)
    page = client.get(reverse("monitoring:feed")).content.decode()
    assert 'data-testid="image-text"' in page
    assert CLAIM in page


@needs_tesseract
def test_a_second_forward_of_the_same_image_is_not_read_again(ocr_on, charlie):
    # given the image was read once
    first = tip(notice(), charlie)
    ocr.run_round(owner="w1")
    # when the same image is sent again (another tip)
    second = tip(notice(), charlie, text="ye sach hai?")
    # then it carries the text at once and goes straight to the pipeline, one image row only
    assert second.status == PostStatus.PENDING
    assert CLAIM in second.image_text
    assert ImageText.objects.count() == 1
    assert ocr.run_round(owner="w1") == 0
    run_pipeline()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.narrative_id == second.narrative_id is not None


def test_a_killed_reader_loses_nothing_and_nothing_is_read_twice(ocr_on, charlie):
    # given an image tip whose stored file was then swapped for another one
    post = tip(notice(), charlie)
    (Path(ocr_on.MEDIA_ROOT) / post.media[0]).write_bytes(notice("something else"))
    # and a worker that claimed the image and died (its lease runs out)
    token, claimed = ocr.images_claim(limit=4, owner="dead")
    assert [i.attempts for i in claimed] == [1]
    assert ocr.images_claim(limit=4, owner="other")[1] == []  # held under the lease
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        # when another worker takes it over after the lease
        token2, again = ocr.images_claim(limit=4, owner="alive")
        assert [i.id for i in again] == [claimed[0].id]
        # then the dead worker's late write is refused and the live one's stands
        assert not ocr.image_read(image=claimed[0], token=token)
        assert ocr.image_read(image=again[0], token=token2)
    image = ImageText.objects.get()
    assert image.status == OcrStatus.FAILED  # a refused image is given up, not retried
    assert "not the image that was registered" in image.error
    assert image.attempts == 2


def test_a_post_does_not_wait_past_its_time_when_no_text_comes(ocr_on, charlie):
    # given an image tip whose image nobody reads
    post = tip(notice(), charlie)
    # when less than the wait has passed, it still waits
    assert ocr.posts_release() == 0
    # and once the wait is over, the idle pipeline itself lets it through without text
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        run_pipeline()
    post.refresh_from_db()
    assert post.status == PostStatus.DONE
    assert post.image_text == ""
    assert post.narrative_id is not None  # clustered by its picture instead


def test_an_image_over_the_pixel_limit_is_refused_unread(ocr_on, charlie):
    ocr_on.SAMPARK_OCR = {**ocr_on.SAMPARK_OCR, "MAX_PIXELS": 10_000}
    post = tip(notice(), charlie)
    ocr.run_round(owner="w1")
    image = ImageText.objects.get()
    assert image.status == OcrStatus.FAILED
    assert "too large" in image.error
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING  # released without text


@needs_tesseract
def test_a_missing_tesseract_language_is_a_system_check_warning(ocr_on):
    from sampark.monitoring.checks import tesseract_available

    assert tesseract_available() == []
    ocr_on.SAMPARK_OCR = {**ocr_on.SAMPARK_OCR, "LANGS": "hin+eng+tam"}
    (warning,) = tesseract_available()
    assert warning.id == "sampark.monitoring.W002"
    assert "tam" in warning.msg


def test_the_live_feed_poll_misses_no_post_processed_after_a_newer_one(ocr_on, client, alice):
    # given an image post (older id) waiting for its text, and a text post after it
    source = Source.objects.create(kind=SourceKind.X_SEARCH, name="x")
    waiting = RawPost(Platform.X, "img", "", timezone.now(), is_media=True, media=("n.jpg",))
    services.posts_ingest(
        source=source, posts=[waiting], image_files={"n.jpg": ("a" * 64, "n.jpg")}
    )
    services.posts_ingest(source=source, posts=[RawPost(Platform.X, "txt", CLAIM, timezone.now())])
    run_pipeline()
    # and a feed page that has seen the text post
    client.force_login(alice)
    page = client.get(reverse("monitoring:feed")).content.decode()
    cursor = re.search(r"after=(\d+)", page)
    assert cursor is not None
    # when the image post is processed later (its wait is over)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        run_pipeline()
    old = Post.objects.get(external_id="img")
    assert old.id < Post.objects.get(external_id="txt").id
    # then the next poll brings it, though its id is lower than what the page had seen
    poll = client.get(
        reverse("monitoring:feed"), {"after": cursor.group(1)}, HTTP_HX_REQUEST="true"
    )
    assert poll.status_code == 200
    assert f'id="post-{old.id}"' in poll.content.decode()


@needs_tesseract
def test_an_image_tip_is_matched_by_the_text_in_its_image(ocr_on, charlie):
    from sampark.devtools.demo import factcheck as demo_factcheck
    from sampark.factcheck import services as factcheck_services
    from sampark.monitoring import matching, tipreply

    factcheck_services.match_index_reset()
    demo_factcheck.load()
    # given a media-only tip of a notice, and the same words typed in another tip
    post = tip(notice(), charlie)
    typed = services.tip_submit(text=CLAIM, user=charlie)
    assert typed is not None
    # then while its image is being read, the tip reply leaves it for later
    assert post.id not in tipreply.tips_due(limit=10)
    # when the OCR step has read it
    ocr.run_round(owner="w1")
    post.refresh_from_db()
    # then it is due, and matched with the text read from the image, as the typed one is
    assert post.id in tipreply.tips_due(limit=10)
    assert CLAIM in tipreply.tip_text(post)
    found = matching.post_match(post_id=post.id, text=tipreply.tip_text(post))
    expected = matching.post_match(post_id=typed.id, text=typed.text)
    assert found
    assert found[0][0] == expected[0][0]
    # and its narrative is matched with that text too
    run_pipeline()
    post.refresh_from_db()
    assert post.narrative_id is not None
    assert CLAIM in matching.representative_text(post.narrative_id)


@needs_tesseract
def test_a_post_that_went_on_without_its_text_gets_it_when_the_image_is_read(ocr_on, charlie):
    # given an image tip whose wait ran out before its image was read
    post = tip(notice(), charlie, text="ye dekho")
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert ocr.posts_release() == 1
    run_pipeline()
    post.refresh_from_db()
    assert post.image_text == ""
    assert post.narrative_id is not None
    Narrative.objects.filter(id=post.narrative_id).update(match_due=False)
    # when the OCR step reads the image at last
    ocr.run_round(owner="w1")
    # then the post has the text, and its narrative is due to be matched with it
    post.refresh_from_db()
    assert CLAIM in post.image_text
    assert Narrative.objects.get(id=post.narrative_id).match_due is True
