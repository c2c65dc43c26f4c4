"""Claim matching as a stage of the listening pipeline (issue #17): once per narrative, again only
when its text changes or fact-checks are published, and stories across scripts."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pipeline.types import RawPost
from sampark.devtools.demo import factcheck as demo_factcheck
from sampark.factcheck import services as factcheck_services
from sampark.factcheck.claimreview import ClaimReviewData
from sampark.factcheck.models import ClaimMatch, FactCheck
from sampark.monitoring import matching, selectors, services
from sampark.monitoring.enums import NarrativeStatus
from sampark.monitoring.models import Narrative, Post
from sampark.monitoring.tests.factories import process_all, public_source

pytestmark = pytest.mark.django_db

EVM_EN = (
    "EVM machines can be hacked with a bluetooth device from outside the polling booth. "
    "An engineer showed it live, share this before it gets deleted."
)
EVM_HI = (
    "ईवीएम मशीन को बाहर से ब्लूटूथ डिवाइस से हैक किया जा सकता है, इंजीनियर ने लाइव दिखाया है, "
    "डिलीट होने से पहले सबको भेजें"
)
FINE_HI = (
    "मतदान के दिन बूथ पर मोबाइल फोन ले जाने पर 5000 रुपये जुर्माना और जेल होगी, चुनाव आयोग का "
    "नया नियम है, अपने परिवार को जरूर बताएं"
)
FINE_LATN = (
    "matdan ke din booth par mobile phone le jane par 5000 rupaye jurmana aur jail hogi, chunav "
    "aayog ka naya niyam hai, apne parivar ko jaroor batayen"
)


@pytest.fixture
def knowledge_base() -> int:
    factcheck_services.match_index_reset()
    return demo_factcheck.load()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the matcher is asked about."""
    seen: list[str] = []
    real = factcheck_services.match_texts

    def counted(*, texts: list[str], k: int = 5) -> Any:
        seen.extend(texts)
        return real(texts=texts, k=k)

    monkeypatch.setattr(factcheck_services, "match_texts", counted)
    return seen


def ingest(*texts: str, start: int = 0, days_ago: float = 0) -> None:
    source = public_source()
    at = timezone.now() - timedelta(days=days_ago, minutes=5)
    services.posts_ingest(
        source=source,
        posts=[
            RawPost(platform="x", external_id=f"m{start + i}", text=t, posted_at=at)
            for i, t in enumerate(texts)
        ],
    )
    process_all()


def narrative_of(text: str) -> Narrative:
    post = Post.objects.filter(text=text).order_by("id").first()
    assert post is not None
    assert post.narrative_id is not None
    return Narrative.objects.get(id=post.narrative_id)


def test_a_narrative_is_matched_once_not_per_post(knowledge_base, calls):
    # given a rumour forwarded five times, processed by the pipeline
    ingest(*[EVM_EN] * 5)
    narrative = narrative_of(EVM_EN)
    assert narrative.posts == 5
    # when the matching stage runs, twice
    first, again = matching.run_stage(), matching.run_stage()
    # then the narrative was matched once, its matches stored with score and band
    assert (first, again) == (1, 0)
    assert len(calls) == 1
    rows = list(ClaimMatch.objects.filter(narrative=narrative).order_by("rank"))
    assert rows[0].band == "auto"
    assert rows[0].score > 0.6
    assert rows[0].auto_at is not None
    assert "bluetooth" in rows[0].fact_check.claim_reviewed
    narrative.refresh_from_db()
    assert narrative.match_hash == matching.text_hash(EVM_EN)
    assert not narrative.match_due
    # and more forwards of the same text do not match it again
    ingest(*[EVM_EN] * 5, start=100)
    assert matching.run_stage() == 0
    assert len(calls) == 1


def test_an_unchanged_text_is_not_matched_again(knowledge_base, calls):
    # given a matched narrative
    ingest(EVM_EN)
    narrative = narrative_of(EVM_EN)
    matching.run_stage()
    assert len(calls) == 1
    # when it is marked due (say, a new wording) but its representative text is the same
    matching.narratives_mark_due(narrative_ids=[narrative.id])
    assert matching.run_stage() == 1
    # then the hash says so and the matcher is not called
    assert len(calls) == 1
    narrative.refresh_from_db()
    assert not narrative.match_due


def test_a_change_while_matching_keeps_the_narrative_due(knowledge_base, monkeypatch):
    # given a narrative being matched, and a new wording arriving meanwhile
    ingest(EVM_EN)
    narrative = narrative_of(EVM_EN)
    real = factcheck_services.claim_match_store_many

    def meanwhile(**kw: Any) -> Any:
        matching.narratives_mark_due(narrative_ids=[narrative.id])
        return real(**kw)

    monkeypatch.setattr(factcheck_services, "claim_match_store_many", meanwhile)
    matching.run_stage()
    # then it stays due for the newer text
    narrative.refresh_from_db()
    assert narrative.match_due


def test_fact_checks_published_later_are_matched_back_to_open_narratives(knowledge_base, calls):
    # given a knowledge base with no EVM fact-check yet, and narratives about EVMs: one live,
    # one muted, one last seen 20 days ago
    FactCheck.objects.filter(claim_reviewed__icontains="EVM").delete()
    FactCheck.objects.filter(claim_reviewed__contains="ईवीएम").delete()
    ingest(EVM_EN)
    ingest(FINE_HI, start=10)
    ingest("An old rumour about the EVM bluetooth hack from the last election", days_ago=20)
    live = narrative_of(EVM_EN)
    Narrative.objects.filter(id=narrative_of(FINE_HI).id).update(status=NarrativeStatus.MUTED)
    matching.run_stage()
    assert not ClaimMatch.objects.filter(narrative=live, band="auto").exists()
    calls.clear()
    # when the matching fact-check is imported
    factcheck_services.factcheck_upsert(
        data=ClaimReviewData(
            url="https://www.boomlive.in/fact-check/evm-bluetooth-hack",
            claim_reviewed="Video shows an engineer hacking an EVM with a bluetooth device from "
            "outside the polling booth",
            rating="False",
            verdict="false",
            publisher="BOOM",
        ),
        source="test",
    )
    matching.run_stage()
    # then only the live narrative of the last 14 days was matched again, now in the auto band
    assert calls == [EVM_EN]
    row = ClaimMatch.objects.get(narrative=live, fact_check__url__contains="boomlive")
    assert row.band == "auto"
    assert row.auto_at is not None
    # and nothing more happens until fact-checks change again
    assert matching.run_stage() == 0


def test_a_tip_is_matched_as_a_post(knowledge_base):
    # given a tip
    tip = services.tip_submit(text=EVM_HI, user=None)
    assert tip is not None
    # when the stage matches it
    found = matching.post_match(post_id=tip.id, text=tip.text)
    # then its matches are stored against the post, best first
    assert found[0][2] == "auto"
    assert ClaimMatch.objects.filter(post=tip, band="auto").count() == 1


# -- stories -----------------------------------------------------------------------------------


def test_the_same_rumour_in_devanagari_and_latin_script_is_one_story(db):
    # given a Hindi rumour and its transliteration, with no fact-check for either
    factcheck_services.match_index_reset()
    ingest(FINE_HI)
    ingest(FINE_LATN, start=10)
    hindi, latin = narrative_of(FINE_HI), narrative_of(FINE_LATN)
    assert hindi.id != latin.id  # the narrative index compares characters
    # when both are matched
    matching.run_stage()
    # then the later one is linked to the first as one story
    latin.refresh_from_db()
    hindi.refresh_from_db()
    assert latin.story_id == hindi.id
    assert hindi.story_id is None
    assert selectors.story_root(narrative_id=latin.id) == hindi.id


def test_english_and_hindi_narratives_matched_to_the_same_fact_check_are_one_story(
    knowledge_base,
):
    # given the EVM rumour in English and in Hindi (different words, different scripts)
    ingest(EVM_EN)
    ingest(EVM_HI, start=10)
    english, hindi = narrative_of(EVM_EN), narrative_of(EVM_HI)
    # when both are matched
    matching.run_stage()
    # then they are one story, through the fact-checks they share
    hindi.refresh_from_db()
    assert hindi.story_id == english.id


def test_different_rumours_stay_apart(knowledge_base):
    # given two different rumours, one in each script
    ingest(EVM_EN)
    ingest(FINE_LATN, start=10)
    matching.run_stage()
    # then neither joins the other's story
    assert not Narrative.objects.filter(story__isnull=False).exists()


def test_a_tip_joins_the_story_carrying_its_text(db):
    # given a story about the fine, first seen in Devanagari
    factcheck_services.match_index_reset()
    ingest(FINE_HI)
    matching.run_stage()
    hindi = narrative_of(FINE_HI)
    # when a tip repeats it in Latin script, before the pipeline has reached it
    tip = services.tip_submit(text=FINE_LATN + " kya ye sach hai?", user=None)
    assert tip is not None
    # then the tip belongs to that story
    assert selectors.tip_story(post_id=tip.id) == hindi.id


def test_a_narrative_page_shows_its_matches_and_story(client, alice, knowledge_base):
    # given two narratives of the EVM story, matched
    ingest(EVM_EN)
    ingest(EVM_HI, start=10)
    matching.run_stage()
    hindi = narrative_of(EVM_HI)
    # when the state head opens the Hindi one
    client.force_login(alice)
    url = reverse("monitoring:narrative", kwargs={"narrative_id": hindi.id})
    page = client.get(url).content.decode()
    # then its stored fact-checks and the story's other narrative are shown
    assert 'data-testid="narrative-matches"' in page
    assert FactCheck.objects.get(url__contains="evm-bluetooth-hack-claim-is-fake").url in page
    assert 'data-testid="narrative-story"' in page
    english = narrative_of(EVM_EN).id
    assert reverse("monitoring:narrative", kwargs={"narrative_id": english}) in page


def test_a_batch_of_narratives_costs_a_few_queries(knowledge_base, django_assert_max_num_queries):
    # given forty different narratives waiting to be matched
    words = (EVM_EN + " " + FINE_LATN).replace(",", "").replace(".", "").split()
    ingest(*[" ".join(random.Random(n).sample(words, 14)) for n in range(40)])
    due = matching.narratives_due(limit=500)
    assert len(due) >= 30
    factcheck_services.match_text(text="warm the index")
    # when the stage matches them in one round
    with django_assert_max_num_queries(40):
        done = matching.narratives_match(narrative_ids=due)
    # then every one was matched, in a bounded number of queries, not a few per narrative
    assert done == len(due)
    assert not Narrative.objects.filter(match_due=True).exists()
