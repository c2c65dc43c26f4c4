"""Booth-group test data, made through the services (actor None: the system)."""

from __future__ import annotations

import itertools
from typing import Any

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.groups import services
from sampark.groups.enums import Platform
from sampark.groups.models import Group
from sampark.people.models import Person

_n = itertools.count(1)

WA_LINK = "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv"
WA_LINK_2 = "https://chat.whatsapp.com/ZyXwVuTsRqPoNmLkJiHgFe"
TG_LINK = "https://t.me/+AbCdEfGhIjKl12"


def booth_in(district: Unit, index: int = 0) -> Unit:
    booth = Unit.objects.filter(level="booth", district=district).order_by("id")[index]
    return booth


def make_person(name: str = "", phone: str = "") -> Person:
    n = next(_n)
    return Person.objects.create(
        name=name or f"Volunteer {n}", phone=phone or f"+9198765{n:05d}", source="test"
    )


def make_group(*, booth: Unit, **kw: Any) -> Group:
    kw.setdefault("platform", Platform.WHATSAPP)
    kw.setdefault("name", f"Booth {booth.number} group {next(_n)}")
    kw.setdefault("invite_link", WA_LINK if kw["platform"] == Platform.WHATSAPP else TG_LINK)
    return services.group_create(booth=booth, actor=None, **kw)


def volunteer_admin(*, username: str, booth: Unit, group: Group | None = None) -> User:
    """A booth volunteer (no MANAGE_GROUPS) whose person admins `group`."""
    user = make_user(username, booth, Role.VOLUNTEER)
    person = make_person(name=username.title())
    user.person = person
    user.save(update_fields=["person"])
    if group is not None:
        group.admins.add(person)
    return user
