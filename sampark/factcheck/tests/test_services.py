"""Upserts deduplicated by canonical URL, own responses, matching, and who may read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.http import Http404

from sampark.core.models import AuditEvent
from sampark.devtools.demo import factcheck as demo
from sampark.devtools.demo.monitoring import RUMOURS
from sampark.factcheck import selectors, services
from sampark.factcheck.claimreview import ClaimReviewData
from sampark.factcheck.enums import Verdict
from sampark.factcheck.models import FactCheck


def data(url: str = "https://www.altnews.in/evm-bluetooth-hack-false/", **kw) -> ClaimReviewData:
    fields = {
        "claim_reviewed": "EVM can be hacked with a bluetooth device from outside the booth",
        "rating": "False",
        "verdict": "false",
        "publisher": "Alt News",
        "published_at": datetime(2024, 4, 18, 6, 0, tzinfo=UTC),
        "language": "en",
        **kw,
    }
    return ClaimReviewData(url=url, **fields)


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("http://www.altnews.in/evm-bluetooth-hack-false/", id="http_case"),
        pytest.param("https://altnews.in/evm-bluetooth-hack-false", id="no_slash_no_www_case"),
        pytest.param(
            "https://www.altnews.in/evm-bluetooth-hack-false/?utm_source=wa&utm_medium=share",
            id="utm_case",
        ),
        pytest.param(
            "https://www.altnews.in/evm-bluetooth-hack-false/#comments", id="fragment_case"
        ),
    ],
)
def test_it_dedupes_by_canonical_url(db, spelling):
    # given a fact-check stored once
    first, created = services.factcheck_upsert(data=data(), source="jsonld:file")
    assert created
    # when the same article comes again spelled differently
    again, created_again = services.factcheck_upsert(data=data(url=spelling), source="csv")
    # then it is the same row
    assert not created_again
    assert again.id == first.id
    assert FactCheck.objects.count() == 1
    assert first.url == "https://altnews.in/evm-bluetooth-hack-false"


def test_a_newer_record_updates_and_an_older_one_does_not(db):
    # given a stored fact-check
    services.factcheck_upsert(data=data(), source="jsonld:file")
    # when a newer version says the rating changed
    newer = data(
        rating="Misleading", verdict="misleading", published_at=datetime(2024, 4, 20, tzinfo=UTC)
    )
    row, outcome = services.factcheck_upsert_outcome(data=newer, source="rss:altnews")
    # then it is updated
    assert outcome == services.UPDATED
    assert (row.verdict, row.source) == ("misleading", "rss:altnews")
    # when an older copy comes (an old CSV)
    older = data(rating="False", published_at=datetime(2024, 4, 1, tzinfo=UTC))
    row, outcome = services.factcheck_upsert_outcome(data=older, source="csv")
    # then nothing is rolled back
    assert outcome == services.UNCHANGED
    assert FactCheck.objects.get().verdict == "misleading"


def test_the_same_record_again_is_unchanged_and_blanks_never_erase(db):
    # given a stored fact-check with an image
    services.factcheck_upsert(data=data(image_url="https://altnews.in/a.jpg"), source="csv")
    before = FactCheck.objects.get().updated_at
    # when the same record comes without the image
    _row, outcome = services.factcheck_upsert_outcome(data=data(), source="csv")
    # then nothing changed
    assert outcome == services.UNCHANGED
    row = FactCheck.objects.get()
    assert (row.image_url, row.updated_at) == ("https://altnews.in/a.jpg", before)


def test_a_url_that_is_not_http_is_refused(db):
    with pytest.raises(ValueError, match="http"):
        services.factcheck_upsert(data=data(url="ftp://example.org/x"), source="csv")


def test_own_response_is_stored_audited_and_matched(db):
    # given the organisation publishes its own response to a rumour
    fc = services.own_response_publish(
        url="https://sampark.example.org/sach/namak-ki-kami/?utm_source=wa",
        claim="देश में नमक की भारी कमी होने वाली है, नमक खरीद कर रख लें",
        verdict=Verdict.FALSE,
        text="नमक की कोई कमी नहीं है। अफवाहों पर ध्यान न दें।",
        language="hi",
    )
    # then it is an own response, audited
    assert (fc.is_own_response, fc.source, fc.verdict, fc.language) == (True, "own", "false", "hi")
    assert fc.url == "https://sampark.example.org/sach/namak-ki-kami"
    assert AuditEvent.objects.filter(verb="factcheck.own_response", object_id=fc.id).exists()
    # and a forward of the rumour finds it
    found = services.match_text(text="नमक की भारी कमी होने वाली है सब लोग नमक खरीद कर रख लें")
    assert found[0].fact_check_id == fc.id
    # and an import of the same URL does not turn it into somebody else's fact-check
    services.factcheck_upsert(
        data=data(url=fc.url, claim_reviewed="नमक की कमी", published_at=None), source="csv"
    )
    fc.refresh_from_db()
    assert (fc.is_own_response, fc.source) == (True, "own")
    assert fc.claim_reviewed.startswith("देश में नमक की भारी कमी")


def test_unknown_verdict_is_refused_for_own_responses(db):
    with pytest.raises(ValueError, match="verdict"):
        services.own_response_publish(
            url="https://sampark.example.org/x", claim="c", verdict="nope", text="t", language="hi"
        )


def test_each_demo_rumour_matches_its_fact_check(db):
    # given the demo knowledge base
    created = demo.load()
    assert created >= 40
    assert demo.load() == 0  # idempotent
    # when each of the listening demo's rumours is matched
    for text, _weight in RUMOURS:
        found = services.match_text(text=text, k=3)
        # then the best match is banded and is about the same claim
        assert found, text
        assert found[0].band in {"auto", "suggest"}
        best = FactCheck.objects.get(id=found[0].fact_check_id)
        assert best.verdict in {Verdict.FALSE, Verdict.MISLEADING}, (text, best.claim_reviewed)


def test_the_index_follows_new_and_changed_rows(db):
    # given an index built over one fact-check
    services.factcheck_upsert(data=data(), source="csv")
    assert services.match_text(text="2000 के नोट में GPS चिप लगी है") == []
    # when a new one is added
    fc, _ = services.factcheck_upsert(
        data=data(
            url="https://factly.in/gps-chip/",
            claim_reviewed="2000 रुपये के नोट में GPS चिप लगी है",
            language="hi",
        ),
        source="csv",
    )
    # then the next match sees it without a restart
    assert services.match_text(text="2000 के नोट में GPS चिप लगी है")[0].fact_check_id == fc.id


def test_empty_text_matches_nothing(db):
    demo.load()
    assert services.match_text(text="   ") == []


def test_capable_users_read_every_fact_check_and_the_outsider_gets_404(
    db, alice, bob, analyst, charlie
):
    # given a fact-check (not scoped by unit)
    fc, _ = services.factcheck_upsert(data=data(), source="csv")
    # then the state head, a district in-charge (listen) and an analyst all see it
    for user in (alice, bob, analyst):
        assert selectors.access_factcheck(user=user, factcheck_id=fc.id) == fc
    # and a booth volunteer gets 404
    with pytest.raises(Http404):
        selectors.access_factcheck(user=charlie, factcheck_id=fc.id)
    # and a missing id is 404 for everybody
    with pytest.raises(Http404):
        selectors.access_factcheck(user=alice, factcheck_id=fc.id + 1000)
