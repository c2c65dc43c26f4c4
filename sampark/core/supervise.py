"""Child processes of `sampark start`: started together, stopped together (issue #12).

A process manager stops `sampark start` with SIGTERM (Ctrl+C sends SIGINT). The supervisor
forwards the signal to every child, waits for them to finish their current item and release the
rest of their batch, kills those still running after a timeout, and reports whether one failed.
A child that dies while the web server runs stops the whole job the same way, so the process
manager sees the failure and restarts everything (never a web server without its worker).

The other direction — `start` itself killed with SIGKILL, which no handler sees — is covered in
the child: the worker asks the kernel for SIGTERM when its parent dies (`die_with_parent`).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from types import FrameType

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Set by `start` on its children: the pid they must not outlive.
PARENT_ENV = "SAMPARK_PARENT_PID"
_PR_SET_PDEATHSIG = 1
_parent_pid: str | None = None


class Stop(SystemExit):
    """Raised in the main thread to leave the web server's loop (waitress catches SystemExit)."""


class Supervisor:
    """Start children, forward stop signals to them, and reap them with a deadline."""

    def __init__(self, *, stop_timeout: float = 30.0) -> None:
        self.stop_timeout = stop_timeout
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = threading.Event()
        self.signum: int = signal.SIGTERM
        self.failed: list[str] = []

    def install_signal_handlers(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        first = not self.stopping.is_set()
        self.stopping.set()
        if first:
            self.signum = signum
        self._forward(signum)
        if first:
            logger.info("stopping web and worker (signal %s)", signum)
            raise Stop(0)

    def _forward(self, signum: int) -> None:
        for child in self.children:
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    child.send_signal(signum)

    def spawn(self, args: Sequence[str], *, name: str) -> subprocess.Popen[bytes]:
        """Start a child that dies with us and whose unexpected exit stops us."""
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        child = subprocess.Popen(list(args), env=env)  # noqa: S603 (our own command line)
        self.children.append(child)
        threading.Thread(
            target=self._watch, args=(child, name), name=f"watch-{name}", daemon=True
        ).start()
        return child

    def _watch(self, child: subprocess.Popen[bytes], name: str) -> None:
        code = child.wait()
        if self.stopping.is_set():
            return
        # A child gone on its own: stop everything so the process manager restarts the job.
        self.failed.append(f"{name} exited with {code}")
        logger.error("%s exited with %s while serving; stopping", name, code)
        os.kill(os.getpid(), signal.SIGTERM)

    def stop(self) -> int:
        """Signal the children still running, wait for them, kill the late ones; the exit code."""
        self.stopping.set()
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl+C must not cut the wait short
        self._forward(self.signum)
        code = 1 if self.failed else 0
        for child in self.children:
            try:
                returncode = child.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                logger.error(
                    "child %s did not stop within %ss; killing it", child.pid, self.stop_timeout
                )
                child.kill()
                child.wait()
                code = 1
                continue
            # Dying of the very signal we forwarded (before its handler was installed) is a stop.
            if returncode not in (0, -self.signum):
                code = 1
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        return code


def die_with_parent() -> None:
    """In a child of `start`: get SIGTERM when the parent dies, and stop if it is already gone."""
    global _parent_pid
    # Read once and removed, so a process this one starts does not follow the wrong parent.
    _parent_pid = os.environ.pop(PARENT_ENV, None)
    if not _parent_pid:
        return  # run on its own (systemd, a shell): nothing to follow
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    if parent_gone():
        # The parent died before the kernel was told to follow it.
        os.kill(os.getpid(), signal.SIGTERM)


def parent_gone() -> bool:
    """True when this process was started by `start` and that process has died (reparented)."""
    return bool(_parent_pid) and str(os.getppid()) != _parent_pid
