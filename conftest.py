"""Shared fixtures: a small tree and the personas every app's tests use.

alice   — state IT-cell head (sees everything in UP)
bob     — district in-charge of District 1
charlie — booth volunteer in District 2 (the outsider for District 1's objects)
"""

from __future__ import annotations

import os

import pytest

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.devtools.synthetic import Tree, build_tree
from sampark.geo.models import Unit

# The browser tests' Playwright fixtures, shared by every app.
pytest_plugins = ["sampark.core.tests.browser"]


def make_user(username: str, unit: Unit, *roles: str, password: str = "pw") -> User:
    user = User.objects.create_user(username=username, password=password, unit=unit)
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return user


@pytest.fixture
def tree(db: None) -> Tree:
    return build_tree()


@pytest.fixture
def district1(tree: Tree) -> Unit:
    return tree.districts[0]


@pytest.fixture
def district2(tree: Tree) -> Unit:
    return tree.districts[1]


@pytest.fixture
def alice(tree: Tree) -> User:
    return make_user("alice", tree.state, Role.STATE_HEAD)


@pytest.fixture
def bob(tree: Tree, district1: Unit) -> User:
    return make_user("bob", district1, Role.DISTRICT_INCHARGE)


@pytest.fixture
def charlie(tree: Tree, district2: Unit) -> User:
    booth = Unit.objects.filter(level="booth", district=district2).order_by("id").first()
    assert booth is not None
    return make_user("charlie", booth, Role.VOLUNTEER)


@pytest.fixture
def booth1(tree: Tree, district1: Unit) -> Unit:
    booth = Unit.objects.filter(level="booth", district=district1).order_by("id").first()
    assert booth is not None
    return booth


@pytest.fixture(autouse=True)
def _position_catalogue(request: pytest.FixtureRequest) -> None:
    """Put the position catalogue back if a transactional test flushed it.

    Transactional tests (live server, real worker processes) end with a flush that also
    removes the rows migrations seed; a later test on the same xdist worker would then find no
    positions. One cheap EXISTS per database test, outside any query budget.
    """
    wants_db = {"db", "transactional_db"} & set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not wants_db:
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    from sampark.people.catalogue import catalogue_rows
    from sampark.people.models import PositionKind

    with blocker.unblock():
        if not PositionKind.objects.exists():
            for row in catalogue_rows():
                PositionKind.objects.update_or_create(code=row["code"], defaults=row)


def _postgres_required() -> bool:
    return os.getenv("SAMPARK_REQUIRE_POSTGRES", "") in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL (runs in the PostgreSQL pass of `make test`)"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
