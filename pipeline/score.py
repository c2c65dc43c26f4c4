"""Velocity and burst of a narrative (or of a narrative in one district) from hourly counts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)
BASELINE_HOURS = 24


def hour_floor(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def velocity_burst(counts: Mapping[datetime, int], *, now: datetime) -> tuple[float, float]:
    """Posts in the last 60 minutes, and how unusual that is against the day before.

    With hourly buckets the last 60 minutes are this hour plus the unexpired share of the
    previous one. The burst is a Poisson z-score against the mean of the 24 hours before that,
    (velocity - mean) / sqrt(mean + 1): a narrative going from nothing to 20 posts an hour scores
    about 20, one steady at 20 an hour scores about 0.
    """
    current = hour_floor(now)
    elapsed = (now - current) / HOUR
    velocity = counts.get(current, 0) + counts.get(current - HOUR, 0) * (1.0 - elapsed)
    baseline = [counts.get(current - HOUR * k, 0) for k in range(2, BASELINE_HOURS + 2)]
    mean = sum(baseline) / BASELINE_HOURS
    burst = (velocity - mean) / math.sqrt(mean + 1.0)
    return round(velocity, 2), round(burst, 3)
