"""Security headers on every response, and cookie flags in production."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from kyodo.core.middleware import CSP, CSP_API_DOCS, SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": False,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_SECURE": True,
}


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/healthz", "/no-such-page/"])
def test_every_header_on_pages(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    csp = _directives(response["Content-Security-Policy"])
    # No inline scripts or styles, no eval, no plug-ins, no framing, no foreign forms.
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in v for values in csp.values() for v in values)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    # HSTS is not sent in development (plain HTTP).
    assert "Strict-Transport-Security" not in response


def test_pages_contain_no_inline_script_or_style(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
    assert ' style="' not in html and "<style" not in html
    assert " onclick=" not in html and " onload=" not in html


def test_relaxed_csp_only_for_flagged_responses():
    rf = RequestFactory()

    def flagged(request):
        response = HttpResponse("docs")
        response.kyodo_relaxed_csp = True  # type: ignore[attr-defined]
        return response

    def own_csp(request):
        response = HttpResponse("file")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    assert (
        SecurityHeadersMiddleware(flagged)(rf.get("/"))["Content-Security-Policy"] == CSP_API_DOCS
    )
    assert (
        SecurityHeadersMiddleware(lambda r: HttpResponse())(rf.get("/"))["Content-Security-Policy"]
        == CSP
    )
    assert (
        SecurityHeadersMiddleware(own_csp)(rf.get("/"))["Content-Security-Policy"]
        == "default-src 'none'; sandbox"
    )
    relaxed = _directives(CSP_API_DOCS)
    # Even the relaxed variant may not be framed, load plug-ins or post elsewhere.
    assert relaxed["frame-ancestors"] == ["'none'"]
    assert relaxed["object-src"] == ["'none'"]
    assert relaxed["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in CSP_API_DOCS


@override_settings(**PRODUCTION)
def test_hsts_and_https_redirect_in_production(client):
    redirect = client.get("/accessibility/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://testserver/accessibility/"
    response = client.get("/accessibility/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def _cookie_flags(cookie) -> tuple[bool, bool, str]:
    return bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]


@override_settings(**PRODUCTION)
def test_cookies_are_secure_httponly_samesite_in_production(client):
    from kyodo.accounts.tests.factories import UserFactory

    # CSRF cookie: set by any page with a form.
    home = client.get("/", secure=True)
    csrf = home.cookies["csrftoken"]
    assert _cookie_flags(csrf) == (True, True, "Lax")
    # Language cookie: set by the language switch.
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    assert _cookie_flags(switched.cookies["django_language"]) == (True, True, "Lax")
    # Session cookie: set by a real log-in through the admin login form.
    UserFactory(email="admin@example.jp", is_staff=True, is_superuser=True)
    login = client.post(
        "/admin/login/",
        {"username": "admin@example.jp", "password": "correct-horse-battery", "next": "/admin/"},
        secure=True,
    )
    assert login.status_code == 302, login.content[:500]
    assert _cookie_flags(login.cookies["sessionid"]) == (True, True, "Lax")


def test_nul_bytes_are_refused_before_any_view():
    from kyodo.core.middleware import RejectNulBytesMiddleware

    rf = RequestFactory()
    seen = []

    def view(request):
        seen.append(request)
        return HttpResponse("ok")

    mw = RejectNulBytesMiddleware(view)
    assert mw(rf.get("/", {"q": "a\x00b"})).status_code == 400
    assert mw(rf.get("/", {"a\x00": "x"})).status_code == 400
    form = "application/x-www-form-urlencoded"
    assert mw(rf.post("/", "details=a%00b", content_type=form)).status_code == 400
    assert (
        mw(rf.post("/", data='{"title": "a\\u0000"}', content_type="application/json")).status_code
        == 400
    )
    assert seen == []
    assert mw(rf.get("/", {"q": "普通の検索 👨‍👩‍👧"})).status_code == 200
    assert (
        mw(rf.post("/", data='{"title": "ok"}', content_type="application/json")).status_code == 200
    )
    assert (
        mw(rf.post("/", "details=%E6%94%B9%0D%0A%E8%A1%8C", content_type=form)).status_code == 200
    )
    assert len(seen) == 3
