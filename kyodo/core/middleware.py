"""Security headers (CSP without inline scripts) and the session inactivity timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
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


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = getattr(response, "kyodo_relaxed_csp", False)
            response["Content-Security-Policy"] = CSP_API_DOCS if relaxed else CSP
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
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
