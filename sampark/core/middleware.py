"""Request-wide middleware: the Server-Timing header, and bad input refused at the edge."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from django.db import DataError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response


# Issue #12: bad input gets a 4xx at the edge, never a 500 from deeper down. One place for pages
# and API alike: ids beyond 64 bits, JSON nested past any real payload, and text the database
# cannot store (lone UTF-16 surrogates, which only a JSON `\ud800` escape can produce, and NUL).
MAX_DB_INT = 2**63 - 1
MAX_JSON_DEPTH = 64
_JSON_TYPES = ("application/json", "text/plain", "")
_DIGITS = re.compile(r"-?\d{19,}")


def _too_big(value: object) -> bool:
    """An int (or a path's digit string) that no 64-bit id or count column can hold."""
    if isinstance(value, int):
        return abs(value) > MAX_DB_INT
    return (
        isinstance(value, str) and bool(_DIGITS.fullmatch(value)) and abs(int(value)) > MAX_DB_INT
    )


def _bad_text(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return False


def _big_int(digits: str) -> int:
    value = int(digits)
    if abs(value) > MAX_DB_INT:
        raise ValueError(digits)
    return value


def json_problem(body: bytes) -> str | None:
    """Why a JSON body must be refused, or None (also for a body that is not JSON at all: the
    view answers for that as it always did)."""
    try:
        data = json.loads(body, parse_int=_big_int)
    except RecursionError:
        return gettext("The request body is nested too deeply.")
    except ValueError as exc:
        if isinstance(exc, UnicodeDecodeError) or not _DIGITS.fullmatch(str(exc)):
            return None
        return gettext("A number in the request is too large.")
    # Walked with a stack, not recursion: the depth is what is being checked.
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                return gettext("The request body is nested too deeply.")
            items = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((item, depth + 1) for item in items)
        elif isinstance(node, str) and b"\\u" in body and _bad_text(node):
            return gettext("The request holds text that is not valid Unicode.")
    return None


class BadInputMiddleware:
    """Refuse, with a 400 (or a 404 for an id no row can have), input that would otherwise
    crash a view or the database: see the comment above MAX_DB_INT."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._query_problem(request) or self._body_problem(request)
        if problem:
            return _refuse(request, problem)
        return self.get_response(request)

    @staticmethod
    def _query_problem(request: HttpRequest) -> str | None:
        for key, values in request.GET.lists():
            if any("\x00" in v for v in (key, *values)):
                return gettext("The request holds text that is not valid Unicode.")
        return None

    @staticmethod
    def _body_problem(request: HttpRequest) -> str | None:
        kind = request.content_type or ""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if kind not in _JSON_TYPES and not kind.endswith("+json"):
            return None  # forms and uploads: Django's forms refuse NUL themselves
        body = request.body
        if body.lstrip()[:1] not in (b"{", b"["):
            return None
        return json_problem(body)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if any(_too_big(v) for v in (*view_args, *view_kwargs.values())):
            return _refuse(request, gettext("Not found."), status=404)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A query/body id beyond the database's integers (a foreign key or `__in` lookup, which
        Django does not guard as it guards `id=`): SQLite raises OverflowError, PostgreSQL a
        DataError "out of range"."""
        text = str(exception)
        if (isinstance(exception, OverflowError) and "SQLite INTEGER" in text) or (
            isinstance(exception, DataError) and "out of range" in text
        ):
            if connection.in_atomic_block:
                # PostgreSQL has aborted the transaction: roll back rather than commit it.
                transaction.set_rollback(True)
            return _refuse(request, gettext("A number in the request is too large."))
        return None


def _refuse(request: HttpRequest, detail: str, *, status: int = 400) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
