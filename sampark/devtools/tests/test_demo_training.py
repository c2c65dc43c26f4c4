"""The training demo: three modules with quizzes, the analyst trained, volunteers passed."""

from __future__ import annotations

import random

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.devtools.demo import training as demo
from sampark.people import services as people_services
from sampark.people.catalogue import BOOTH_POSITIONS
from sampark.people.models import Person
from sampark.training import selectors as training_selectors
from sampark.training.models import Completion, Module


def test_demo_training_is_consistent_and_idempotent(tree):
    # given the demo's state head and analyst, and demo volunteers on a booth
    make_user("state-head", tree.state, Role.STATE_HEAD)
    analyst = make_user("analyst", tree.state, Role.ANALYST)
    kinds = [code for code, _en, _hi in BOOTH_POSITIONS]
    for n in range(10):
        person = Person.objects.create(name=f"स्वयंसेवक {n}", phone=f"+91981234{n:04d}", source="demo")
        people_services.assignment_create(
            person=person,
            unit=tree.booths[n // len(kinds)],
            kind_code=kinds[n % len(kinds)],
            actor=None,
            age_confirmed=True,
        )
    # when the demo loads twice
    first = demo.load(rng=random.Random(1))
    assert demo.load(rng=random.Random(1)) == {}
    # then three published modules with quizzes, and the analyst may take incidents
    assert Module.objects.filter(status="published").count() == 3
    assert all(m.questions.count() == 2 for m in Module.objects.all())
    assert training_selectors.missing_prerequisites(user=analyst, role=Role.ANALYST) == []
    # and part of the volunteers passed, as the roll-up shows
    assert Completion.objects.filter(person__isnull=False).count() == (
        first["content_passed"] + first["social_passed"]
    )
    rollup = training_selectors.completion_by_unit(unit=tree.state)
    volunteer_modules = Module.objects.filter(requirements__role=Role.VOLUNTEER)
    assert {rollup.modules[m.id].holders for m in volunteer_modules} == {10}
