"""The worker step: sources run and one failing source does not stop the others."""

from __future__ import annotations

import pytest

from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.notify import pull, tasks
from sampark.notify.models import Notification
from sampark.warroom.enums import Severity
from sampark.warroom.services import incidents as incident_services


def test_the_step_pulls_even_when_another_source_breaks(
    monkeypatch: pytest.MonkeyPatch, bob: User, district1: Unit
) -> None:
    # given a new incident and a source that raises
    incident = incident_services.incident_open_manual(
        actor=bob, unit=district1, title="EVM", severity=Severity.HIGH
    )

    def broken() -> int:
        raise RuntimeError("source down")

    monkeypatch.setattr(
        tasks, "SOURCES", [(broken, 0), (pull.new_incidents, 0), (pull.jobs_finished, 60)]
    )
    step = tasks.make_step("test")

    # when the step runs twice
    step()
    step()

    # then bob was told once
    assert Notification.objects.filter(user=bob, signal=f"incident:{incident.id}").count() == 1
