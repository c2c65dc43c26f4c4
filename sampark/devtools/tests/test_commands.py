"""The development commands: `demo`, `security` and `bench` come from devtools, `start` does not."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command, get_commands

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.devtools.synthetic import Tree
from sampark.people.models import Person

pytestmark = pytest.mark.django_db


def test_logins_prints_the_demo_users(tree: Tree) -> None:
    # given a demo user on the state
    user = make_user("state-head", tree.state, Role.STATE_HEAD)
    user.person = Person.objects.create(name="Ram Kumar", phone="+919812345610", source="demo")
    user.save(update_fields=["person"])
    # when the logins are printed
    out = StringIO()
    call_command("demo", "logins", stdout=out)
    # then the password and the user's role and unit are shown
    assert "password: sampark-demo" in out.getvalue()
    assert "state-head" in out.getvalue()
    assert "state_head" in out.getvalue()


@pytest.mark.parametrize("name", ["demo", "security", "bench"])
def test_dev_commands_come_from_devtools(name: str) -> None:
    assert get_commands()[name] == "sampark.devtools"
    assert get_commands()["start"] == "sampark.core"
