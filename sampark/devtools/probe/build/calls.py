"""Call-centre objects for the probe: campaigns on random units, each with contacts of persons
placed in its subtree, and a call on some of them by a random user."""

from __future__ import annotations

import random

from sampark.calls.enums import SourceKind
from sampark.calls.models import Attempt, Campaign, Contact, Script, ScriptVersion
from sampark.devtools.probe.world import World, subtree_of
from sampark.geo.models import Unit


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
