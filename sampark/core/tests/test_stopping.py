"""`sampark start` stops with its worker, and a stopping worker gives back its batch (#12).

The start/stop tests run the real command in real processes: `manage.py start` on a free
loopback port over a temporary SQLite database, signalled as a process manager or Ctrl+C would.
Every wait is a poll with a generous deadline; nothing asserts how fast a stop is.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sampark.core import tasks, worker
from sampark.core.models import Task, TaskStatus

ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 120.0  # seconds; only ever reached when something is broken


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    """The process has ended (absent, or a zombie waiting for a reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(var_dir: Path) -> dict[str, str]:
    env = {**os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="sampark.settings",
        SAMPARK_DEMO="1",
        SAMPARK_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'sampark.sqlite3'}",
        WORKER_SLEEP_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, copied by each test (migrating is the slow part)."""
    var_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=_env(var_dir),
        check=True,
        timeout=600,
    )
    return var_dir / "sampark.sqlite3"


@pytest.fixture
def started(migrated: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], list[int]]]:
    """`manage.py start --no-demo` answering HTTP, with its children's pids."""
    shutil.copy(migrated, tmp_path / "sampark.sqlite3")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "start", "--no-demo", "--port", str(port)],
        cwd=ROOT,
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "stderr.log").open("wb"),
    )

    def answers() -> bool:
        assert proc.poll() is None, (tmp_path / "stderr.log").read_text()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    _wait_for(answers, "the web server to answer")
    _wait_for(lambda: bool(_children(proc.pid)), "the worker to start")
    children = _children(proc.pid)
    yield proc, children
    for pid in [proc.pid, *children]:  # never leave a process behind, whatever failed
        if not _gone(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=DEADLINE)


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm_case", "sigint_case"]
)
def test_a_stop_signal_stops_web_and_worker_together(started, signum):
    # given `sampark start` serving, with its worker
    proc, children = started
    assert children
    # when the process manager (or Ctrl+C) signals it
    proc.send_signal(signum)
    # then it exits cleanly, and no child is left running
    assert proc.wait(timeout=DEADLINE) == 0
    _wait_for(lambda: all(_gone(pid) for pid in children), "every child to end")


def test_a_killed_start_leaves_no_orphan_worker(started):
    # given `sampark start` serving, with its worker
    proc, children = started
    # when it is killed outright (no handler runs)
    proc.kill()
    proc.wait(timeout=DEADLINE)
    # then the worker ends too, rather than keep its database connection with no parent
    _wait_for(lambda: all(_gone(pid) for pid in children), "the orphaned worker to end")


def test_a_crashed_worker_stops_start_with_an_error(started):
    # given `sampark start` serving, with its worker
    proc, children = started
    # when the worker dies on its own
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    # then start stops the web server too and reports the failure
    assert proc.wait(timeout=DEADLINE) != 0


# The worker's side: a batch claimed when SIGTERM arrives is given back at once.

STOPPED_AFTER: list[int] = []


@tasks.task("test.stop_midway")
def _stop_midway(n: int) -> None:
    STOPPED_AFTER.append(n)
    if n == 1:
        # SIGTERM arrives while the first task of the batch runs.
        os.kill(os.getpid(), signal.SIGTERM)


@pytest.fixture
def worker_signals() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    worker.Worker(lambda: 0).install_signal_handlers()
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)
    worker._SHUTDOWN.clear()
    STOPPED_AFTER.clear()


@pytest.mark.django_db
def test_a_stopping_worker_releases_its_claimed_batch(worker_signals):
    # given three queued tasks
    for n in (1, 2, 3):
        tasks.enqueue("test.stop_midway", n=n)
    # when a worker claims all three and is sent SIGTERM during the first
    claimed = tasks.run_pending(limit=10, owner="w1")
    # then it finished the first and gave the other two back, free for any worker at once
    assert claimed == 3
    assert STOPPED_AFTER == [1]
    rows = list(Task.objects.order_by("id").values_list("status", "locked_by", "locked_until"))
    assert rows[0][0] == TaskStatus.DONE
    assert rows[1:] == [(TaskStatus.QUEUED, "", None)] * 2
    assert [t.payload["n"] for t in tasks.claim(limit=10, owner="w2")] == [2, 3]
