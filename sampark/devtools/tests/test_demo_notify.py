"""The notify demo: real pulls fill the inboxes with a directive, an incident and a page."""

from __future__ import annotations

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.devtools.demo import notify as demo
from sampark.notify import selectors
from sampark.notify.enums import Kind
from sampark.warroom.enums import Severity
from sampark.warroom.services import incidents as incident_services

pytestmark = pytest.mark.django_db


def test_demo_fills_inboxes_once(tree, bob, district1):
    # given the state head and an untaken high incident in District 1
    head = make_user("state-head", tree.state, Role.STATE_HEAD)
    incident_services.incident_open_manual(
        actor=bob, unit=district1, title="EVM rumour", severity=Severity.HIGH
    )

    # when the demo loads twice
    first = demo.load()
    second = demo.load()

    # then bob has the directive and the incident, the head the incident; once
    assert second == {}
    assert first["notifications"] >= 3
    kinds = set(selectors.inbox(user=bob).values_list("kind", flat=True))
    assert {Kind.DIRECTIVE, Kind.INCIDENT} <= kinds
    assert selectors.inbox(user=head).filter(kind=Kind.INCIDENT).exists()
