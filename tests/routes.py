"""Every URL pattern of the project, made concrete, for the access and audit tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from helhed.api import api

_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


@dataclass(frozen=True)
class Route:
    path: str  # concrete path, e.g. /borgere/<uuid>/
    name: str  # namespace:name, or the pattern when it has no name
    is_api: bool


def _concrete(pattern, values: dict[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        return _CONVERTER.sub(lambda m: values.get(m["name"], values["*"]), str(pattern))
    assert isinstance(pattern, RegexPattern)
    regex = pattern.regex.pattern.lstrip("^").replace("\\Z", "").rstrip("$")

    def group(m):
        if m["name"] in values:
            return values[m["name"]]
        return m["body"].split("|")[0] if "|" in m["body"] else "x"

    return _REGEX_GROUP.sub(group, regex).replace("\\", "")


def all_routes(values: dict[str, str]) -> list[Route]:
    """Walk the URL map. ``values`` gives a value per parameter name; ``"*"`` is the default."""
    routes: list[Route] = []
    api_prefix = "api/v1/"

    def walk(patterns, prefix: str, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + _concrete(p.pattern, values), ns)
            elif isinstance(p, URLPattern):
                path = "/" + prefix + _concrete(p.pattern, values)
                name = f"{namespace}{p.name}" if p.name else str(p.pattern)
                routes.append(Route(path=path, name=name, is_api=path.startswith("/" + api_prefix)))

    walk(get_resolver().url_patterns, "", "")
    return routes


def api_operations(values: dict[str, str]) -> list[tuple[str, str]]:
    """(method, concrete path) for every operation in the OpenAPI spec."""
    spec = api.get_openapi_schema()
    ops = []
    for path, methods in spec["paths"].items():
        concrete = re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], values["*"]), path)
        ops.extend((method.upper(), concrete) for method in methods)
    return ops
