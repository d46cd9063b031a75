"""Pages of the API app: the interactive API documentation, personal access tokens and
the open-data download page. The JSON API itself is kyodo.api.v1."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.api.forms import TokenForm
from kyodo.api.models import PersonalAccessToken
from kyodo.api.opendata import (
    datasets,
    history_entries,
    latest_manifest,
    latest_member,
    package_files,
    package_path,
)
from kyodo.api.services import create_token, revoke_token
from kyodo.api.v1 import api

# Swagger UI as shipped inside the django-ninja package (never copied into this repository).
NINJA_ASSETS = {"swagger-ui-bundle.js", "swagger-ui.css"}
NINJA_STATIC_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def ninja_asset_url(name: str) -> str:
    """Served by whitenoise when "ninja" is in INSTALLED_APPS, else by docs_asset."""
    if apps.is_installed("ninja"):
        return static(f"ninja/{name}")
    return reverse("api:docs-asset", args=[name])


@require_safe
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in NINJA_ASSETS:
        raise Http404
    path = NINJA_STATIC_DIR / name
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"), content_type=mimetypes.guess_type(name)[0] or "text/plain"
    )
    patch_cache_control(response, public=True, max_age=86400)
    return response


def _endpoint_table(schema: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            security = operation.get("security") or []
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "needs_sign_in": bool(security) and {} not in security,
                    "anchor": operation.get("operationId", ""),
                }
            )
    return rows


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """What the API offers, how to authenticate, every endpoint (works without JavaScript),
    and the interactive Swagger UI as a progressive enhancement."""
    openapi_url = reverse("api:v1:openapi-json")
    schema = api.get_openapi_schema(path_prefix=reverse("api:v1:api-root"))
    return render(
        request,
        "api/docs.html",
        {
            "openapi_url": openapi_url,
            "base_url": request.build_absolute_uri(reverse("api:v1:api-root")),
            "endpoints": _endpoint_table(schema),
            "swagger_js": ninja_asset_url("swagger-ui-bundle.js"),
            "swagger_css": ninja_asset_url("swagger-ui.css"),
            "rate_limit": api_rate_limit(),
        },
    )


def api_rate_limit() -> int:
    from kyodo.api.ratelimit import limit_per_minute

    return limit_per_minute()


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's JSON error format."""
    return JsonResponse(
        {
            "error": {
                "code": "not_found",
                "message": _("Not found. It does not exist or you cannot see it."),
                "details": None,
            }
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """A person's personal access tokens: create (shown once), see when used, revoke."""
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_token = create_token(actor=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("name" if getattr(exc, "error_dict", None) else None, message)
        else:
            form = TokenForm()
    tokens = PersonalAccessToken.objects.filter(user_id=int(request.user.pk or 0)).order_by(
        "-created_at", "-id"
    )[:100]
    response = render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "docs_url": reverse("api:docs")},
    )
    # The page may show a token once: never keep it in any cache.
    patch_cache_control(response, no_store=True)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken, pk=pk)
    if not request.user.has_perm("api.revoke_token", token):
        # Someone else's token: do not even confirm it exists.
        raise Http404
    try:
        revoke_token(actor=request.user, token=token)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("The token “%(name)s” was revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("api:tokens")


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    manifest = latest_manifest()
    latest = None
    if manifest is not None:
        generated = parse_datetime(manifest["generated_at"])
        rows = manifest.get("rows", {})
        built = manifest.get("built_at", {})
        changes = manifest.get("changes", {})
        latest = {
            "file": manifest["file"],
            "url": reverse("api:open-data-download", args=[manifest["file"]]),
            "generated_at": generated,
            "size": manifest.get("size", 0),
            "sha256": manifest.get("sha256", ""),
            "datasets": [
                {
                    "dataset": d,
                    "rows": rows[d.name],
                    "built_at": parse_datetime(built[d.name]) if d.name in built else generated,
                    "changes": changes.get(d.name),
                    "csv_url": reverse("api:open-data-latest", args=[f"csv/{d.name}.csv"]),
                    "json_url": reverse("api:open-data-latest", args=[f"json/{d.name}.json"]),
                }
                for d in datasets()
                if d.name in rows
            ],
            "catalog_url": reverse("api:open-data-latest", args=["catalog.jsonld"]),
            "ckan_url": reverse("api:open-data-latest", args=["ckan.json"]),
            "datapackage_url": reverse("api:open-data-latest", args=["datapackage.json"]),
            "changes_url": reverse("api:open-data-latest", args=["changes.csv"]),
        }
    on_disk = {p.name for p in package_files()}
    older = [
        {
            "file": h["file"],
            "url": reverse("api:open-data-download", args=[h["file"]]),
            "size": h.get("size", 0),
            "generated_at": parse_datetime(str(h.get("generated_at", ""))),
            "rows": h.get("rows", 0),
        }
        for h in history_entries()
        if h.get("file") in on_disk and (latest is None or h["file"] != latest["file"])
    ]
    return render(
        request,
        "api/open_data.html",
        {"latest": latest, "older": older, "docs_url": reverse("api:docs")},
    )


LATEST_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
}


@require_safe
def open_data_latest(request: HttpRequest, member: str) -> HttpResponse:
    """One file of the latest package (what catalogue harvesters download)."""
    content = latest_member(member)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=LATEST_TYPES[Path(member).suffix])
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_safe
def open_data_download(request: HttpRequest, filename: str) -> FileResponse:
    path = package_path(filename)
    if path is None:
        raise Http404
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=3600)
    return response
