"""Demo results: the real UP results (LS 2014 by booth, AE 2017, LS 2019, LS 2024), the
strength snapshot, and the state head subscribed to the morning brief (page only)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from sampark.accounts.models import User
from sampark.results import services

logger = logging.getLogger(__name__)


def load(*, data_dir: Path | None = None) -> None:
    """Idempotent: the import replaces each election, the refresh rewrites the snapshot."""
    folder = data_dir or (Path(settings.DATA_DIR) / "geo-up")
    report = services.import_results(data_dir=folder, party=services.org_party() or "BJP")
    for problem in report.problems[:20]:
        logger.warning("results import: %s", problem)
    services.refresh_strength(state="UP")
    head = User.objects.filter(username="state-head").first()
    if head is not None:
        services.subscribe_brief(user=head, email=False)
