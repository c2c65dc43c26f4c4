"""Fixtures of the analytics tests, imported by this folder's conftest.py.

`staffed` sets the booths' volunteer counters of the shared 16-booth tree directly:

    District 1 (ACs 1, 2; PC 1): 5 4 | 0 5 || 1 0 | 5 2  -> 3 full, 3 partial, 2 empty, 22
    District 2 (ACs 3, 4; PC 2): 0 0 | 0 5 || 3 3 | 0 0  -> 1 full, 2 partial, 5 empty, 11

(booths in tree order; `|` separates sectors, `||` ACs).
"""

from __future__ import annotations

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person, PositionKind

VOLUNTEERS = [5, 4, 0, 5, 1, 0, 5, 2, 0, 0, 0, 5, 3, 3, 0, 0]


@pytest.fixture
def staffed(tree: Tree) -> Tree:
    for booth, volunteers in zip(tree.booths, VOLUNTEERS, strict=True):
        booth.volunteers = volunteers
    Unit.objects.bulk_update(tree.booths, ["volunteers"])
    return tree


@pytest.fixture
def mandal_user(tree: Tree) -> User:
    """Mina, in-charge of AC 1's mandal (inside bob's district)."""
    return make_user("mina", tree.mandals[0], Role.MANDAL_INCHARGE)


@pytest.fixture
def pc_user(tree: Tree) -> User:
    """Pritam, Lok Sabha in-charge of PC 2 (District 2's ACs)."""
    return make_user("pritam", tree.pcs[1], Role.PC_INCHARGE)


_phones = iter(range(10_000, 99_999))


def hold(unit: Unit, code: str, *, name: str = "", status: str = AssignmentStatus.VERIFIED):
    """Put a new person on `unit` in the position `code` (rows written directly)."""
    n = next(_phones)
    person = Person.objects.create(name=name or f"Person {n}", phone=f"+9198760{n:05d}")
    kind = PositionKind.objects.get(code=code)
    seat = Assignment.objects.filter(unit=unit, kind=kind).exclude(status="ended").count() + 1
    return Assignment.objects.create(person=person, unit=unit, kind=kind, status=status, seat=seat)
