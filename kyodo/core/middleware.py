"""Security headers (CSP without inline scripts) and the session inactivity timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


def _tile_origin() -> str:
    """The map tile server's origin (scheme://host[:port]) for img-src, or "" if unset."""
    url = urlsplit(getattr(settings, "KYODO_MAP_TILE_URL", "") or "")
    return f"{url.scheme}://{url.netloc}" if url.scheme in ("http", "https") and url.netloc else ""


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: {_tile_origin()}".strip(),
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# The interactive API docs page loads its own bundled assets; it is the only exception.
CSP_API_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

# Powerful browser features the site never uses: no page (or injected script) may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "display-capture",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Adds the CSP and the other headers Django's SecurityMiddleware does not set.

    A response may bring its own CSP (file downloads set a sandbox); a view may set
    `response.kyodo_relaxed_csp = True` (only the API docs page does) to allow inline code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = getattr(response, "kyodo_relaxed_csp", False)
            response["Content-Security-Policy"] = CSP_API_DOCS if relaxed else CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class SessionIdleTimeoutMiddleware:
    """Log a signed-in person out after KYODO_SESSION_IDLE_SECONDS without a request."""

    key = "kyodo_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.key)
            if last is not None and now - int(last) > settings.KYODO_SESSION_IDLE_SECONDS:
                logout(request)
            elif last is None or now - int(last) > 60:
                # Write at most once a minute so reads do not turn into session writes.
                request.session[self.key] = now
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """Answer 400 to a request whose query string, form fields or JSON body contain a NUL
    character. PostgreSQL text cannot hold NUL, so a view that filters on a raw query
    parameter would otherwise fail with a 500; no legitimate input contains it.

    Multipart bodies are not parsed here (views may change upload handlers); their text
    fields go through forms, whose CharFields refuse NUL already.

    The JSON API (/api/v1/) checks every value itself and answers a documented JSON 422
    (kyodo.api.v1.reject_unstorable_values), so it is left to that check.
    """

    exempt_prefixes = ("/api/v1/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(self.exempt_prefixes) and self._has_nul(request):
            return HttpResponseBadRequest(
                "NUL characters are not allowed.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type.startswith("application/x-www-form-urlencoded"):
                return any(
                    "\x00" in key or any("\x00" in v for v in values)
                    for key, values in request.POST.lists()
                )
            if content_type.startswith("application/json"):
                body = request.body
                return b"\\u0000" in body or b"\x00" in body
        return False
