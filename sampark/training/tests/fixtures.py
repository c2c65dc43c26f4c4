"""A state-wide fact-check module required for analysts, and a content module of District 1
required for booth volunteers, each with a two-question quiz."""

from __future__ import annotations

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.people import services as people_services
from sampark.training import services
from sampark.training.models import Module
from sampark.training.services import ChoiceIn


def build_module(actor: User, unit: Unit, *, title: str, roles: list[str]) -> Module:
    """A published module with one lesson and two questions (single, then multi choice)."""
    module = services.module_create(
        actor=actor,
        unit=unit,
        title_hi=f"{title} (हिन्दी)",
        title_en=title,
        body_hi="यह मॉड्यूल दावों की जाँच सिखाता है।",
        body_en="This module teaches checking claims.",
        pass_mark=100,
        roles=roles,
    )
    services.lesson_add(
        module_id=module.id,
        actor=actor,
        title_hi="स्रोत देखें",
        title_en="Look at the source",
        text_hi="हर दावे का स्रोत देखें।",
        text_en="Look at the source of every claim.",
        video_url="https://www.youtube.com/watch?v=abc",
    )
    services.question_add(
        module_id=module.id,
        actor=actor,
        text_hi="पहले क्या देखें?",
        text_en="What do you check first?",
        multi=False,
        choices=[
            ChoiceIn("स्रोत", "The source", True),
            ChoiceIn("लाइक", "The likes", False),
        ],
    )
    services.question_add(
        module_id=module.id,
        actor=actor,
        text_hi="कौन से भरोसेमंद हैं?",
        text_en="Which are reliable?",
        multi=True,
        choices=[
            ChoiceIn("फ़ैक्ट-चेक", "A fact-check", True),
            ChoiceIn("सरकारी आँकड़े", "Official data", True),
            ChoiceIn("अफ़वाह", "A rumour", False),
        ],
    )
    return services.module_publish(module_id=module.id, actor=actor)


def right_answers(module: Module) -> dict[int, set[int]]:
    return {
        q.id: {c.id for c in q.choices.all() if c.correct}
        for q in module.questions.prefetch_related("choices")
    }


def wrong_answers(module: Module) -> dict[int, set[int]]:
    return {
        q.id: {c.id for c in q.choices.all() if not c.correct}
        for q in module.questions.prefetch_related("choices")
    }


@pytest.fixture
def factcheck_module(alice: User, tree: Tree) -> Module:
    return build_module(alice, tree.state, title="Fact-check basics", roles=[Role.ANALYST])


@pytest.fixture
def content_module(bob: User, district1: Unit) -> Module:
    return build_module(bob, district1, title="Content training", roles=[Role.VOLUNTEER])


@pytest.fixture
def analyst(tree: Tree) -> User:
    return make_user("dana", tree.state, Role.ANALYST)


def volunteer_on(booth: Unit, name: str, phone: str) -> User:
    """A booth volunteer with a person, a verified position and a login."""
    person = people_services.person_create(
        name=name, phone=phone, home_unit=booth, source="test", actor=None
    ).person
    assignment = people_services.assignment_create(
        person=person,
        unit=booth,
        kind_code="social_media_volunteer",
        actor=None,
        age_confirmed=True,
    )
    from sampark.people.models import Assignment

    Assignment.objects.filter(id=assignment.id).update(status="verified")
    user = make_user(f"vol{phone[-4:]}", booth, Role.VOLUNTEER)
    User.objects.filter(id=user.id).update(person_id=person.id)
    user.refresh_from_db()
    return user


@pytest.fixture
def sita(booth1: Unit) -> User:
    return volunteer_on(booth1, "सीता देवी", "+919812345601")
