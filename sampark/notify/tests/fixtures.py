"""Fixtures of the notify tests: war-room staff of the state and of District 2."""

from __future__ import annotations

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.people.models import Person


def with_person(user: User, phone: str) -> User:
    """Link the user to a person record (needed beyond the inbox and e-mail)."""
    user.person = Person.objects.create(name=user.username, phone=phone, home_unit=user.unit)
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["person", "email"])
    return user


@pytest.fixture
def analyst(tree: Tree) -> User:
    return with_person(make_user("dana", tree.state, Role.ANALYST), "+919800000001")


@pytest.fixture
def lead(tree: Tree) -> User:
    return with_person(make_user("leela", tree.state, Role.ANALYST), "+919800000002")


@pytest.fixture
def outsider_analyst(district2: Unit) -> User:
    """An analyst of District 2's war room: told nothing about District 1."""
    return make_user("frank", district2, Role.ANALYST)
