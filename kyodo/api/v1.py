"""The Kyodo JSON API, version 1 (django-ninja). Mounted at /api/v1/ by kyodo.api.urls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from kyodo.api.auth import PUBLIC, Anonymous
from kyodo.api.errors import install_error_handlers
from kyodo.api.ratelimit import FixedWindowThrottle

DESCRIPTION = """\
The public data of Kyodo (協働) as JSON: the guideline, organizations, local issues,
projects, calls and decisions, events, news and statistics, and the main actions for
signed-in people.

- Reads need no account. Writes need the browser session (with the `X-CSRFToken` header)
  or a personal access token: `Authorization: Bearer kyodo_…`.
- Lists return `{"items": [...], "next_cursor": "..."}`; pass `cursor` to get the next page.
- Errors return `{"error": {"code": "...", "message": "...", "details": ...}}`.
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
        limit = getattr(request, "kyodo_rate_limit", None)
        if limit is not None:
            total, remaining, reset = limit
            response["X-RateLimit-Limit"] = str(total)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(int(reset) + 1)
        response.setdefault("Cache-Control", "private, no-cache")
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        name = Anonymous.__name__
        # "Anonymous" is not a real scheme: an empty requirement means "no credentials needed".
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                security = operation.get("security")
                if security:
                    operation["security"] = [{} if name in s else s for s in security]
        schemes = schema.get("components", {}).get("securitySchemes", {})
        schemes.pop(name, None)
        return schema


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


def _register() -> None:
    from kyodo.api.endpoints import register

    register(api)


_register()
