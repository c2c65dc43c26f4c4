"""Probe directives: sent by a user with a unit to random units strictly below it (or a level)."""

from __future__ import annotations

import random

from django.utils import timezone

from sampark.devtools.probe.world import World, subtree_of
from sampark.directives.models import Directive, DirectiveRecipient
from sampark.geo.enums import Level
from sampark.geo.models import Unit


def build(w: World, *, rng: random.Random, units: list[Unit], token: str, count: int) -> None:
    by_id = w.units
    senders = [u for u in w.users.values() if u.unit_id is not None]
    parents = {u.parent_id for u in units} | {u.pc_id for u in units if u.level == Level.AC}
    directive_senders = [u for u in senders if u.unit_id in parents] or senders
    for n in range(count):
        sender = rng.choice(directive_senders)
        assert sender.unit_id is not None
        root = by_id[sender.unit_id]
        below = [by_id[i] for i in subtree_of(root, by_id) if i != root.id]
        if not below:
            continue
        if rng.random() < 0.4:
            level = rng.choice(sorted({u.level for u in below}))
            chosen = [u for u in below if u.level == level]
        else:
            chosen = rng.sample(below, k=rng.randint(1, min(len(below), 8)))
        d = Directive.objects.create(
            title=f"Probedirective {token}{n:03d}",
            body=f"Probebody {token}{n:03d}",
            sender=sender,
            sender_unit=root,
        )
        w.directives[d.id] = d
        rows = DirectiveRecipient.objects.bulk_create(
            [DirectiveRecipient(directive=d, unit=u) for u in chosen]
        )
        for row in rows:
            if rng.random() < 0.3:
                row.acknowledged_at = timezone.now()
                row.save(update_fields=["acknowledged_at"])
    for row in DirectiveRecipient.objects.filter(directive_id__in=list(w.directives)):
        w.recipients[row.id] = row
