"""Probe users: a random role (sometimes two) on a random unit of any level, and one with none."""

from __future__ import annotations

import random

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.devtools.probe.world import World
from sampark.geo.models import Unit


def build(w: World, *, rng: random.Random, units: list[Unit], token: str, count: int) -> None:
    roles = list(Role.values)
    for n in range(count):
        unit = rng.choice(units)
        user = User.objects.create_user(
            username=f"probe-{token}-{n}",
            first_name="Probe",
            last_name=f"User{n}",
            unit=unit,
        )
        for role in rng.sample(roles, k=rng.choice((1, 1, 1, 2))):
            RoleGrant.objects.create(user=user, role=role)
        w.users[user.id] = user
    nobody = User.objects.create_user(username=f"probe-{token}-nounit")
    RoleGrant.objects.create(user=nobody, role=Role.STATE_HEAD)
    w.users[nobody.id] = nobody
