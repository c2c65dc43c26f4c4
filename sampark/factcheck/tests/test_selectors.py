"""What the fact-check app lets the war room read: stored matches, verdicts, own responses."""

from __future__ import annotations

import pytest

from sampark.factcheck import selectors
from sampark.factcheck.models import ClaimMatch, FactCheck
from sampark.monitoring.tests.factories import make_post, public_source

pytestmark = pytest.mark.django_db


def _check(n: int, *, own: bool = False, verdict: str = "false") -> FactCheck:
    return FactCheck.objects.create(
        url=f"https://f.example/{n}",
        claim_reviewed=f"claim {n}",
        verdict=verdict,
        is_own_response=own,
    )


def test_stored_matches_of_a_post_are_third_party_and_best_first():
    post = make_post(source=public_source(), text="EVM")
    weak, strong, ours = _check(1), _check(2), _check(3, own=True)
    for fc, score in [(weak, 0.4), (strong, 0.9), (ours, 0.99)]:
        ClaimMatch.objects.create(post=post, fact_check=fc, score=score, band="suggest")
    rows = selectors.claim_matches_best(narrative_id=None, post_id=post.id)
    assert [(fc_id, score) for fc_id, score, _band in rows] == [(strong.id, 0.9), (weak.id, 0.4)]
    assert selectors.claim_matches_best(narrative_id=None, post_id=None) == []


def test_verdicts_and_own_responses():
    check, ours = _check(1, verdict="misleading"), _check(2, own=True)
    assert selectors.factcheck_verdict(factcheck_id=check.id) == "misleading"
    assert selectors.factcheck_verdict(factcheck_id=10**9) == ""
    assert selectors.own_response_ids(ids=[check.id, ours.id]) == {ours.id}
    assert selectors.factcheck_find(factcheck_id=ours.id) == ours
    assert selectors.factcheck_find(factcheck_id=10**9) is None
