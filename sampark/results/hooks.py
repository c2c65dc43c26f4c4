"""Readers of apps that results may not import by name yet (issue #16 items 4 and 5).

The training app is being built beside this one; its selector will be
`sampark.training.selectors.completion_by_unit`. Results reaches it through one setting,
`RESULTS_TRAINING_READER` (a dotted path), and this protocol: until the path imports, training
is "not connected" — its strength weight stays out of the score's denominator and the brief
leaves its section out. Nothing else in results knows the training app.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from sampark.geo.models import Unit


class TrainingReader(Protocol):
    """Training completions per unit of the subtree of `unit` (the caller has scoped it) since
    `since` (None: ever), keyed by the unit id of the person's position — booths for the
    strength score. One GROUP BY, never a query per unit."""

    def __call__(self, *, unit: Unit, since: dt.datetime | None) -> dict[int, int]: ...


@cache
def _load(path: str) -> TrainingReader | None:
    if not path:
        return None
    try:
        reader: TrainingReader = import_string(path)
    except ImportError:
        return None
    return reader


def training_reader() -> TrainingReader | None:
    """The training app's reader, or None while it is not installed (or not configured)."""
    return _load(str(getattr(settings, "RESULTS_TRAINING_READER", "") or ""))
