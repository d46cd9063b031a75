"""Who is calling: a personal access token (`Authorization: Bearer kyodo_…`), the browser
session (CSRF-checked for writes), or nobody (public reads only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from kyodo.api.services import authenticate_token


class TokenAuth(HttpBearer):
    """A personal access token. A token that is sent but wrong is refused (401), never
    silently treated as anonymous."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header and not header.lower().startswith("bearer "):
            raise AuthenticationError()
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token.strip())
        if found is None:
            raise AuthenticationError()
        request.user = found.user
        request.kyodo_api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; ninja checks the CSRF token on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class Anonymous:
    """Lets public reads through without credentials. Marked in the OpenAPI document as an
    empty security requirement (see KyodoAPI.get_openapi_schema)."""

    openapi_security_schema = {"type": "http", "scheme": "anonymous"}

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()
anonymous = Anonymous()

PUBLIC: list[Callable[..., Any]] = [token_auth, session_auth, anonymous]
SIGNED_IN: list[Callable[..., Any]] = [token_auth, session_auth]


def caller(request: HttpRequest) -> Any:
    """The authenticated user, or AnonymousUser."""
    return getattr(request, "auth", None) or AnonymousUser()
