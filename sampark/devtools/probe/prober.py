"""The prober: one logged-in client per user, requests in rolled-back savepoints, verdicts."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client

from sampark.accounts.models import User
from sampark.devtools.probe.discovery import FILE_SENTINEL, Endpoint, Target, target_for
from sampark.devtools.probe.registry import KINDS, UNSCOPED
from sampark.devtools.probe.world import PROBE_CODE, Viewer, World

NONEXISTENT_OFFSET = 1_000_000


class _Rollback(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    is_json: bool

    @classmethod
    def of(cls, response: HttpResponseBase) -> Answer:
        is_json = response.get("Content-Type", "").startswith("application/json")
        return cls(response.status_code, _text(response, is_json=is_json), is_json)


@dataclass
class Call:
    method: str
    url: str
    request: dict[str, Any]

    def shown(self) -> str:
        query = self.request.get("query") or {}
        return f"{self.method} {self.url}" + (f"?{urlencode(query)}" if query else "")


class Prober:
    def __init__(self, *, world: World, viewers: list[Viewer], rng: random.Random) -> None:
        self.world = world
        self.viewers = viewers
        self.rng = rng
        self.clients: dict[int, Client] = {}
        self.leaks: list[str] = []
        self.validation_first: set[str] = set()
        self.reached: set[str] = set()
        # Endpoints whose positive control found an in-scope object to ask for (a random world
        # may give no viewer any object of a kind: then there is nothing to reach).
        self.tried: set[str] = set()
        self.cache: dict[tuple[int, str, str, str], Answer | str] = {}
        self.max_ids: dict[str, int] = {}
        for name, kind in KINDS.items():
            top = kind.table.objects.aggregate(m=Max("id"))["m"] if kind.table else None
            self.max_ids[name] = int(top or 0)

    def client(self, user: User) -> Client:
        """One logged-in client per user, reused for all of that user's probes."""
        c = self.clients.get(user.id)
        if c is None:
            c = Client(raise_request_exception=True)
            if self.clients:
                # One handler (one middleware chain) for all users; only cookies differ.
                c.handler = next(iter(self.clients.values())).handler
            c.force_login(user)
            self.clients[user.id] = c
        return c

    # -- building requests

    def value(self, target: Target, object_id: int) -> Any:
        one: Any = self.world.units[object_id].path if target.by_path else object_id
        return [one] if target.many else one

    def missing(self, target: Target) -> Any:
        top = self.max_ids.get(target.kind, 0) + NONEXISTENT_OFFSET
        one: Any = f"{PROBE_CODE}/X{top}" if target.by_path else top
        return [one] if target.many else one

    def fill(
        self, endpoint: Endpoint, viewer: Viewer, fixed: dict[str, Any]
    ) -> dict[str, str] | None:
        """Values for every path parameter: `fixed` ones, the others inside the user's scope."""
        values = dict(fixed)
        for p in endpoint.params:
            if p.name in values:
                continue
            if p.name in UNSCOPED:
                values[p.name] = UNSCOPED[p.name](self.world, self.rng)
                continue
            target = target_for("path", p.name)
            if target is None:
                return None
            pool = viewer.inside.get(target.kind) or list(KINDS[target.kind].ids(self.world))
            if not pool:
                return None
            values[p.name] = self.value(target, self.rng.choice(pool))
        return {k: str(v) for k, v in values.items()}

    def build(
        self,
        endpoint: Endpoint,
        method: str,
        viewer: Viewer,
        target: Target,
        value: Any,
        object_id: int,
    ) -> Call | None:
        """The request putting `value` at the target, the rest of it valid and in scope."""
        fixed: dict[str, Any] = {}
        if target.where == "path":
            fixed[target.name] = value
            names = {p.name for p in endpoint.params}
            companions = KINDS[target.kind].companions(self.world, object_id, self.rng)
            for name, other in companions.items():
                if name in names and name not in fixed:
                    fixed[name] = other
        values = self.fill(endpoint, viewer, fixed)
        if values is None:
            return None
        request = copy_request(endpoint.requests.get(method, {}))
        if target.where == "query":
            request["query"][target.name] = value
        elif target.where == "body":
            key = "json" if "json" in request else "form"
            body = request.get(key)
            request[key] = {**(body if isinstance(body, dict) else {}), target.name: value}
        return Call(method, self.url(endpoint, values), request)

    def url(self, endpoint: Endpoint, values: dict[str, str]) -> str:
        out = endpoint.template
        for name, value in values.items():
            out = out.replace("{" + name + "}", value)
        return "/" + out

    def request(self, viewer: Viewer, call: Call) -> Answer | str:
        """Send one request in a savepoint that is always rolled back; a crash comes back as text."""
        client = self.client(viewer.user)
        request = call.request
        url = call.url
        if request.get("query"):
            url += "?" + urlencode(request["query"], doseq=True)
        try:
            with transaction.atomic():
                if "json" in request:
                    response = client.generic(
                        call.method,
                        url,
                        json.dumps(request["json"]),
                        content_type="application/json",
                    )
                elif call.method == "GET":
                    response = client.get(url)
                elif call.method == "POST":
                    response = client.post(url, _with_files(request.get("form") or {}))
                else:
                    response = client.generic(call.method, url, b"")
                # Read the body before the savepoint goes: a stream may still query.
                raise _Rollback(Answer.of(response))
        except _Rollback as done:
            return done.answer
        except Exception as exc:  # a crash is reported as a leak, not raised
            return f"{type(exc).__name__}: {exc}"[:300]

    def request_cached(self, viewer: Viewer, call: Call) -> Answer | str:
        """`request` for the nonexistent-id comparisons, which repeat (a filter's `?unit_id=`)."""
        key = (
            viewer.user.id,
            call.method,
            call.url,
            json.dumps(call.request, sort_keys=True, default=str),
        )
        if key not in self.cache:
            self.cache[key] = self.request(viewer, call)
        return self.cache[key]

    # -- probing

    def probe_one(self, endpoint: Endpoint, method: str, viewer: Viewer, target: Target) -> bool:
        """One request with an out-of-scope object at the target; False if none could be built."""
        pool = viewer.outside.get(target.kind, [])
        if not pool:
            return False
        object_id = self.rng.choice(pool)
        call = self.build(
            endpoint, method, viewer, target, self.value(target, object_id), object_id
        )
        if call is None:
            return False
        result = self.request(viewer, call)
        self.judge(endpoint, viewer, call, result, target, object_id)
        return True

    def judge(
        self,
        endpoint: Endpoint,
        viewer: Viewer,
        call: Call,
        result: Answer | str,
        target: Target,
        object_id: int,
    ) -> None:
        where = f"{call.shown()} as {who(viewer)}"
        if target.where != "path":
            where += f" ({target.where} {target.name}={object_id})"
        if isinstance(result, str):
            self.leaks.append(f"{where} -> exception {result}")
            return
        status = result.status
        body = result.text
        secrets = KINDS[target.kind].secrets(self.world, viewer, object_id)
        shown = [s for s in secrets if s and _mentions(body, s)]
        if shown:
            self.leaks.append(f"{where} -> {status} shows {shown[0]!r}")
            return
        if status in (404, 405):
            return
        if status in (400, 422) or target.where != "path":
            # Input validated before the lookup, or a filter/field: harmless only if an id that
            # does not exist gets the very same answer (nothing about the object is revealed).
            other = self.request_cached(viewer, self.swap(endpoint, call, target))
            if not isinstance(other, str) and other.status == status and other.text == body:
                if status in (400, 422):
                    self.validation_first.add(f"{call.method} /{endpoint.route} ({status})")
                return
        self.leaks.append(f"{where} -> {status}")

    def swap(self, endpoint: Endpoint, call: Call, target: Target) -> Call:
        """The same request with the target replaced by an id that does not exist."""
        missing = self.missing(target)
        request = copy_request(call.request)
        url = call.url
        if target.where == "query":
            request["query"][target.name] = missing
        elif target.where == "body":
            key = "json" if "json" in request else "form"
            request[key] = {**request[key], target.name: missing}
        else:
            url = _swap_segment(call.url, endpoint, target.name, str(missing))
        return Call(call.method, url, request)

    def reach(self, endpoint: Endpoint, method: str) -> None:
        """Positive control: with an object in scope, something other than a 404 comes back."""
        targets = endpoint.targets(method)
        for _ in range(30 if targets else 0):
            target = self.rng.choice(targets)
            viewers = [v for v in self.viewers if v.inside.get(target.kind)]
            if not viewers:
                continue
            viewer = self.rng.choice(viewers)
            self.tried.add(f"{method} /{endpoint.route}")
            object_id = self.rng.choice(viewer.inside[target.kind])
            call = self.build(
                endpoint, method, viewer, target, self.value(target, object_id), object_id
            )
            if call is None:
                continue
            result = self.request(viewer, call)
            if not isinstance(result, str) and result.status != 404:
                self.reached.add(f"{method} /{endpoint.route}")
                return


def copy_request(request: dict[str, Any]) -> dict[str, Any]:
    out = dict(request)
    out["query"] = dict(request.get("query") or {})
    for key in ("json", "form"):
        if isinstance(out.get(key), dict):
            out[key] = dict(out[key])
    return out


def _with_files(form: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (
            SimpleUploadedFile("probe.csv", b"name,phone\n", content_type="text/csv")
            if v == FILE_SENTINEL
            else v
        )
        for k, v in form.items()
    }


def _swap_segment(url: str, endpoint: Endpoint, name: str, value: str) -> str:
    """The same URL with one path parameter's value replaced."""
    names: list[str] = []

    def group(m: re.Match[str]) -> str:
        names.append(m[1])
        return "([^/]+)"

    regex = re.sub(r"\\\{(\w+)\\\}", group, re.escape("/" + endpoint.template))
    match = re.fullmatch(regex, url)
    if match is None:
        return url
    out = "/" + endpoint.template
    for param, current in zip(names, match.groups(), strict=True):
        out = out.replace("{" + param + "}", value if param == name else current)
    return out


def who(viewer: Viewer) -> str:
    roles = "+".join(sorted(viewer.user.role_names))
    return f"{viewer.user.username} ({roles}@{viewer.root.path if viewer.root else '-'})"


def _text(response: HttpResponseBase, *, is_json: bool) -> str:
    if isinstance(response, StreamingHttpResponse):
        raw = b"".join(
            chunk if isinstance(chunk, bytes) else str(chunk).encode()
            for chunk in response.streaming_content  # type: ignore[union-attr]
        )
    elif isinstance(response, HttpResponse):
        raw = response.content
    else:
        raw = b""
    text = raw.decode("utf-8", "replace")
    if is_json:
        try:
            # Devanagari comes \u-escaped in JSON; compare names as the reader sees them.
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


_MENTION_CACHE: dict[str, re.Pattern[str]] = {}


def _mentions(body: str, secret: str) -> bool:
    """Whether `secret` appears as a whole token ("District 1" is not in "District 10")."""
    if secret not in body:
        return False
    pattern = _MENTION_CACHE.get(secret)
    if pattern is None:
        pattern = re.compile(r"(?<!\w)" + re.escape(secret) + r"(?!\w)")
        _MENTION_CACHE[secret] = pattern
    return pattern.search(body) is not None
