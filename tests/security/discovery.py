"""Discovery shared by the security tests: every form class, URL pattern and API operation.

Generated from the code, so a new form, view or operation is covered (or makes a test fail
until it is described) without anyone editing these files."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver


def kyodo_apps() -> list[Any]:
    return [a for a in apps.get_app_configs() if a.name.startswith("kyodo.")]


def form_classes() -> list[tuple[str, type[forms.BaseForm]]]:
    """Every public form class defined in a kyodo.<app>.forms module."""
    found = []
    for app in kyodo_apps():
        name = f"{app.name}.forms"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for attr, obj in sorted(vars(module).items()):
            if (
                isinstance(obj, type)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == name
                and not attr.startswith("_")
            ):
                found.append((f"{name}.{attr}", obj))
    return found


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route string when the pattern has no name
    route: str  # the full route, e.g. "privacy/requests/<int:pk>/"
    params: tuple[str, ...]  # the captured keyword arguments

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            params = tuple(p.pattern.converters) if hasattr(p.pattern, "converters") else ()
            if not params:
                params = tuple(p.pattern.regex.groupindex)
            resolver_params = tuple(_prefix_params(prefix))
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
            yield Route(name=name, route=route, params=resolver_params + params)


def _prefix_params(prefix: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", prefix)


def url_routes() -> list[Route]:
    """Every URL pattern of the site except Django's admin and the API's own operations
    (those are enumerated from the OpenAPI schema instead)."""
    routes = []
    for route in _walk(get_resolver().url_patterns, "", ""):
        if route.name.startswith("admin:") or route.route.startswith("admin/"):
            continue
        if route.name.startswith("api:v1") or route.name.startswith("api:api-1"):
            continue
        routes.append(route)
    return routes


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation in the public API's OpenAPI schema."""
    try:
        from kyodo.api.v1 import api
    except ImportError:
        return []
    schema = api.get_openapi_schema()
    ops = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method, op in sorted(item.items()):
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append(
                    (method.upper(), path, {**op, "_components": schema.get("components", {})})
                )
    return ops
