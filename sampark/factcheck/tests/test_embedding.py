"""Hybrid matching in the app: stored claim vectors, the worker that fills them, the bands."""

from __future__ import annotations

import pytest
from django.test import override_settings

from sampark.factcheck import embedding, services, tasks
from sampark.factcheck.models import FactCheck

pytestmark = pytest.mark.django_db

HYBRID = {"SUGGEST": 0.4, "AUTO": 1.1, "HYBRID": True, "HYBRID_SUGGEST": 0.3, "HYBRID_AUTO": 0.6}
GPS = "2000 रुपये के नए नोट में GPS चिप लगी है और सरकार सैटेलाइट से हर नोट को ट्रैक कर सकती है"
EVM = "EVM machines can be hacked with a bluetooth device from outside the polling booth"


@pytest.fixture
def checks() -> list[FactCheck]:
    return [
        FactCheck.objects.create(url="https://a.example/gps", claim_reviewed=GPS, verdict="false"),
        FactCheck.objects.create(url="https://a.example/evm", claim_reviewed=EVM, verdict="false"),
    ]


@override_settings(SAMPARK_CLAIM_MATCH=HYBRID)
def test_the_worker_embeds_each_claim_once_per_embedder(checks: list[FactCheck]) -> None:
    # when the embedding step runs twice
    step = tasks.make_embed_step("w")
    assert step() == 2
    assert step() == 0
    # then every claim has a vector from the configured embedder
    for row in FactCheck.objects.all():
        assert row.embedding_model == embedding.model_name()
        assert row.embedding is not None
        assert len(embedding.from_bytes(row.embedding)) == embedding.embedder().dim
    # and another embedder makes it embed again
    other = {"BACKEND": "pipeline.backends.hashing", "OPTIONS": {"dim": 64}}
    with override_settings(SAMPARK_EMBEDDER=other):
        assert embedding.embed_missing() == 2


def test_without_hybrid_the_step_does_nothing(checks: list[FactCheck]) -> None:
    assert tasks.make_embed_step("w")() == 0
    assert not FactCheck.objects.exclude(embedding_model="").exists()


@override_settings(SAMPARK_CLAIM_MATCH=HYBRID)
def test_hybrid_match_uses_stored_and_fresh_vectors_and_its_own_bands(
    checks: list[FactCheck],
) -> None:
    # given one claim embedded by the worker and one not yet
    embedding.embed_missing(limit=1)
    services.match_index_reset()
    # when a forwarded paraphrase is matched
    found = services.match_text(
        text="*Forwarded* EVM machines can be hacked with bluetooth from outside the booth, share"
    )
    # then the EVM fact-check comes first, on the hybrid 0–1 scale, in the auto band
    assert found[0].fact_check_id == checks[1].id
    assert 0.6 <= found[0].score <= 1.0
    assert found[0].band == "auto"
