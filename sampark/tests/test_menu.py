"""The desktop menu shows only pages the user may open: for every role (and a volunteer with a
volunteer record, a user without a unit, a superuser), every link it shows answers 200, never
403 or 404 (issue #11: "Import" led booth, sector, mandal and call-centre roles to a 403)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.menu import LINKS, desktop_menu
from sampark.people.models import Person

# Where each role sits in the tree.
ROLE_LEVEL = {
    Role.STATE_HEAD: "state",
    Role.DISTRICT_INCHARGE: "district",
    Role.PC_INCHARGE: "pc",
    Role.AC_INCHARGE: "ac",
    Role.MANDAL_INCHARGE: "mandal",
    Role.SECTOR_INCHARGE: "sector",
    Role.ANALYST: "state",
    Role.CALL_SUPERVISOR: "district",
    Role.CALL_AGENT: "district",
    Role.VOLUNTEER: "booth",
}
MENU_LINK = re.compile(r'<a href="([^"]+)" data-testid="menu-([\w-]+)">')
NAV = re.compile(r'<nav data-testid="menu">(.*?)</nav>', re.S)


def _menu(client: Client) -> dict[str, str]:
    """key -> URL of the links in the desktop menu of a desktop page (a 404 page draws it too)."""
    html = client.get("/people/").content.decode()
    nav = NAV.search(html)
    assert nav is not None, "no desktop menu on the page"
    return {key: url for url, key in MENU_LINK.findall(nav.group(1))}


def _user(tree: Tree, *, role: str | None, level: str = "", person: bool = False) -> User:
    unit = tree.by_level(level)[0] if level else None
    name = f"{role or 'none'}-{level or 'nounit'}-{int(person)}"
    user = User.objects.create_user(username=name, password="pw", unit=unit)
    if role:
        user.roles.create(role=role)
    if person:
        user.person = Person.objects.create(name=name, phone="+919811111111")
        user.save(update_fields=["person"])
    return user


PERSONAS = [
    *[pytest.param(role, level, False, id=f"{role}_case") for role, level in ROLE_LEVEL.items()],
    pytest.param(Role.VOLUNTEER, "booth", True, id="volunteer_with_record_case"),
    pytest.param(Role.SECTOR_INCHARGE, "sector", True, id="sector_incharge_with_record_case"),
    pytest.param(Role.CALL_AGENT, "", False, id="call_agent_without_unit_case"),
    pytest.param(None, "", False, id="no_role_no_unit_case"),
]


@pytest.mark.parametrize(("role", "level", "person"), PERSONAS)
def test_every_menu_link_a_role_sees_opens(client, tree, role, level, person):
    # given a user of this role on a unit of its level
    user = _user(tree, role=role, level=level, person=person)
    client.force_login(user)
    # when they read the desktop menu
    links = _menu(client)
    # then every link in it opens (after the redirects some links make)
    assert links, "the menu is never empty: anybody may report a rumour"
    for key, url in links.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{role} at {level or 'no unit'}: {key} {url}"


def test_superuser_sees_every_link_and_each_opens(client, tree):
    admin = User.objects.create_superuser("root", password="pw", unit=tree.state)
    admin.person = Person.objects.create(name="Root", phone="+919822222222")
    admin.save(update_fields=["person"])
    client.force_login(admin)
    links = _menu(client)
    assert set(links) == {link.key for link in LINKS} - {"my-groups"}
    for key, url in links.items():
        assert client.get(url, follow=True).status_code == 200, key


@pytest.mark.parametrize(
    "role",
    [Role.MANDAL_INCHARGE, Role.SECTOR_INCHARGE, Role.CALL_SUPERVISOR, Role.CALL_AGENT],
)
def test_roles_without_import_do_not_see_it(client, tree, role):
    client.force_login(_user(tree, role=role, level=ROLE_LEVEL[role]))
    links = _menu(client)
    assert "import" not in links
    assert "listening" not in links
    assert "warroom" not in links


def test_the_menu_costs_no_query_on_pages_that_do_not_draw_it(rf, tree, django_assert_num_queries):
    # given a request of a state head (an HTMX fragment renders without base.html)
    request = rf.get("/")
    request.user = _user(tree, role=Role.STATE_HEAD, level="state")
    # when the context processor runs, then the lazy menu is not worked out
    with django_assert_num_queries(0):
        desktop_menu(request)
