"""The strength score of a booth, and of a unit as the mean of its booths (docs/results.md).

A booth's score is 0–100: each component's figure divided by the figure that counts as "full"
(capped at 1), weighted by `settings.RESULTS_STRENGTH_WEIGHTS` and divided by the sum of the
weights of the components that are available. Training counts booth volunteers who passed every
module required of volunteers (`training.selectors.completed_by_booth`); while no module is
required of them, it is left out of the denominator, so a state without training is not marked
down for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sampark.accounts.enums import Role
from sampark.training import selectors as training_selectors

# Windows of the counted activity (days before the snapshot).
KITS_DAYS = 30
EVENTS_DAYS = 90


@dataclass(frozen=True)
class Component:
    code: str
    label: Promise
    full: float
    available: bool = True


def components() -> list[Component]:
    """The score's inputs with the figure that counts as full (settings where one exists)."""
    return [
        Component(
            "volunteers", _("Verified volunteers in booth positions"), settings.BOOTH_FULL_STAFF
        ),
        Component("groups", _("Active booth groups"), 1),
        Component("members", _("Members of active groups"), 100),
        Component("kits", _("Kits forwarded in 30 days"), 10),
        Component("events", _("Event check-ins in 90 days"), 5),
        Component(
            "training",
            _("Booth volunteers who passed the required training"),
            5,
            available=training_selectors.required_of(role=Role.VOLUNTEER),
        ),
    ]


def weights(parts: list[Component] | None = None) -> dict[str, float]:
    """The configured weight of each component (`parts`: components() already read; reading
    them asks training whether a module is required)."""
    configured: Mapping[str, float] = getattr(settings, "RESULTS_STRENGTH_WEIGHTS", {}) or {}
    return {
        c.code: max(float(configured.get(c.code, 0)), 0.0)
        for c in (components() if parts is None else parts)
    }


@dataclass(frozen=True)
class Scorer:
    """Weights and caps resolved once per page; `score` is called per booth."""

    w_volunteers: float
    w_groups: float
    w_members: float
    w_kits: float
    w_events: float
    w_training: float
    full_volunteers: float
    full_members: float
    full_kits: float
    full_events: float
    full_training: float
    total: float

    @classmethod
    def from_settings(cls) -> Scorer:
        parts = components()
        w = weights(parts)
        full = {c.code: float(c.full) for c in parts}
        available = {c.code for c in parts if c.available}
        usable = sum(w[code] for code in available)
        return cls(
            w_volunteers=w["volunteers"],
            w_groups=w["groups"],
            w_members=w["members"],
            w_kits=w["kits"],
            w_events=w["events"],
            w_training=w["training"] if "training" in available else 0.0,
            full_volunteers=max(full["volunteers"], 1),
            full_members=max(full["members"], 1),
            full_kits=max(full["kits"], 1),
            full_events=max(full["events"], 1),
            full_training=max(full["training"], 1),
            total=usable or 1.0,
        )

    def score(
        self,
        volunteers: int,
        groups: int,
        members: int,
        kits: int,
        events: int = 0,
        training: int = 0,
    ) -> float:
        points = (
            self.w_volunteers * min(volunteers / self.full_volunteers, 1.0)
            + self.w_groups * min(groups, 1)
            + self.w_members * min(members / self.full_members, 1.0)
            + self.w_kits * min(kits / self.full_kits, 1.0)
            + self.w_events * min(events / self.full_events, 1.0)
            + self.w_training * min(training / self.full_training, 1.0)
        )
        return 100.0 * points / self.total


def close_pct() -> float:
    return float(getattr(settings, "RESULTS_CLOSE_PCT", 5))


def weak_score() -> float:
    return float(getattr(settings, "RESULTS_WEAK_SCORE", 40))
