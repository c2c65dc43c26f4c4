"""Discovery: every URL pattern of the urlconf, with the places an object id can go.

The resolver is walked (the Ninja API included); a Ninja path's operations are merged and their
OpenAPI schema gives the id-carrying query parameters and body fields, and a minimal valid
request for each method.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from sampark.devtools.probe.registry import PATH_PARAMS, REGISTRY

# The admin site is for superusers only (staff accounts are not scoped users); it is listed,
# not probed.
EXCLUDED_PREFIXES: tuple[str, ...] = ("admin/",)
# Methods tried on plain Django views (their allowed methods cannot be read from the pattern).
DJANGO_METHODS: tuple[str, ...] = ("GET", "POST")


@dataclass(frozen=True)
class Param:
    name: str
    is_int: bool


@dataclass(frozen=True)
class Target:
    """Where an object id goes in a request: a path parameter, a query parameter or a body field."""

    where: str  # "path" | "query" | "body"
    name: str
    many: bool = False  # a list of ids in the body (`unit_ids`)

    @property
    def kind(self) -> str:
        return REGISTRY.get(self.name[:-1] if self.many else self.name, "unit")

    @property
    def by_path(self) -> bool:
        return self.name in PATH_PARAMS


def target_for(where: str, name: str) -> Target | None:
    if name in REGISTRY or name in PATH_PARAMS:
        return Target(where, name)
    if where == "body" and name.endswith("_ids") and name[:-1] in REGISTRY:
        return Target(where, name, many=True)
    return None


@dataclass
class Endpoint:
    route: str  # as written in the urlconf, e.g. "directives/<int:directive_id>/"
    template: str  # "directives/{directive_id}/"
    params: list[Param]
    methods: list[str]
    ninja: bool = False
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)  # method -> minimal request
    extra: dict[str, list[Target]] = field(default_factory=dict)  # method -> query/body targets

    @property
    def int_params(self) -> list[str]:
        return [p.name for p in self.params if p.is_int]

    def targets(self, method: str) -> list[Target]:
        path = [t for p in self.params if (t := target_for("path", p.name)) is not None]
        return path + self.extra.get(method, [])

    def probed(self) -> bool:
        return any(self.targets(m) for m in self.methods)

    def label(self) -> str:
        return f"{','.join(self.methods)} /{self.route}"


_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _segment(pattern: Any) -> tuple[str, str, dict[str, bool]]:
    """(route text, template, {param: is_int}) of one pattern segment."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        kinds = {name: isinstance(conv, IntConverter) for name, conv in pattern.converters.items()}
        return route, _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", route), kinds
    if isinstance(pattern, RegexPattern):
        regex = str(pattern)
        kinds = {m["name"]: m["body"] in (r"\d+", "[0-9]+") for m in _REGEX_GROUP.finditer(regex)}
        template = _REGEX_GROUP.sub(lambda m: "{" + m["name"] + "}", regex)
        template = template.lstrip("^").rstrip("$").replace("\\", "")
        return regex, template, kinds
    text = str(pattern)
    return text, text, {}


def _ninja_path_view(callback: Any) -> Any:
    """The Ninja PathView behind a Ninja URL pattern, or None for a plain Django view."""
    from ninja.operation import PathView

    func = getattr(callback, "__wrapped__", callback)
    if not inspect.isfunction(func) or not func.__closure__:
        return None
    for name, cell in zip(func.__code__.co_freevars, func.__closure__, strict=True):
        if name == "self" and isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _walk(
    patterns: Sequence[Any],
    route: str = "",
    template: str = "",
    kinds: dict[str, bool] | None = None,
) -> Iterator[tuple[str, str, dict[str, bool], URLPattern]]:
    for p in patterns:
        seg_route, seg_template, seg_kinds = _segment(p.pattern)
        merged = {**(kinds or {}), **seg_kinds}
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route + seg_route, template + seg_template, merged)
        elif isinstance(p, URLPattern):
            yield route + seg_route, template + seg_template, merged, p


def discover() -> list[Endpoint]:
    """Every URL pattern of the configured urlconf (a Ninja path's operations merged)."""
    found: dict[str, Endpoint] = {}
    schemas: dict[int, dict[str, Any]] = {}
    for route, template, kinds, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES) or route in found:
            continue
        path_view = _ninja_path_view(pattern.callback)
        if path_view is None:
            found[route] = Endpoint(
                route=route,
                template=template,
                params=[Param(n, is_int) for n, is_int in kinds.items()],
                methods=list(DJANGO_METHODS),
            )
        else:
            found[route] = _ninja_endpoint(route, template, kinds, path_view, schemas)
    return sorted(found.values(), key=lambda e: e.route)


def _ninja_endpoint(
    route: str,
    template: str,
    kinds: dict[str, bool],
    path_view: Any,
    schemas: dict[int, dict[str, Any]],
) -> Endpoint:
    """A Ninja path: its methods, int parameters (by annotation) and minimal requests."""
    endpoint = Endpoint(route=route, template=template, params=[], methods=[], ninja=True)
    is_int = dict(kinds)
    for op in path_view.operations:
        try:
            hints = typing.get_type_hints(op.view_func)
        except Exception:  # unresolvable hints: fall back to the name
            hints = {}
        for name in kinds:
            hint = hints.get(name)
            if hint is int or (hint is None and name.endswith("_id")):
                is_int[name] = True
        schema = _openapi(op.api, schemas)
        spec = schema.get("paths", {}).get("/" + template, {})
        defs = schema.get("components", {}).get("schemas", {})
        for method in op.methods:
            op_spec = spec.get(method.lower(), {})
            endpoint.methods.append(method)
            endpoint.requests[method] = _minimal_request(op_spec, defs)
            endpoint.extra[method] = _extra_targets(op_spec, defs)
    endpoint.params = [Param(n, i) for n, i in is_int.items()]
    return endpoint


def _openapi(api: Any, cache: dict[int, dict[str, Any]]) -> dict[str, Any]:
    if api is None:
        return {}
    if id(api) not in cache:
        try:
            cache[id(api)] = dict(api.get_openapi_schema())
        except Exception:  # a broken schema only costs us the minimal bodies
            cache[id(api)] = {}
    return cache[id(api)]


def _body_schema(spec: dict[str, Any], defs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    content = spec.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            return media, _resolve(content[media].get("schema", {}), defs)
    return "", {}


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _resolve(defs.get(ref.rsplit("/", 1)[-1], {}), defs)
    return schema


def _extra_targets(spec: dict[str, Any], defs: dict[str, Any]) -> list[Target]:
    """Query parameters and top-level body fields that carry an object id."""
    found = [
        t
        for p in spec.get("parameters", [])
        if p.get("in") == "query" and (t := target_for("query", p.get("name", ""))) is not None
    ]
    _, body = _body_schema(spec, defs)
    for options in body.get("anyOf", []) or [body]:
        for name in _resolve(options, defs).get("properties", {}):
            target = target_for("body", name)
            if target is not None:
                found.append(target)
    return found


def _minimal_request(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A minimal valid request for an operation: required query values and a body."""
    request: dict[str, Any] = {"query": {}}
    for p in spec.get("parameters", []):
        if p.get("in") == "query" and p.get("required"):
            request["query"][p["name"]] = _minimal(p.get("schema", {}), defs, name=p["name"])
    media, body = _body_schema(spec, defs)
    if media == "application/json":
        request["json"] = _minimal(body, defs)
    elif media == "multipart/form-data":
        form = _minimal(body, defs)
        request["form"] = form if isinstance(form, dict) else {}
    return request


FILE_SENTINEL = "__probe_file__"
# Plausible values for fields that services validate beyond their type.
NAMED_VALUES: dict[str, Any] = {
    "name": "Probe Name",
    "title": "Probe title",
    "phone": "+919999999999",
    "date_of_birth": "1990-01-01",
    "code": "000000",
}


def _minimal(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0, name: str = "") -> Any:
    """The smallest value that a JSON schema accepts (required fields only)."""
    if depth > 8:
        return None
    schema = _resolve(schema, defs)
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if options:
            if key != "allOf" and any(o.get("type") == "null" for o in options):
                return None
            return _minimal(options[0], defs, depth + 1, name)
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            prop: _minimal(props.get(prop, {}), defs, depth + 1, prop)
            for prop in schema.get("required", [])
        }
    if kind == "array":
        item = _minimal(schema.get("items", {}), defs, depth + 1, name)
        return [item] * int(schema.get("minItems", 0))
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format", "")
        if fmt == "binary":
            return FILE_SENTINEL
        if name in NAMED_VALUES:
            return NAMED_VALUES[name]
        return {
            "date": "2030-01-01",
            "date-time": "2030-01-01T00:00:00+05:30",
            "email": "probe@example.com",
            "uri": "https://example.com/",
        }.get(fmt, "x" * max(1, int(schema.get("minLength", 1))))
    return None
