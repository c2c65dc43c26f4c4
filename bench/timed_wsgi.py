"""The product's WSGI application, timed: each answer carries `Server-Timing: app;dur=<ms>`.

Benchmarks that serve the application over HTTP (`bench/checkin.py`) load this module instead of
`sampark.wsgi`, so that the time spent inside Django (middleware, view, database) can be told
apart from the time a request waits for a free server thread or for the client's own CPU.
Django calls `start_response` after the view has returned, so the clock stops there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from sampark.wsgi import application as _application

StartResponse = Callable[..., Any]


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    started = time.perf_counter()

    def timed_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        took = (time.perf_counter() - started) * 1000
        headers = [*headers, ("Server-Timing", f"app;dur={took:.2f}")]
        return start_response(status, headers, exc_info)

    return _application(environ, timed_start)
