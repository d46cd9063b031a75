"""Every API error is JSON: {"error": {"code": "machine_code", "message": "…", "details": …}}.

`code` is stable and meant for programs; `message` is for people, in Japanese by default
(the request's language, from Accept-Language or the language cookie)."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from kyodo.api.openapi_i18n import pydantic_message

logger = logging.getLogger("kyodo.api")

# Service validation errors raised with one of these codes mean "the state does not allow
# this any more" (already done, already full…): 409 rather than 422.
CONFLICT_CODES = frozenset({"conflict", "duplicate", "already_exists", "invalid_state", "closed"})


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "details": details}}
    return api.create_response(request, body, status=status)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request could not be understood.")),
        401: (
            "not_authenticated",
            _("Sign in or send a valid access token (Authorization: Bearer …)."),
        ),
        403: ("permission_denied", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found. It does not exist or you cannot see it.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        409: ("conflict", _("This cannot be done in the current state.")),
        422: ("validation_failed", _("Some of the values are not valid.")),
        429: ("rate_limited", _("Too many requests. Wait a moment and try again.")),
        500: ("server_error", _("An error occurred on the server. Please try again later.")),
    }


def standard_error(
    api: NinjaAPI, request: HttpRequest, status: int, details: Any = None
) -> HttpResponse:
    code, message = _messages().get(status, ("error", _("An error occurred.")))
    return error_response(api, request, status, code, message, details)


def _validation_details(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return [str(m) for m in exc.messages]


def _jsonable_pydantic_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        out.append(
            {
                "loc": [str(p) for p in err.get("loc", ())],
                "type": str(err.get("type", "")),
                "message": pydantic_message(err),
            }
        )
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    def on_ninja_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "invalid_request",
            _("Some of the values sent are not valid."),
            _jsonable_pydantic_errors(exc.errors),
        )

    def on_authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        response = standard_error(api, request, 401)
        response["WWW-Authenticate"] = 'Bearer realm="kyodo"'
        return response

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = standard_error(api, request, 429)
        wait = getattr(exc, "wait", None)
        if wait is not None:
            response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 403 and "CSRF" in str(exc):
            return error_response(
                api,
                request,
                403,
                "csrf_failed",
                _("The CSRF check failed. Send the X-CSRFToken header, or use an access token."),
            )
        return standard_error(api, request, exc.status_code)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return standard_error(api, request, 404)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return standard_error(api, request, 403)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        codes = {e.code for e in exc.error_list} if hasattr(exc, "error_list") else set()
        if hasattr(exc, "error_dict"):
            codes = {e.code for errs in exc.error_dict.values() for e in errs}
        status = 409 if codes & CONFLICT_CODES else 422
        messages = exc.messages
        message = messages[0] if len(messages) == 1 else _messages()[status][1]
        code = next(iter(codes & CONFLICT_CODES), None) or (
            "conflict" if status == 409 else "validation_failed"
        )
        return error_response(api, request, status, code, message, _validation_details(exc))

    def on_integrity(request: HttpRequest, exc: Any) -> HttpResponse:
        return standard_error(api, request, 409)

    def on_bad_body(request: HttpRequest, exc: Any) -> HttpResponse:
        # A multipart body without (or with a broken) boundary, or one that cannot be read:
        # the request is malformed, not the server (finding 5 of issue 21).
        return error_response(
            api,
            request,
            400,
            "bad_request",
            _(
                "The request body could not be read. Send JSON, or multipart/form-data with a boundary."
            ),
        )

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, 413, "payload_too_large", _("The request is too large.")
        )

    def on_exception(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return standard_error(api, request, 500)

    api.add_exception_handler(NinjaValidationError, on_ninja_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(IntegrityError, on_integrity)
    api.add_exception_handler(MultiPartParserError, on_bad_body)
    api.add_exception_handler(UnreadablePostError, on_bad_body)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_exception)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error part of an operation's `response=` declaration, for the OpenAPI document."""
    return dict.fromkeys(statuses, ErrorOut)
