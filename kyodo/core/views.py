"""Site-wide pages: home, accessibility policy, health check, and the error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
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


# The latest accessibility check, shown on the policy page (検査結果). Update it after each
# full run of tests/browser: the date, the axe-core version, and the number of page types
# checked = the distinct `axe_check(..., name=...)` screens in tests/browser (each page type,
# with its error or empty states, loaded at 360px and 1280px): on 2026-11-26, 133 in the
# test_*_pages.py files plus 3 only in the project journey (agreement with its approval form,
# completion report form, evaluation form). kyodo/core/tests/test_accessibility_policy.py
# fails if the number claimed exceeds the screens the tests check.
ACCESSIBILITY_CHECK: dict[str, Any] = {
    "checked_on": dt.date(2026, 11, 26),
    "tool": "axe-core 4.12.1",
    "browser": "Chromium",
    "widths": (360, 1280),
    "page_types": 136,
    "violations": 0,
    "journeys": (
        _("A resident signs up, joins a group, raises a local issue and registers for an event."),
        _(
            "A reviewer scores a subsidy application; a reviewer with a conflict of interest "
            "is refused; the coordinator sees the ranking."
        ),
        _(
            "A group proposes a project; a department consults; both sign the agreement; "
            "then they report and evaluate."
        ),
    ),
}


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/accessibility.html", {**guideline_overview(), "check": ACCESSIBILITY_CHECK}
    )


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
    from kyodo.core.params import InvalidParameter

    # Say which parameter was wrong (kyodo.core.params); other 400s keep the general text.
    detail = str(exception) if isinstance(exception, InvalidParameter) else ""
    return _error(request, 400, "core/400.html", {"detail": detail})


def lockout(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes: too many failed logins."""
    return _error(request, 429, "core/lockout.html")
