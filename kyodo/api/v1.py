"""The Kyodo JSON API, version 1 (django-ninja). Mounted at /api/v1/ by kyodo.api.urls."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from kyodo.api.auth import PUBLIC, Anonymous
from kyodo.api.errors import ErrorOut, install_error_handlers
from kyodo.api.openapi_i18n import translate_schema
from kyodo.api.ratelimit import FixedWindowThrottle, rate_limit_headers
from kyodo.api.schemas import BIGINT_MAX, BIGINT_MIN, iter_integer_schemas, unstorable_values

DESCRIPTION = """\
The public data of Kyodo (協働) as JSON: the guideline, organizations, local issues,
projects, calls and decisions, events, news and statistics, and the main actions for
signed-in people.

- Reads need no account. Writes need the browser session (with the `X-CSRFToken` header)
  or a personal access token: `Authorization: Bearer kyodo_…`.
- Lists return `{"items": [...], "next_cursor": "..."}`; pass `cursor` to get the next page.
- Errors return `{"error": {"code": "...", "message": "...", "details": ...}}`. Every
  operation may answer 401 (a wrong or revoked token), 422 (parameters or body that do not
  match this document: text with NUL characters, integers beyond 64 bits …) and 429
  (rate limit, see `Retry-After`).
- Data licence: CC BY 4.0.
"""


class UnicodeJSONRenderer(JSONRenderer):
    # Japanese text as UTF-8, readable in curl output, not \\uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


class KyodoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # Short, stable ids ("list_organizations") for generated clients.
        return str(operation.view_func.__name__)

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        for name, value in rate_limit_headers(request).items():
            response[name] = value
        response.setdefault("Cache-Control", "private, no-cache")
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        name = Anonymous.__name__
        components = schema.setdefault("components", {})
        request_refs: set[str] = set()
        for path, path_item in schema.get("paths", {}).items():
            for method, operation in path_item.items():
                security = operation.get("security")
                if security:
                    # "Anonymous" is not a real scheme: an empty requirement means "no
                    # credentials needed".
                    operation["security"] = [{} if name in s else s for s in security]
                _document_shared_errors(path, method, operation)
                for parameter in operation.get("parameters", []):
                    _bound_integers(parameter.get("schema", {}))
                    _forbid_control_characters(parameter.get("schema", {}))
                body = operation.get("requestBody")
                if body:
                    _bound_integers(body)
                    _forbid_control_characters(body)
                    request_refs |= _refs(body)
        _bound_component_integers(components.get("schemas", {}), request_refs)
        _add_error_components(components)
        schemes = components.get("securitySchemes", {})
        schemes.pop(name, None)
        # Summaries and descriptions in the reader's language (kyodo.api.openapi_i18n).
        return translate_schema(schema)


# --- What every operation shares: the errors it may answer and the values it may store -------

_SAFE_METHODS = frozenset({"get", "head", "options"})
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_ERROR_DESCRIPTIONS = {
    400: "Malformed request body (not JSON)",
    401: "A token was sent but is wrong, revoked or of a deactivated account; or sign-in is needed",
    403: "Not allowed (or a session write without X-CSRFToken)",
    404: "Not found, or you may not know it exists",
    422: "Parameters or body do not match this document",
    429: "Too many requests: wait Retry-After seconds",
}
_ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
}


def _document_shared_errors(path: str, method: str, operation: dict[str, Any]) -> None:
    """Add to `operation` the error statuses the shared layer can answer for it, so that the
    document lists every status the API can return (schemathesis checks it), whatever the
    endpoint module declared: 429 everywhere (the throttle), 401 wherever a token may be
    sent, 403 for writes (CSRF), 404 with a path parameter, 422 with any parameter or body,
    400 with a body (not JSON)."""
    statuses = {429}
    if operation.get("security"):
        statuses.add(401)
        if method not in _SAFE_METHODS:
            statuses.add(403)
    if "{" in path:
        statuses.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses.add(400)
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        # ninja keys responses by int; the JSON document by string.
        key: int | str = str(status) if str(status) in responses else status
        response = responses.setdefault(
            key,
            {
                "description": _ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": dict(_ERROR_REF)}},
            },
        )
        if status in _ERROR_HEADERS:
            response.setdefault("headers", _ERROR_HEADERS[status])


def _bound_integers(schema: Any) -> None:
    for node in iter_integer_schemas(schema):
        if "maximum" not in node and "exclusiveMaximum" not in node:
            node["maximum"] = BIGINT_MAX
        if "minimum" not in node and "exclusiveMinimum" not in node:
            node["minimum"] = BIGINT_MIN


# The site's control-character rule (kyodo.core.text, multi-line variant), as the `pattern` of
# every free-text string a request carries: refused with 422 by reject_unstorable_values.
CONTROL_FREE_PATTERN = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"


def _forbid_control_characters(schema: Any) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if (
                node.get("type") == "string"
                and not {"pattern", "format", "enum", "const"} & node.keys()
            ):
                node["pattern"] = CONTROL_FREE_PATTERN
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _refs(schema: Any) -> set[str]:
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.add(ref.rsplit("/", 1)[-1])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _bound_component_integers(schemas: dict[str, Any], names: set[str]) -> None:
    """Bound the integers of the component schemas requests use (and those they refer to)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        _bound_integers(schemas[name])
        _forbid_control_characters(schemas[name])
        todo.extend(_refs(schemas[name]))


def _add_error_components(components: dict[str, Any]) -> None:
    schemas = components.setdefault("schemas", {})
    if "ErrorOut" not in schemas:
        generated = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(generated.pop("$defs", {}))
        schemas["ErrorOut"] = generated


def reject_unstorable_values(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Applied to every operation after ninja validated its arguments: 422 (invalid_request)
    for values no database can store (kyodo.api.schemas.unstorable_values: integers beyond
    BIGINT, NUL characters, lone surrogates, NaN/infinity), before the endpoint runs, so
    they never reach PostgreSQL as a 500. The site's RejectNulBytesMiddleware leaves /api/v1/
    to this check so the API answers with its own JSON errors."""

    @functools.wraps(view_func)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        match = getattr(request, "resolver_match", None)
        problems = unstorable_values(
            kwargs,
            path_names=frozenset(match.kwargs) if match is not None else frozenset(),
            query_names=request.GET,
        )
        if problems:
            raise NinjaValidationError(problems)
        return view_func(request, *args, **kwargs)

    return guarded


api = KyodoAPI(
    title="Kyodo API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    docs_url=None,  # the docs page is kyodo.api.views.docs (local assets, strict CSP)
    auth=PUBLIC,
    renderer=UnicodeJSONRenderer(),
    throttle=[FixedWindowThrottle()],
)
install_error_handlers(api)
api.add_decorator(reject_unstorable_values, mode="operation")


def _register() -> None:
    from kyodo.api.endpoints import register

    register(api)


_register()
