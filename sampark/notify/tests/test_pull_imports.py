"""A finished people import tells who started it (issue #13, "a long job finished")."""

from __future__ import annotations

import datetime as dt

import time_machine

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.notify import pull, tasks
from sampark.notify.enums import Kind, Severity
from sampark.notify.models import Notification
from sampark.people import selectors as people_selectors
from sampark.people.models import ImportJob

T0 = dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC)


def _job(by: User | None, scope: Unit, **fields: object) -> ImportJob:
    values: dict[str, object] = {
        "created_by": by,
        "scope": scope,
        "filename": "volunteers.csv",
        "status": ImportJob.Status.DONE,
        "rows_total": 125_004,
        "rows_created": 125_000,
        "rows_failed": 4,
        "finished_at": T0,
        **fields,
    }
    return ImportJob.objects.create(**values)


def test_who_started_an_import_is_told_once_with_a_link_to_it(alice, bob, district1):
    # given bob's finished import into District 1 (alice, above him, started nothing)
    job = _job(bob, district1)
    # when the worker pulls finished imports, twice (a crash and a restart)
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        made = [pull.imports_finished(), pull.imports_finished()]
    # then bob alone is told, once, with the counts in Indian grouping and a link to the job
    assert made == [1, 0]
    [row] = Notification.objects.filter(signal=f"job:import:{job.id}")
    assert (row.user_id, row.kind, row.severity) == (bob.id, Kind.JOB, Severity.LOW)
    assert row.url == f"/imports/{job.id}/"
    assert "1,25,000" in row.title
    assert "volunteers.csv" in row.title


def test_a_failed_import_is_told_too(bob, district1):
    # given bob's import that failed
    job = _job(bob, district1, status=ImportJob.Status.FAILED, rows_created=0)
    # when the worker pulls
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        pull.imports_finished()
    # then bob hears, in Hindi, that it failed, a step above the finished ones
    row = Notification.objects.get(signal=f"job:import:{job.id}")
    assert row.severity == Severity.MEDIUM
    assert row.title == "आयात विफल: volunteers.csv"


def test_nobody_is_told_of_an_import_outside_their_scope_or_still_running(
    bob, district1, district2
):
    # given an import bob started in District 1 before he moved to District 2, and an import
    # of his still running
    moved = _job(bob, district1)
    bob.unit = district2
    bob.save(update_fields=["unit"])
    running = _job(bob, district2, status=ImportJob.Status.RUNNING, finished_at=None)
    # when the worker pulls
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        made = pull.imports_finished()
    # then nothing is told
    assert made == 0
    assert not Notification.objects.filter(
        signal__in=[f"job:import:{moved.id}", f"job:import:{running.id}"]
    ).exists()


def test_old_imports_and_imports_without_a_starter_tell_nobody(alice, tree, district1):
    # given an import finished two days ago and one whose starter was deleted
    _job(alice, tree.state, finished_at=T0 - dt.timedelta(days=2))
    _job(None, district1)
    # when the worker pulls
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        made = pull.imports_finished()
    # then nobody is told
    assert made == 0
    assert not Notification.objects.filter(kind=Kind.JOB).exists()


def test_the_selector_is_scoped_by_unit_and_ordered_by_finish(alice, bob, tree, district1):
    # given imports finished in District 1 (later) and in District 2 (earlier)
    later = _job(bob, district1, finished_at=T0 + dt.timedelta(minutes=5))
    earlier = _job(alice, tree.districts[1], finished_at=T0)
    # when finished imports are read for the state and for District 1
    everywhere = people_selectors.import_jobs_finished_since(since=T0)
    in_d1 = people_selectors.import_jobs_finished_since(since=T0, unit=district1)
    # then the state sees both, oldest first; District 1 only its own
    assert [s.id for s in everywhere] == [earlier.id, later.id]
    assert [s.id for s in in_d1] == [later.id]


def test_the_worker_step_pulls_finished_imports(bob, district1):
    # given a finished import and another district's in-charge who started nothing
    job = _job(bob, district1)
    make_user("dilip", district1, Role.DISTRICT_INCHARGE)
    # when one pass of the notify worker step runs
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        tasks.make_step("test")()
    # then bob's inbox has the import, and only bob's
    assert list(
        Notification.objects.filter(signal=f"job:import:{job.id}").values_list(
            "user__username", flat=True
        )
    ) == ["bob"]
