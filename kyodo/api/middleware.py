"""The API promises JSON errors everywhere; ninja answers a method a path does not offer with
a plain-text 405. This turns that one response into the API's error body."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/v1/"


class JsonMethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
        body = {
            "error": {
                "code": "method_not_allowed",
                "message": _("This method is not allowed here."),
                "details": {"allowed": allowed},
            }
        }
        json_response = JsonResponse(body, status=405, json_dumps_params={"ensure_ascii": False})
        json_response["Allow"] = ", ".join(allowed)
        return json_response
