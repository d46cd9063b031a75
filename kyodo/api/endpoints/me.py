"""The caller: who the API thinks you are (useful to check a token)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from kyodo.api.auth import SIGNED_IN
from kyodo.api.errors import error_responses
from kyodo.api.models import PersonalAccessToken
from kyodo.api.schemas import PageQuery, page_schema, paginate
from kyodo.api.services import revoke_token

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    public_name: str
    authenticated_by: str
    token_name: str | None


@router.get("", auth=SIGNED_IN, response={200: MeOut, **error_responses(401, 429)})
def get_me(request: HttpRequest) -> Any:
    """Your public name and how you are authenticated ("token" or "session"). Your e-mail
    and other private data are never returned by the API."""
    token = getattr(request, "kyodo_api_token", None)
    user = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "public_name": user.public_name,
        "authenticated_by": "token" if token is not None else "session",
        "token_name": token.name if token is not None else None,
    }


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


TokenPage = page_schema(TokenOut, "TokenPage")


def token_out(token: PersonalAccessToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/tokens", auth=SIGNED_IN, response={200: TokenPage, **error_responses(401, 422, 429)})
def list_my_tokens(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Your personal access tokens (never the tokens themselves: only their first characters)."""
    return paginate(
        PersonalAccessToken.objects.filter(user=request.auth),  # type: ignore[attr-defined, misc]
        ordering=("-created_at", "-id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=token_out,
    )


@router.delete(
    "/tokens/{token_id}",
    auth=SIGNED_IN,
    response={200: TokenOut, **error_responses(401, 403, 404, 429)},
)
def revoke_my_token(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of your tokens (for example the one a leaked script used). Same rule as the
    token settings page: `api.revoke_token`."""
    user = request.auth  # type: ignore[attr-defined]
    token = get_object_or_404(PersonalAccessToken, pk=token_id)
    if not user.has_perm("api.revoke_token", token):
        raise Http404  # someone else's token: do not confirm it exists
    return token_out(revoke_token(actor=user, token=token))
