"""The probe's world: a random tree with users and objects of every app, written with the ORM.

One module per app adds its objects to the `World`; they draw from the one `rng` in a fixed
order, so a seed always gives the same world. A new app with scoped objects adds a module here
and its kinds to the registry.
"""

from __future__ import annotations

import random

from sampark.devtools.probe.build import (
    accounts,
    calls,
    content,
    directives,
    events,
    factcheck,
    groups,
    monitoring,
    notify,
    people,
    results,
    training,
    warroom,
)
from sampark.devtools.probe.world import PROBE_CODE, Sizes, World
from sampark.devtools.synthetic import build_tree
from sampark.people.models import PositionKind


def build_world(*, rng: random.Random, sizes: Sizes) -> World:
    """A random tree with users and objects in it, written with the ORM directly."""
    tree = build_tree(
        code=PROBE_CODE,
        districts=sizes.districts,
        acs_per_district=sizes.acs_per_district,
        mandals_per_ac=sizes.mandals_per_ac,
        sectors_per_mandal=sizes.sectors_per_mandal,
        booths_per_sector=sizes.booths_per_sector,
        rng=rng,
    )
    units = tree.all_units
    w = World(units={u.id: u for u in units})
    w.kinds = {k.id: k for k in PositionKind.objects.all()}
    token = f"{rng.randrange(16**6):06x}"
    accounts.build(w, rng=rng, units=units, token=token, count=sizes.users)
    people.build(w, rng=rng, units=units, token=token, count=sizes.persons)
    directives.build(w, rng=rng, units=units, token=token, count=sizes.directives)
    people.build_import_jobs(w, rng=rng, units=units, token=token, count=sizes.jobs)
    monitoring.build(w, rng=rng, units=units, token=token)
    groups.build(w, rng=rng, units=units, token=token)
    content.build(w, rng=rng, units=units, token=token)
    factcheck.build(w, token=token)
    warroom.build(w, rng=rng, units=units, token=token)
    notify.build(w, rng=rng, token=token)
    calls.build(w, rng=rng, units=units, token=token)
    results.build(w, rng=rng, units=units, token=token)
    events.build(w, rng=rng, units=units, token=token)
    training.build(w, rng=rng, units=units, token=token)
    _index(w)
    return w


def _index(w: World) -> None:
    """The derived indexes the registry's visibility rules read."""
    for pid, a in ((a.person_id, a) for a in w.assignments.values()):
        w.person_units.setdefault(pid, set()).add(a.unit_id)
    for r in w.recipients.values():
        w.directive_units.setdefault(r.directive_id, set()).add(r.unit_id)
        w.directive_recipients.setdefault(r.directive_id, []).append(r.id)
