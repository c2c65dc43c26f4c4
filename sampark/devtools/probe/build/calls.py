"""Call-centre objects for the probe: campaigns on random units, each with contacts of persons
placed in its subtree, and a call on some of them by a random user; helpline callers (some
taken by a random user), and sites with a shift each."""

from __future__ import annotations

import datetime as dt
import random

from sampark.accounts.models import User
from sampark.calls.enums import SourceKind
from sampark.calls.models import (
    Attempt,
    CallShift,
    Campaign,
    Contact,
    InboundCall,
    Script,
    ScriptVersion,
    Site,
)
from sampark.devtools.probe.world import World, subtree_of
from sampark.geo.models import Unit
from sampark.people.models import Person


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    users = [u for u in w.users.values() if u.unit_id is not None]
    persons = [p for p in w.persons.values() if p.home_unit_id is not None]
    for n in range(4):
        unit = rng.choice(units)
        script = Script.objects.create(name=f"Probescript {token}{n:02d}", unit=unit)
        ScriptVersion.objects.create(
            script=script,
            number=1,
            steps=[{"key": "q", "kind": "info", "hi": "नमस्ते", "en": "Hello", "next": ""}],
        )
        w.scripts[script.id] = script
    for n in range(6):
        unit = rng.choice(units)
        campaign = Campaign.objects.create(
            name=f"Probecampaign {token}{n:02d}", unit=unit, source=SourceKind.CONSENT
        )
        w.campaigns[campaign.id] = campaign
        inside = subtree_of(unit, w.units)
        chosen = [p for p in persons if p.home_unit_id in inside][:5]
        for person in chosen:
            assert person.home_unit_id is not None
            contact = Contact.objects.create(
                campaign=campaign, person=person, unit_id=person.home_unit_id
            )
            w.contacts[contact.id] = contact
            if users and rng.random() < 0.5:
                attempt = Attempt.objects.create(contact=contact, agent=rng.choice(users))
                w.attempts[attempt.id] = attempt

    _helpline(w, rng=rng, persons=persons, users=users, token=token)
    for n in range(4):
        unit = rng.choice(units)
        site = Site.objects.create(name=f"Probesite {token}{n:02d}", unit=unit, seats=10)
        w.call_sites[site.id] = site
        start = dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)
        shift = CallShift.objects.create(
            site=site,
            name=f"Probeshift {token}{n:02d}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=8),
        )
        w.call_shifts[shift.id] = shift


def _helpline(
    w: World, *, rng: random.Random, persons: list[Person], users: list[User], token: str
) -> None:
    for n, person in enumerate(rng.sample(persons, min(6, len(persons)))):
        assert person.home_unit_id is not None
        taken = bool(users) and rng.random() < 0.5
        call = InboundCall.objects.create(
            provider="exotel",
            provider_call_id=f"probe-{token}-{n}",
            phone=person.phone,
            person=person,
            unit_id=person.home_unit_id,
            status="answered" if taken else "queued",
            agent=rng.choice(users) if taken else None,
        )
        w.inbound_calls[call.id] = call
