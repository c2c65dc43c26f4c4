from datetime import timedelta

import pytest
from django.utils import timezone

from sampark.core import tasks
from sampark.core.models import Task, TaskStatus

CALLS: list[int] = []


@tasks.task("test.ok")
def _ok(n: int) -> dict[str, int]:
    CALLS.append(n)
    return {"double": n * 2}


@tasks.task("test.boom")
def _boom() -> None:
    raise ValueError("boom")


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()


@pytest.mark.django_db
def test_it_runs_a_queued_task_once():
    # given a queued task
    item = tasks.enqueue("test.ok", n=21)
    # when a worker runs pending work twice
    assert tasks.run_pending(owner="w1") == 1
    assert tasks.run_pending(owner="w1") == 0
    # then it ran once and kept its result
    item.refresh_from_db()
    assert item.status == TaskStatus.DONE
    assert item.result == {"double": 42}
    assert CALLS == [21]


@pytest.mark.django_db
def test_it_retries_with_backoff_then_fails(time_machine):
    # given a task that always raises, allowed two attempts (the clock stands still: the first
    # back-off is two seconds, which a busy machine could spend between two lines)
    time_machine.move_to(timezone.now(), tick=False)
    item = tasks.enqueue("test.boom")
    Task.objects.filter(id=item.id).update(max_attempts=2)
    # when it runs, it is re-queued for later
    tasks.run_pending(owner="w1")
    item.refresh_from_db()
    assert item.status == TaskStatus.QUEUED
    assert item.run_after == timezone.now() + timedelta(seconds=2)
    assert "boom" in item.last_error
    # when it is due again and fails again, it is failed for good
    Task.objects.filter(id=item.id).update(run_after=timezone.now())
    tasks.run_pending(owner="w1")
    item.refresh_from_db()
    assert item.status == TaskStatus.FAILED
    assert item.attempts == 2


@pytest.mark.django_db
def test_a_dead_workers_task_is_claimed_again_after_its_lease():
    # given a task claimed by a worker that died
    tasks.enqueue("test.ok", n=1)
    [claimed] = tasks.claim(limit=10, owner="dead")
    # then nobody else can claim it while the lease runs
    assert tasks.claim(limit=10, owner="w2") == []
    # when the lease expires it is claimed and finished by another worker
    Task.objects.filter(id=claimed.id).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert tasks.run_pending(owner="w2") == 1
    claimed.refresh_from_db()
    assert claimed.status == TaskStatus.DONE
    assert claimed.locked_by == "w2"


@pytest.mark.django_db
def test_a_worker_that_lost_its_lease_does_not_finish_the_task():
    # given a task re-claimed by w2 after w1's lease expired
    tasks.enqueue("test.ok", n=5)
    [first] = tasks.claim(limit=1, owner="w1")
    Task.objects.filter(id=first.id).update(locked_until=timezone.now() - timedelta(seconds=1))
    tasks.claim(limit=1, owner="w2")
    # when w1 finally runs its stale copy
    tasks.run(first, owner="w1")
    # then the task still belongs to w2 and is not marked done by w1
    first.refresh_from_db()
    assert first.locked_by == "w2"
    assert first.status == TaskStatus.RUNNING
