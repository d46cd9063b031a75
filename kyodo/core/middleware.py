"""Security headers (CSP without inline scripts) and the session inactivity timeout."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


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


class _BodyTooLarge(Exception):
    pass


class CountingReader:
    """A file-like wrapper of wsgi.input that refuses to read past `limit` bytes."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream, self.limit, self.count = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        want = self.limit + 1 - self.count if size is None or size < 0 else size
        data = self.stream.read(min(want, self.limit + 1 - self.count))
        self.count += len(data)
        if self.count > self.limit:
            raise _BodyTooLarge
        return bytes(data)


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than KYODO_MAX_REQUEST_BYTES with 413, before any of it
    is read or spooled (ASVS 5.0 V4.1/V5.2: limits on request size).

    - With Content-Length, the header decides: nothing is read.
    - Without it (Transfer-Encoding: chunked), the body is read through a counting reader
      into a spooled file; past the limit the request is refused, otherwise the view reads the
      spooled copy as if it had come with a Content-Length.
    The reverse proxy refuses earlier still (nginx `client_max_body_size`, docs/security.md).
    Placed first in MIDDLEWARE, so the answer is a plain Japanese page (no session or
    template machinery has run yet) or, under /api/, the API's JSON error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.KYODO_MAX_REQUEST_BYTES)
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if raw_length.strip():
            text = raw_length.strip()
            if not (text.isascii() and text.isdigit()):
                return self._refuse(request, 400)
            length = int(text)
            if length > limit:
                return self._refuse(request, 413)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            stream = request.META.get("wsgi.input")
            if stream is not None:
                # Closed with the request (Django closes request._stream at the end).
                spooled = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115
                reader = CountingReader(stream, limit)
                try:
                    while chunk := reader.read(64 * 1024):
                        spooled.write(chunk)
                except _BodyTooLarge:
                    spooled.close()
                    return self._refuse(request, 413)
                spooled.seek(0)
                request.META["CONTENT_LENGTH"] = str(reader.count)
                request._stream = spooled  # type: ignore[attr-defined,assignment]
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int) -> HttpResponse:
        limit_mb = max(1, int(settings.KYODO_MAX_UPLOAD_BYTES) // (1024 * 1024))
        if status == 413:
            code = "payload_too_large"
            message = _(
                "The data sent is too large. Files can be up to %(mb)s MB; please send a "
                "smaller file."
            ) % {"mb": limit_mb}
        else:
            code, message = "bad_request", _("The request could not be understood.")
        if request.path_info.startswith("/api/"):
            body = {"error": {"code": code, "message": message, "details": None}}
            response: HttpResponse = JsonResponse(
                body, status=status, json_dumps_params={"ensure_ascii": False}
            )
        else:
            title = _("The data sent is too large") if status == 413 else _("Bad request")
            page = (
                '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
                f'<p>{escape(message)}</p><p><a href="/">{escape(_("Back to the home page"))}'
                "</a></p></main></body></html>"
            )
            response = HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
        # The rest of the body is not read: the connection cannot be reused for another request.
        response["Connection"] = "close"
        return response
