"""Site-wide pages: home, accessibility policy, health check, and the error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kyodo.core.hooks import home_blocks
from kyodo.guideline.selectors import guideline_overview


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    blocks = []
    for block in home_blocks():
        context = block.context(request)
        if context is not None:
            blocks.append((block, context))
    return render(request, "core/home.html", {**guideline_overview(), "blocks": blocks})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", guideline_overview())


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: answers only when the database does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    """The benchmark floor: a minimal view through the same middleware stack."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _error(
    request: HttpRequest, status: int, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    try:
        return render(request, template, {**(extra or {})}, status=status)
    except Exception:  # the error page must never fail: fall back to plain text
        return HttpResponse(
            "エラーが発生しました。しばらくしてからもう一度お試しください。",
            status=status,
            content_type="text/plain; charset=utf-8",
        )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "core/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "core/500.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "core/403.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "core/400.html")


def lockout(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes: too many failed logins."""
    return _error(request, 429, "core/lockout.html")
