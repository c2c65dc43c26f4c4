"""A bounded schemathesis run over the OpenAPI schema, logged in, with 0 server errors (#12).

Every operation of /api/openapi.json gets a few generated requests that fit the schema, each
also sent twice made hostile (ids past 64 bits; NUL and lone surrogates in text: the bad input
of issue #12), and a few that do not fit, all through the WSGI app with a state head's session
cookie (and a CSRF pair, as a browser sends): each must answer below 500. Without the edge
checks of sampark.core.middleware this run finds the issue's 500s on /api/monitoring/tips and
/api/directives/. Hypothesis is derandomized so a run in CI
is the same run as on a laptop; shrinking is off to keep the run within a minute or two.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.core.result import Ok

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.devtools.probe.build import build_world
from sampark.devtools.probe.world import Sizes
from sampark.geo.enums import Level

Operation = APIOperation[Any, Any, Any, Any]
pytestmark = pytest.mark.django_db

EXAMPLES = 16  # per operation and generation mode
HUGE = 10**23  # beyond 64 bits
CSRF = "schemathesisCsrfToken0123456789a"  # 32 letters and digits: a well-formed CSRF secret


def _state_head() -> User:
    """A world with objects of every app, and a state head over all of it."""
    world = build_world(rng=random.Random(12), sizes=Sizes(districts=2, users=8, persons=30))
    state = next(u for u in world.units.values() if u.level == Level.STATE)
    user = User.objects.create_user(username="fuzz-head", password="pw", unit=state)
    RoleGrant.objects.create(user=user, role=Role.STATE_HEAD)
    return user


def _hostile(value: Any, *, numbers: bool, text: str) -> Any:
    """The same value made hostile: ints past 64 bits (`numbers`), or `text` appended to text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return HUGE if numbers else value
    if isinstance(value, str):
        return value if numbers else value + text
    if isinstance(value, list):
        return [_hostile(v, numbers=numbers, text=text) for v in value]
    if isinstance(value, dict):
        return {k: _hostile(v, numbers=numbers, text=text) for k, v in value.items()}
    return value


def _hostile_case(case: Case[Any], *, numbers: bool) -> Case[Any]:
    """The bad input of issue #12 in a generated case's shape: ids and limits past 64 bits in
    the path, query and body (`numbers`), or NUL in query text and a lone surrogate in body
    text. A new case (no generation metadata): schemathesis would re-check changed values."""
    body = case.body
    operation: Operation = case.operation
    hostile: Case[Any] = operation.Case(
        method=case.method,
        path_parameters=_hostile(dict(case.path_parameters or {}), numbers=numbers, text=""),
        headers=dict(case.headers or {}),
        query=_hostile(dict(case.query or {}), numbers=numbers, text="\x00"),
        # A lone surrogate can travel only inside JSON (as an escape); a multipart form is
        # bytes, which the client cannot even encode with one, so there it gets numbers only.
        body=_hostile(
            body,
            numbers=numbers,
            text="\ud800" if case.media_type == "application/json" else "",
        )
        if isinstance(body, dict | list)
        else body,
        media_type=case.media_type,
    )
    return hostile


class Run:
    """Sends cases through the WSGI app as the logged-in user; counts them and the 5xx."""

    def __init__(self, session: str) -> None:
        self.app = get_wsgi_application()
        self.cookies = {"sessionid": session, "csrftoken": CSRF}
        self.headers = {"X-CSRFToken": CSRF}
        self.cases = 0
        self.failures: list[str] = []

    def send(self, case: Case[Any]) -> None:
        self.cases += 1
        label = f"{case.method} {case.formatted_path} {case.query or ''}"[:200]
        try:
            # A savepoint per request, as each request has its own transaction outside tests:
            # a statement PostgreSQL refuses must not abort the test's whole transaction.
            with transaction.atomic():
                response = case.call(app=self.app, cookies=self.cookies, headers=self.headers)
        except Exception as exc:  # an exception the app let out is a server error too
            self.failures.append(f"{label} -> {type(exc).__name__}: {exc}"[:300])
            return
        if response.status_code >= 500:
            self.failures.append(f"{label} -> {response.status_code}")

    def test_for(self, operation: Operation, mode: GenerationMode) -> Callable[[], None]:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Case[Any]) -> None:
            self.send(case)
            if mode == GenerationMode.POSITIVE:
                # the same request made hostile: once with huge numbers, once with bad text
                self.send(_hostile_case(case, numbers=True))
                self.send(_hostile_case(case, numbers=False))

        return run


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Requests leave the database connection open, as Django's test client arranges: at the
    end of a request Django closes a connection whose autocommit differs from the settings', and
    inside the test's transaction (PostgreSQL) that is every request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_no_operation_answers_5xx(client):
    # given a state head's session on a database with data in every app
    client.force_login(_state_head())
    raw = client.get("/api/openapi.json")
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    operations: list[Operation] = []
    invalid: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:
            invalid.append(str(result.err()))
    assert not invalid, invalid
    # every operation of the schema is run: none is skipped for want of a strategy
    assert len(operations) == sum(len(item) for item in raw.json()["paths"].values())
    run = Run(client.cookies["sessionid"].value)
    # when every operation gets a few positive (each also made hostile) and negative examples
    with _connection_kept():
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run.test_for(operation, mode)()
    # then nothing answered 5xx
    print(f"schemathesis: {len(operations)} operations, {run.cases} cases, {len(run.failures)} 5xx")  # noqa: T201
    assert run.cases >= len(operations) * 4
    failures = "\n".join(run.failures)
    assert not run.failures, f"{len(run.failures)} server errors in {run.cases} cases:\n{failures}"
